package dev.berth.registry;

/** A blob read asked for bytes the blob doesn't have; carries the blob's size. */
public final class RangeNotSatisfiableException extends RegistryException {
  private final long size;

  RangeNotSatisfiableException(long size) {
    super(ErrorCode.SIZE_INVALID, "requested range not satisfiable for " + size + " bytes");
    this.size = size;
  }

  /** The size of the blob, in bytes. */
  public long size() {
    return size;
  }
}
