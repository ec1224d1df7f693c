package dev.berth.config;

import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.runtime.configuration.MemorySizeConverter;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Every property of {@link BerthConfig} with the rule its value must follow. A table rather than
 * reflection over the mapping: it works unchanged in a native executable, and
 * {@code BerthPropertiesTest} keeps it equal to the interface.
 */
final class BerthProperties {
  private BerthProperties() {}

  /** A value's rule: {@code null} when the value is fine, else what is wrong with it. */
  @FunctionalInterface
  interface Rule {
    String problem(String value);
  }

  static final long KIB = 1024;
  static final long MIB = 1024 * KIB;
  static final long GIB = 1024 * MIB;

  /** Secrets: their values are never named in a message. */
  static final Set<String> SECRETS = Set.of(
      "berth.storage.azure.account-key", "berth.storage.azure.connection-string", "berth.storage.azure.sas-token",
      "berth.events.endpoints.<endpoint>.secret", "berth.events.endpoints.<endpoint>.headers.<header>",
      "berth.proxy.upstreams.<upstream>.password");

  static final Map<String, Rule> ALL;
  private static final Pattern REALM = Pattern.compile("[A-Za-z0-9 ._-]{1,64}");
  private static final Pattern REPOSITORY_PATTERN = Pattern.compile("[a-z0-9._*-]+(/[a-z0-9._*-]+)*");
  /** A map key in a property name: {@code <endpoint>} stands for any name without dots. */
  private static final Pattern ENV_KEY = Pattern.compile("[A-Z0-9_]+");

