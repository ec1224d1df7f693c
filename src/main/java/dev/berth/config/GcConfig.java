package dev.berth.config;

import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Garbage collection: {@code berth gc}, and optionally on a schedule in the server (README "Garbage collection"). */
public interface GcConfig {
  /**
   * Blobs and layer links younger than this, or pinned by a push this recently, are never
   * collected: a push uploads its blobs before its manifest, and must finish within it.
   */
  @WithDefault("PT1H")
  Duration grace();

  /**
   * Run GC inside the server this often (e.g. {@code PT6H}); unset: only {@code berth gc} runs it.
   * Replicas take turns through a lease in storage: one runs, the others skip that round.
   */
  Optional<Duration> interval();

  /** How long after start the first scheduled run comes (with {@code berth.gc.interval}). */
  @WithDefault("PT10M")
  Duration firstRun();

  /**
   * How long a GC run's lease in storage lasts unless renewed; the holder renews it every third of
   * this, so a replica that dies mid-run holds up the next run for at most this long.
   */
  @WithDefault("PT2M")
  Duration lease();
}
