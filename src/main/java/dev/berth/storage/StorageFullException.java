package dev.berth.storage;

/** Storage refused a write because it has no space left (a full disk, a quota): retrying won't help until space is freed. */
public class StorageFullException extends StorageException {
  public StorageFullException(String message, Throwable cause) {
    super(message, "storage is full", cause);
  }

  /** {@code reason}: which limit was hit, e.g. {@code storage is full (no space left on device)}. */
  public StorageFullException(String message, String reason, Throwable cause) {
    super(message, reason, cause);
  }
}
