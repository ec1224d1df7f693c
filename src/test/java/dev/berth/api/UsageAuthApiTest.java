package dev.berth.api;

import static dev.berth.api.ApiTestSupport.api;
import static dev.berth.api.ApiTestSupport.repo;
import static dev.berth.api.BasicAuthApiTest.as;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

/** In basic mode the usage endpoint is the rules file's {@code admins}' only. */
@QuarkusTest
@TestProfile(BasicAuthProfile.class)
class UsageAuthApiTest {
  private static final String USAGE = UsageApiTest.USAGE;

  @Test
  void adminsSeeUsage_othersAreRefused() {
    String name = "team-a/" + repo("usage");
    as("admin").get(USAGE).then().statusCode(200).body("total.blobs", org.hamcrest.Matchers.notNullValue());
    as("alice").get(USAGE).then().statusCode(403).body("errors[0].code", equalTo("DENIED"));
    as("alice").get(USAGE + "/team-a/x").then().statusCode(403);
    as("bob").get(USAGE).then().statusCode(403);
    api().get(USAGE).then().statusCode(401).header("WWW-Authenticate", containsString("Basic"));
    as("admin").get(USAGE + "/" + name).then().statusCode(404).body("errors[0].code", equalTo("NAME_UNKNOWN"));
  }
}
