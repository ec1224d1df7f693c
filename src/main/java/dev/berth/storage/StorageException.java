package dev.berth.storage;

/**
 * Storage failed or can't be reached. Messages name keys and operations, never credentials, so
 * they can be logged; clients see a generic error.
 */
public class StorageException extends RuntimeException {
  public StorageException(String message) {
    super(message);
  }

  public StorageException(String message, Throwable cause) {
    super(message, cause);
  }
}
