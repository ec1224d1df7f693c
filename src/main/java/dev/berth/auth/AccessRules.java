package dev.berth.auth;

import dev.berth.registry.RepositoryPattern;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The rules file: who (subjects) may do what (actions) to which repositories (patterns). Deny by
 * default: what no rule grants is refused. Subjects are {@code anonymous} (anyone, signed in or
 * not), {@code authenticated} (any account), {@code user:<name>} and {@code group:<name>} (groups
 * are declared in the same file), {@code robot:<name>} (a robot account, on top of its own scopes)
 * and {@code issuer:<name>} with claims. {@code admins} lists the accounts that manage robots.
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
 * admins: ["user:admin"]
 * </pre>
 */
public final class AccessRules {
  /** One rule of the file. */
  record Rule(List<String> subjects, Map<String, String> claims, List<RepositoryPattern> repositories, Set<Action> actions) {}

  /** Without a rules file: every account may do everything, anonymous clients nothing. */
  public static final AccessRules SIGNED_IN_MAY_DO_ALL = new AccessRules(Map.of(),
      Map.of(), List.of(new Rule(List.of("authenticated"), Map.of(), List.of(RepositoryPattern.parse("**")), EnumSet.allOf(Action.class))),
      List.of("authenticated"));

  private final Map<String, Set<String>> groupsOfUser;
  private final Map<String, IssuerSpec> issuers;
  private final List<Rule> rules;
  private final List<String> admins;

  AccessRules(Map<String, Set<String>> groupsOfUser, Map<String, IssuerSpec> issuers, List<Rule> rules, List<String> admins) {
    this.groupsOfUser = Map.copyOf(groupsOfUser);
    this.issuers = Map.copyOf(issuers);
    this.rules = List.copyOf(rules);
    this.admins = List.copyOf(admins);
  }

  /** Whether {@code who} may manage robot accounts: an account the file's {@code admins} names. */
  public boolean isAdmin(Identity who) {
    return admins.stream().anyMatch(s -> account(who) && matchesAccount(s, who));
  }

  /** The external issuers the file declares, by name. */
  public Map<String, IssuerSpec> issuers() {
    return issuers;
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
          || (account(who) && matchesAccount(s, who))
          || (who.robot() && s.equals(who.name()))
          || (who.external() && s.equals("issuer:" + who.issuer()) && claimsMatch(r.claims(), who.claims()))) {
        return true;
      }
    }
    return false;
  }

  /** An htpasswd account: signed in, and neither an outside identity nor a robot. */
  private static boolean account(Identity who) {
    return who.authenticated() && !who.external() && !who.robot();
  }

  private boolean matchesAccount(String subject, Identity who) {
    return subject.equals("authenticated") || subject.equals("user:" + who.name())
        || (subject.startsWith("group:") && groupsOfUser.getOrDefault(who.name(), Set.of()).contains(subject.substring(6)));
  }

  /** Every claim of the rule has its value in the token ({@code *} in a rule's value matches any text). */
  static boolean claimsMatch(Map<String, String> wanted, Map<String, String> actual) {
    for (Map.Entry<String, String> w : wanted.entrySet()) {
      String v = actual.get(w.getKey());
      if (v == null || !glob(w.getValue()).matcher(v).matches()) {
        return false;
      }
    }
    return true;
  }

  private static Pattern glob(String value) {
    String[] parts = value.split("\\*", -1);
    StringBuilder r = new StringBuilder();
    for (int i = 0; i < parts.length; i++) {
      r.append(i > 0 ? ".*" : "").append(Pattern.quote(parts[i]));
    }
    return Pattern.compile(r.toString());
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
