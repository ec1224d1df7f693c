package dev.berth.cli;

import dev.berth.config.BerthConfig;
import dev.berth.gc.GarbageCollector;
import dev.berth.gc.GcLease;
import dev.berth.gc.GcReport;
import dev.berth.storage.StorageException;
import jakarta.inject.Singleton;
import java.io.PrintStream;
import java.util.List;

/**
 * {@code berth gc [--dry-run]}: one garbage collection run against the configured storage, for a
 * Kubernetes CronJob or an Azure Container Apps job. Safe while registries push (README "Garbage
 * collection"). A read-only registry writes nothing, so there it is always a dry run. Exit codes:
 * 0 done, 1 storage failed or the lease was lost, 2 usage, 3 another run holds the lease.
 */
@Singleton
public class GcCommand implements Command {
  private final GarbageCollector gc;
  private final GcLease lease;
  private final boolean readOnly;

  public GcCommand(GarbageCollector gc, GcLease lease, BerthConfig config) {
    this.gc = gc;
    this.lease = lease;
    this.readOnly = config.readOnly();
  }

  @Override
  public String name() {
    return "gc";
  }

  @Override
  public String summary() {
    return "[--dry-run]  apply retention rules, evict cached images over budget, remove unreferenced blobs, layer links and abandoned uploads";
  }

  @Override
  public int run(List<String> args, PrintStream out, PrintStream err) {
    boolean dryRun = false;
    for (String a : args) {
      if (a.equals("--dry-run") || a.equals("-n")) {
        dryRun = true;
      } else {
        err.println("berth gc: unknown argument '" + a + "'. Usage: berth gc [--dry-run]");
        return 2;
      }
    }
    if (readOnly && !dryRun) {
      err.println("berth gc: berth.read-only is set: nothing is removed (dry run)");
      dryRun = true;
    }
    try {
      GcReport r = dryRun ? gc.run(true) : runLeased();
      if (dryRun) {
        r.gone().forEach(g -> out.println("would remove " + g));
      }
      out.println(r.summary());
      return 0;
    } catch (GcLease.Busy e) {
      err.println("berth gc: " + e.getMessage() + "; nothing done");
      return 3;
    } catch (GcLease.Lost e) {
      err.println("berth gc: " + e.getMessage());
      return 1;
    } catch (StorageException e) {
      err.println("berth gc: storage failed: " + e.getMessage());
      return 1;
    }
  }

  /** One run at a time, with the servers' scheduled runs too: the lease in storage (README). */
  private GcReport runLeased() {
    try (GcLease.Held held = lease.acquire()) {
      return gc.run(false, held::valid);
    }
  }
}