  static {
    Map<String, Rule> m = new LinkedHashMap<>();
    m.put("berth.storage.driver", oneOf(BerthConfig.Driver.values()));
    m.put("berth.storage.filesystem.root", any());
    m.put("berth.storage.filesystem.min-free-space", size(0, Long.MAX_VALUE));
    m.put("berth.storage.filesystem.direct-io", bool());
    m.put("berth.storage.azure.container", BerthProperties::containerProblem);
    m.put("berth.storage.azure.root", any());
    m.put("berth.storage.azure.auth", oneOf(BerthConfig.AzureAuth.values()));
    m.put("berth.storage.azure.account-name", any());
    m.put("berth.storage.azure.account-key", any());
    m.put("berth.storage.azure.connection-string", any());
    m.put("berth.storage.azure.sas-token", any());
    m.put("berth.storage.azure.endpoint", any()); // checked with the rest of Azure's settings
    m.put("berth.storage.azure.managed-identity-client-id", any());
    m.put("berth.storage.azure.create-container", bool());
    m.put("berth.storage.azure.block-size", integer(64 * KIB, 100 * MIB, "64 KiB (65536) and 100 MiB (104857600)"));
    m.put("berth.storage.azure.timeout", duration());
    m.put("berth.storage.azure.max-retries", integer(0, 20, "0 and 20"));
    m.put("berth.storage.azure.connect-timeout", duration());
    m.put("berth.storage.azure.upload-parallelism", integer(1, 64, "1 and 64"));
    m.put("berth.storage.azure.download-parallelism", integer(1, 64, "1 and 64"));
    m.put("berth.storage.azure.download-range-size", integer(64 * KIB, 100 * MIB, "64 KiB (65536) and 100 MiB (104857600)"));
    m.put("berth.storage.redirect.enabled", bool());
    m.put("berth.storage.redirect.ttl", duration());
    m.put("berth.delete.enabled", bool());
    m.put("berth.manifests.max-size", integer(1, 64 * MIB, "1 and 64 MiB (67108864)"));
    m.put("berth.pagination.max-entries", integer(1, Integer.MAX_VALUE, "1 and " + Integer.MAX_VALUE));
    m.put("berth.health.cache-ttl", duration());
    m.put("berth.uploads.purge-after", duration());
    m.put("berth.gc.grace", duration());
    m.put("berth.gc.interval", duration());
    m.put("berth.gc.first-run", duration());
    m.put("berth.gc.lease", duration());
    m.put("berth.uploads.purge-interval", duration());
    m.put("berth.uploads.chunk-min-length", size(1, GIB));
    m.put("berth.uploads.purge-first-run", duration());
    m.put("berth.uploads.purge-enabled", bool());
    m.put("berth.auth.mode", oneOf(BerthConfig.AuthMode.values()));
    m.put("berth.auth.htpasswd", any()); // read and checked by access control at startup
    m.put("berth.auth.rules", any());
    m.put("berth.auth.realm", v -> REALM.matcher(v).matches() ? null
        : "not a realm (1-64 letters, digits, spaces, '.', '_', '-': it goes into a header)");
    m.put("berth.auth.max-failures-per-minute", integer(1, 1_000_000, "1 and 1000000"));
    m.put("berth.auth.service", v -> REALM.matcher(v).matches() ? null
        : "not a service name (1-64 letters, digits, spaces, '.', '_', '-': it goes into a header)");
    m.put("berth.auth.token.signing-key", any()); // read and checked by access control at startup
    m.put("berth.auth.token.verification-keys", any());
    m.put("berth.auth.token.ttl", duration());
    m.put("berth.auth.token.refresh-ttl", duration());
    m.put("berth.auth.token.issuer", v -> REALM.matcher(v).matches() ? null : "not an issuer (1-64 letters, digits, '.', '_', '-')");
    m.put("berth.auth.token.realm", v -> v.startsWith("https://") || v.startsWith("http://") ? null : "not an http(s) URL");
    m.put("berth.read-only", bool());
    m.put("berth.ui.session-ttl", duration());
    m.put("berth.metrics.enabled", bool());
    m.put("berth.ui.enabled", bool());
    m.put("berth.events.source", v -> v.isBlank() || v.chars().anyMatch(Character::isWhitespace) ? "not a URI reference" : null);
    m.put("berth.events.endpoints.<endpoint>.url", v -> v.startsWith("https://") || v.startsWith("http://") ? null : "not an http(s) URL");
    m.put("berth.events.endpoints.<endpoint>.repositories", list(REPOSITORY_PATTERN, "a repository pattern (lowercase name components, '*' within one, '**' across)"));
    m.put("berth.events.endpoints.<endpoint>.actions", list(Pattern.compile("push|delete|pull|cache"), "one of push, delete, pull, cache"));
    m.put("berth.events.endpoints.<endpoint>.headers.<header>", any());
    m.put("berth.events.endpoints.<endpoint>.secret", any());
    m.put("berth.events.endpoints.<endpoint>.queue-size", integer(1, 1_000_000, "1 and 1000000"));
    m.put("berth.events.endpoints.<endpoint>.timeout", duration());
    m.put("berth.events.endpoints.<endpoint>.max-attempts", integer(1, 100, "1 and 100"));
    m.put("berth.events.endpoints.<endpoint>.backoff", duration());
    m.put("berth.tags.immutable", list(Pattern.compile(REPOSITORY_PATTERN.pattern() + ":[A-Za-z0-9._*?-]+"),
        "<repository pattern>:<tag glob>, e.g. releases/**:v*"));
    m.put("berth.retention.rules.<rule>.repositories", list(REPOSITORY_PATTERN, "a repository pattern (lowercase name components, '*' within one, '**' across)"));
    m.put("berth.retention.rules.<rule>.keep-newest", integer(0, 1_000_000, "0 and 1000000"));
    m.put("berth.retention.rules.<rule>.keep-tags", BerthProperties::regexProblem);
    m.put("berth.retention.rules.<rule>.drop-tags-older-than", duration());
    m.put("berth.retention.rules.<rule>.drop-untagged-older-than", duration());
    m.put("berth.proxy.upstreams.<upstream>.url", BerthProperties::upstreamUrlProblem);
    m.put("berth.proxy.upstreams.<upstream>.username", any());
    m.put("berth.proxy.upstreams.<upstream>.password", any());
    m.put("berth.proxy.upstreams.<upstream>.token-file", any()); // read when the upstream is first used
    m.put("berth.proxy.upstreams.<upstream>.tag-ttl", duration());
    m.put("berth.proxy.upstreams.<upstream>.realm-hosts", any());
    m.put("berth.proxy.upstreams.<upstream>.namespaces", list(Pattern.compile("[A-Za-z0-9.-]+(:[0-9]{1,5})?"),
        "a registry host, host[:port] (docker.io)")); // each claimed once: ConfigProblems.upstreamProblems
    m.put("berth.proxy.upstreams.<upstream>.max-bytes", size(1, Long.MAX_VALUE));
    m.put("berth.proxy.upstreams.<upstream>.tls.ca-file", any()); // read and checked: ConfigProblems.upstreamProblems
    m.put("berth.proxy.pull-flush-interval", duration());
    m.put("berth.proxy.default-upstream", any()); // must name an upstream: ConfigProblems.upstreamProblems
    ALL = Collections.unmodifiableMap(m);
    TEMPLATES = m.keySet().stream().map(EntryTemplate::of).filter(t -> t != null).toList();
  }

