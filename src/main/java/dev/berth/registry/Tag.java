package dev.berth.registry;

import java.util.regex.Pattern;

/** A tag: up to 128 characters of {@code [a-zA-Z0-9_][a-zA-Z0-9._-]*}. */
public record Tag(String value) implements Comparable<Tag> {
  private static final Pattern GRAMMAR = Pattern.compile("[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}");

  public Tag {
    if (value == null || !GRAMMAR.matcher(value).matches()) {
      throw ErrorCode.TAG_INVALID.with("invalid tag: " + DigestAlgorithm.clip(String.valueOf(value)));
    }
  }

  public static boolean isValid(String value) {
    return value != null && GRAMMAR.matcher(value).matches();
  }

  @Override
  public String toString() {
    return value;
  }

  @Override
  public int compareTo(Tag o) {
    return value.compareTo(o.value);
  }
}
