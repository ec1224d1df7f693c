package dev.berth.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Every configuration mistake Berth can see before it starts, one line each: unknown
 * {@code SETTINGS_FLAVOR}, unknown {@code berth.*} properties and {@code BERTH_*} variables
 * (with the nearest known names), invalid values (with the accepted ones) and Azure settings that
 * can never work. Pure: {@link BerthConfigCheck} feeds it the configuration.
 */
final class ConfigProblems {
  private ConfigProblems() {}

  /** A configured value and where it came from ({@code BERTH_X}, "system property", ...; null: a default). */
  record Setting(String value, String origin) {}

  /**
   * @param settings the known properties that have a non-blank value
   * @param unknown the {@code berth.*} names set outside the environment that Berth doesn't know, with their origin
   * @param env the process's environment variables (only {@code BERTH_*} and {@code SETTINGS_FLAVOR} are judged)
   */
  static List<String> find(Map<String, Setting> settings, Map<String, String> unknown, Map<String, String> env) {
    List<String> out = new ArrayList<>();
    String flavorProblem = LegacyEnvironmentConfigSource.flavorProblem(env.get("SETTINGS_FLAVOR"));
    if (flavorProblem != null) {
      out.add(flavorProblem);
    }
    unknown.forEach((name, origin) -> out.add(name + (origin == null ? "" : " (" + origin + ")")
        + " is not a Berth property" + hint(Suggestions.closest(name, BerthProperties.ALL.keySet(), '.'))));
    out.addAll(unknownVariables(env.keySet()));
    settings.forEach((name, s) -> {
      BerthProperties.Rule rule = BerthProperties.rule(name);
      String p = rule == null ? null : rule.problem(s.value());
      if (p != null) {
        out.add(label(name, s) + ": " + p);
      }
    });
    Setting mode = settings.get("berth.auth.mode");
    String m = mode == null ? "none" : mode.value().trim().toLowerCase(java.util.Locale.ROOT);
    if ((m.equals("basic") || m.equals("token")) && !settings.containsKey("berth.auth.htpasswd")) {
      out.add(label("berth.auth.mode", mode) + ": " + m + " needs berth.auth.htpasswd (a file of bcrypt accounts, htpasswd -B)");
    }
    if (m.equals("token") && (!settings.containsKey("berth.auth.token.signing-key")
        || !settings.containsKey("berth.auth.token.verification-keys"))) {
      out.add(label("berth.auth.mode", mode) + ": token needs berth.auth.token.signing-key and"
          + " berth.auth.token.verification-keys (PEM files; README: Access control)");
    }
    out.addAll(upstreamProblems(settings));
    out.addAll(envKeyProblems(env.keySet()));
    Setting driver = settings.get("berth.storage.driver");
    if (driver != null && driver.value().trim().equalsIgnoreCase("azure")) {
      out.addAll(AzureConfigCheck.problems(name -> {
        Setting s = settings.get(name);
        return s == null ? null : s.value();
      }));
    }
    return out;
  }

  private static final Pattern UPSTREAM = Pattern.compile("berth\\.proxy\\.upstreams\\.([^.]+)\\.[a-z.-]+");
  /** An upstream's name is the first component of the repositories it serves. */
  private static final Pattern UPSTREAM_NAME = Pattern.compile("[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*");

  /** Each upstream: a name that can start a repository name, a URL, and one way to sign in at most. */
  static List<String> upstreamProblems(Map<String, Setting> settings) {
    Set<String> names = new TreeSet<>();
    settings.keySet().forEach(k -> {
      java.util.regex.Matcher m = UPSTREAM.matcher(k);
      if (m.matches() && !m.group(1).startsWith("<")) { // not a template's default
        names.add(m.group(1));
      }
    });
    List<String> out = new ArrayList<>();
    Map<String, String> namespaceOwners = new java.util.HashMap<>();
    for (String n : names) {
      String p = "berth.proxy.upstreams." + n + ".";
      out.addAll(namespaceClaims(n, settings, namespaceOwners));
      if (!UPSTREAM_NAME.matcher(n).matches()) {
        out.add(p + "*: the upstream name '" + clip(n) + "' is not a repository name component (lower-case letters, digits, '.', '_', '-')");
      }
      if (!settings.containsKey(p + "url")) {
        out.add(p + "url is missing: every upstream needs its registry's URL");
      }
      boolean user = settings.containsKey(p + "username");
      if (user != settings.containsKey(p + "password")) {
        out.add(p + (user ? "password" : "username") + " is missing: username and password go together");
      }
      if (user && settings.containsKey(p + "token-file")) {
        out.add(p + "token-file: give either a token file or username and password, not both");
      }
      Setting ca = settings.get(p + "tls.ca-file");
      if (ca != null) {
        caFileProblem(label(p + "tls.ca-file", ca), ca.value(), out);
      }
    }
    Setting d = settings.get("berth.proxy.default-upstream");
    if (d != null && !names.contains(d.value().trim())) {
      out.add(label("berth.proxy.default-upstream", d) + ": names no configured upstream"
          + (names.isEmpty() ? " (none is configured: berth.proxy.upstreams.<name>.url)" : "; configured: " + String.join(", ", names)));
    }
    return out;
  }

