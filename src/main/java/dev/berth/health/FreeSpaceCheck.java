package dev.berth.health;

import dev.berth.config.BerthConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

/**
 * Not ready when the filesystem driver's root is on a file system with less usable space than
 * {@code berth.storage.filesystem.min-free-space}: a replica that would fail every upload should
 * get no traffic, and an operator should see why. Checked when probed, cached like
 * {@link StorageProbe}; always UP for the other drivers.
 */
@Readiness
@ApplicationScoped
public class FreeSpaceCheck implements HealthCheck {
  private static final Logger LOG = Logger.getLogger(FreeSpaceCheck.class);
  private static final long MIB = 1L << 20;

  private final boolean filesystem;
  private final Path root;
  private final long minFree;
  private final long ttlNanos;
  private volatile HealthCheckResponse last;
  private volatile long checkedAtNanos;

  public FreeSpaceCheck(BerthConfig config) {
    BerthConfig.Storage s = config.storage();
    this.filesystem = s.driver() == BerthConfig.Driver.filesystem;
    this.root = Path.of(s.filesystem().root()).toAbsolutePath().normalize();
    this.minFree = s.filesystem().minFreeSpace().asLongValue();
    this.ttlNanos = config.health().cacheTtl().toNanos();
  }

  @Override
  public HealthCheckResponse call() {
    if (!filesystem) {
      return HealthCheckResponse.up("storage-free-space");
    }
    HealthCheckResponse r = last;
    if (r != null && System.nanoTime() - checkedAtNanos < ttlNanos) {
      return r;
    }
    synchronized (this) {
      r = measure();
      boolean down = r.getStatus() == HealthCheckResponse.Status.DOWN;
      if (last == null ? down : last.getStatus() != r.getStatus()) {
        logChange(r);
      }
      last = r;
      checkedAtNanos = System.nanoTime();
      return r;
    }
  }

  private HealthCheckResponse measure() {
    HealthCheckResponseBuilder b = HealthCheckResponse.named("storage-free-space");
    try {
      long free = Files.getFileStore(existingAncestor(root)).getUsableSpace();
      b.withData("free-mib", mib(free)).withData("min-free-mib", mib(minFree));
      if (free < minFree) {
        return b.down().withData("reason", "free space " + mib(free) + " MiB below berth.storage.filesystem.min-free-space "
            + mib(minFree) + " MiB").build();
      }
      return b.up().build();
    } catch (IOException | SecurityException e) {
      // Not knowing the free space is no sign of a full disk; the storage check reports a root it can't use.
      return b.up().withData("free-mib", "unknown").build();
    }
  }

  private void logChange(HealthCheckResponse r) {
    if (r.getStatus() == HealthCheckResponse.Status.DOWN) {
      LOG.warnf("storage root %s: %s", root, r.getData().map(d -> d.get("reason")).orElse(""));
    } else {
      LOG.infof("storage root %s: free space back above berth.storage.filesystem.min-free-space", root);
    }
  }

  /** The root itself, or (before it is created, or when it can't be) its nearest existing parent: the same file system. */
  private static Path existingAncestor(Path p) {
    Path q = p;
    while (q != null && !Files.exists(q)) {
      q = q.getParent();
    }
    return q == null ? p : q;
  }

  /** Whole MiB when exact, else rounded down to one decimal (never shown as much as a limit it is below): {@code 64}, {@code 1.9}. */
  static String mib(long bytes) {
    if (bytes % MIB == 0) {
      return Long.toString(bytes / MIB);
    }
    long tenths = bytes * 10 / MIB;
    return String.format(Locale.ROOT, "%d.%d", tenths / 10, tenths % 10);
  }
}
