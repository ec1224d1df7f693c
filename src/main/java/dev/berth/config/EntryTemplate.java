package dev.berth.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A map entry's property template ({@code berth.proxy.upstreams.<upstream>.url}) with the forms the
 * startup check matches names against, compiled once: the check asks about every property and
 * every environment variable, and compiling these per question cost ~9 MB of allocation and
 * thousands of regex compilations on each start.
 *
 * @param template the template, as in {@link BerthProperties#ALL}
 * @param property matches the template's property names (a key is anything without a dot)
 * @param variable matches the template's environment variables (a key is {@code [A-Z0-9_]+})
 * @param prefix the template up to its first key; {@code suffix} after it
 * @param envPrefix {@code prefix}'s environment form; {@code envSuffix} {@code suffix}'s
 */
record EntryTemplate(String template, Pattern property, Pattern variable, String prefix, String suffix,
    String envPrefix, String envSuffix) {
  private static final Pattern KEY = Pattern.compile("<[a-z-]+>");

  /** The compiled forms of a template, or null when it has no {@code <key>}. */
  static EntryTemplate of(String template) {
    Matcher k = KEY.matcher(template);
    if (!k.find()) {
      return null;
    }
    String prefix = template.substring(0, k.start());
    String suffix = template.substring(k.end());
    return new EntryTemplate(template, regex(template, "[^.]+", false), regex(template, "[A-Z0-9_]+", true),
        prefix, suffix, envName(prefix), envName(suffix));
  }

  /** The environment variable SmallRye reads a property from: upper case, other characters {@code _}. */
  static String envName(String property) {
    StringBuilder b = new StringBuilder(property.length());
    for (int i = 0; i < property.length(); i++) {
      char c = property.charAt(i);
      boolean plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      b.append(plain ? c : '_');
    }
    return b.toString().toUpperCase(Locale.ROOT);
  }

  /** The template as a regular expression: {@code <key>} parts match {@code key}, the rest literally. */
  private static Pattern regex(String template, String key, boolean env) {
    StringBuilder r = new StringBuilder();
    int at = 0;
    Matcher m = KEY.matcher(template);
    while (m.find()) {
      String literal = template.substring(at, m.start());
      r.append(Pattern.quote(env ? envName(literal) : literal)).append(key);
      at = m.end();
    }
    String rest = template.substring(at);
    return Pattern.compile(r.append(Pattern.quote(env ? envName(rest) : rest)).toString());
  }
}
