package dev.berth.registry;

import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The running digest of each upload this process has been receiving, so that finishing an upload
 * does not re-read it. Only a cache: an upload whose PATCHes went to another replica (or that
 * outlived a restart) has no checkpoint, or an older one, and its digest is completed by reading
 * the missing bytes back from storage. Any checkpoint is valid forever, because an upload's bytes
 * are append-only.
 */
final class DigestCheckpoints {
  /** A digest of the first {@code offset} bytes of an upload. */
  record Checkpoint(DigestAlgorithm algorithm, long offset, MessageDigest digest) {}

  private final int capacity;
  private final Map<String, Checkpoint> byUpload;

  DigestCheckpoints(int capacity) {
    this.capacity = capacity;
    this.byUpload = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Checkpoint> eldest) {
        return size() > DigestCheckpoints.this.capacity;
      }
    };
  }

  /** Removes and returns the checkpoint of an upload; its digest then belongs to the caller. */
  synchronized Checkpoint take(String upload) {
    return byUpload.remove(upload);
  }

  synchronized void put(String upload, Checkpoint checkpoint) {
    byUpload.put(upload, checkpoint);
  }

  synchronized void remove(String upload) {
    byUpload.remove(upload);
  }

  static MessageDigest copy(MessageDigest md) {
    try {
      return (MessageDigest) md.clone();
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException("the JDK's SHA-2 digests are cloneable", e);
    }
  }
}
