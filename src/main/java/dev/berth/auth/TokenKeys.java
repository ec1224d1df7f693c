package dev.berth.auth;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.lang.JoseException;

/**
 * The token service's keys, from PEM files (a Kubernetes Secret): one private key signs (EC P-256
 * → ES256, or RSA → RS256); every listed public key verifies, so two replicas with the same files
 * accept each other's tokens, and a rotation lists the old and the new public key for a while.
 * Each key is named by its RFC 7638 thumbprint, the {@code kid} of the tokens it signs.
 */
final class TokenKeys {
  final PrivateKey signing;
  final String signingKid;
  final String algorithm;
  final Map<String, PublicKey> verifying;

  private TokenKeys(PrivateKey signing, String signingKid, String algorithm, Map<String, PublicKey> verifying) {
    this.signing = signing;
    this.signingKid = signingKid;
    this.algorithm = algorithm;
    this.verifying = Map.copyOf(verifying);
  }

  /** @throws IllegalArgumentException naming the file and what is wrong (never key material) */
  static TokenKeys load(Path signingKey, List<Path> verificationKeys) {
    PrivateKey priv = privateKey(signingKey);
    String alg = priv.getAlgorithm().equals("EC") ? "ES256" : priv.getAlgorithm().equals("RSA") ? "RS256" : null;
    if (alg == null) {
      throw new IllegalArgumentException(signingKey + ": an EC P-256 or RSA private key is needed");
    }
    Map<String, PublicKey> verifying = new LinkedHashMap<>();
    List<Path> all = new ArrayList<>(verificationKeys);
    for (Path p : all) {
      PublicKey k = publicKey(p);
      verifying.put(thumbprint(k, p), k);
    }
    String kid = null;
    for (Map.Entry<String, PublicKey> e : verifying.entrySet()) {
      if (pairs(priv, e.getValue())) {
        kid = e.getKey();
      }
    }
    if (kid == null) {
      throw new IllegalArgumentException(signingKey + ": its public key is not among berth.auth.token.verification-keys"
          + " (openssl pkey -in <key> -pubout)");
    }
    if (priv instanceof java.security.interfaces.ECPrivateKey ec && ec.getParams().getCurve().getField().getFieldSize() != 256) {
      throw new IllegalArgumentException(signingKey + ": EC keys must be on P-256 (ES256)");
    }
    return new TokenKeys(priv, kid, alg, verifying);
  }

  private static boolean pairs(PrivateKey priv, PublicKey pub) {
    if (!priv.getAlgorithm().equals(pub.getAlgorithm())) {
      return false;
    }
    try {
      String alg = priv.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
      byte[] probe = "berth key pairing probe".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      Signature s = Signature.getInstance(alg);
      s.initSign(priv);
      s.update(probe);
      byte[] sig = s.sign();
      Signature v = Signature.getInstance(alg);
      v.initVerify(pub);
      v.update(probe);
      return v.verify(sig);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static String thumbprint(PublicKey k, Path p) {
    if (!(k instanceof ECPublicKey) && !(k instanceof RSAPublicKey)) {
      throw new IllegalArgumentException(p + ": an EC or RSA public key is needed");
    }
    try {
      return PublicJsonWebKey.Factory.newPublicJwk(k).calculateBase64urlEncodedThumbprint("SHA-256");
    } catch (JoseException e) {
      throw new IllegalArgumentException(p + ": unusable public key");
    }
  }

  private static PrivateKey privateKey(Path p) {
    byte[] der = pem(p, "PRIVATE KEY");
    for (String alg : List.of("EC", "RSA")) {
      try {
        return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        // try the next kind
      }
    }
    throw new IllegalArgumentException(p + ": not a PKCS#8 EC or RSA private key (openssl genpkey writes one)");
  }

  private static PublicKey publicKey(Path p) {
    byte[] der = pem(p, "PUBLIC KEY");
    for (String alg : List.of("EC", "RSA")) {
      try {
        return KeyFactory.getInstance(alg).generatePublic(new X509EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        // try the next kind
      }
    }
    throw new IllegalArgumentException(p + ": not an EC or RSA public key (openssl pkey -pubout writes one)");
  }

  private static byte[] pem(Path p, String label) {
    String text;
    try {
      text = Files.readString(p);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + p + ": " + e.getClass().getSimpleName());
    }
    String begin = "-----BEGIN " + label + "-----";
    String end = "-----END " + label + "-----";
    int a = text.indexOf(begin);
    int b = text.indexOf(end);
    if (a < 0 || b < a) {
      throw new IllegalArgumentException(p + ": no '" + begin + "' block");
    }
    try {
      return Base64.getMimeDecoder().decode(text.substring(a + begin.length(), b));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(p + ": the " + label + " block is not base64");
    }
  }
}
