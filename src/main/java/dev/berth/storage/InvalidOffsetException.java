package dev.berth.storage;

/** An append or read at an offset the object does not end at (or reach); carries its size. */
public class InvalidOffsetException extends StorageException {
  private final long size;

  public InvalidOffsetException(String key, long offset, long size) {
    super("offset " + offset + " does not match size " + size + " of " + key);
    this.size = size;
  }

  /** The object's size when the operation was refused (-1 when unknown). */
  public long size() {
    return size;
  }
}