  /** The templates among {@link #ALL}'s names, compiled. */
  private static final List<EntryTemplate> TEMPLATES;

  /**
   * The entry of {@link #ALL} a property name is, or instantiates ({@code berth.events.endpoints.hook.url}
   * is {@code berth.events.endpoints.<endpoint>.url}); null when none.
   */
  static String template(String name) {
    if (ALL.containsKey(name)) {
      return name;
    }
    for (EntryTemplate t : TEMPLATES) {
      if (t.property().matcher(name).matches()) {
        return t.template();
      }
    }
    return null;
  }

  /** The rule of a property name (a template's for a map entry); null for unknown names. */
  static Rule rule(String name) {
    String t = template(name);
    return t == null ? null : ALL.get(t);
  }

  static boolean isSecret(String name) {
    String t = template(name);
    return t != null && SECRETS.contains(t);
  }

  /** Whether an environment variable name is the form of a map entry's property (any key). */
  static boolean isTemplateEnvName(String variable) {
    for (EntryTemplate t : TEMPLATES) {
      if (t.variable().matcher(variable).matches()) {
        return true;
      }
    }
    return false;
  }

  /**
   * The property a map entry's environment variable sets: {@code BERTH_PROXY_UPSTREAMS_HUB_TAG_TTL}
   * is {@code berth.proxy.upstreams.hub.tag-ttl}. SmallRye hands such variables to the mapping by
   * matching them against its properties, and to the configuration's names only with every
   * {@code _} read as a dot, which no template matches; so the check recovers the name here. The
   * template with the longest fixed end wins ({@code _TLS_CA_FILE} over a shorter one); the key
   * comes back lower case, {@code _} kept. Null when the variable is no map entry's form.
   */
  static String propertyOfEnvName(String variable) {
    String best = null;
    int bestSuffix = -1;
    for (EntryTemplate t : TEMPLATES) {
      String envPrefix = t.envPrefix();
      String envSuffix = t.envSuffix();
      if (variable.length() > envPrefix.length() + envSuffix.length() && variable.startsWith(envPrefix)
          && variable.endsWith(envSuffix) && envSuffix.length() > bestSuffix) {
        String key = variable.substring(envPrefix.length(), variable.length() - envSuffix.length());
        if (ENV_KEY.matcher(key).matches() && !key.startsWith("_") && !key.endsWith("_")) {
          best = t.prefix() + key.toLowerCase(Locale.ROOT) + t.suffix();
          bestSuffix = envSuffix.length();
        }
      }
    }
    return best;
  }

  /** The environment variable SmallRye reads a property from: upper case, other characters {@code _}. */
  static String envName(String property) {
    return EntryTemplate.envName(property);
  }

  /** An enum's values as SmallRye accepts them: lower case, {@code _} as {@code -}. */
  static List<String> accepted(Enum<?>[] values) {
    return Arrays.stream(values).map(v -> v.name().toLowerCase(Locale.ROOT).replace('_', '-')).toList();
  }

  /** A comma-separated list whose every entry matches {@code entry}. */
  private static Rule list(Pattern entry, String accepted) {
    return v -> {
      for (String e : v.split(",")) {
        if (!entry.matcher(e.trim()).matches()) {
          return "'" + ConfigProblems.clip(e.trim()) + "' is not " + accepted;
        }
      }
      return null;
    };
  }

