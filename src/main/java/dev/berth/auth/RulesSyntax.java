package dev.berth.auth;

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
  private static final Pattern SUBJECT = Pattern.compile("anonymous|authenticated|(user|group):[A-Za-z0-9._@-]+");

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
    only(top, "the file", "groups", "rules");
    Map<String, List<String>> groups = new LinkedHashMap<>();
    map(top.getOrDefault("groups", Map.of()), "groups").forEach((g, users) -> groups.put(g, strings(users, "group " + g)));
    List<AccessRules.Rule> rules = new ArrayList<>();
    List<?> raw = top.get("rules") == null ? List.of() : list(top.get("rules"), "rules");
    for (int i = 0; i < raw.size(); i++) {
      String where = "rule " + (i + 1);
      Map<String, Object> r = map(raw.get(i), where);
      only(r, where, "subjects", "repositories", "actions");
      List<String> subjects = strings(r.get("subjects"), where + " subjects");
      for (String s : subjects) {
        if (!SUBJECT.matcher(s).matches()) {
          throw new IllegalArgumentException(where + ": unknown subject '" + s
              + "' (accepted: anonymous, authenticated, user:<name>, group:<name>)");
        }
        if (s.startsWith("group:") && !groups.containsKey(s.substring(6))) {
          throw new IllegalArgumentException(where + ": group '" + s.substring(6) + "' is not declared under groups");
        }
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
      rules.add(new AccessRules.Rule(subjects, patterns, actions));
    }
    return new AccessRules(AccessRules.invert(groups), rules);
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
