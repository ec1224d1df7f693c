package dev.berth.api;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** {@code berth.auth.mode=basic} with {@link AuthFiles}' accounts and rules. */
public class BasicAuthProfile implements QuarkusTestProfile {
  static final AuthFiles FILES = AuthFiles.create();

  @Override
  public Map<String, String> getConfigOverrides() {
    return Map.of("berth.auth.mode", "basic",
        "berth.auth.htpasswd", FILES.htpasswd.toString(),
        "berth.auth.rules", FILES.rules.toString(),
        // wrong passwords are part of the matrix; LoginThrottleApiTest tests the throttle
        "berth.auth.max-failures-per-minute", "100000");
  }
}
