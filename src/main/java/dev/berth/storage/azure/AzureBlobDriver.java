package dev.berth.storage.azure;

import com.azure.core.http.rest.PagedResponse;
import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobListDetails;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobRange;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.Block;
import com.azure.storage.blob.models.BlockListType;
import com.azure.storage.blob.models.DeleteSnapshotsOptionType;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.models.UserDelegationKey;
import com.azure.storage.blob.options.BlobInputStreamOptions;
import com.azure.storage.blob.options.BlockBlobCommitBlockListOptions;
import com.azure.storage.blob.options.BlockBlobSimpleUploadOptions;
import com.azure.storage.blob.options.BlockBlobStageBlockOptions;
import com.azure.storage.blob.sas.BlobSasPermission;
import com.azure.storage.blob.sas.BlobServiceSasSignatureValues;
import com.azure.storage.blob.specialized.BlockBlobClient;
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
import dev.berth.storage.StorageKeys;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 *       the 50,000-block limit is not the layer size limit.
 *   <li>Azure can't rename a blob, so {@link #commit} leaves the bytes where they were uploaded
 *       and writes a pointer blob at the final key (metadata {@code berthdata}, {@code berthsize});
 *       the upload blob is marked {@code berthcommitted} and disappears from the key space. Cost:
 *       three small requests, whatever the layer size.
 *   <li>Listing uses the {@code /} delimiter and continuation tokens.
 * </ul>
 */
public final class AzureBlobDriver implements StorageDriver {
  static final String META_DATA = "berthdata";
  static final String META_SIZE = "berthsize";
  static final String META_COMMITTED = "berthcommitted";
  private static final int LIST_PAGE = 1000;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final AzureSettings settings;
  private final BlobServiceClient service;
  private final BlobContainerClient container;
  private final StorageSharedKeyCredential sharedKey;
  private final boolean tokenCredential;
  private final String root;
  private final Duration timeout;
  private final ListingTokens listingTokens = new ListingTokens(256);
  private volatile UserDelegationKey delegationKey;

  AzureBlobDriver(AzureSettings settings, AzureClients.Clients clients) {
    this.settings = settings;
    this.service = clients.service();
    this.container = service.getBlobContainerClient(settings.container());
    this.sharedKey = clients.sharedKey();
    this.tokenCredential = clients.tokenCredential();
    this.root = settings.root();
    this.timeout = settings.timeout().multipliedBy(settings.maxRetries() + 1L);
  }

  /**
   * Connects, and creates the container (private) if allowed and missing.
   *
   * @throws StorageException with a message naming the account and container, never a secret,
   *     when the credentials are rejected or the container is missing
   */
  public static AzureBlobDriver connect(AzureSettings settings) {
    AzureBlobDriver d = new AzureBlobDriver(settings, AzureClients.build(settings));
    d.ensureContainer();
    return d;
  }

  private void ensureContainer() {
    call("open container", "", () -> {
      if (settings.createContainer()) {
        // No public access is set: the container is private, as a registry's must be.
        container.createIfNotExistsWithResponse(null, timeout, Context.NONE);
      } else if (!container.exists()) {
        throw new StorageException("Azure container '" + settings.container() + "' does not exist"
            + " (and berth.storage.azure.create-container is false)");
      }
      return null;
    });
  }

  @Override
  public String name() {
    return "azure";
  }

  /** Where the driver stores data, for the startup log. */
  public String describe() {
    return "azure container '" + settings.container() + "' at " + container.getBlobContainerUrl()
        + (root.isEmpty() ? "" : " under " + root) + " (" + settings.auth().name().toLowerCase().replace('_', '-') + ")";
  }

  private String blobName(String key) {
    return root + StorageKeys.check(key);
  }

  private BlockBlobClient blob(String name) {
    return container.getBlobClient(name).getBlockBlobClient();
  }

  // ---- small objects -------------------------------------------------------------------------

