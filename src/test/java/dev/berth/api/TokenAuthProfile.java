package dev.berth.api;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * {@code berth.auth.mode=token} with {@link AuthFiles}' accounts and rules; {@code current} signs,
 * {@code next} is only listed for verification (a rotation in progress), {@code stranger} is not listed.
 */
public class TokenAuthProfile implements QuarkusTestProfile {
  static final AuthFiles FILES = BasicAuthProfile.FILES;
  static final TokenKeysFixture CURRENT = TokenKeysFixture.ec(FILES.dir, "current");
  static final TokenKeysFixture NEXT = TokenKeysFixture.ec(FILES.dir, "next");
  static final TokenKeysFixture STRANGER = TokenKeysFixture.ec(FILES.dir, "stranger");

  @Override
  public Map<String, String> getConfigOverrides() {
    return Map.of("berth.auth.mode", "token",
        "berth.auth.htpasswd", FILES.htpasswd.toString(),
        "berth.auth.rules", FILES.rules.toString(),
        "berth.auth.max-failures-per-minute", "100000",
        "berth.auth.token.signing-key", CURRENT.privatePem.toString(),
        "berth.auth.token.verification-keys", CURRENT.publicPem + "," + NEXT.publicPem);
  }
}
