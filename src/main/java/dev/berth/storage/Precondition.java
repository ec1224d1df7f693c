package dev.berth.storage;

/**
 * The condition a write or delete needs to hold, as HTTP {@code If-None-Match: *} and
 * {@code If-Match: etag} do on object stores.
 */
public record Precondition(Kind kind, String etag) {
  public enum Kind {
    NONE,
    IF_ABSENT,
    IF_MATCH
  }

  public static final Precondition NONE = new Precondition(Kind.NONE, null);
  /** Succeeds only when no object exists at the key. */
  public static final Precondition IF_ABSENT = new Precondition(Kind.IF_ABSENT, null);

  /** Succeeds only when the object exists with this ETag. */
  public static Precondition ifMatch(String etag) {
    if (etag == null) {
      throw new IllegalArgumentException("etag");
    }
    return new Precondition(Kind.IF_MATCH, etag);
  }
}
