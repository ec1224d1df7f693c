package dev.berth.storage.azure;

import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.UserDelegationKey;
import com.azure.storage.blob.options.BlockBlobSimpleUploadOptions;
import com.azure.storage.blob.sas.BlobSasPermission;
import com.azure.storage.blob.sas.BlobServiceSasSignatureValues;
import com.azure.storage.common.StorageSharedKeyCredential;
import dev.berth.storage.Content;
import dev.berth.storage.InputFailedException;
import dev.berth.storage.InvalidOffsetException;
import dev.berth.storage.ListPage;
import dev.berth.storage.ObjectInfo;
import dev.berth.storage.ObjectNotFoundException;
import dev.berth.storage.Precondition;
import dev.berth.storage.PreconditionFailedException;
import dev.berth.storage.SmallObject;
import dev.berth.storage.StorageDriver;
import dev.berth.storage.StorageException;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.function.Supplier;

/**
 * Stores registry data as block blobs in one Azure Blob Storage container.
 *
 * <ul>
 *   <li>Small objects are single Put Blob calls, conditional with {@code If-None-Match: *} or
 *       {@code If-Match: <etag>} where the caller asks.
 *   <li>Uploads are block blobs grown with Put Block + Put Block List, never append blobs. A block
 *       id encodes the block's offset plus a per-request nonce, all ids have one length, and every
 *       PATCH ends with a Put Block List conditional on the ETag it started from: a retried block
 *       can't duplicate data, two writers can't interleave, and the committed blob's length is
 *       always the number of bytes received, readable by any replica. A short last block is read
 *       back and re-staged with the next PATCH's bytes, so blocks stay near {@code blockSize} and
 *       the 50,000-block limit is not the layer size limit ({@link AzureUploads}).
 *   <li>Azure can't rename a blob, so {@link #commit} leaves the bytes where they were uploaded
 *       and writes a pointer blob at the final key (metadata {@code berthdata}, {@code berthsize});
 *       the upload blob is marked {@code berthcommitted} and disappears from the key space. Cost:
 *       three small requests, whatever the layer size.
 *   <li>Listing uses the {@code /} delimiter and continuation tokens ({@link AzureListing}).
 * </ul>
 *
 * <p>Building one does no I/O; {@link #prepare} creates or checks the container. Storage failures
 * become {@link StorageException}s with a one-line reason ({@link AzureFailures}); anything else
 * (a bug) propagates unchanged.
 */
public final class AzureBlobDriver implements StorageDriver {
  // Seeded at run time in a native image (application.properties: --initialize-at-run-time).
  private static final SecureRandom RANDOM = new SecureRandom();
  /** Daemon threads that stage blocks and fetch ranges; idle ones end after a minute. */
  private static final ThreadFactory IO_THREADS = r -> {
    Thread t = new Thread(r, "berth-azure-io");
    t.setDaemon(true);
    return t;
  };

  /**
   * What the driver needs: the container's client (with its credential, timeouts and retries),
   * a root prefix ({@code ""} or ending in {@code /}), the block size, the budget of one call
   * (retries included) and of a health check, whether {@link #prepare} may create the container,
   * what can sign read URLs (the account's shared key, or a token credential for user-delegation
   * SAS; neither: no redirects), a description for logs, which must hold no secret, and how
   * parallel transfers are ({@link Transfers}).
   */
  public record Setup(BlobContainerClient container, String root, int blockSize, Duration timeout, Duration pingTimeout,
      boolean createContainer, StorageSharedKeyCredential sharedKey, boolean tokenCredential, String description,
      Transfers transfers) {
    public Setup {
      Objects.requireNonNull(container, "container");
      Objects.requireNonNull(timeout, "timeout");
      Objects.requireNonNull(pingTimeout, "pingTimeout");
      Objects.requireNonNull(description, "description");
      Objects.requireNonNull(transfers, "transfers");
      if (root == null || root.startsWith("/") || !(root.isEmpty() || root.endsWith("/"))) {
        throw new IllegalArgumentException("root must be empty or end with '/': " + root);
      }
      if (blockSize <= 0) {
        throw new IllegalArgumentException("blockSize must be positive");
      }
    }

    /** With the default {@link Transfers}. */
    public Setup(BlobContainerClient container, String root, int blockSize, Duration timeout, Duration pingTimeout,
        boolean createContainer, StorageSharedKeyCredential sharedKey, boolean tokenCredential, String description) {
      this(container, root, blockSize, timeout, pingTimeout, createContainer, sharedKey, tokenCredential, description, Transfers.DEFAULTS);
    }
  }

