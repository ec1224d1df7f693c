package dev.berth.auth;

import java.util.Locale;

/** What a request does to a repository (or, for {@link #CATALOG}, to the registry). */
public enum Action {
  /** GET and HEAD of manifests, blobs, tags and referrers. */
  PULL,
  /** Uploads and manifest PUTs. */
  PUSH,
  /** Every DELETE, of a manifest, a tag, a blob or an upload. */
  DELETE,
  /** Listing {@code /v2/_catalog} (which then shows only the repositories one may pull). */
  CATALOG;

  /** The name used in rules files: {@code pull}, {@code push}, {@code delete}, {@code catalog}. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** @throws IllegalArgumentException naming the accepted actions */
  public static Action parse(String text) {
    for (Action a : values()) {
      if (a.wire().equals(text)) {
        return a;
      }
    }
    throw new IllegalArgumentException("unknown action '" + text + "' (accepted: pull, push, delete, catalog)");
  }
}
