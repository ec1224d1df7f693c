package dev.berth.auth;

import java.util.List;

/** What a verified access token allows: its {@code access} claim, for its subject. */
public record TokenAccess(Identity identity, List<Scope> scopes) {
  public TokenAccess {
    scopes = List.copyOf(scopes);
  }

  public boolean allows(Action action, String repository) {
    return scopes.stream().anyMatch(s -> s.type().equals("repository") && s.name().equals(repository)
        && (s.actions().contains(action.wire()) || s.actions().contains("*")));
  }

  public boolean allowsCatalog() {
    return scopes.stream().anyMatch(s -> s.type().equals("registry") && s.name().equals("catalog"));
  }

  /** The admin API ({@code registry:admin:*}, granted to the rules file's admins only). */
  public boolean allowsAdmin() {
    return scopes.stream().anyMatch(s -> s.type().equals("registry") && s.name().equals("admin"));
  }
}
