package dev.berth.auth;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;

/**
 * An {@code Authorization: Basic} header, read strictly: anything else is "no valid credentials".
 * The registry API and the web UI read it alike.
 */
public record CredentialsHeader(String user, String password) {
  /** Longer headers are refused before decoding (a password is not 8 KiB). */
  private static final int MAX_LENGTH = 8192;

  /** The credentials, null when there are none (no header, or an empty pair); {@code INVALID} for a malformed one. */
  public static final CredentialsHeader INVALID = new CredentialsHeader("", "");

  public static CredentialsHeader parse(String header) {
    if (header == null) {
      return null;
    }
    if (header.length() > MAX_LENGTH || header.length() < 7 || !header.substring(0, 6).toLowerCase(Locale.ROOT).equals("basic ")) {
      return INVALID;
    }
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return INVALID;
    }
    if (decoded.equals(":")) {
      return null; // containers/image answers a Basic challenge with empty credentials: anonymous
    }
    int colon = decoded.indexOf(':');
    if (colon <= 0 || decoded.indexOf('\u0000') >= 0) {
      return INVALID;
    }
    return new CredentialsHeader(decoded.substring(0, colon), decoded.substring(colon + 1));
  }

  @Override
  public String toString() {
    return "CredentialsHeader[" + user + "]";
  }
}
