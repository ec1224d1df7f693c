package dev.berth.it;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Berth process for integration tests: the packaged JVM application, or the native executable
 * when the build made one ({@code native.image.path}), on a free loopback port, with its own data
 * directory and log file. Tests talk to it over HTTP like any client.
 */
public final class RegistryProcess implements AutoCloseable {
  private final Path dataDir;
  private final boolean ownsDataDir;
  private final Path log;
  private final int port;
  private final Process process;

  private RegistryProcess(Path dataDir, boolean ownsDataDir, Path log, int port, Process process) {
    this.dataDir = dataDir;
    this.ownsDataDir = ownsDataDir;
    this.log = log;
    this.port = port;
    this.process = process;
  }

  /** What {@link #awaitReady} waits for after a start. */
  public enum Ready {
    /** {@code GET /v2/} answers 200: the registry serves requests. */
    V2,
    /** {@code GET /q/health/live} answers 200: the process is up, storage may not be. */
    LIVE,
    /** Nothing: the test waits itself (for HTTPS, say). */
    NONE
  }

  /** How a process that was expected to refuse to start ended. */
  public record Exit(int code, String log) {}

  /** How a command of the binary ({@code berth tokens ...}) ended: its answer and its messages apart. */
  public record CommandResult(int code, String stdout, String stderr) {
    public String describe() {
      return "exit " + code + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr;
    }
  }

  /** Options for a start; defaults: filesystem storage in a fresh temp directory, JVM -Xmx256m. */
  public static final class Options {
    final Map<String, String> env = new LinkedHashMap<>();
    final List<String> jvmArgs = new ArrayList<>(List.of("-Xmx256m"));
    Path dataDir;
    int port;
    Ready ready = Ready.V2;
    final List<String> args = new ArrayList<>();

    /** Program arguments: a command of the binary ({@code gc --dry-run}) instead of the registry. */
    public Options args(String... args) {
      this.args.addAll(List.of(args));
      return this;
    }

    public Options env(String name, String value) {
      env.put(name, value);
      return this;
    }

    /**
     * Replaces the default JVM options. The native executable takes only {@code -Xmx} and
     * {@code -D} (system properties, such as a trust store) and ignores the others.
     */
    public Options jvmArgs(String... args) {
      jvmArgs.clear();
      jvmArgs.addAll(List.of(args));
      return this;
    }

    /** Reuses a data directory (to restart a registry over the same storage). */
    public Options dataDir(Path dir) {
      this.dataDir = dir;
      return this;
    }

    /** Waits for this instead of {@code GET /v2/} = 200 after the start. */
    public Options ready(Ready ready) {
      this.ready = ready;
      return this;
    }

    /** Listens on this port instead of a free one. */
    public Options port(int port) {
      this.port = port;
      return this;
    }
  }

  public static Options options() {
    return new Options();
  }

  public static RegistryProcess start() throws IOException, InterruptedException {
    return start(options());
  }

  public static RegistryProcess start(Options o) throws IOException, InterruptedException {
    int port = o.port > 0 ? o.port : freePort();
    Path data = o.dataDir != null ? o.dataDir : Files.createTempDirectory("berth-it-data");
    Path log = Files.createTempFile("berth-it-", ".log");
    RegistryProcess r = new RegistryProcess(data, o.dataDir == null, log, port, builder(o, port, data, log).start());
    r.awaitReady(o.ready, Duration.ofSeconds(60));
    return r;
  }

  /**
   * Starts a registry that is expected to refuse to start, and waits for it to exit: its exit
   * code and everything it logged. Fails when it is still running after {@code timeout}.
   */
  public static Exit runToExit(Options o, Duration timeout) throws IOException, InterruptedException {
    int port = o.port > 0 ? o.port : freePort();
    Path data = o.dataDir != null ? o.dataDir : Files.createTempDirectory("berth-it-data");
    Path log = Files.createTempFile("berth-it-", ".log");
    try (RegistryProcess r = new RegistryProcess(data, o.dataDir == null, log, port, builder(o, port, data, log).start())) {
      if (!r.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException("registry still running after " + timeout + ":\n" + r.log());
      }
      return new Exit(r.process.exitValue(), r.log());
    }
  }