  @Override
  public Optional<SmallObject> getSmall(String key) {
    String name = blobName(key);
    return call("read", key, () -> {
      try {
        var r = blob(name).downloadContentWithResponse(null, null, timeout, Context.NONE);
        Map<String, String> meta = r.getDeserializedHeaders().getMetadata();
        if (isCommittedUpload(meta)) {
          return Optional.<SmallObject>empty();
        }
        String target = meta == null ? null : meta.get(META_DATA);
        byte[] data = target == null ? r.getValue().toBytes()
            : blob(target).downloadContentWithResponse(null, null, timeout, Context.NONE).getValue().toBytes();
        return Optional.of(new SmallObject(data, r.getDeserializedHeaders().getETag()));
      } catch (BlobStorageException e) {
        if (e.getStatusCode() == 404) {
          return Optional.<SmallObject>empty();
        }
        throw e;
      }
    });
  }

  @Override
  public String putSmall(String key, byte[] data, Precondition precondition) {
    String name = blobName(key);
    return call("write", key, () -> {
      try {
        var options = new BlockBlobSimpleUploadOptions(BinaryData.fromBytes(data)).setRequestConditions(conditions(precondition));
        return blob(name).uploadWithResponse(options, timeout, Context.NONE).getValue().getETag();
      } catch (BlobStorageException e) {
        throw preconditionOr(e, key);
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

  private static RuntimeException preconditionOr(BlobStorageException e, String key) {
    // 409 BlobAlreadyExists answers If-None-Match: * on some service versions, 412 on others.
    if (e.getStatusCode() == 412 || e.getStatusCode() == 409) {
      return new PreconditionFailedException(key);
    }
    if (e.getStatusCode() == 404) {
      return new PreconditionFailedException(key);
    }
    return e;
  }

  // ---- large objects -------------------------------------------------------------------------

  /** A blob's properties, or null when absent (or a committed upload, which no longer exists). */
  private BlobProperties properties(String name) {
    try {
      BlobProperties p = blob(name).getPropertiesWithResponse(null, timeout, Context.NONE).getValue();
      return isCommittedUpload(p.getMetadata()) ? null : p;
    } catch (BlobStorageException e) {
      if (e.getStatusCode() == 404) {
        return null;
      }
      throw e;
    }
  }

  private static boolean isCommittedUpload(Map<String, String> meta) {
    return meta != null && meta.containsKey(META_COMMITTED);
  }

  private static long sizeOf(BlobProperties p) {
    String s = p.getMetadata() == null ? null : p.getMetadata().get(META_SIZE);
    return s != null ? Long.parseLong(s) : p.getBlobSize();
  }

  /** The blob that holds an object's bytes: the object itself, or a pointer's target. */
  private static String dataBlob(String name, BlobProperties p) {
    String target = p.getMetadata() == null ? null : p.getMetadata().get(META_DATA);
    return target != null ? target : name;
  }

  @Override
  public Optional<ObjectInfo> stat(String key) {
    String name = blobName(key);
    return call("stat", key, () -> {
      BlobProperties p = properties(name);
      return p == null ? Optional.<ObjectInfo>empty()
          : Optional.of(new ObjectInfo(sizeOf(p), p.getLastModified().toInstant()));
    });
  }

  @Override
  public Content read(String key, long offset, long length) {
    String name = blobName(key);
    return call("read", key, () -> {
      BlobProperties p = properties(name);
      if (p == null) {
        throw new ObjectNotFoundException(key);
      }
      long size = sizeOf(p);
      if (offset < 0 || offset > size) {
        throw new InvalidOffsetException(key, offset, size);
      }
      long n = length < 0 ? size - offset : Math.min(length, size - offset);
      if (n == 0) {
        return new Content.Stream(new ByteArrayInputStream(new byte[0]), 0);
      }
      String data = dataBlob(name, p);
      // Ranged reads of blockSize each: memory stays bounded whatever the blob's size.
      InputStream in = blob(data).openInputStream(new BlobInputStreamOptions()
          .setRange(new BlobRange(offset, n))
          .setBlockSize(settings.blockSize()));
      return new Content.Stream(in, n);
    });
  }

  // ---- uploads -------------------------------------------------------------------------------

  @Override
  public long append(String key, long offset, InputStream data) {
    String name = blobName(key);
    BlockBlobClient b = blob(name);
    return call("append", key, () -> {
      BlobProperties p = properties(name);
      long size = p == null ? 0 : p.getBlobSize();
      if (size != offset) {
        throw new InvalidOffsetException(key, offset, size);
      }
      List<String> ids = new ArrayList<>();
      byte[] buf = new byte[settings.blockSize()];
      int filled = 0;
      long blockStart = size;
      if (p != null && size > 0) {
        List<Block> committed = b.listBlocks(BlockListType.COMMITTED).getCommittedBlocks();
        long pos = 0;
        for (Block blk : committed) {
          ids.add(blk.getName());
          pos += blk.getSizeLong();
        }
        Block last = committed.isEmpty() ? null : committed.get(committed.size() - 1);
        if (last != null && last.getSizeLong() < settings.blockSize()) {
          // Coalesce: the short last block is re-staged together with the new bytes.
          blockStart = pos - last.getSizeLong();
          filled = (int) last.getSizeLong();
          readFully(b, blockStart, buf, filled, p.getETag());
          ids.remove(ids.size() - 1);
        }
      }
      String nonce = nonce();
      long received = 0;
      while (true) {
        int want = buf.length - filled;
        int n = readInput(data, buf, filled, want);
        filled += n;
        received += n;
        if (filled == buf.length) {
          ids.add(stage(b, blockStart, nonce, buf, filled));
          blockStart += filled;
          filled = 0;
        }
        if (n < want) {
          break; // end of the body
        }
      }
      if (received == 0 && p != null) {
        return size; // nothing new: the committed blob already says it all
      }
      if (filled > 0) {
        ids.add(stage(b, blockStart, nonce, buf, filled));
      }
      BlobRequestConditions cond = p == null
          ? new BlobRequestConditions().setIfNoneMatch("*")
          : new BlobRequestConditions().setIfMatch(p.getETag());
      try {
        b.commitBlockListWithResponse(new BlockBlobCommitBlockListOptions(ids).setRequestConditions(cond), timeout, Context.NONE);
      } catch (BlobStorageException e) {
        if (e.getStatusCode() == 412 || e.getStatusCode() == 409) {
          // Another writer committed first: its blocks win, ours are discarded by the service.
          BlobProperties now = properties(name);
          throw new InvalidOffsetException(key, offset, now == null ? 0 : now.getBlobSize());
        }
        throw e;
      }
      return size + received;
    });
  }

  /** Stages one block and returns its id: offset (16 hex) + nonce (8 hex), base64, fixed length. */
  private String stage(BlockBlobClient b, long blockStart, String nonce, byte[] buf, int len) {
    String id = blockId(blockStart, nonce);
    // The SDK retries with the same id and bytes: a retried block replaces itself.
    b.stageBlockWithResponse(new BlockBlobStageBlockOptions(id, BinaryData.fromByteBuffer(ByteBuffer.wrap(buf, 0, len))), timeout, Context.NONE);
    return id;
  }

  static String blockId(long offset, String nonce) {
    String raw = String.format("%016x-%s", offset, nonce);
    return Base64.getEncoder().encodeToString(raw.getBytes(StandardCharsets.US_ASCII));
  }

  private static String nonce() {
    byte[] n = new byte[4];
    RANDOM.nextBytes(n);
    return HexFormat.of().formatHex(n);
  }

  private static int readInput(InputStream data, byte[] buf, int off, int len) {
    try {
      return data.readNBytes(buf, off, len);
    } catch (IOException e) {
      throw new InputFailedException(e);
    }
  }

  private void readFully(BlockBlobClient b, long from, byte[] buf, int len, String etag) {
    try (InputStream in = b.openInputStream(new BlobInputStreamOptions()
        .setRange(new BlobRange(from, (long) len))
        .setRequestConditions(new BlobRequestConditions().setIfMatch(etag)))) {
      int got = in.readNBytes(buf, 0, len);
      if (got != len) {
        throw new StorageException("short read of the last block of " + b.getBlobName());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void commit(String uploadKey, String key) {
    String from = blobName(uploadKey);
    String to = blobName(key);
    call("commit", key, () -> {
      BlobProperties p = properties(from);
      if (p == null) {
        throw new ObjectNotFoundException(uploadKey);
      }
      Map<String, String> pointer = new LinkedHashMap<>();
      pointer.put(META_DATA, dataBlob(from, p));
      pointer.put(META_SIZE, Long.toString(sizeOf(p)));
      BlobProperties old = properties(to);
      blob(to).uploadWithResponse(new BlockBlobSimpleUploadOptions(BinaryData.fromBytes(new byte[0])).setMetadata(pointer), timeout, Context.NONE);
      Map<String, String> marked = new LinkedHashMap<>(p.getMetadata() == null ? Map.of() : p.getMetadata());
      marked.put(META_COMMITTED, "1");
      blob(from).setMetadataWithResponse(marked, new BlobRequestConditions().setIfMatch(p.getETag()), timeout, Context.NONE);
      if (old != null && !dataBlob(to, old).equals(to) && !dataBlob(to, old).equals(dataBlob(from, p))) {
        deleteQuietly(dataBlob(to, old)); // the replaced object's bytes
      }
      return null;
    });
  }

  // ---- listing and deletes -------------------------------------------------------------------

  @Override
  public ListPage list(String prefix, String startAfter, int limit) {
    StorageKeys.checkPrefix(prefix);
    String full = root + prefix;
    return call("list", prefix, () -> {
      List<String> names = new ArrayList<>();
      // Resume from the token that ended the page which ended at startAfter, when this process
      // served it; otherwise scan from the prefix's start (entries <= startAfter are skipped).
      String token = startAfter == null ? null : listingTokens.get(full, startAfter);
      ListBlobsOptions options = new ListBlobsOptions().setPrefix(full).setMaxResultsPerPage(Math.min(LIST_PAGE, limit + 1))
          .setDetails(new BlobListDetails().setRetrieveMetadata(true));
      String lastToken = token;
      for (PagedResponse<BlobItem> page : container.listBlobsByHierarchy("/", options, timeout).iterableByPage(token)) {
        // The SDK returns a page's blobs before its prefixes; the page itself is one contiguous
        // range of the container's key order, so sorting within it restores the order.
        List<String> entries = new ArrayList<>();
        for (BlobItem item : page.getValue()) {
          boolean isPrefix = Boolean.TRUE.equals(item.isPrefix());
          if (!isPrefix && isCommittedUpload(item.getMetadata())) {
            continue;
          }
          entries.add(item.getName().substring(full.length()));
        }
        entries.sort(null);
        for (String entry : entries) {
          if (startAfter != null && entry.compareTo(startAfter) <= 0) {
            continue;
          }
          if (names.size() == limit) {
            listingTokens.put(full, names.get(limit - 1), lastToken);
            return new ListPage(names, true);
          }
          names.add(entry);
        }
        lastToken = page.getContinuationToken();
        if (lastToken == null) {
          break;
        }
      }
      return new ListPage(names, false);
    });
  }

  @Override
  public boolean delete(String key, Precondition precondition) {
    if (precondition.kind() == Precondition.Kind.IF_ABSENT) {
      throw new IllegalArgumentException("IF_ABSENT on delete");
    }
    String name = blobName(key);
    return call("delete", key, () -> {
      BlobProperties p = properties(name);
      if (p == null) {
        return false;
      }
      BlobRequestConditions cond = precondition.kind() == Precondition.Kind.IF_MATCH
          ? new BlobRequestConditions().setIfMatch(precondition.etag())
          : new BlobRequestConditions().setIfMatch(p.getETag());
      try {
        blob(name).deleteWithResponse(DeleteSnapshotsOptionType.INCLUDE, cond, timeout, Context.NONE);
      } catch (BlobStorageException e) {
        if (e.getStatusCode() == 404) {
          return false;
        }
        if (e.getStatusCode() == 412) {
          if (precondition.kind() == Precondition.Kind.IF_MATCH) {
            throw new PreconditionFailedException(key);
          }
          return delete(key, precondition); // rewritten meanwhile: delete what is there now
        }
        throw e;
      }
      String data = dataBlob(name, p);
      if (!data.equals(name)) {
        deleteQuietly(data);
      }
      return true;
    });
  }

  @Override
  public void deleteAll(String prefix) {
    StorageKeys.checkPrefix(prefix);
    if (prefix.isEmpty()) {
      throw new IllegalArgumentException("refusing to delete the storage root");
    }
    String full = root + prefix;
    call("delete", prefix, () -> {
      ListBlobsOptions options = new ListBlobsOptions().setPrefix(full).setMaxResultsPerPage(LIST_PAGE)
          .setDetails(new BlobListDetails().setRetrieveMetadata(true));
      for (BlobItem item : container.listBlobs(options, timeout)) {
        Map<String, String> meta = item.getMetadata();
        if (isCommittedUpload(meta)) {
          continue; // owned by the pointer it was committed to
        }
        deleteQuietly(item.getName());
        if (meta != null && meta.get(META_DATA) != null) {
          deleteQuietly(meta.get(META_DATA));
        }
      }
      return null;
    });
  }

  private void deleteQuietly(String name) {
    try {
      blob(name).deleteIfExistsWithResponse(DeleteSnapshotsOptionType.INCLUDE, null, timeout, Context.NONE);
    } catch (BlobStorageException e) {
      if (e.getStatusCode() != 404) {
        throw e;
      }
    }
  }

  // ---- redirects and health ------------------------------------------------------------------

  @Override
  public Optional<URI> redirectUrl(String key, Duration ttl) {
    if (sharedKey == null && !tokenCredential) {
      return Optional.empty(); // a SAS-token client can't sign: stream instead
    }
    String name = blobName(key);
    return call("sign", key, () -> {
      BlobProperties p = properties(name);
      if (p == null) {
        return Optional.<URI>empty();
      }
      var client = container.getBlobClient(dataBlob(name, p));
      OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
      BlobServiceSasSignatureValues values = new BlobServiceSasSignatureValues(now.plus(ttl), new BlobSasPermission().setReadPermission(true))
          .setStartTime(now.minusMinutes(5));
      String sas = sharedKey != null ? client.generateSas(values) : client.generateUserDelegationSas(values, delegationKey(now, ttl));
      return Optional.of(URI.create(client.getBlobUrl() + "?" + sas));
    });
  }

  private UserDelegationKey delegationKey(OffsetDateTime now, Duration ttl) {
    UserDelegationKey k = delegationKey;
    if (k == null || k.getSignedExpiry().isBefore(now.plus(ttl).plusMinutes(5))) {
      k = service.getUserDelegationKey(now.minusMinutes(5), now.plusHours(12));
      delegationKey = k;
    }
    return k;
  }

  /** Health probes wait a few seconds, not the full retry budget of a data request. */
  private static final Duration PING_TIMEOUT = Duration.ofSeconds(2);

  @Override
  public void ping() {
    Duration limit = settings.timeout().compareTo(PING_TIMEOUT) < 0 ? settings.timeout() : PING_TIMEOUT;
    call("check", "", () -> container.getPropertiesWithResponse(null, limit, Context.NONE).getValue());
  }

  /**
   * Runs one storage operation, turning SDK failures into {@link StorageException}s whose
   * messages carry the operation, the key, the HTTP status and Azure's error code: never a URL
   * (which could hold a SAS) or a credential.
   */
  private <T> T call(String op, String key, Supplier<T> work) {
    try {
      return work.get();
    } catch (StorageException | InputFailedException e) {
      throw e;
    } catch (BlobStorageException e) {
      String code = e.getErrorCode() == null ? "" : " " + e.getErrorCode();
      String hint = e.getStatusCode() == 403 ? " (credentials rejected or insufficient permissions)" : "";
      throw new StorageException("azure " + op + " '" + key + "' in container '" + settings.container() + "' failed: HTTP "
          + e.getStatusCode() + code + hint);
    } catch (UncheckedIOException e) {
      throw new StorageException("azure " + op + " '" + key + "' failed: " + e.getCause().getClass().getSimpleName());
    } catch (RuntimeException e) {
      Throwable root = e;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      throw new StorageException("azure " + op + " '" + key + "' at " + container.getBlobContainerUrl() + " failed: "
          + root.getClass().getSimpleName());
    }
  }

  /** Process-local continuation tokens, so following a page's Link costs one list call. */
  static final class ListingTokens {
    private final Map<String, String> tokens;

    ListingTokens(int capacity) {
      this.tokens = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> e) {
          return size() > capacity;
        }
      };
    }

    synchronized String get(String prefix, String after) {
      return tokens.get(prefix + "\n" + after);
    }

    synchronized void put(String prefix, String after, String token) {
      if (token != null) {
        tokens.put(prefix + "\n" + after, token);
      }
    }
  }

  static Instant now() {
    return Instant.now();
  }
}
