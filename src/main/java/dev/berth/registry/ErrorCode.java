package dev.berth.registry;

/**
 * The error codes of the OCI Distribution Specification (plus the Docker-compatible
 * {@code PAGINATION_NUMBER_INVALID}), each with the HTTP status it is answered with.
 *
 * @see <a href="https://github.com/opencontainers/distribution-spec/blob/main/spec.md#error-codes">error codes</a>
 */
public enum ErrorCode {
  BLOB_UNKNOWN(404, "blob unknown to registry"),
  BLOB_UPLOAD_INVALID(400, "blob upload invalid"),
  BLOB_UPLOAD_UNKNOWN(404, "blob upload unknown to registry"),
  DIGEST_INVALID(400, "provided digest did not match uploaded content"),
  MANIFEST_BLOB_UNKNOWN(400, "manifest references a manifest or blob unknown to registry"),
  MANIFEST_INVALID(400, "manifest invalid"),
  MANIFEST_UNKNOWN(404, "manifest unknown to registry"),
  NAME_INVALID(400, "invalid repository name"),
  NAME_UNKNOWN(404, "repository name not known to registry"),
  SIZE_INVALID(400, "provided length did not match content length"),
  TAG_INVALID(400, "manifest tag did not match URI"),
  PAGINATION_NUMBER_INVALID(400, "invalid number of results requested"),
  UNAUTHORIZED(401, "authentication required"),
  DENIED(403, "requested access to the resource is denied"),
  UNSUPPORTED(405, "the operation is unsupported"),
  TOO_LARGE(413, "payload too large"),
  TOOMANYREQUESTS(429, "too many requests"),
  UNAVAILABLE(503, "service unavailable"),
  UNKNOWN(500, "unknown error"),
  /** Berth's admin API ({@code /v2/_berth/tokens}): not in the spec, which has no code for it. */
  ROBOT_INVALID(400, "invalid robot account request"),
  ROBOT_UNKNOWN(404, "robot account unknown");

  private final int status;
  private final String message;

  ErrorCode(int status, String message) {
    this.status = status;
    this.message = message;
  }

  public int status() {
    return status;
  }

  public String message() {
    return message;
  }

  /** The code as written on the wire; TOO_LARGE keeps the spec's wording for an oversized body. */
  public String wireCode() {
    return this == TOO_LARGE ? "SIZE_INVALID" : name();
  }

  public RegistryException with(String detail) {
    return new RegistryException(this, detail);
  }
}
