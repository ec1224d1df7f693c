package dev.berth.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private Docker daemon for a test: its own data root, exec root, pid file, config file and
 * unix socket in a temp directory; no iptables, no bridge, vfs storage, so it touches nothing of
 * the machine's networking and needs no kernel overlay support. It starts its own containerd
 * (unless a system containerd is already listening at /run/containerd). {@link #close()} stops it
 * and whatever it started, by pid, and removes its directories.
 */
final class DockerDaemon implements AutoCloseable {
  private final String docker;
  private final Path home;
  private final Path socket;
  private final Path log;
  private final Process process;
  /** Takes the daemon down if the test JVM ends without {@link #close()} (a killed fork). */
  private final Thread shutdownHook;

  private DockerDaemon(String docker, Path home, Path socket, Path log, Process process) {
    this.docker = docker;
    this.home = home;
    this.socket = socket;
    this.log = log;
    this.process = process;
    this.shutdownHook = new Thread(() -> Cmd.killTree(process.toHandle()), "dockerd-stopper");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** Starts a daemon and waits until it answers (at most 90 s). */
  static DockerDaemon start(String dockerd, String docker) throws IOException, InterruptedException {
    return start(dockerd, docker, "{}");
  }

  /** {@link #start(String, String)} with this {@code daemon.json} ({@code registry-mirrors}, ...). */
  static DockerDaemon start(String dockerd, String docker, String daemonJson) throws IOException, InterruptedException {
    Path home = TempDirs.create("berth-dockerd-");
    Path socket = home.resolve("docker.sock");
    Path log = home.resolve("dockerd.log");
    Files.writeString(home.resolve("daemon.json"), daemonJson + "\n");
    Files.createDirectories(home.resolve("client"));
    List<String> cmd = List.of(dockerd,
        "--config-file", home.resolve("daemon.json").toString(),
        "--data-root", home.resolve("data").toString(),
        "--exec-root", home.resolve("exec").toString(),
        "--pidfile", home.resolve("dockerd.pid").toString(),
        "-H", "unix://" + socket,
        "--storage-driver=vfs",
        "--iptables=false", "--ip6tables=false", "--ip-masq=false", "--bridge=none",
        "--userland-proxy=false");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().remove("DOCKER_HOST");
    Process p = pb.start();
    DockerDaemon d = new DockerDaemon(docker, home, socket, log, p);
    try {
      d.awaitReady(Duration.ofSeconds(90));
    } catch (RuntimeException | AssertionError e) {
      d.close();
      throw e;
    }
    return d;
  }

  private void awaitReady(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        fail("dockerd exited with " + process.exitValue() + ":\n" + log());
      }
      if (Files.exists(socket)) {
        Cmd.Result r = docker("version", "--format", "{{.Server.Version}}").timeout(Duration.ofSeconds(10)).run();
        if (r.succeeded()) {
          return;
        }
      }
      Thread.sleep(250);
    }
    fail("dockerd did not answer within " + timeout + ":\n" + log());
  }

  /** A docker CLI command against this daemon, with a private client config. */
  Cmd docker(String... args) {
    List<String> cmd = new ArrayList<>(List.of(docker, "-H", "unix://" + socket));
    cmd.addAll(List.of(args));
    return Cmd.of(cmd).env("DOCKER_CONFIG", home.resolve("client").toString());
  }

  long pid() {
    return process.pid();
  }

  String log() {
    try {
      return Files.exists(log) ? Files.readString(log) : "(no log)";
    } catch (IOException e) {
      return "(log unreadable: " + e + ")";
    }
  }

  /** Stops the daemon (SIGTERM, then SIGKILL), then anything it left running, then its files. */
  @Override
  public void close() throws InterruptedException {
    List<ProcessHandle> children = new ArrayList<>(process.toHandle().descendants().toList());
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    }
    for (ProcessHandle c : children) {
      if (c.isAlive()) {
        c.destroy();
        try {
          c.onExit().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
          c.destroyForcibly();
        }
      }
    }
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // already shutting down
    }
    TempDirs.delete(home);
  }
}
