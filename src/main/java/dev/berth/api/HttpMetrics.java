package dev.berth.api;

import dev.berth.config.BerthConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Berth's HTTP metrics (README, "Metrics"), recorded by the first route handler of every request
 * when {@code berth.metrics.enabled}: latency by route template, method and status, body bytes
 * received and sent by route, uploads receiving bytes, and refused sign-ins. Labels come from
 * fixed sets only (a {@link RegistryPath.Kind}'s template, a known method, a status), never from
 * the path, so no repository name, tag or upload id becomes a label. Quarkus' own HTTP binder is
 * off (application.properties) as its {@code uri} label would carry names.
 */
@Singleton
public class HttpMetrics {
  /** Why a sign-in or a request was refused (the {@code reason} label of {@code berth_auth_failures_total}). */
  enum AuthFailure {
    WRONG_CREDENTIALS, THROTTLED, INVALID_TOKEN, DENIED
  }

  /** Request latency buckets: a manifest GET takes a millisecond, a layer PUT minutes. */
  private static final Duration[] BUCKETS = {Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10),
      Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
      Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30),
      Duration.ofSeconds(60), Duration.ofSeconds(300)};
  private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
  static final String TOKEN_ROUTE = "/token";
  static final String OTHER_ROUTE = "other";

  private final MeterRegistry registry;
  private final boolean enabled;
  private final AtomicInteger uploads = new AtomicInteger();
  private final ConcurrentMap<Key, Timer> timers = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Counter[]> bytes = new ConcurrentHashMap<>();
  private final Map<AuthFailure, Counter> failures = new EnumMap<>(AuthFailure.class);

  private record Key(String route, String method, int status) {}

  public HttpMetrics(MeterRegistry registry, BerthConfig config) {
    this.registry = registry;
    this.enabled = config.metrics().enabled();
    if (enabled) {
      Gauge.builder("berth.uploads.in.progress", uploads, AtomicInteger::get)
          .description("Upload requests (PATCH, PUT, monolithic POST) receiving bytes in this process")
          .register(registry);
      // Every reason from the start, at 0: a rate over a counter that appears late misses its first count.
      for (AuthFailure r : AuthFailure.values()) {
        failures.put(r, Counter.builder("berth.auth.failures").description("Refused sign-ins and requests, by reason")
            .tag("reason", r.name().toLowerCase(Locale.ROOT)).register(registry));
      }
    }
  }

  void register(@Observes Router router) {
    if (enabled) {
      // Before RequestGate (-1000): its refusals are requests too.
      router.route().order(-1100).handler(this::handle);
    }
  }

  private void handle(RoutingContext ctx) {
    long start = System.nanoTime();
    ctx.addEndHandler(ar -> record(ctx, start));
    ctx.next();
  }

  private void record(RoutingContext ctx, long start) {
    String path = ctx.request().path();
    if (path != null && path.startsWith("/q/")) {
      return; // Quarkus' endpoints (probes, this scrape): not registry traffic
    }
    String route = route(ctx, path);
    HttpMethod m = ctx.request().method();
    String method = m != null && METHODS.contains(m.name()) ? m.name() : "OTHER";
    int status = ctx.response().getStatusCode();
    timers.computeIfAbsent(new Key(route, method, status), this::timer).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    Counter[] io = bytes.computeIfAbsent(route, this::byteCounters);
    io[0].increment(ctx.request().bytesRead());
    io[1].increment(ctx.response().bytesWritten());
  }

  /** The route template of the request: a /v2 endpoint's, {@code /token}, else {@code other}. */
  static String route(RoutingContext ctx, String path) {
    RegistryPath p = ctx.get(RegistryPath.KEY);
    if (p != null) {
      return p.kind().template();
    }
    return TOKEN_ROUTE.equals(path) ? TOKEN_ROUTE : OTHER_ROUTE;
  }

  private Timer timer(Key k) {
    return Timer.builder("berth.http.requests")
        .description("HTTP requests by route template, method and status")
        .tags("route", k.route(), "method", k.method(), "status", Integer.toString(k.status()))
        .serviceLevelObjectives(BUCKETS)
        .register(registry);
  }

  private Counter[] byteCounters(String route) {
    return new Counter[] {
        Counter.builder("berth.http.received.bytes").description("Request body bytes received, by route")
            .tag("route", route).register(registry),
        Counter.builder("berth.http.sent.bytes").description("Response body bytes sent, by route")
            .tag("route", route).register(registry)};
  }

  /** An upload request starts receiving bytes; {@link #uploadEnded} when it is answered. */
  void uploadStarted() {
    uploads.incrementAndGet();
  }

  void uploadEnded() {
    uploads.decrementAndGet();
  }

  /** Counts a refusal by {@link AuthGate} (when metrics are enabled). */
  void authFailure(AuthFailure reason) {
    Counter c = failures.get(reason);
    if (c != null) {
      c.increment();
    }
  }
}
