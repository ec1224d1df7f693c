package dev.berth.registry;

/**
 * A failure the client caused or must know about: one of the spec's error codes and a detail
 * for the client, which must never carry a secret or a stack trace. How it is answered over HTTP
 * is decided in {@code dev.berth.api} alone; subclasses carry the facts a response needs.
 */
public class RegistryException extends RuntimeException {
  private final ErrorCode code;

  public RegistryException(ErrorCode code, String detail) {
    super(detail, null, false, false);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }

  public String detail() {
    return getMessage();
  }
}
