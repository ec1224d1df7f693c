package dev.berth.registry;

import java.util.regex.Pattern;

/**
 * A repository-name pattern (access rules, robot scopes, immutable tags, retention): {@code *} matches within one path component,
 * {@code **} across components; {@code team-a/**} also matches {@code team-a} itself. Everything
 * else is literal, so a pattern can't be a regular expression by accident.
 */
public record RepositoryPattern(String text, Pattern regex) {
  private static final Pattern VALID = Pattern.compile("[a-z0-9._/*-]+");

  /** @throws IllegalArgumentException when the pattern has characters no repository name has */
  public static RepositoryPattern parse(String text) {
    if (text == null || !VALID.matcher(text).matches() || text.contains("***") || text.startsWith("/") || text.endsWith("/")) {
      throw new IllegalArgumentException("invalid repository pattern '" + text
          + "' (lowercase name components, '/' between them, '*' within one, '**' across)");
    }
    StringBuilder r = new StringBuilder();
    String body = text;
    boolean underPrefix = text.endsWith("/**") && text.length() > 3;
    if (underPrefix) {
      body = text.substring(0, text.length() - 3);
    }
    for (int i = 0; i < body.length(); i++) {
      char c = body.charAt(i);
      if (c == '*' && i + 1 < body.length() && body.charAt(i + 1) == '*') {
        r.append(".*");
        i++;
      } else if (c == '*') {
        r.append("[^/]*");
      } else {
        r.append(Pattern.quote(String.valueOf(c)));
      }
    }
    if (underPrefix) {
      r.append("(/.*)?");
    }
    return new RepositoryPattern(text, Pattern.compile(r.toString()));
  }

  public boolean matches(String repository) {
    return regex.matcher(repository).matches();
  }

  @Override
  public String toString() {
    return text;
  }
}
