package dev.berth.auth;

/**
 * Who sent a request: an account that signed in, or nobody ({@link #ANONYMOUS}). Its groups come
 * from the rules file, so they are looked up there, not carried here.
 */
public record Identity(String name, boolean authenticated) {
  public static final Identity ANONYMOUS = new Identity("anonymous", false);

  public static Identity account(String name) {
    return new Identity(name, true);
  }

  @Override
  public String toString() {
    return authenticated ? name : "anonymous";
  }
}
