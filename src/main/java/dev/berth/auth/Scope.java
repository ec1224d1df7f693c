package dev.berth.auth;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One scope of the Docker token specification: {@code repository:<name>:<actions>} or
 * {@code registry:catalog:*} (and {@code registry:admin:*}, Berth's admin API). Actions are {@code pull}, {@code push}, {@code delete} and
 * {@code *} (all that the rules allow).
 *
 * @see <a href="https://distribution.github.io/distribution/spec/auth/scope/">token scope</a>
 */
public record Scope(String type, String name, Set<String> actions) {
  private static final Pattern ACTION = Pattern.compile("pull|push|delete|\\*");
  private static final Pattern NAME = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*");

  public Scope {
    // In the order given (Set.copyOf's order changes from run to run): tokens and challenges list
    // actions as they were granted, pull before push before delete.
    actions = Collections.unmodifiableSet(new LinkedHashSet<>(actions));
  }

  /** Every scope of a request's {@code scope} parameters (each may hold several, space-separated). */
  public static List<Scope> parseAll(List<String> params) {
    List<Scope> out = new ArrayList<>();
    for (String p : params) {
      for (String s : p.trim().split("\\s+")) {
        if (!s.isEmpty()) {
          out.add(parse(s));
        }
      }
    }
    return out;
  }

  /** @throws IllegalArgumentException when the scope is malformed */
  public static Scope parse(String s) {
    int first = s.indexOf(':');
    int last = s.lastIndexOf(':');
    if (first <= 0 || last == first) {
      throw new IllegalArgumentException("invalid scope (type:name:actions)");
    }
    String type = s.substring(0, first);
    String name = s.substring(first + 1, last);
    Set<String> actions = new LinkedHashSet<>();
    for (String a : s.substring(last + 1).split(",")) {
      if (!ACTION.matcher(a).matches()) {
        throw new IllegalArgumentException("invalid scope action (pull, push, delete, *)");
      }
      actions.add(a);
    }
    boolean catalog = type.equals("registry") && (name.equals("catalog") || name.equals("admin")) && actions.equals(Set.of("*"));
    boolean repository = type.equals("repository") && name.length() <= 255 && NAME.matcher(name).matches();
    if (!catalog && !repository) {
      throw new IllegalArgumentException("invalid scope (repository:<name>:<actions>, registry:catalog:* or registry:admin:*)");
    }
    return new Scope(type, name, actions);
  }

  /** The form of a challenge and a token's {@code access} entry. */
  @Override
  public String toString() {
    return type + ":" + name + ":" + String.join(",", actions);
  }
}
