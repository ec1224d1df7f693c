package dev.berth.registry;

import java.util.Map;

/**
 * A failure the client caused or must know about, answered as an OCI error body. The detail is
 * shown to the client, so it must never carry a secret or a stack trace.
 */
public final class RegistryException extends RuntimeException {
  private final ErrorCode code;
  private final int status;
  private final Map<String, String> headers;

  public RegistryException(ErrorCode code, String detail) {
    this(code, detail, code.status(), Map.of());
  }

  public RegistryException(ErrorCode code, String detail, int status) {
    this(code, detail, status, Map.of());
  }

  public RegistryException(ErrorCode code, String detail, int status, Map<String, String> headers) {
    super(detail, null, false, false);
    this.code = code;
    this.status = status;
    this.headers = Map.copyOf(headers);
  }

  public ErrorCode code() {
    return code;
  }

  public int status() {
    return status;
  }

  public String detail() {
    return getMessage();
  }

  /** Response headers that go with the error (the current {@code Range} of an upload, say). */
  public Map<String, String> headers() {
    return headers;
  }

  public RegistryException withHeaders(Map<String, String> extra) {
    return new RegistryException(code, detail(), status, extra);
  }
}
