package dev.berth.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import org.jose4j.jwk.PublicJsonWebKey;

/** EC P-256 key pairs as PEM files (what {@code openssl genpkey} writes), with their key ids. */
final class TokenKeysFixture {
  final KeyPair pair;
  final Path privatePem;
  final Path publicPem;
  final String kid;

  private TokenKeysFixture(KeyPair pair, Path privatePem, Path publicPem, String kid) {
    this.pair = pair;
    this.privatePem = privatePem;
    this.publicPem = publicPem;
    this.kid = kid;
  }

  static TokenKeysFixture ec(Path dir, String name) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair kp = g.generateKeyPair();
      Path priv = dir.resolve(name + ".pem");
      Path pub = dir.resolve(name + ".pub");
      Files.writeString(priv, pem("PRIVATE KEY", kp.getPrivate().getEncoded()));
      Files.writeString(pub, pem("PUBLIC KEY", kp.getPublic().getEncoded()));
      String kid = PublicJsonWebKey.Factory.newPublicJwk(kp.getPublic()).calculateBase64urlEncodedThumbprint("SHA-256");
      return new TokenKeysFixture(kp, priv, pub, kid);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException | org.jose4j.lang.JoseException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String pem(String label, byte[] der) {
    return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
        + "\n-----END " + label + "-----\n";
  }
}
