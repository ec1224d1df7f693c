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
 * A private containerd for a test (it must run as root): its own config, root, state, opt
 * directory and sockets in a temp directory, the CRI plugin and the snapshotters that need kernel
 * or disk support off, so it shares nothing with a system containerd. {@code ctr} talks to it
 * with {@link #ctr}; {@link #close()} stops it by pid and removes its files.
 */
final class Containerd implements AutoCloseable {
  private final String ctr;
  private final Path home;
  private final Path socket;
  private final Path log;
  private final Process process;
  private final Thread shutdownHook;

  private Containerd(String ctr, Path home, Process process) {
    this.ctr = ctr;
    this.home = home;
    this.socket = home.resolve("containerd.sock");
    this.log = home.resolve("containerd.log");
    this.process = process;
    this.shutdownHook = new Thread(() -> Cmd.killTree(process.toHandle()), "containerd-stopper");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** Starts one and waits until {@code ctr version} answers (at most 60 s). */
  static Containerd start(String containerd, String ctr) throws IOException, InterruptedException {
    Path home = TempDirs.create("berth-containerd-");
    Files.writeString(home.resolve("config.toml"), String.join("\n",
        "version = 2",
        "root = \"" + home.resolve("root") + "\"",
        "state = \"" + home.resolve("state") + "\"",
        "disabled_plugins = [\"io.containerd.grpc.v1.cri\", \"io.containerd.snapshotter.v1.btrfs\","
            + " \"io.containerd.snapshotter.v1.zfs\", \"io.containerd.snapshotter.v1.devmapper\", \"io.containerd.snapshotter.v1.aufs\"]",
        "[grpc]", "  address = \"" + home.resolve("containerd.sock") + "\"",
        "[ttrpc]", "  address = \"" + home.resolve("containerd.sock.ttrpc") + "\"",
        "[debug]", "  address = \"\"",
        "[metrics]", "  address = \"\"",
        "[plugins.\"io.containerd.internal.v1.opt\"]", "  path = \"" + home.resolve("opt") + "\"", ""));
    Process p = new ProcessBuilder(containerd, "--config", home.resolve("config.toml").toString())
        .redirectErrorStream(true).redirectOutput(home.resolve("containerd.log").toFile()).start();
    Containerd c = new Containerd(ctr, home, p);
    try {
      c.awaitReady(Duration.ofSeconds(60));
    } catch (RuntimeException | AssertionError e) {
      c.close();
      throw e;
    }
    return c;
  }

  private void awaitReady(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        fail("containerd exited with " + process.exitValue() + ":\n" + log());
      }
      if (Files.exists(socket) && ctr("version").timeout(Duration.ofSeconds(10)).run().succeeded()) {
        return;
      }
      Thread.sleep(250);
    }
    fail("containerd did not answer within " + timeout + ":\n" + log());
  }

  /** A {@code ctr} command against this containerd. */
  Cmd ctr(String... args) {
    List<String> cmd = new ArrayList<>(List.of(ctr, "--address", socket.toString()));
    cmd.addAll(List.of(args));
    return Cmd.of(cmd);
  }

  Path home() {
    return home;
  }

  String log() {
    try {
      return Files.exists(log) ? Files.readString(log) : "(no log)";
    } catch (IOException e) {
      return "(log unreadable: " + e + ")";
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
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
