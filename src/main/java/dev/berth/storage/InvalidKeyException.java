package dev.berth.storage;

/** A key that could escape the driver's root or is not a key at all. */
public class InvalidKeyException extends StorageException {
  public InvalidKeyException(String key) {
    super("invalid storage key: " + (key == null ? "null" : key.length() > 100 ? key.substring(0, 100) + "..." : key));
  }
}
