package dev.berth.gc;

import dev.berth.config.BerthConfig;
import dev.berth.config.GcConfig;
import dev.berth.storage.StorageException;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * GC inside the server every {@code berth.gc.interval} (unset: never; {@code berth gc} is the
 * job then). Every replica schedules it; the lease in storage lets one run per round, the others
 * skip (and count it). A read-only registry never collects.
 */
@Singleton
public class GcSchedule {
  private static final Logger LOG = Logger.getLogger(GcSchedule.class);
  private final GarbageCollector gc;
  private final GcLease lease;
  private final GcConfig config;
  private final boolean readOnly;
  private final GcMetrics metrics;
  private ScheduledExecutorService timer;

  public GcSchedule(GarbageCollector gc, GcLease lease, BerthConfig config, Instance<MeterRegistry> meters) {
    this.gc = gc;
    this.lease = lease;
    this.config = config.gc();
    this.readOnly = config.readOnly();
    this.metrics = new GcMetrics(config.metrics().enabled() && meters.isResolvable() ? Optional.of(meters.get()) : Optional.empty());
  }

  void start(@Observes StartupEvent event) {
    if (config.interval().isEmpty() || readOnly) {
      return;
    }
    long every = config.interval().get().toMillis();
    timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "berth-gc");
      t.setDaemon(true);
      return t;
    });
    timer.scheduleWithFixedDelay(this::runOnce, config.firstRun().toMillis(), every, TimeUnit.MILLISECONDS);
    LOG.infof("gc: every %s, first in %s (one replica at a time, lease %s)", config.interval().get(), config.firstRun(), config.lease());
  }

  void stop(@Observes ShutdownEvent event) {
    if (timer != null) {
      timer.shutdownNow();
    }
  }

  /** One scheduled round: take the lease or skip, run, give the lease back. */
  void runOnce() {
    long t0 = System.nanoTime();
    try (GcLease.Held held = lease.acquire()) {
      GcReport r = gc.run(false, held::valid);
      metrics.ran(r);
    } catch (GcLease.Busy e) {
      LOG.debugf("gc: skipped: %s", e.getMessage());
      metrics.outcome("skipped", t0);
    } catch (GcLease.Lost e) {
      LOG.warn("gc: " + e.getMessage());
      metrics.outcome("lost", t0);
    } catch (StorageException e) {
      LOG.warnf("gc: storage failed, next run in %s: %s", config.interval().orElseThrow(), e.getMessage());
      metrics.outcome("failed", t0);
    } catch (RuntimeException e) {
      LOG.error("gc: failed", e); // a bug: keep the timer alive
      metrics.outcome("failed", t0);
    }
  }
}
