package dev.berth.storage.azure;

import com.azure.core.http.rest.PagedResponse;
import com.azure.core.util.Context;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobListDetails;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.DeleteSnapshotsOptionType;
import com.azure.storage.blob.models.ListBlobsOptions;
import dev.berth.storage.ListPage;
import dev.berth.storage.Precondition;
import dev.berth.storage.PreconditionFailedException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Listing with the {@code /} delimiter and continuation tokens, and deletes that free a pointer's bytes. */
final class AzureListing {
  /**
   * Azure's largest page. A list call costs about the same whatever its size, so a caller that
   * wants many names (the UI's filtered catalog) gets them in few calls, and so does skipping to
   * {@code startAfter} when no token leads there (another replica served the previous page, or
   * the name was typed in): skipping 10,000 repositories 101 at a time took 100 calls, 43 s on
   * Azurite with pushed content, and takes 2 now.
   */
  private static final int LIST_PAGE = 5000;
  private final Blobs blobs;
  private final ListingTokens listingTokens = new ListingTokens(256);

  AzureListing(Blobs blobs) {
    this.blobs = blobs;
  }

  ListPage list(String prefix, String startAfter, int limit) {
    String full = blobs.root + prefix;
    List<String> names = new ArrayList<>();
    // Resume from the token that ended the page which ended at startAfter, when this process
    // served it; otherwise scan from the prefix's start (entries <= startAfter are skipped).
    String token = startAfter == null ? null : listingTokens.get(full, startAfter);
    int pageSize = token == null && startAfter != null ? LIST_PAGE : Math.min(LIST_PAGE, limit + 1);
    ListBlobsOptions options = new ListBlobsOptions().setPrefix(full).setMaxResultsPerPage(pageSize)
        .setDetails(new BlobListDetails().setRetrieveMetadata(true));
    String lastToken = token;
    for (PagedResponse<BlobItem> page : blobs.container.listBlobsByHierarchy("/", options, blobs.timeout).iterableByPage(token)) {
      // The SDK returns a page's blobs before its prefixes; the page itself is one contiguous
      // range of the container's key order, so sorting within it restores the order.
      List<String> entries = new ArrayList<>();
      for (BlobItem item : page.getValue()) {
        boolean isPrefix = Boolean.TRUE.equals(item.isPrefix());
        if (!isPrefix && Blobs.isCommittedUpload(item.getMetadata())) {
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
  }

  boolean delete(String key, Precondition precondition) {
    String name = blobs.name(key);
    BlobProperties p = blobs.properties(name);
    if (p == null) {
      return false;
    }
    BlobRequestConditions cond = precondition.kind() == Precondition.Kind.IF_MATCH
        ? new BlobRequestConditions().setIfMatch(precondition.etag())
        : new BlobRequestConditions().setIfMatch(p.getETag());
    try {
      blobs.blob(name).deleteWithResponse(DeleteSnapshotsOptionType.INCLUDE, cond, blobs.timeout, Context.NONE);
    } catch (BlobStorageException e) {
      if (Blobs.isMissingBlob(e)) {
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
    String data = Blobs.dataBlob(name, p);
    if (!data.equals(name)) {
      blobs.deleteQuietly(data);
    }
    return true;
  }

  void deleteAll(String prefix) {
    ListBlobsOptions options = new ListBlobsOptions().setPrefix(blobs.root + prefix).setMaxResultsPerPage(LIST_PAGE)
        .setDetails(new BlobListDetails().setRetrieveMetadata(true));
    for (BlobItem item : blobs.container.listBlobs(options, blobs.timeout)) {
      Map<String, String> meta = item.getMetadata();
      if (Blobs.isCommittedUpload(meta)) {
        continue; // owned by the pointer it was committed to
      }
      blobs.deleteQuietly(item.getName());
      if (meta != null && meta.get(Blobs.META_DATA) != null) {
        blobs.deleteQuietly(meta.get(Blobs.META_DATA));
      }
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
}
