package dev.berth.auth;

import dev.berth.registry.RepositoryPattern;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/** Reads the rules file strictly: an unknown key, subject or action is an error that names its rule. */
final class RulesSyntax {
  private static final Pattern SUBJECT = Pattern.compile("anonymous|authenticated|(user|group|issuer|robot):[A-Za-z0-9._@-]+");
  private static final Pattern ISSUER_NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private RulesSyntax() {}

  static AccessRules parse(String yaml) {
    Object doc;
    try {
      LoaderOptions options = new LoaderOptions();
      options.setAllowDuplicateKeys(false);
      options.setMaxAliasesForCollections(10);
      doc = new Yaml(new SafeConstructor(options)).load(yaml);
    } catch (YAMLException e) {
      throw new IllegalArgumentException("not valid YAML: " + firstLine(e.getMessage()));
    }
    if (doc == null) {
      doc = Map.of();
    }
    Map<String, Object> top = map(doc, "the file");
    only(top, "the file", "groups", "issuers", "admins", "rules");
    Map<String, List<String>> groups = new LinkedHashMap<>();
    map(top.getOrDefault("groups", Map.of()), "groups").forEach((g, users) -> groups.put(g, strings(users, "group " + g)));
    Map<String, IssuerSpec> issuers = issuers(top.get("issuers"));
    List<AccessRules.Rule> rules = new ArrayList<>();
    List<?> raw = top.get("rules") == null ? List.of() : list(top.get("rules"), "rules");
    for (int i = 0; i < raw.size(); i++) {
      String where = "rule " + (i + 1);
      Map<String, Object> r = map(raw.get(i), where);
      only(r, where, "subjects", "claims", "repositories", "actions");
      List<String> subjects = strings(r.get("subjects"), where + " subjects");
      for (String s : subjects) {
        if (!SUBJECT.matcher(s).matches()) {
          throw new IllegalArgumentException(where + ": unknown subject '" + s
              + "' (accepted: anonymous, authenticated, user:<name>, group:<name>, issuer:<name>, robot:<name>)");
        }
        if (s.startsWith("group:") && !groups.containsKey(s.substring(6))) {
          throw new IllegalArgumentException(where + ": group '" + s.substring(6) + "' is not declared under groups");
        }
        if (s.startsWith("issuer:") && !issuers.containsKey(s.substring(7))) {
          throw new IllegalArgumentException(where + ": issuer '" + s.substring(7) + "' is not declared under issuers");
        }
      }
      Map<String, String> claims = new LinkedHashMap<>();
      if (r.get("claims") != null) {
        map(r.get("claims"), where + " claims").forEach((k, v) -> {
          if (!(v instanceof String text) || text.isEmpty()) {
            throw new IllegalArgumentException(where + ": claim '" + k + "' must be a non-empty string");
          }
          claims.put(k, text);
        });
      }
      boolean issuerSubjects = subjects.stream().anyMatch(x -> x.startsWith("issuer:"));
      if (issuerSubjects && (claims.isEmpty() || !subjects.stream().allMatch(x -> x.startsWith("issuer:")))) {
        // Anyone can get a token from a public issuer (any GitHub repository's workflow): only
        // its claims say whose it is.
        throw new IllegalArgumentException(where + ": issuer subjects need claims (e.g. repository: acme/app), and only"
            + " issuer subjects go with claims");
      }
      if (!claims.isEmpty() && !issuerSubjects) {
        throw new IllegalArgumentException(where + ": claims go with issuer subjects only");
      }
      Set<Action> actions = EnumSet.noneOf(Action.class);
      for (String a : strings(r.get("actions"), where + " actions")) {
        try {
          actions.add(Action.parse(a));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(where + ": " + e.getMessage());
        }
      }
      List<RepositoryPattern> patterns = new ArrayList<>();
      boolean catalogOnly = actions.equals(EnumSet.of(Action.CATALOG));
      Object repos = r.get("repositories");
      if (repos != null || !catalogOnly) {
        for (String p : strings(repos, where + " repositories")) {
          try {
            patterns.add(RepositoryPattern.parse(p));
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage());
          }
        }
      }
      rules.add(new AccessRules.Rule(subjects, claims, patterns, actions));
    }
    return new AccessRules(AccessRules.invert(groups), issuers, rules, admins(top.get("admins"), groups));
  }

  /** Who may use the admin API (robot accounts): accounts only, never anonymous, a robot or an outside identity. */
  private static List<String> admins(Object raw, Map<String, List<String>> groups) {
    List<String> admins = raw == null ? List.of() : strings(raw, "admins");
    for (String s : admins) {
      boolean account = s.equals("authenticated") || s.startsWith("user:") || s.startsWith("group:");
      if (!SUBJECT.matcher(s).matches() || !account) {
        throw new IllegalArgumentException("admins: '" + s + "' is not an account subject (accepted: authenticated, user:<name>, group:<name>)");
      }
      if (s.startsWith("group:") && !groups.containsKey(s.substring(6))) {
        throw new IllegalArgumentException("admins: group '" + s.substring(6) + "' is not declared under groups");
      }
    }
    return admins;
  }

  private static Map<String, IssuerSpec> issuers(Object raw) {
    Map<String, IssuerSpec> out = new LinkedHashMap<>();
    if (raw == null) {
      return out;
    }
    map(raw, "issuers").forEach((name, o) -> {
      String where = "issuer " + name;
      if (!ISSUER_NAME.matcher(name).matches()) {
        throw new IllegalArgumentException(where + ": names are letters, digits, '.', '_', '-'");
      }
      Map<String, Object> i = map(o, where);
      only(i, where, "issuer", "audience", "jwks-file", "jwks-url");
      String iss = text(i, "issuer", where);
      String aud = text(i, "audience", where);
      java.util.Optional<String> file = java.util.Optional.ofNullable((String) i.get("jwks-file"));
      java.util.Optional<String> url = java.util.Optional.ofNullable((String) i.get("jwks-url"));
      if (file.isPresent() == url.isPresent()) {
        throw new IllegalArgumentException(where + ": give jwks-file or jwks-url (one of them)");
      }
      if (url.isPresent() && !url.get().startsWith("https://") && !url.get().startsWith("http://127.0.0.1")
          && !url.get().startsWith("http://localhost")) {
        throw new IllegalArgumentException(where + ": jwks-url must be https (keys fetched in the clear could be replaced)");
      }
      if (out.values().stream().anyMatch(x -> x.issuer().equals(iss))) {
        throw new IllegalArgumentException(where + ": issuer " + iss + " is declared twice");
      }
      out.put(name, new IssuerSpec(name, iss, aud, file, url));
    });
    return out;
  }

  private static String text(Map<String, Object> m, String key, String where) {
    if (!(m.get(key) instanceof String s) || s.isBlank()) {
      throw new IllegalArgumentException(where + ": " + key + " missing");
    }
    return s;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o, String where) {
    if (!(o instanceof Map<?, ?> m) || !m.keySet().stream().allMatch(String.class::isInstance)) {
      throw new IllegalArgumentException(where + " must be a mapping");
    }
    return (Map<String, Object>) m;
  }

  private static List<?> list(Object o, String where) {
    if (!(o instanceof List<?> l)) {
      throw new IllegalArgumentException(where + " must be a list");
    }
    return l;
  }

  private static List<String> strings(Object o, String where) {
    if (o == null) {
      throw new IllegalArgumentException(where + " missing");
    }
    List<String> out = new ArrayList<>();
    for (Object x : list(o, where)) {
      if (!(x instanceof String s) || s.isBlank()) {
        throw new IllegalArgumentException(where + " must be a list of non-empty strings");
      }
      out.add(s);
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(where + " is empty");
    }
    return out;
  }

  private static void only(Map<String, Object> m, String where, String... keys) {
    Set<String> known = Set.of(keys);
    for (String k : m.keySet()) {
      if (!known.contains(k)) {
        throw new IllegalArgumentException(where + ": unknown key '" + k + "' (accepted: " + String.join(", ", keys) + ")");
      }
    }
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
