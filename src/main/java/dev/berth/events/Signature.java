package dev.berth.events;

import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@code X-Berth-Signature} header: {@code sha256=} and the hex HMAC-SHA256 of the exact body
 * under the endpoint's secret, so a receiver can tell Berth's deliveries from forgeries (GitHub's
 * {@code X-Hub-Signature-256} scheme).
 */
final class Signature {
  static final String HEADER = "X-Berth-Signature";

  private Signature() {}

  static String of(byte[] secret, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is unavailable", e);
    }
  }
}
