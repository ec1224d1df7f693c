package dev.berth.proxy;

import dev.berth.config.ProxyConfig;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * One configured upstream: its client, its tag TTL, and whether it is failing, so that serving
 * from the cache while it is down is logged once, and its recovery once. A failing upstream rests
 * for {@link #REST}: tags past their TTL are served from the cache without asking it, so an
 * upstream that doesn't answer costs one request its timeout, not every request.
 */
final class Upstream {
  private static final Logger LOG = Logger.getLogger(Upstream.class);

  private final String name;
  private final UpstreamClient client;
  private final CacheStats stats;
  private final Duration tagTtl;
  static final Duration REST = Duration.ofSeconds(10);

  private final AtomicBoolean failing = new AtomicBoolean();
  private volatile long failedAt;

  Upstream(String name, ProxyConfig.Upstream config, CacheStats stats) {
    this.name = name;
    this.stats = stats;
    this.client = new UpstreamClient(name, config, stats);
    this.tagTtl = config.tagTtl();
  }

  String name() {
    return name;
  }

  UpstreamClient client() {
    return client;
  }

  /** Its metrics and cache-fill events. */
  CacheStats stats() {
    return stats;
  }

  Duration tagTtl() {
    return tagTtl;
  }

  /** The upstream failed a request that the cache then answered. */
  void servingCached(String problem) {
    failedAt = System.nanoTime();
    if (failing.compareAndSet(false, true)) {
      LOG.warnf("%s; serving cached copies until it answers again", problem);
    }
  }

  /** Whether the upstream failed less than {@link #REST} ago: revalidations wait until then. */
  boolean resting() {
    return failing.get() && System.nanoTime() - failedAt < REST.toNanos();
  }

  /** The upstream answered a revalidation or a fetch. */
  void answered() {
    if (failing.compareAndSet(true, false)) {
      LOG.infof("upstream %s answers again", name);
    }
  }
}