  /**
   * How one transfer uses parallel requests: blocks of a PATCH staged at once, and ranges of a
   * read fetched at once, of {@code rangeSize} bytes each. A read of more than one range is
   * fetched in parallel; memory per transfer is {@code parallelism} buffers.
   */
  public record Transfers(int uploadParallelism, int downloadParallelism, int rangeSize) {
    /** The configuration's defaults: 4 blocks, 4 ranges of 4 MiB. */
    public static final Transfers DEFAULTS = new Transfers(4, 4, 4 * 1024 * 1024);

    public Transfers {
      if (uploadParallelism < 1 || downloadParallelism < 1 || rangeSize < 1) {
        throw new IllegalArgumentException("parallelism and range size must be positive");
      }
    }
  }

  private final Setup setup;
  private final BlobContainerClient container;
  private final Blobs blobs;
  private final AzureUploads uploads;
  private final AzureListing listing;
  private final String hostPort;
  private volatile UserDelegationKey delegationKey;

  public AzureBlobDriver(Setup setup) {
    this.setup = setup;
    this.container = setup.container();
    this.blobs = new Blobs(container, setup.root(), setup.timeout(), Executors.newCachedThreadPool(IO_THREADS));
    this.uploads = new AzureUploads(blobs, setup.blockSize(), setup.transfers().uploadParallelism());
    this.listing = new AzureListing(blobs);
    this.hostPort = hostPort(container.getBlobContainerUrl());
  }

  private static String hostPort(String url) {
    URI u = URI.create(url);
    int port = u.getPort() >= 0 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    return u.getHost() + ":" + port;
  }

  @Override
  public String name() {
    return "azure";
  }

  @Override
  public String describe() {
    return setup.description();
  }

  /** Creates the container (private) when allowed and missing; otherwise checks it exists. */
  @Override
  public void prepare() {
    call("prepare", "", () -> {
      if (setup.createContainer()) {
        // No public access is set: the container is private, as a registry's must be.
        container.createIfNotExistsWithResponse(null, setup.timeout(), Context.NONE);
      } else if (!container.existsWithResponse(setup.timeout(), Context.NONE).getValue()) {
        String reason = "container '" + container.getBlobContainerName() + "' does not exist"
            + " (berth.storage.azure.create-container is false)";
        throw new StorageException("Azure " + reason, reason, null);
      }
      return null;
    });
  }

  @Override
  public Optional<SmallObject> getSmall(String key) {
    String name = blobs.name(key);
    return call("read", key, () -> {
      try {
        var r = blobs.blob(name).downloadContentWithResponse(null, null, setup.timeout(), Context.NONE);
        Map<String, String> meta = r.getDeserializedHeaders().getMetadata();
        if (Blobs.isCommittedUpload(meta)) {
          return Optional.<SmallObject>empty();
        }
        String target = meta == null ? null : meta.get(Blobs.META_DATA);
        byte[] data = target == null ? r.getValue().toBytes()
            : blobs.blob(target).downloadContentWithResponse(null, null, setup.timeout(), Context.NONE).getValue().toBytes();
        return Optional.of(new SmallObject(data, r.getDeserializedHeaders().getETag()));
      } catch (BlobStorageException e) {
        if (Blobs.isMissingBlob(e)) {
          return Optional.<SmallObject>empty();
        }
        throw e;
      }
    });
  }

  @Override
  public String putSmall(String key, byte[] data, Precondition precondition) {
    String name = blobs.name(key);
    return call("write", key, () -> {
      try {
        var options = new BlockBlobSimpleUploadOptions(BinaryData.fromBytes(data)).setRequestConditions(conditions(precondition));
        return blobs.blob(name).uploadWithResponse(options, setup.timeout(), Context.NONE).getValue().getETag();
      } catch (BlobStorageException e) {
        // 409 BlobAlreadyExists answers If-None-Match: * on some service versions, 412 on others;
        // 404 answers If-Match on a missing blob.
        if (e.getStatusCode() == 412 || e.getStatusCode() == 409 || Blobs.isMissingBlob(e)) {
          throw new PreconditionFailedException(key);
        }
        throw e;
      }
    });
  }

  private static BlobRequestConditions conditions(Precondition p) {
    return switch (p.kind()) {
      case NONE -> null;
      case IF_ABSENT -> new BlobRequestConditions().setIfNoneMatch("*");
      case IF_MATCH -> new BlobRequestConditions().setIfMatch(p.etag());
    };
  }

  @Override
  public Optional<ObjectInfo> stat(String key) {
    String name = blobs.name(key);
    return call("stat", key, () -> {
      BlobProperties p = blobs.properties(name);
      return p == null ? Optional.<ObjectInfo>empty()
          : Optional.of(new ObjectInfo(Blobs.sizeOf(p), p.getLastModified().toInstant()));
    });
  }

