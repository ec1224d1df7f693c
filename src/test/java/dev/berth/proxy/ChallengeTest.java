package dev.berth.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code WWW-Authenticate} challenges as registries word them. */
class ChallengeTest {
  @Test
  void bearer_withRealmServiceScope() {
    Challenge c = Challenge.parse("Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\","
        + "scope=\"repository:library/alpine:pull\"").orElseThrow();
    assertTrue(c.isBearer());
    assertEquals(Map.of("realm", "https://auth.docker.io/token", "service", "registry.docker.io",
        "scope", "repository:library/alpine:pull"), c.params());
  }

  @Test
  void basic_caseAndSpacingVary_tokensUnquoted_escapesInQuotes() {
    Challenge c = Challenge.parse("basic  Realm = upstream , charset=\"UTF-8\"").orElseThrow();
    assertTrue(c.isBasic());
    assertEquals("upstream", c.param("realm"));
    assertEquals("a\"b", Challenge.parse("Bearer realm=\"a\\\"b\"").orElseThrow().param("realm"));
  }

  @Test
  void nothingReadable_empty() {
    assertTrue(Challenge.parse(null).isEmpty());
    assertTrue(Challenge.parse("").isEmpty());
  }
}
