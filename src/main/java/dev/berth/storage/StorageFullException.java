package dev.berth.storage;

/** Storage refused a write because it has no space left (a full disk, a quota): retrying won't help until space is freed. */
public class StorageFullException extends StorageException {
  public StorageFullException(String message, Throwable cause) {
    super(message, "storage is full", cause);
  }
}
