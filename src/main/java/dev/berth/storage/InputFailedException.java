package dev.berth.storage;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Reading the stream given to {@link StorageDriver#append} failed: the client's body broke off,
 * not the storage. Drivers let it through unchanged so the caller can answer 400, not 503.
 */
public final class InputFailedException extends UncheckedIOException {
  public InputFailedException(IOException cause) {
    super(cause.getMessage() == null ? "request body failed" : cause.getMessage(), cause);
  }
}