  /**
   * Runs a command of the binary ({@code args}, e.g. {@code tokens list}) with the options'
   * configuration and data directory, and waits for it.
   */
  public static CommandResult command(Options o, Duration timeout, String... args) throws IOException, InterruptedException {
    Path data = o.dataDir != null ? o.dataDir : Files.createTempDirectory("berth-it-data");
    Path out = Files.createTempFile("berth-it-cmd-", ".out");
    Path err = Files.createTempFile("berth-it-cmd-", ".err");
    try {
      ProcessBuilder pb = builder(o.args(args), freePort(), data, out);
      pb.redirectErrorStream(false).redirectError(err.toFile());
      Process p = pb.start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("berth " + String.join(" ", args) + " still running after " + timeout + ":\n" + Files.readString(err));
      }
      return new CommandResult(p.exitValue(), Files.readString(out), Files.readString(err));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
      if (o.dataDir == null) {
        TempDirs.delete(data);
      }
    }
  }

  /** Whether the tests run the native executable (else the packaged JVM application). */
  public static boolean nativeExecutable() {
    String nativeImage = System.getProperty("native.image.path");
    return nativeImage != null && !nativeImage.isBlank() && !nativeImage.contains("${") && Files.isExecutable(Path.of(nativeImage));
  }

  private static ProcessBuilder builder(Options o, int port, Path data, Path log) {
    List<String> cmd = new ArrayList<>();
    if (nativeExecutable()) {
      cmd.add(System.getProperty("native.image.path"));
      for (String a : o.jvmArgs) {
        if (a.startsWith("-Xmx") || a.startsWith("-D")) {
          cmd.add(a);
        }
      }
    } else {
      cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      cmd.addAll(o.jvmArgs);
      cmd.add("-jar");
      cmd.add(jar().toString());
    }
    cmd.addAll(o.args);
    ProcessBuilder pb = new ProcessBuilder(cmd)
        .redirectErrorStream(true)
        .redirectOutput(log.toFile());
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("BERTH_") || k.startsWith("AZURE_") || k.equals("SETTINGS_FLAVOR") || k.equals("STORAGE_PATH"));
    env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
    env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
    env.put("BERTH_STORAGE_FILESYSTEM_ROOT", data.toString());
    env.putAll(o.env);
    return pb;
  }

  static Path jar() {
    String jar = System.getProperty("berth.jar", "target/quarkus-app/quarkus-run.jar");
    Path p = Path.of(jar);
    if (!Files.exists(p)) {
      throw new IllegalStateException("no packaged registry at " + p + ": run the tests with mvn verify");
    }
    return p;
  }

  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private void awaitReady(Ready ready, Duration timeout) throws IOException, InterruptedException {
    if (ready == Ready.NONE) {
      return;
    }
    String path = ready == Ready.V2 ? "/v2/" : "/q/health/live";
    if (!await200(process, port, path, timeout, log)) {
      String text = log();
      close();
      throw new IllegalStateException("registry did not become ready in " + timeout + ":\n" + text);
    }
  }

  /**
   * Waits until {@code GET /v2/} on the loopback port answers 200: true when it does, false when
   * the timeout passes first. Fails at once, with the log, when the process exits.
   */
  static boolean awaitV2(Process process, int port, Duration timeout, Path log)
      throws IOException, InterruptedException {
    return await200(process, port, "/v2/", timeout, log);
  }

  private static boolean await200(Process process, int port, String path, Duration timeout, Path log)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("registry exited with " + process.exitValue() + ":\n" + Files.readString(log));
      }
      try {
        HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + path).toURL().openConnection();
        c.setConnectTimeout(500);
        c.setReadTimeout(2000);
        int status = c.getResponseCode();
        // 401 on /v2/: the registry serves requests and wants a sign-in (auth on)
        if (status == 200 || (status == 401 && path.equals("/v2/"))) {
          return true;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(20);
    }
    return false;
  }

  public int port() {
    return port;
  }

  /** {@code http://127.0.0.1:<port>} */
  public String url() {
    return "http://127.0.0.1:" + port;
  }

  /** {@code 127.0.0.1:<port>}, as image references name a registry. */
  public String hostPort() {
    return "127.0.0.1:" + port;
  }

  public Path dataDir() {
    return dataDir;
  }

  public long pid() {
    return process.pid();
  }

  public Process process() {
    return process;
  }

  public String log() throws IOException {
    return Files.readString(log);
  }

  /** Kills the process at once (SIGKILL), as a crash would. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** Stops the process with SIGTERM and returns its exit status. */
  public int stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
    return process.exitValue();
  }

  /**
   * Stops the process, then deletes the log and the data directory this class created (one given
   * with {@link Options#dataDir} belongs to the test and stays).
   */
  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      stop();
    }
    try {
      Files.deleteIfExists(log);
    } catch (IOException e) {
      // best effort: the log is in /tmp
    }
    if (ownsDataDir) {
      TempDirs.delete(dataDir);
    }
  }
}
