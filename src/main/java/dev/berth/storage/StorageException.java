package dev.berth.storage;

/**
 * Storage failed or can't be reached. Messages name keys and operations, never credentials, so
 * they can be logged. {@link #reason} is the one-line cause an operator needs (credentials
 * rejected, endpoint unreachable, container missing, permission denied): safe to show in a probe,
 * a startup line and an error body.
 */
public class StorageException extends RuntimeException {
  private final String reason;

  public StorageException(String message) {
    this(message, message, null);
  }

  public StorageException(String message, Throwable cause) {
    this(message, message, cause);
  }

  /** {@code reason}: short, no key, no secret, no stack trace; {@code message}: the full story for the log. */
  public StorageException(String message, String reason, Throwable cause) {
    super(message, cause);
    this.reason = reason == null || reason.isBlank() ? "storage is unavailable" : reason;
  }

  /** The cause in one line, without keys or secrets, for probes and clients. */
  public String reason() {
    return reason;
  }
}
