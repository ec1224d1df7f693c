package dev.berth.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;

/**
 * {@link AuthIT} again in {@code berth.auth.mode=token}: the same clients follow the Bearer
 * challenge to {@code /token} and push and pull with its tokens, signed with a key made by
 * {@code openssl}, as README says to make one.
 */
class TokenAuthIT extends AuthIT {
  @Override
  String mode() {
    return "token";
  }

  @Override
  Map<String, String> modeEnv() {
    String openssl = Cmd.require("openssl", "openssl");
    Path key = work.resolve("token.pem");
    Path pub = work.resolve("token.pub");
    Cmd.Result gen = Cmd.of(openssl, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key.toString()).run();
    assertTrue(gen.succeeded(), gen.describe());
    Cmd.Result out = Cmd.of(openssl, "pkey", "-in", key.toString(), "-pubout", "-out", pub.toString()).run();
    assertTrue(out.succeeded(), out.describe());
    return Map.of("BERTH_AUTH_TOKEN_SIGNING_KEY", key.toString(), "BERTH_AUTH_TOKEN_VERIFICATION_KEYS", pub.toString());
  }
}
