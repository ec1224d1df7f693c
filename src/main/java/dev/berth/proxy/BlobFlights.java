package dev.berth.proxy;

import dev.berth.registry.BlobService;
import dev.berth.registry.Digest;
import dev.berth.registry.ErrorCode;
import dev.berth.registry.RegistryException;
import dev.berth.registry.RepositoryName;
import dev.berth.registry.UploadService;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One upstream fetch per missing blob in this process (single flight): the first request fetches
 * it ({@link BlobFill}), the others for the same repository and digest wait until it is stored and
 * then read it from storage. A blob already stored for another repository (a shared base layer)
 * is only linked, once a HEAD says the upstream's repository has it: linking it unasked would
 * let a client read any stored blob through the prefix. A fetch that makes no progress for {@link #STALLED} is given up by
 * its waiters, so a lost one never blocks the blob for good.
 */
final class BlobFlights {
  private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(BlobFlights.class);
  static final Duration STALLED = Duration.ofSeconds(60);

  /** A fetch in progress: done when the blob is stored (or failed), and when it last received bytes. */
  static final class Flight {
    final CompletableFuture<Void> done = new CompletableFuture<>();
    volatile long progress = System.nanoTime();
  }

  private final ConcurrentHashMap<String, Flight> flights = new ConcurrentHashMap<>();
  private final BlobService blobs;
  private final UploadService uploads;

  BlobFlights(BlobService blobs, UploadService uploads) {
    this.blobs = blobs;
    this.uploads = uploads;
  }

  Optional<BlobFill> join(Upstream u, RepositoryName repo, String remote, Digest digest) {
    String key = repo + "@" + digest;
    Flight mine = new Flight();
    Flight other = flights.putIfAbsent(key, mine);
    if (other != null) {
      LOG.debugf("%s of %s: waiting for the fetch in progress", digest, repo);
      await(key, other, digest);
      if (!blobs.exists(repo, digest)) {
        throw ErrorCode.UNAVAILABLE.with("the fetch of " + digest + " from upstream " + u.name() + " failed");
      }
      return Optional.empty();
    }
    Runnable end = () -> flights.remove(key, mine);
    try {
      if (blobs.exists(repo, digest)) { // stored between the caller's check and the flight
        mine.done.complete(null);
        end.run();
        return Optional.empty();
      }
      if (blobs.stored(digest) && upstreamHas(u, remote, digest) && blobs.linkStored(repo, digest)) {
        mine.done.complete(null); // stored for another repository: the upstream's HEAD is enough
        end.run();
        return Optional.empty();
      }
      HttpResponse<InputStream> r = u.client().send("GET", remote, "blobs/" + digest, null);
      if (r.statusCode() != 200) {
        UpstreamClient.discard(r);
        throw r.statusCode() == 404 ? ErrorCode.BLOB_UNKNOWN.with(digest + " (at upstream " + u.name() + ")")
            : ErrorCode.UNAVAILABLE.with("upstream " + u.name() + " answered " + r.statusCode());
      }
      return Optional.of(new BlobFill(u.name(), u.stats(), repo, digest, r, mine, end, uploads));
    } catch (UpstreamException e) {
      fail(mine, end, e);
      throw ProxyService.unavailable(e);
    } catch (RuntimeException e) {
      fail(mine, end, e);
      throw e;
    }
  }

  /** Whether the upstream's repository has the blob, by a HEAD (no bytes move). */
  private static boolean upstreamHas(Upstream u, String remote, Digest digest) throws UpstreamException {
    HttpResponse<InputStream> r = u.client().send("HEAD", remote, "blobs/" + digest, null);
    UpstreamClient.discard(r);
    return r.statusCode() == 200;
  }

  private static void fail(Flight f, Runnable end, Exception e) {
    f.done.completeExceptionally(e);
    end.run();
  }

  private void await(String key, Flight f, Digest digest) {
    while (true) {
      try {
        f.done.get(1, TimeUnit.SECONDS);
        return;
      } catch (ExecutionException e) {
        return; // the caller finds the blob missing
      } catch (TimeoutException e) {
        if (System.nanoTime() - f.progress > STALLED.toNanos()) {
          flights.remove(key, f);
          throw ErrorCode.UNAVAILABLE.with("the fetch of " + digest + " stalled");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RegistryException(ErrorCode.UNAVAILABLE, "interrupted");
      }
    }
  }
}