  /**
   * Map entries set in the environment with a key holding {@code _} (BERTH_PROXY_UPSTREAMS_MY_HUB_URL):
   * SmallRye reads every {@code _} as a separator and gives the entry to no key, so the setting
   * would be ignored without a word.
   */
  static List<String> envKeyProblems(Collection<String> envNames) {
    List<String> out = new ArrayList<>();
    for (String v : new TreeSet<>(envNames)) {
      String p = BerthProperties.propertyOfEnvName(v);
      if (p != null && p.contains("_")) {
        out.add(v + ": a name set in an environment variable can hold letters and digits only, as '_' separates"
            + " its parts; rename it, or set " + p + " as a system property or in application.properties");
      }
    }
    return out;
  }

  private static void caFileProblem(String label, String file, List<String> out) {
    try {
      PemCertificates.read(java.nio.file.Path.of(file.trim()));
    } catch (java.io.IOException | java.nio.file.InvalidPathException e) {
      out.add(label + ": " + e.getMessage() + "; accepted: a readable PEM file of CA certificates");
    }
  }

  /** The namespaces an upstream lists that an upstream before it (by name) listed already. */
  private static List<String> namespaceClaims(String upstream, Map<String, Setting> settings, Map<String, String> owners) {
    String key = "berth.proxy.upstreams." + upstream + ".namespaces";
    Setting listed = settings.get(key);
    if (listed == null) {
      return List.of(); // the defaults yield to listed namespaces and, shared, belong to none: no conflict
    }
    List<String> out = new ArrayList<>();
    for (String ns : UpstreamNamespaces.normalized(List.of(listed.value().split(",")))) {
      String owner = owners.putIfAbsent(ns, upstream);
      if (owner != null) {
        out.add(label(key, listed) + ": upstream " + owner + " lists the namespace " + ns
            + " already; a namespace can belong to one upstream only");
      }
    }
    return out;
  }

  /**
   * {@code BERTH_*} variables that are no property's environment form. Names can't be mapped back
   * to properties reliably ({@code _} stands for {@code .} and {@code -}), so they are compared with
   * the environment forms of all known properties.
   */
  static List<String> unknownVariables(Collection<String> envNames) {
    Set<String> known = new TreeSet<>();
    BerthProperties.ALL.keySet().forEach(p -> known.add(BerthProperties.envName(p)));
    List<String> out = new ArrayList<>();
    for (String v : new TreeSet<>(envNames)) {
      if (v.startsWith("BERTH_") && !known.contains(v) && !SERVICE_LINK.matcher(v).matches()
          && !BerthProperties.isTemplateEnvName(v)) {
        out.add(v + " is not a Berth environment variable" + hint(Suggestions.closest(v, known, '_')));
      }
    }
    return out;
  }

  /**
   * What Kubernetes adds for a Service named {@code berth} (or {@code berth-...}) unless the pod
   * sets {@code enableServiceLinks: false}: {@code BERTH_SERVICE_HOST}, {@code BERTH_PORT},
   * {@code BERTH_PORT_5000_TCP_ADDR}, ... They are not a user's mistake, so they don't stop a start.
   */
  private static final Pattern SERVICE_LINK = Pattern.compile(
      "BERTH(_[A-Z0-9_]+)?_(SERVICE_HOST|SERVICE_PORT(_[A-Z0-9_]+)?|PORT(_[0-9]+_(TCP|UDP|SCTP)(_PROTO|_PORT|_ADDR)?)?)");

  private static String hint(List<String> suggestions) {
    return suggestions.isEmpty() ? " (README's configuration table lists them all)"
        : "; did you mean " + String.join(" or ", suggestions) + "?";
  }

  /** {@code name=value (origin)}; a secret's value is never shown, others are cut short. */
  private static String label(String name, Setting s) {
    // A URL's user info may hold a password: never shown either.
    String value = BerthProperties.isSecret(name) ? "" : "=" + clip(s.value().replaceAll("://[^/@]*@", "://***@"));
    return name + value + (s.origin() == null ? "" : " (" + s.origin() + ")");
  }

  static String clip(String v) {
    return v.length() <= 40 ? v : v.substring(0, 37) + "...";
  }
}