  private static String regexProblem(String v) {
    try {
      Pattern.compile(v);
      return null;
    } catch (java.util.regex.PatternSyntaxException e) {
      return "not a regular expression: " + e.getDescription();
    }
  }

  private static Rule any() {
    return v -> null;
  }

  private static Rule oneOf(Enum<?>[] values) {
    List<String> accepted = accepted(values);
    return v -> accepted.contains(v.trim().toLowerCase(Locale.ROOT).replace('_', '-'))
        ? null : "not one of the accepted values: " + String.join(", ", accepted);
  }

  /** SmallRye reads anything but true/1/yes/y/on as false: a typo would turn a feature off. */
  private static Rule bool() {
    Set<String> accepted = Set.of("true", "false", "yes", "no", "y", "n", "on", "off", "1", "0");
    return v -> accepted.contains(v.trim().toLowerCase(Locale.ROOT)) ? null : "not a boolean; accepted: true, false";
  }

  private static Rule integer(long min, long max, String range) {
    return v -> {
      long n;
      try {
        n = Long.parseLong(v.trim());
      } catch (NumberFormatException e) {
        return "not a whole number; accepted: between " + range;
      }
      return n < min || n > max ? "out of range; accepted: between " + range : null;
    };
  }

  /** Quarkus' own parser, so this accepts exactly what the mapping does ({@code 64M}, {@code 1G}, bytes). */
  private static Rule size(long min, long max) {
    return v -> {
      BigInteger n;
      try {
        n = new MemorySizeConverter().convert(v.trim()).asBigInteger();
      } catch (RuntimeException e) {
        return "not a size; accepted: bytes or a number with K, M, G, T (e.g. 4M)";
      }
      if (n.compareTo(BigInteger.valueOf(min)) < 0 || n.compareTo(BigInteger.valueOf(max)) > 0) {
        return max == Long.MAX_VALUE ? "must be at least " + min + " bytes"
            : "out of range; accepted: between " + min + " byte and " + (max == GIB ? "1G" : max + " bytes");
      }
      return null;
    };
  }

  /** Every duration is at least a second: zero would spin, sub-second values are typos of seconds. */
  private static Rule duration() {
    return v -> {
      Duration d;
      try {
        d = DurationConverter.parseDuration(v.trim());
      } catch (RuntimeException e) {
        return "not a duration; accepted: ISO-8601 (PT30S, PT5M, P7D) or 30s, 5m, 24h, 7d";
      }
      if (d == null || d.isZero()) {
        return "zero; a duration must be at least 1 second";
      }
      if (d.isNegative()) {
        return "negative; a duration must be at least 1 second";
      }
      return d.compareTo(Duration.ofSeconds(1)) < 0 ? "shorter than 1 second; a duration must be at least 1 second" : null;
    };
  }

  /** An upstream's base URL: http(s), a host, maybe a port; no credentials, path, query or fragment. */
  static String upstreamUrlProblem(String v) {
    java.net.URI u;
    try {
      u = new java.net.URI(v.trim());
    } catch (java.net.URISyntaxException e) {
      return "not a URL";
    }
    if (!"https".equalsIgnoreCase(u.getScheme()) && !"http".equalsIgnoreCase(u.getScheme())) {
      return "not an http(s) URL";
    }
    if (u.getHost() == null || u.getRawUserInfo() != null) {
      return "not an http(s) URL with a host (and no user info: credentials go in username and password)";
    }
    boolean noPath = u.getRawPath() == null || u.getRawPath().isEmpty() || u.getRawPath().equals("/");
    return noPath && u.getRawQuery() == null && u.getRawFragment() == null ? null
        : "has a path, query or fragment; give the registry's base URL (https://host[:port])";
  }

  private static final Pattern CONTAINER = Pattern.compile("[a-z0-9](?:-?[a-z0-9])*");

  /** Azure's container names: 3-63 characters, lower-case letters, digits, single inner hyphens. */
  static String containerProblem(String v) {
    String c = v.trim();
    return c.length() >= 3 && c.length() <= 63 && CONTAINER.matcher(c).matches() ? null
        : "not a container name; accepted: 3-63 lower-case letters, digits and single hyphens, starting and ending with a letter or digit";
  }
}
