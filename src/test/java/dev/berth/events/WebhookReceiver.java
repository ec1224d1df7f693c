package dev.berth.events;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.function.Predicate;

/**
 * A webhook receiver on 127.0.0.1 for tests: records every request; paths under {@code /slow}
 * answer after {@link #SLOW}, under {@code /error} always 500, the rest 200.
 */
public final class WebhookReceiver implements AutoCloseable {
  public static final Duration SLOW = Duration.ofSeconds(3);

  /** One request as received; {@code headers} keys are lower case. */
  public record Delivery(String path, Map<String, String> headers, byte[] body, long receivedNanos) {
    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private final HttpServer server;
  private final ConcurrentLinkedQueue<Delivery> received = new ConcurrentLinkedQueue<>();

  private WebhookReceiver(HttpServer server) {
    this.server = server;
  }

  public static WebhookReceiver start() {
    try {
      HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      s.setExecutor(Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "webhook-receiver");
        t.setDaemon(true);
        return t;
      }));
      WebhookReceiver w = new WebhookReceiver(s);
      s.createContext("/", w::handle);
      s.start();
      return w;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A port nothing listens on (a receiver that is down). */
  public static int closedPort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  private void handle(HttpExchange x) throws IOException {
    byte[] body = x.getRequestBody().readAllBytes();
    Map<String, String> headers = new java.util.TreeMap<>();
    x.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), String.join(",", v)));
    String path = x.getRequestURI().getPath();
    received.add(new Delivery(path, headers, body, System.nanoTime()));
    int status = 200;
    try {
      if (path.startsWith("/slow")) {
        Thread.sleep(SLOW.toMillis());
      } else if (path.startsWith("/error")) {
        status = 500;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    x.sendResponseHeaders(status, -1);
    x.close();
  }

  /** The deliveries so far that pass the filter. */
  public List<Delivery> received(Predicate<Delivery> filter) {
    return received.stream().filter(filter).toList();
  }

  /** Waits up to {@code timeout} for at least {@code count} deliveries that pass the filter. */
  public List<Delivery> await(Predicate<Delivery> filter, int count, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<Delivery> got = received(filter);
    while (got.size() < count && System.nanoTime() < deadline) {
      Thread.sleep(50);
      got = received(filter);
    }
    return got;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
