package dev.berth.registry;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Manifest bytes by digest, bounded by total size. Content-addressed bytes never change, so the
 * cache is safe across replicas; whether a repository (still) has the manifest is always read
 * from storage.
 */
final class ManifestCache {
  private final long capacityBytes;
  private long bytes;
  private final LinkedHashMap<Digest, byte[]> entries = new LinkedHashMap<>(64, 0.75f, true);

  ManifestCache(long capacityBytes) {
    this.capacityBytes = capacityBytes;
  }

  synchronized byte[] get(Digest d) {
    return entries.get(d);
  }

  synchronized void put(Digest d, byte[] data) {
    if (data.length > capacityBytes / 4) {
      return;
    }
    byte[] old = entries.put(d, data);
    bytes += data.length - (old == null ? 0 : old.length);
    var it = entries.entrySet().iterator();
    while (bytes > capacityBytes && it.hasNext()) {
      Map.Entry<Digest, byte[]> eldest = it.next();
      bytes -= eldest.getValue().length;
      it.remove();
    }
  }
}
