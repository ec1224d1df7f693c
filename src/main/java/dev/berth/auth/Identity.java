package dev.berth.auth;

import java.util.Map;

/**
 * Who sent a request: an account that signed in, an identity an external issuer vouched for (a
 * CI job's OIDC token: {@code issuer} names the issuer of the rules file, {@code claims} are the
 * token's), a robot account ({@code grant} holds its scopes; its name is {@code robot:<name>}),
 * or nobody ({@link #ANONYMOUS}). Groups come from the rules file, so they are looked up there,
 * not carried here.
 */
public record Identity(String name, boolean authenticated, String issuer, Map<String, String> claims, Grant grant) {
  public static final Identity ANONYMOUS = new Identity("anonymous", false);
  static final String ROBOT = "robot:";

  public Identity {
    claims = Map.copyOf(claims);
  }

  public Identity(String name, boolean authenticated, String issuer, Map<String, String> claims) {
    this(name, authenticated, issuer, claims, null);
  }

  public Identity(String name, boolean authenticated) {
    this(name, authenticated, null, Map.of());
  }

  public static Identity account(String name) {
    return new Identity(name, true);
  }

  /** An identity from the issuer named {@code issuer} in the rules file; its name is {@code <issuer>:<sub>}. */
  public static Identity external(String issuer, String subject, Map<String, String> claims) {
    return new Identity(issuer + ":" + subject, true, issuer, claims);
  }

  /**
   * A robot account; {@code grant} is what it may do (null when a token's own scopes decide: a
   * token a robot got at {@code /token}).
   */
  public static Identity robot(String name, Grant grant) {
    return new Identity(ROBOT + name, true, null, Map.of(), grant);
  }

  public boolean external() {
    return issuer != null;
  }

  public boolean robot() {
    return authenticated && name.startsWith(ROBOT);
  }

  @Override
  public String toString() {
    return authenticated ? name : "anonymous";
  }
}
