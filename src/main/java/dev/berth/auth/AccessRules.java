package dev.berth.auth;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The rules file: who (subjects) may do what (actions) to which repositories (patterns). Deny by
 * default: what no rule grants is refused. Subjects are {@code anonymous} (anyone, signed in or
 * not), {@code authenticated} (any account), {@code user:<name>} and {@code group:<name>} (groups
 * are declared in the same file).
 *
 * <pre>
 * groups:
 *   ci: [builder]
 * rules:
 *   - subjects: [anonymous]
 *     repositories: ["public/**"]
 *     actions: [pull]
 *   - subjects: ["group:ci"]
 *     repositories: ["team-a/**"]
 *     actions: [pull, push]
 *   - subjects: ["user:admin"]
 *     repositories: ["**"]
 *     actions: [pull, push, delete, catalog]
 * </pre>
 */
public final class AccessRules {
  /** One rule of the file. */
  record Rule(List<String> subjects, List<RepositoryPattern> repositories, Set<Action> actions) {}

  /** Without a rules file: every account may do everything, anonymous clients nothing. */
  public static final AccessRules SIGNED_IN_MAY_DO_ALL = new AccessRules(Map.of(),
      List.of(new Rule(List.of("authenticated"), List.of(RepositoryPattern.parse("**")), EnumSet.allOf(Action.class))));

  private final Map<String, Set<String>> groupsOfUser;
  private final List<Rule> rules;

  AccessRules(Map<String, Set<String>> groupsOfUser, List<Rule> rules) {
    this.groupsOfUser = Map.copyOf(groupsOfUser);
    this.rules = List.copyOf(rules);
  }

  /** Parses a rules file's text. @throws IllegalArgumentException naming the rule and what is wrong */
  public static AccessRules parse(String yaml) {
    return RulesSyntax.parse(yaml);
  }

  /** Whether {@code who} may do {@code action} to {@code repository}. */
  public boolean allows(Identity who, Action action, String repository) {
    for (Rule r : rules) {
      if (r.actions().contains(action) && applies(r, who) && r.repositories().stream().anyMatch(p -> p.matches(repository))) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code who} may list the catalog (a rule with the {@code catalog} action). */
  public boolean allowsCatalog(Identity who) {
    return rules.stream().anyMatch(r -> r.actions().contains(Action.CATALOG) && applies(r, who));
  }

  private boolean applies(Rule r, Identity who) {
    for (String s : r.subjects()) {
      if (s.equals("anonymous")
          || (who.authenticated() && s.equals("authenticated"))
          || (who.authenticated() && s.equals("user:" + who.name()))
          || (who.authenticated() && s.startsWith("group:") && groupsOfUser.getOrDefault(who.name(), Set.of()).contains(s.substring(6)))) {
        return true;
      }
    }
    return false;
  }

  /** Collects groups by user while the file is read. */
  static Map<String, Set<String>> invert(Map<String, List<String>> members) {
    Map<String, Set<String>> out = new LinkedHashMap<>();
    members.forEach((group, users) -> users.forEach(u -> out.computeIfAbsent(u, k -> new TreeSet<>()).add(group)));
    return out;
  }

  int size() {
    return rules.size();
  }
}
