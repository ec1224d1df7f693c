package dev.berth.it;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Azurite, the Azure Storage emulator (npm devDependency, installed by {@code npm ci}), started
 * on a free 127.0.0.1 port with its own data directory, and stopped by {@link #close}. Tests talk
 * to it exactly as Berth talks to Azure.
 */
public final class Azurite implements AutoCloseable {
  /** Azurite's well-known development account; test-only, never under src/main. */
  public static final String ACCOUNT = "devstoreaccount1";
  public static final String KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

  private static Azurite shared;

  private final int port;
  private final Path location;
  private final Path log;
  private final List<String> extraArgs;
  private Process process;

  private Azurite(int port, Path location, Path log, List<String> extraArgs) {
    this.port = port;
    this.location = location;
    this.log = log;
    this.extraArgs = extraArgs;
  }

  /** One Azurite for the whole test JVM (tests isolate themselves with their own containers). */
  public static synchronized Azurite shared() {
    if (shared == null) {
      try {
        shared = start();
      } catch (IOException | InterruptedException e) {
        throw new IllegalStateException("could not start Azurite", e);
      }
      Azurite s = shared;
      Runtime.getRuntime().addShutdownHook(new Thread(s::closeQuietly));
    }
    return shared;
  }

  public static Azurite start() throws IOException, InterruptedException {
    return start(List.of());
  }

  /**
   * Azurite over HTTPS with OAuth ({@code --oauth basic}: bearer tokens are decoded and their
   * issuer, audience and lifetime checked, signatures are not), as token credentials need.
   */
  public static Azurite startWithOAuth(Path pfx, String password) throws IOException, InterruptedException {
    return start(List.of("--oauth", "basic", "--cert", pfx.toString(), "--pwd", password));
  }

  /** Azurite on a chosen port: a test first points Berth at a port nobody listens on, then starts storage there. */
  public static Azurite startOnPort(int port) throws IOException, InterruptedException {
    return start(port, List.of());
  }

  private static Azurite start(List<String> extraArgs) throws IOException, InterruptedException {
    return start(RegistryProcess.freePort(), extraArgs);
  }

  private static Azurite start(int port, List<String> extraArgs) throws IOException, InterruptedException {
    Azurite a = new Azurite(port, Files.createTempDirectory("azurite"), Files.createTempFile("azurite-", ".log"), extraArgs);
    a.launch();
    return a;
  }

  private static Path executable() {
    Path dir = Path.of(System.getProperty("maven.multiModuleProjectDirectory", System.getProperty("user.dir")));
    Path bin = dir.resolve("node_modules/.bin/azurite-blob");
    if (!Files.isExecutable(bin)) {
      throw new IllegalStateException("Azurite is not installed at " + bin + ": run `npm ci` in the project directory");
    }
    return bin;
  }

  private void launch() throws IOException, InterruptedException {
    List<String> cmd = new java.util.ArrayList<>(List.of(executable().toString(),
        "--blobHost", "127.0.0.1", "--blobPort", Integer.toString(port),
        "--location", location.toString(),
        "--disableTelemetry", "--skipApiVersionCheck", "--loose", "--silent"));
    cmd.addAll(extraArgs);
    process = new ProcessBuilder(cmd)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("Azurite exited: " + Files.readString(log));
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException e) {
        Thread.sleep(100);
      }
    }
    throw new IllegalStateException("Azurite did not listen on " + port + ": " + Files.readString(log));
  }

  /** Stops the emulator, keeping its data, as an outage would. */
  public void stop() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.descendants().forEach(ProcessHandle::destroy);
      process.destroy();
      process.waitFor(20, TimeUnit.SECONDS);
    }
  }

  /** Starts it again on the same port over the same data. */
  public void restart() throws IOException, InterruptedException {
    stop();
    launch();
  }

  public int port() {
    return port;
  }

  /** The blob endpoint of the development account. */
  public String endpoint() {
    return (extraArgs.contains("--cert") ? "https" : "http") + "://127.0.0.1:" + port + "/" + ACCOUNT;
  }

  public String connectionString() {
    return "DefaultEndpointsProtocol=http;AccountName=" + ACCOUNT + ";AccountKey=" + KEY + ";BlobEndpoint=" + endpoint() + ";";
  }

  /** Environment for a Berth process on this Azurite with an account key. */
  public Map<String, String> sharedKeyEnv(String container) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("BERTH_STORAGE_DRIVER", "azure");
    env.put("BERTH_STORAGE_AZURE_ACCOUNT_NAME", ACCOUNT);
    env.put("BERTH_STORAGE_AZURE_ACCOUNT_KEY", KEY);
    env.put("BERTH_STORAGE_AZURE_ENDPOINT", endpoint());
    env.put("BERTH_STORAGE_AZURE_CONTAINER", container);
    return env;
  }

  /** Config properties (for {@code @QuarkusTest} profiles) for this Azurite with an account key. */
  public Map<String, String> sharedKeyConfig(String container) {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("berth.storage.driver", "azure");
    c.put("berth.storage.azure.account-name", ACCOUNT);
    c.put("berth.storage.azure.account-key", KEY);
    c.put("berth.storage.azure.endpoint", endpoint());
    c.put("berth.storage.azure.container", container);
    return c;
  }

  @Override
  public void close() throws IOException, InterruptedException {
    stop();
    try (Stream<Path> s = Files.walk(location)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
    Files.deleteIfExists(log);
  }

  private void closeQuietly() {
    try {
      close();
    } catch (Exception e) {
      // shutting down anyway
    }
  }
}
