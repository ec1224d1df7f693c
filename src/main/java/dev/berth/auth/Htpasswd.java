package dev.berth.auth;

import java.security.GeneralSecurityException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.wildfly.security.password.Password;
import org.wildfly.security.password.PasswordFactory;
import org.wildfly.security.password.WildFlyElytronPasswordProvider;
import org.wildfly.security.password.interfaces.BCryptPassword;
import org.wildfly.security.password.util.ModularCrypt;

/**
 * Accounts from an htpasswd file, bcrypt only (what {@code htpasswd -B} writes): MD5, SHA-1,
 * crypt and plain entries are refused when the file is read, naming the line, because they are
 * cheap to brute-force. Verification is Elytron's bcrypt, never code of ours.
 */
public final class Htpasswd {
  private static final Pattern BCRYPT = Pattern.compile("\\$2[abxy]\\$\\d{2}\\$[./A-Za-z0-9]{53}");
  private static final Pattern USER = Pattern.compile("[A-Za-z0-9._@-]{1,128}");

  /** Verified against when the account doesn't exist, so a wrong name costs what a wrong password does. */
  private static final String DECOY = "$2y$10$EyuEYEFNHjuARVq7U6zdse4092JmkQE.tihQ1x7scSui9.vc9yuju";

  private final Map<String, Password> accounts;
  private final Map<String, String> fingerprints;

  private Htpasswd(Map<String, Password> accounts, Map<String, String> fingerprints) {
    this.accounts = Map.copyOf(accounts);
    this.fingerprints = Map.copyOf(fingerprints);
  }

  /** @throws IllegalArgumentException naming the line and what is wrong with it (never its hash) */
  public static Htpasswd parse(String text) {
    Map<String, Password> accounts = new LinkedHashMap<>();
    Map<String, String> fingerprints = new LinkedHashMap<>();
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int colon = line.indexOf(':');
      String where = "line " + (i + 1);
      if (colon <= 0) {
        throw new IllegalArgumentException(where + ": not 'user:hash'");
      }
      String user = line.substring(0, colon);
      String hash = line.substring(colon + 1);
      if (!USER.matcher(user).matches()) {
        throw new IllegalArgumentException(where + ": invalid user name (letters, digits, . _ @ -)");
      }
      if (!BCRYPT.matcher(hash).matches()) {
        throw new IllegalArgumentException(where + " (" + user + "): not a bcrypt hash; only bcrypt is accepted"
            + " (htpasswd -B)");
      }
      if (accounts.put(user, decode(hash)) != null) {
        throw new IllegalArgumentException(where + ": " + user + " appears twice");
      }
      fingerprints.put(user, digestOf(hash));
    }
    return new Htpasswd(accounts, fingerprints);
  }

  /** Whether the password is the account's: a bcrypt computation (tens of milliseconds, on purpose). */
  public boolean verify(String user, String password) {
    Password p = accounts.get(user);
    try {
      if (p == null) {
        factory().verify(decode(DECOY), password.toCharArray());
        return false;
      }
      return factory().verify(p, password.toCharArray());
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /**
   * A short digest of the account's stored hash (not of its password): refresh tokens carry it, so
   * a changed password or a removed account ends them.
   */
  public java.util.Optional<String> fingerprint(String user) {
    return java.util.Optional.ofNullable(fingerprints.get(user));
  }

  private static String digestOf(String hash) {
    try {
      byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(hash.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      return java.util.HexFormat.of().formatHex(d, 0, 12);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public boolean has(String user) {
    return accounts.containsKey(user);
  }

  public int size() {
    return accounts.size();
  }

  private static Password decode(String hash) {
    // $2y$ and $2b$ are the same algorithm as $2a$ (names of fixed implementations); Elytron
    // reads the $2a$ form.
    String modular = "$2a$" + hash.substring(4);
    try {
      return factory().translate(ModularCrypt.decode(modular));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("unreadable bcrypt hash");
    }
  }

  private static PasswordFactory factory() throws GeneralSecurityException {
    return PasswordFactory.getInstance(BCryptPassword.ALGORITHM_BCRYPT, WildFlyElytronPasswordProvider.getInstance());
  }
}
