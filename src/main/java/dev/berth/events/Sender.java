package dev.berth.events;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Delivers one endpoint's events in order, on its own daemon thread, so a slow or dead receiver
 * only ever delays its own queue: {@link #offer} never waits, and an event that doesn't fit is
 * dropped, counted, and reported in the log at most once per {@link #DROP_REPORT_INTERVAL}.
 * Failed attempts (no answer, 408, 429, 5xx) are retried with exponential backoff up to the
 * endpoint's attempt limit; other answers are final. Logs name the endpoint, never its URL's
 * query, headers or secret.
 */
final class Sender implements AutoCloseable {
  static final Duration DROP_REPORT_INTERVAL = Duration.ofMinutes(1);
  private static final Logger LOG = Logger.getLogger(Sender.class);

  private final Endpoint endpoint;
  private final DeliveryMetrics metrics;
  private final BlockingQueue<byte[]> queue;
  private final HttpClient http;
  private final Thread thread;
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong lastDropReport = new AtomicLong(Long.MIN_VALUE);
  private volatile boolean closed;

  Sender(Endpoint endpoint, DeliveryMetrics metrics) {
    this.endpoint = endpoint;
    this.metrics = metrics;
    this.queue = new ArrayBlockingQueue<>(endpoint.queueSize());
    this.http = HttpClient.newBuilder().connectTimeout(endpoint.timeout())
        .followRedirects(HttpClient.Redirect.NEVER).build();
    this.thread = new Thread(this::run, "berth-webhook-" + endpoint.name());
    thread.setDaemon(true);
    thread.start();
  }

  /** Queues a CloudEvent body; false (and counted) when the queue is full. */
  boolean offer(byte[] body) {
    if (queue.offer(body)) {
      return true;
    }
    metrics.dropped(endpoint.name());
    long total = dropped.incrementAndGet();
    long now = System.nanoTime();
    long last = lastDropReport.get();
    if ((last == Long.MIN_VALUE || now - last >= DROP_REPORT_INTERVAL.toNanos()) && lastDropReport.compareAndSet(last, now)) {
      LOG.warnf("webhook %s: queue full (%d events), %d events dropped so far", endpoint.name(), endpoint.queueSize(), total);
    }
    return false;
  }

  long dropped() {
    return dropped.get();
  }

  private void run() {
    while (!closed) {
      byte[] body;
      try {
        body = queue.take();
      } catch (InterruptedException e) {
        return;
      }
      if (!deliver(body)) {
        return;
      }
    }
  }

  /** Tries the body up to the attempt limit; false when interrupted (shutting down). */
  private boolean deliver(byte[] body) {
    HttpRequest request = request(body);
    for (int attempt = 1; ; attempt++) {
      String problem;
      try {
        HttpResponse<Void> r = http.send(request, HttpResponse.BodyHandlers.discarding());
        int s = r.statusCode();
        if (s >= 200 && s < 300) {
          metrics.delivery(endpoint.name(), "delivered");
          return true;
        }
        problem = "answered " + s;
        if (s != 408 && s != 429 && s < 500) {
          return givenUp(attempt, problem + " (not retried)");
        }
      } catch (IOException e) {
        problem = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
      } catch (InterruptedException e) {
        return false;
      }
      if (attempt >= endpoint.maxAttempts()) {
        return givenUp(attempt, problem);
      }
      metrics.delivery(endpoint.name(), "retried");
      Duration wait = endpoint.delayBefore(attempt + 1);
      LOG.debugf("webhook %s: attempt %d %s; retrying in %s", endpoint.name(), attempt, problem, wait);
      try {
        Thread.sleep(wait.toMillis());
      } catch (InterruptedException e) {
        return false;
      }
    }
  }

  private boolean givenUp(int attempts, String problem) {
    metrics.delivery(endpoint.name(), "failed");
    LOG.warnf("webhook %s: event given up after %d attempt(s), last %s", endpoint.name(), attempts, problem);
    return true;
  }

  private HttpRequest request(byte[] body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(endpoint.url())
        .timeout(endpoint.timeout())
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    endpoint.headers().forEach(b::header);
    b.header("Content-Type", "application/cloudevents+json; charset=utf-8");
    endpoint.secret().ifPresent(s -> b.header(Signature.HEADER, Signature.of(s, body)));
    return b.build();
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
  }
}
