package dev.berth.registry;

import dev.berth.config.BerthConfig;
import dev.berth.storage.Precondition;
import dev.berth.storage.PreconditionFailedException;
import dev.berth.storage.SmallObject;
import dev.berth.storage.StorageDriver;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * The per-blob marker ({@link StorageLayout#blobMarker}) through which pushes and garbage
 * collection agree on whether a blob may still be used. It is the whole protocol; no lock, no
 * database, the same on every driver.
 *
 * <p>The marker holds {@code live <millis> <nonce>} (the time a push last relied on the blob) or
 * {@code condemned <millis> <nonce>}. The nonce makes every write change the ETag, also on drivers
 * whose ETags are content hashes (filesystem, memory). A push (manifest PUT, blob upload
 * completion, mount) {@link #pin pins} every blob it relies on <em>before</em> it checks that the
 * blob is there: when the marker was written less than grace/2 ago it is only read; otherwise it
 * is rewritten with If-Match on the ETag just read (If-None-Match when absent), retried on a
 * conflict. A condemned marker refuses the pin. The push must write its manifest link before its
 * {@link Pin#deadline()} (marker time + 3/4 grace), or it pins again.
 *
 * <p>GC takes its start time S before it lists anything, marks, and for an unreferenced blob reads
 * the marker (ETag E, time t). It condemns only when t &lt; S - grace, with If-Match E (or
 * If-None-Match when there is no marker and the data is older than S - grace), then deletes the
 * data and the marker. Why no push is lost: a push that pinned after GC read E changed the ETag,
 * so the condemnation fails and the blob is kept; a push that pinned before has t &gt; its
 * manifest link time - 3/4 grace, and if that link came after S (so the mark missed it) then
 * t &gt; S - grace and GC keeps the blob; a push that pins after the condemnation is refused
 * (MANIFEST_BLOB_UNKNOWN), and an upload waits for the deletion and stores its bytes anew.
 * Conditional puts and deletes are atomic on Azure (ETag) and on the filesystem (the driver's
 * own compare-and-swap), which is all this needs; replica clocks must agree to well within grace.
 *
 * <p>Cost on a push: one small read per referenced blob, and one conditional write for a blob not
 * pinned in the last grace/2 (at most a few writes per blob per hour with the default grace).
 */
@Singleton
public class BlobMarkers {
  private static final String LIVE = "live";
  private static final String CONDEMNED = "condemned";
  private final StorageDriver storage;
  private final Duration grace;

  public BlobMarkers(StorageDriver storage, BerthConfig config) {
    this.storage = storage;
    this.grace = config.gc().grace();
  }

  /** What a marker says. */
  public record Marker(boolean condemned, Instant at) {
    static Marker parse(byte[] data) {
      String[] f = new String(data, StandardCharsets.US_ASCII).trim().split(" ");
      try {
        return new Marker(!LIVE.equals(f[0]), Instant.ofEpochMilli(Long.parseLong(f[1])));
      } catch (RuntimeException e) {
        return new Marker(false, Instant.now()); // unreadable: treat as just pinned (keeps the blob)
      }
    }

    byte[] bytes() {
      String s = (condemned ? CONDEMNED : LIVE) + " " + at.toEpochMilli() + " " + UUID.randomUUID();
      return s.getBytes(StandardCharsets.US_ASCII);
    }
  }

  /** A marker as read: its state and the ETag to condition the next write on. */
  public record Read(Marker marker, String etag) {}

  /** A successful pin: the push must have written what relies on the blob before the deadline. */
  public record Pin(Instant deadline) {
    public boolean expired() {
      return !Instant.now().isBefore(deadline);
    }
  }

  public Duration grace() {
    return grace;
  }

  /** The marker of a blob, when it has one. */
  public Optional<Read> read(Digest d) {
    return storage.getSmall(StorageLayout.blobMarker(d)).map(o -> new Read(Marker.parse(o.data()), o.etag()));
  }

  /** Pins the blob for a push; empty when GC has condemned it (it is being deleted). */
  public Optional<Pin> pin(Digest d) {
    String key = StorageLayout.blobMarker(d);
    while (true) {
      Optional<SmallObject> current = storage.getSmall(key);
      Instant now = Instant.now();
      Precondition p = Precondition.IF_ABSENT;
      if (current.isPresent()) {
        Marker m = Marker.parse(current.get().data());
        if (m.condemned()) {
          return Optional.empty();
        }
        if (m.at().isAfter(now.minus(grace.dividedBy(2)))) {
          return Optional.of(new Pin(m.at().plus(grace.multipliedBy(3).dividedBy(4))));
        }
        p = Precondition.ifMatch(current.get().etag());
      }
      try {
        storage.putSmall(key, new Marker(false, now).bytes(), p);
        return Optional.of(new Pin(now.plus(grace.multipliedBy(3).dividedBy(4))));
      } catch (PreconditionFailedException e) {
        // another push or a GC wrote it meanwhile: judge again
      }
    }
  }

  /**
   * Pins a blob the caller is about to (re)store: when GC has condemned it, waits until GC has
   * deleted it, then pins afresh.
   *
   * @throws RegistryException UNAVAILABLE when the blob stays condemned (a GC died mid-sweep;
   *     the next run finishes it): the client may retry
   */
  public Pin pinForWrite(Digest d) {
    long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      Optional<Pin> pin = pin(d);
      if (pin.isPresent()) {
        return pin.get();
      }
      if (System.nanoTime() > until) {
        throw ErrorCode.UNAVAILABLE.with("blob " + d + " is being garbage collected; retry");
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw ErrorCode.UNAVAILABLE.with("interrupted");
      }
    }
  }

  /**
   * GC: condemns the blob if the marker is still the one it read ({@code seen}; empty: no marker).
   *
   * @return false when a push pinned it meanwhile (the blob is kept)
   */
  public boolean condemn(Digest d, Optional<Read> seen) {
    Precondition p = seen.map(r -> Precondition.ifMatch(r.etag())).orElse(Precondition.IF_ABSENT);
    try {
      storage.putSmall(StorageLayout.blobMarker(d), new Marker(true, Instant.now()).bytes(), p);
      return true;
    } catch (PreconditionFailedException e) {
      return false;
    }
  }

  /** GC: removes the marker of a blob whose data it has deleted. */
  public void remove(Digest d) {
    storage.delete(StorageLayout.blobMarker(d), Precondition.NONE);
  }
}
