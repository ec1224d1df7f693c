package dev.berth.gc;

import java.time.Duration;
import java.util.List;

/**
 * What one garbage collection run did (or, in a dry run, would do).
 *
 * @param tagsRetired tags retention removed
 * @param manifestsRetired untagged manifests retention removed (their links and referrer entries)
 * @param manifests manifest links marked live
 * @param spared unreferenced blobs kept because a push pinned them meanwhile or within grace
 * @param manifestsEvicted cached manifests evicted because their upstream was over its {@code max-bytes}
 * @param bytesEvicted what those evictions took off their upstreams' usage (freed by the sweep unless still in grace)
 * @param gone what was (or would be) removed, one line each: {@code blob <digest> <bytes>},
 *     {@code link <repository> <digest>}, and retention's first: {@code tag <repository>:<tag> <digest>},
 *     {@code manifest <repository> <digest>}, then eviction's: {@code evict <repository> <digest> last used <time>}
 */
public record GcReport(boolean dryRun, long tagsRetired, long manifestsRetired, int manifests, long blobsKept, long bytesKept, long blobsFreed,
    long bytesFreed, long linksFreed, long spared, int uploadsPurged,
    long manifestsEvicted, long bytesEvicted, Duration took, List<String> gone) {
  public GcReport {
    gone = List.copyOf(gone);
  }

  /** The summary line {@code berth gc} prints. */
  public String summary() {
    return String.format("%s: retention %s %d tags and %d untagged manifests; cache eviction %s %d manifests (%d bytes); %d manifests live;"
        + " kept %d blobs (%d bytes); %s %d blobs (%d bytes) and %d layer links;"
        + " %d spared; %d abandoned uploads purged; %d ms",
        dryRun ? "dry run" : "gc", dryRun ? "would remove" : "removed", tagsRetired, manifestsRetired,
        dryRun ? "would evict" : "evicted", manifestsEvicted, bytesEvicted, manifests,
        blobsKept, bytesKept, dryRun ? "would free" : "freed", blobsFreed, bytesFreed, linksFreed, spared, uploadsPurged, took.toMillis());
  }
}
