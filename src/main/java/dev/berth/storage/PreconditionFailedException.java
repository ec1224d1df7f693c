package dev.berth.storage;

/** A conditional write or delete found another writer's object (HTTP 412 on object stores). */
public class PreconditionFailedException extends StorageException {
  public PreconditionFailedException(String key) {
    super("precondition failed on " + key);
  }
}
