package dev.berth.health;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A filesystem root with less free space than {@code berth.storage.filesystem.min-free-space}
 * makes the replica not ready, saying so in one line; it still starts and serves.
 */
@QuarkusTest
@TestProfile(FreeSpaceHealthTest.NoDiskIsBigEnough.class)
class FreeSpaceHealthTest {
  private static final String FREE_SPACE = "checks.find { it.name == 'storage-free-space' }";

  /** The filesystem driver in a temp dir, asking for more free space than any disk has. */
  public static class NoDiskIsBigEnough implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      try {
        return Map.of("berth.storage.driver", "filesystem",
            "berth.storage.filesystem.root", Files.createTempDirectory("berth-free-space").toString(),
            "berth.storage.filesystem.min-free-space", "1000000T");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  @Test
  void ready_belowMinFreeSpace_isDownWithReason() {
    given().get("/q/health/ready").then().statusCode(503)
        .body(FREE_SPACE + ".status", equalTo("DOWN"))
        .body(FREE_SPACE + ".data.reason", matchesPattern(
            "free space [0-9.]+ MiB below berth.storage.filesystem.min-free-space 1048576000000 MiB"))
        .body("checks.find { it.name == 'storage' }.status", equalTo("UP"));
  }

  @Test
  void startedAndServing_belowMinFreeSpace() {
    given().get("/q/health/started").then().statusCode(200);
    given().get("/q/health/live").then().statusCode(200);
    given().get("/v2/").then().statusCode(200);
  }

  @Test
  void mib_wholeOrRoundedDown() {
    assertEquals("64", FreeSpaceCheck.mib(64L << 20));
    assertEquals("1.9", FreeSpaceCheck.mib((2L << 20) - 1));
    assertEquals("0.0", FreeSpaceCheck.mib(1));
  }
}
