package dev.berth.registry;

import java.util.Optional;

/**
 * An upload chunk the session can't take: out of order, overlapping, or with a malformed
 * {@code Content-Range}. Carries the session as it stands, when known, so that the client can
 * resume from what the registry holds.
 */
public final class ChunkRejectedException extends RegistryException {
  private final transient Upload upload;

  ChunkRejectedException(String detail, Upload upload) {
    super(ErrorCode.BLOB_UPLOAD_INVALID, detail);
    this.upload = upload;
  }

  ChunkRejectedException(String detail) {
    this(detail, null);
  }

  /** The session and the bytes it holds; empty when the chunk was rejected before it was looked up. */
  public Optional<Upload> upload() {
    return Optional.ofNullable(upload);
  }
}
