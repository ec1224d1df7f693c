package dev.berth.proxy;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code WWW-Authenticate} challenge (RFC 9110 §11.6.1) as registries send them: {@code Basic
 * realm="..."}, or {@code Bearer realm="...",service="...",scope="..."} (the Docker token flow).
 */
record Challenge(String scheme, Map<String, String> params) {
  private static final Pattern SCHEME = Pattern.compile("\\s*([A-Za-z][A-Za-z0-9._~+/-]*)\\s*");
  private static final Pattern PARAM = Pattern.compile("\\s*([A-Za-z0-9._-]+)\\s*=\\s*(?:\"((?:[^\"\\\\]|\\\\.)*)\"|([^\\s,]*))\\s*,?");

  /** The first challenge of the header; empty when there is none it can read. */
  static Optional<Challenge> parse(String header) {
    if (header == null) {
      return Optional.empty();
    }
    Matcher s = SCHEME.matcher(header);
    if (!s.lookingAt()) {
      return Optional.empty();
    }
    Map<String, String> params = new LinkedHashMap<>();
    Matcher p = PARAM.matcher(header);
    p.region(s.end(), header.length());
    while (p.lookingAt()) {
      String v = p.group(2) != null ? p.group(2).replaceAll("\\\\(.)", "$1") : p.group(3);
      params.putIfAbsent(p.group(1).toLowerCase(Locale.ROOT), v);
      if (p.end() == header.length()) {
        break;
      }
      p.region(p.end(), header.length());
    }
    return Optional.of(new Challenge(s.group(1).toLowerCase(Locale.ROOT), params));
  }

  boolean isBasic() {
    return scheme.equals("basic");
  }

  boolean isBearer() {
    return scheme.equals("bearer");
  }

  String param(String name) {
    return params.get(name);
  }
}
