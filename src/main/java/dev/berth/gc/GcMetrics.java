package dev.berth.gc;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The scheduled GC's metrics (README "Metrics"): {@code berth_gc_runs_seconds{outcome}} ({@code
 * ok}, {@code skipped}: another replica held the lease, {@code lost}: the lease was taken over
 * mid-run, {@code failed}), {@code berth_gc_freed_bytes_total}, {@code berth_gc_freed_blobs_total},
 * {@code berth_gc_removed_total{kind}} (layer links, tags, manifests, {@code cache_eviction}: cached
 * manifests evicted over an upstream's budget) and {@code
 * berth_gc_last_success_seconds} (Unix time of the last complete run, 0 before one: alert on its
 * age). {@code berth gc} as a job reports in its summary instead.
 */
final class GcMetrics {
  private final Optional<MeterRegistry> registry;
  private final AtomicLong lastSuccess = new AtomicLong();

  GcMetrics(Optional<MeterRegistry> registry) {
    this.registry = registry;
    registry.ifPresent(r -> Gauge.builder("berth.gc.last.success", lastSuccess, AtomicLong::get).baseUnit("seconds")
        .description("Unix time of the last complete GC run in this process (0: none yet)").register(r));
  }

  void ran(GcReport report) {
    registry.ifPresent(r -> {
      timer(r, "ok").record(report.took());
      Counter.builder("berth.gc.freed.bytes").description("Bytes of blobs GC freed").register(r).increment(report.bytesFreed());
      Counter.builder("berth.gc.freed.blobs").description("Blobs GC removed").register(r).increment(report.blobsFreed());
      removed(r, "layer_link", report.linksFreed());
      removed(r, "tag", report.tagsRetired());
      removed(r, "manifest", report.manifestsRetired());
      removed(r, "cache_eviction", report.manifestsEvicted());
      lastSuccess.set(System.currentTimeMillis() / 1000);
    });
  }

  void outcome(String outcome, long startNanos) {
    registry.ifPresent(r -> timer(r, outcome).record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS));
  }

  private static Timer timer(MeterRegistry r, String outcome) {
    return Timer.builder("berth.gc.runs").description("Scheduled GC rounds by outcome, with their duration").tag("outcome", outcome).register(r);
  }

  private static void removed(MeterRegistry r, String kind, long n) {
    Counter.builder("berth.gc.removed").description("Links, tags and manifests GC removed").tag("kind", kind).register(r).increment(n);
  }
}
