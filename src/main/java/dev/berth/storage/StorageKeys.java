package dev.berth.storage;

/** Checks on keys that every driver applies before touching its backend. */
public final class StorageKeys {
  private StorageKeys() {}

  /**
   * Rejects keys that are empty, absolute, end with {@code /}, contain empty, {@code .} or
   * {@code ..} segments, backslashes or control characters: nothing a driver maps to a path or
   * blob name can escape its root, and no two keys name the same file.
   *
   * @throws InvalidKeyException when the key is not acceptable
   */
  public static String check(String key) {
    if (key == null || key.isEmpty() || key.length() > 1024 || key.charAt(0) == '/') {
      throw new InvalidKeyException(key);
    }
    int segmentStart = 0;
    for (int i = 0; i <= key.length(); i++) {
      char c = i < key.length() ? key.charAt(i) : '/';
      if (c == '/') {
        String segment = key.substring(segmentStart, i);
        if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
          throw new InvalidKeyException(key);
        }
        segmentStart = i + 1;
      } else if (c < 0x20 || c == 0x7f || c == '\\') {
        throw new InvalidKeyException(key);
      }
    }
    return key;
  }

  /** Like {@link #check} for a prefix, which must end with {@code /} (or be empty: the root). */
  public static String checkPrefix(String prefix) {
    if (prefix == null) {
      throw new InvalidKeyException(null);
    }
    if (prefix.isEmpty()) {
      return prefix;
    }
    if (!prefix.endsWith("/")) {
      throw new InvalidKeyException(prefix);
    }
    check(prefix.substring(0, prefix.length() - 1));
    return prefix;
  }
}