  @Override
  public Content read(String key, long offset, long length) {
    String name = blobs.name(key);
    return call("read", key, () -> {
      BlobProperties p = blobs.properties(name);
      if (p == null) {
        throw new ObjectNotFoundException(key);
      }
      long size = Blobs.sizeOf(p);
      if (offset + length > size) {
        throw new InvalidOffsetException(key, offset + length, size); // replaced since BaseDriver's stat
      }
      if (length == 0) {
        return new Content.Stream(new ByteArrayInputStream(new byte[0]), 0);
      }
      // Ranged GETs of range-size each, several in flight: memory stays bounded whatever the
      // blob's size, and a read is not bounded by one request's latency. A blob read directly is
      // held to its ETag (its bytes could be replaced); a pointer's target never changes.
      String data = Blobs.dataBlob(name, p);
      BlobRequestConditions cond = data.equals(name) ? new BlobRequestConditions().setIfMatch(p.getETag()) : null;
      Transfers t = setup.transfers();
      InputStream in = new RangeStream(blobs.blob(data), cond, setup.timeout(), blobs.io, e -> classify("read", key, e),
          offset, length, t.rangeSize(), t.downloadParallelism());
      return new Content.Stream(in, length);
    });
  }

  @Override
  public long append(String key, long offset, InputStream data) {
    return call("append", key, () -> uploads.append(key, offset, data));
  }

  @Override
  public void commit(String uploadKey, String key) {
    call("commit", key, () -> {
      uploads.commit(uploadKey, key);
      return null;
    });
  }

  @Override
  public ListPage list(String prefix, String startAfter, int limit) {
    return call("list", prefix, () -> listing.list(prefix, startAfter, limit));
  }

  @Override
  public boolean delete(String key, Precondition precondition) {
    return call("delete", key, () -> listing.delete(key, precondition));
  }

  @Override
  public void deleteAll(String prefix) {
    call("delete", prefix, () -> {
      listing.deleteAll(prefix);
      return null;
    });
  }

  @Override
  public Optional<URI> redirectUrl(String key, Duration ttl) {
    if (setup.sharedKey() == null && !setup.tokenCredential()) {
      return Optional.empty(); // a SAS-token client can't sign: stream instead
    }
    String name = blobs.name(key);
    return call("sign", key, () -> {
      BlobProperties p = blobs.properties(name);
      if (p == null) {
        return Optional.<URI>empty();
      }
      var client = container.getBlobClient(Blobs.dataBlob(name, p));
      OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
      BlobServiceSasSignatureValues values = new BlobServiceSasSignatureValues(now.plus(ttl), new BlobSasPermission().setReadPermission(true))
          .setStartTime(now.minusMinutes(5));
      String sas = setup.sharedKey() != null ? client.generateSas(values) : client.generateUserDelegationSas(values, delegationKey(now, ttl));
      return Optional.of(URI.create(client.getBlobUrl() + "?" + sas));
    });
  }

  private UserDelegationKey delegationKey(OffsetDateTime now, Duration ttl) {
    UserDelegationKey k = delegationKey;
    if (k == null || k.getSignedExpiry().isBefore(now.plus(ttl).plusMinutes(5))) {
      k = container.getServiceClient().getUserDelegationKey(now.minusMinutes(5), now.plusHours(12));
      delegationKey = k;
    }
    return k;
  }

  /** Health probes wait a few seconds, not the full retry budget of a data request. */
  @Override
  public void ping() {
    call("check", "", () -> container.getPropertiesWithResponse(null, setup.pingTimeout(), Context.NONE).getValue());
  }

  /** Runs one storage operation; only storage failures become {@link StorageException}s. */
  private <T> T call(String op, String key, Supplier<T> work) {
    try {
      return work.get();
    } catch (StorageException | InputFailedException e) {
      throw e;
    } catch (RuntimeException e) {
      throw classify(op, key, e);
    }
  }

  /** A storage failure as a {@link StorageException}; anything else (a bug, the caller answers 500, not 503) unchanged. */
  private RuntimeException classify(String op, String key, RuntimeException e) {
    if (e instanceof StorageException || e instanceof InputFailedException) {
      return e;
    }
    StorageException failure = AzureFailures.classify(op, key, container.getBlobContainerName(), hostPort, e);
    return failure == null ? e : failure;
  }

  /** A random 8-hex-digit nonce for block ids. */
  static String nonce() {
    byte[] n = new byte[4];
    RANDOM.nextBytes(n);
    return HexFormat.of().formatHex(n);
  }
}
