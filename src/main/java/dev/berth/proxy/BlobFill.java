package dev.berth.proxy;

import dev.berth.registry.Digest;
import dev.berth.registry.ErrorCode;
import dev.berth.registry.RegistryException;
import dev.berth.registry.RepositoryName;
import dev.berth.registry.UploadService;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import org.jboss.logging.Logger;

/**
 * A blob on its way from the upstream: its bytes go to storage as an upload of the proxied
 * repository ({@link UploadService#putMonolithic}, which verifies the digest before the blob
 * becomes visible) and, as they pass, to the client. The last bytes read are held back until the
 * blob is stored, so a client never receives the whole of a blob whose digest doesn't match: its
 * response breaks off instead, and nothing is stored. A client that goes away doesn't stop the
 * fetch, since other requests may be waiting for it.
 */
public final class BlobFill {
  private static final Logger LOG = Logger.getLogger(BlobFill.class);

  private final String upstream;
  private final CacheStats stats;
  private final RepositoryName repo;
  private final Digest digest;
  private final HttpResponse<InputStream> response;
  private final BlobFlights.Flight flight;
  private final Runnable end;
  private final UploadService uploads;

  BlobFill(String upstream, CacheStats stats, RepositoryName repo, Digest digest, HttpResponse<InputStream> response,
      BlobFlights.Flight flight, Runnable end, UploadService uploads) {
    this.upstream = upstream;
    this.stats = stats;
    this.repo = repo;
    this.digest = digest;
    this.response = response;
    this.flight = flight;
    this.end = end;
    this.uploads = uploads;
  }

  /** The blob's size as the upstream says, or -1. */
  public long length() {
    return response.headers().firstValueAsLong("Content-Length").orElse(-1);
  }

  /**
   * Fetches the blob into storage and to {@code out}.
   *
   * @throws RegistryException UNAVAILABLE when it could not be stored (a digest mismatch among
   *     the reasons): an error answer when nothing was written yet, else the response breaks off
   */
  public void writeTo(OutputStream out) throws IOException {
    Tee tee = new Tee(response.body(), out);
    try (tee) {
      uploads.putMonolithic(repo, digest, tee);
      flight.done.complete(null);
      stats.blobCached(repo, digest, tee.received);
    } catch (RegistryException e) {
      flight.done.completeExceptionally(e);
      if (e.code() == ErrorCode.DIGEST_INVALID) {
        LOG.warnf("upstream %s sent %s of %s with other bytes: not stored", upstream, digest, repo);
        throw ErrorCode.UNAVAILABLE.with("upstream " + upstream + " sent bytes that don't match " + digest + ": not stored");
      }
      throw e;
    } catch (RuntimeException e) {
      flight.done.completeExceptionally(e);
      LOG.warnf("upstream %s: fetching %s failed: %s", upstream, digest, e.getClass().getSimpleName());
      throw ErrorCode.UNAVAILABLE.with("the fetch of " + digest + " from upstream " + upstream + " failed");
    } finally {
      end.run();
    }
    tee.release();
  }

  /** Passes what storage reads on to the client, one read behind. */
  private final class Tee extends FilterInputStream {
    private final OutputStream out;
    private byte[] held = new byte[0];
    private int heldLength;
    private boolean clientGone;
    private long received;

    Tee(InputStream in, OutputStream out) {
      super(in);
      this.out = out;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n;
      try {
        n = in.read(b, off, len);
      } catch (IOException e) {
        stats.brokeOff();
        throw e;
      }
      if (n > 0) {
        flight.progress = System.nanoTime();
        received += n;
        stats.received(n);
        write(held, heldLength);
        if (held.length < n) {
          held = new byte[n];
        }
        System.arraycopy(b, off, held, 0, n);
        heldLength = n;
      }
      return n;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public long skip(long n) {
      return 0;
    }

    /** The blob is stored: the client gets its last bytes. */
    void release() throws IOException {
      write(held, heldLength);
      heldLength = 0;
      if (clientGone) {
        throw new IOException("client went away");
      }
      out.flush();
    }

    private void write(byte[] b, int n) {
      if (n == 0 || clientGone) {
        return;
      }
      try {
        out.write(b, 0, n);
      } catch (IOException | RuntimeException e) {
        clientGone = true; // the fetch goes on for those waiting for it
      }
    }
  }
}
