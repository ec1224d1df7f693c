package dev.berth.gc;

import dev.berth.config.BerthConfig;
import dev.berth.registry.StorageLayout;
import dev.berth.storage.Precondition;
import dev.berth.storage.PreconditionFailedException;
import dev.berth.storage.SmallObject;
import dev.berth.storage.StorageDriver;
import dev.berth.storage.StorageException;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * One GC run at a time across replicas and {@code berth gc} jobs: the object {@code _gc/lease}
 * says who holds it until when, and it is only ever written conditionally (If-None-Match when
 * absent, If-Match on the ETag just read), so of two racing replicas exactly one wins, on Azure
 * (ETags) as on the filesystem (the driver's compare-and-swap); an expired lease is taken over the
 * same way. The holder renews it every third of {@code berth.gc.lease}; a run whose renewal fails
 * stops before its next removal. The mark-and-sweep protocol ({@code BlobMarkers}) is safe without
 * a lease: it saves doubled work and storage calls, it doesn't guard data.
 */
@Singleton
public class GcLease {
  private static final Logger LOG = Logger.getLogger(GcLease.class);
  private final StorageDriver storage;
  private final Duration term;
  private final String me = Optional.ofNullable(System.getenv("HOSTNAME")).orElse("berth") + "-" + UUID.randomUUID().toString().substring(0, 8);

  public GcLease(StorageDriver storage, BerthConfig config) {
    this.storage = storage;
    this.term = config.gc().lease();
  }

  /** Another run holds the lease. */
  public static final class Busy extends RuntimeException {
    Busy(String holder, Instant until) {
      super("another GC run (" + holder + ") holds the lease until " + until);
    }
  }

  /** The run lost its lease (a renewal failed or came too late): it stops. */
  public static final class Lost extends RuntimeException {
    Lost() {
      super("the GC lease was lost; the run stopped (the next one finishes the work)");
    }
  }

  /**
   * Takes the lease for this process, renewed in the background until {@link Held#close}.
   *
   * @throws Busy when another run holds an unexpired lease, or won the race for it
   */
  public Held acquire() {
    Optional<SmallObject> current = storage.getSmall(StorageLayout.GC_LEASE);
    Precondition p = Precondition.IF_ABSENT;
    if (current.isPresent()) {
      String[] held = parse(current.get().data());
      if (Instant.parse(held[1]).isAfter(Instant.now())) { // held, by another process or this one
        throw new Busy(held[0], Instant.parse(held[1]));
      }
      p = Precondition.ifMatch(current.get().etag());
    }
    try {
      return new Held(write(p));
    } catch (PreconditionFailedException e) {
      throw new Busy("a replica that just took it", Instant.now().plus(term));
    }
  }

  private Lease write(Precondition p) {
    Instant until = Instant.now().plus(term);
    String etag = storage.putSmall(StorageLayout.GC_LEASE, (me + "\n" + until + "\n").getBytes(StandardCharsets.UTF_8), p);
    return new Lease(etag, until);
  }

  /** holder and expiry; an unreadable lease counts as expired (so it can't block GC forever). */
  private static String[] parse(byte[] data) {
    String[] lines = new String(data, StandardCharsets.UTF_8).split("\n");
    try {
      if (lines.length >= 2) {
        Instant.parse(lines[1]);
        return lines;
      }
    } catch (DateTimeParseException e) {
      // fall through
    }
    return new String[] {"?", Instant.EPOCH.toString()};
  }

  private record Lease(String etag, Instant until) {}

  /** A lease this process holds; {@link #valid} is what the run checks before each removal. */
  public final class Held implements AutoCloseable {
    private volatile Lease lease;
    private volatile boolean lost;
    private final ScheduledExecutorService renewer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "berth-gc-lease");
      t.setDaemon(true);
      return t;
    });

    private Held(Lease lease) {
      this.lease = lease;
      long every = Math.max(1, term.toMillis() / 3);
      renewer.scheduleWithFixedDelay(this::renew, every, every, TimeUnit.MILLISECONDS);
    }

    private synchronized void renew() {
      try {
        lease = write(Precondition.ifMatch(lease.etag()));
      } catch (PreconditionFailedException e) {
        lost = true;
        LOG.warn("gc: another run took the lease over; this one stops");
        renewer.shutdown();
      } catch (StorageException e) {
        LOG.warnf("gc: renewing the lease failed: %s", e.getMessage()); // retried; valid() says when it is too late
      }
    }

    /** Whether the lease still holds (not taken over, not expired). */
    public boolean valid() {
      return !lost && Instant.now().isBefore(lease.until());
    }

    /** Stops renewing and gives the lease back (best effort: otherwise it expires). */
    @Override
    public synchronized void close() {
      renewer.shutdownNow();
      if (lost) {
        return;
      }
      try {
        storage.delete(StorageLayout.GC_LEASE, Precondition.ifMatch(lease.etag()));
      } catch (StorageException e) {
        LOG.debugf("gc: giving the lease back failed (it expires): %s", e.getMessage());
      }
    }
  }
}
