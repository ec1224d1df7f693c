package dev.berth.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The rules of each property's values. */
class BerthPropertiesTest {

  private static String problem(String property, String value) {
    return BerthProperties.ALL.get(property).problem(value);
  }

  @Test
  void table_listsExactlyBerthConfigsProperties() {
    Set<String> mapped = new TreeSet<>(ConfigDocumentationTest.properties("berth", BerthConfig.class));
    assertEquals(mapped, new TreeSet<>(BerthProperties.ALL.keySet()));
  }

  @Test
  void envName_isSmallRyesEnvironmentForm() {
    assertEquals("BERTH_STORAGE_AZURE_ACCOUNT_NAME", BerthProperties.envName("berth.storage.azure.account-name"));
  }

  @Test
  void propertyOfEnvName_recoversMapEntries_longestFixedEndWins() {
    assertEquals("berth.proxy.upstreams.hub.tag-ttl", BerthProperties.propertyOfEnvName("BERTH_PROXY_UPSTREAMS_HUB_TAG_TTL"));
    assertEquals("berth.proxy.upstreams.up.tls.ca-file", BerthProperties.propertyOfEnvName("BERTH_PROXY_UPSTREAMS_UP_TLS_CA_FILE"));
    assertEquals("berth.events.endpoints.ci.url", BerthProperties.propertyOfEnvName("BERTH_EVENTS_ENDPOINTS_CI_URL"));
    assertEquals("berth.retention.rules.ci.keep-newest", BerthProperties.propertyOfEnvName("BERTH_RETENTION_RULES_CI_KEEP_NEWEST"));
    assertEquals("berth.proxy.upstreams.my_hub.url", BerthProperties.propertyOfEnvName("BERTH_PROXY_UPSTREAMS_MY_HUB_URL"));
    assertNull(BerthProperties.propertyOfEnvName("BERTH_PROXY_UPSTREAMS__URL"), "no key");
    assertNull(BerthProperties.propertyOfEnvName("BERTH_PROXY_DEFAULT_UPSTREAM"), "not a map entry");
    assertNull(BerthProperties.propertyOfEnvName("BERTH_PROXY_UPSTREAMS_HUB_COLOUR"), "no such property");
  }

  @Test
  void durations_atLeastOneSecond() {
    for (String ok : new String[] {"PT1S", "P7D", "30s", "5m", "24h", "1"}) {
      assertNull(problem("berth.uploads.purge-after", ok), ok);
    }
    assertTrue(problem("berth.uploads.purge-after", "PT0S").startsWith("zero"));
    assertTrue(problem("berth.uploads.purge-after", "0").startsWith("zero"));
    assertTrue(problem("berth.health.cache-ttl", "-PT1M").startsWith("negative"));
    assertTrue(problem("berth.storage.redirect.ttl", "PT0.5S").startsWith("shorter than 1 second"));
    assertTrue(problem("berth.storage.azure.timeout", "10 minutes").startsWith("not a duration"));
  }

  @Test
  void enums_nameTheAcceptedValues() {
    assertNull(problem("berth.storage.driver", "azure"));
    assertNull(problem("berth.storage.azure.auth", "CONNECTION_STRING"));
    assertNull(problem("berth.storage.azure.auth", "shared-key"));
    assertEquals("not one of the accepted values: filesystem, azure, memory", problem("berth.storage.driver", "s3"));
    assertEquals("not one of the accepted values: auto, connection-string, shared-key, sas, default-credential",
        problem("berth.storage.azure.auth", "key"));
  }

  @Test
  void sizesAndCounts_inRange() {
    assertNull(problem("berth.uploads.chunk-min-length", "1"));
    assertNull(problem("berth.uploads.chunk-min-length", "1G"));
    assertNotNull(problem("berth.uploads.chunk-min-length", "0"));
    assertNotNull(problem("berth.uploads.chunk-min-length", "2G"));
    assertNull(problem("berth.storage.filesystem.min-free-space", "0"));
    assertNotNull(problem("berth.storage.filesystem.min-free-space", "-1"));
    assertNull(problem("berth.manifests.max-size", "67108864"));
    assertNotNull(problem("berth.manifests.max-size", "67108865"));
    assertNotNull(problem("berth.manifests.max-size", "0"));
    assertNotNull(problem("berth.pagination.max-entries", "0"));
    assertNull(problem("berth.storage.azure.block-size", "65536"));
    assertNull(problem("berth.storage.azure.block-size", "104857600"));
    assertNotNull(problem("berth.storage.azure.block-size", "65535"));
    assertNotNull(problem("berth.storage.azure.block-size", "104857601"));
    assertTrue(problem("berth.storage.azure.block-size", "4M").startsWith("not a whole number"));
    assertNull(problem("berth.storage.azure.max-retries", "0"));
    assertNull(problem("berth.storage.azure.max-retries", "20"));
    assertNotNull(problem("berth.storage.azure.max-retries", "21"));
    assertNotNull(problem("berth.storage.azure.max-retries", "-1"));
  }

  @Test
  void retention_keepTagsIsARegex_keepNewestACount() {
    assertNull(problem("berth.retention.rules.<rule>.keep-tags", "v[0-9]+|latest"));
    assertTrue(problem("berth.retention.rules.<rule>.keep-tags", "v[0-9").startsWith("not a regular expression"));
    assertNull(problem("berth.retention.rules.<rule>.keep-newest", "0"));
    assertNotNull(problem("berth.retention.rules.<rule>.keep-newest", "-1"));
    assertEquals("berth.retention.rules.<rule>.drop-tags-older-than", BerthProperties.template("berth.retention.rules.ci.drop-tags-older-than"));
  }

  @Test
  void booleans_typoIsAProblem() {
    assertNull(problem("berth.delete.enabled", "false"));
    assertNull(problem("berth.delete.enabled", "TRUE"));
    assertNotNull(problem("berth.delete.enabled", "ture"));
  }

  @Test
  void containerNames_followAzuresRules() {
    for (String ok : new String[] {"registry", "abc", "a-b-c", "r2d2", "a".repeat(63)}) {
      assertNull(BerthProperties.containerProblem(ok), ok);
    }
    for (String bad : new String[] {"ab", "a".repeat(64), "Registry", "my_images", "a--b", "-ab", "ab-"}) {
      assertNotNull(BerthProperties.containerProblem(bad), bad);
    }
  }

  @Test
  void mapEntries_takeTheirTemplatesRule() {
    assertEquals("berth.events.endpoints.<endpoint>.url", BerthProperties.template("berth.events.endpoints.ci.url"));
    assertEquals("berth.events.endpoints.<endpoint>.headers.<header>",
        BerthProperties.template("berth.events.endpoints.ci.headers.Authorization"));
    assertNull(BerthProperties.template("berth.events.endpoints.ci.uri"));
    assertNull(BerthProperties.template("berth.events.endpoints.url"));
    assertNotNull(BerthProperties.rule("berth.events.endpoints.ci.url").problem("ftp://x"));
    assertNotNull(BerthProperties.rule("berth.events.endpoints.ci.actions").problem("push,write"));
    assertNull(BerthProperties.rule("berth.events.endpoints.ci.actions").problem("push, pull"));
    assertNull(BerthProperties.rule("berth.events.endpoints.ci.actions").problem("cache,push"));
    assertTrue(BerthProperties.isSecret("berth.events.endpoints.ci.secret"));
    assertTrue(BerthProperties.isSecret("berth.events.endpoints.ci.headers.Authorization"));
    assertTrue(BerthProperties.isTemplateEnvName("BERTH_EVENTS_ENDPOINTS_CI_URL"));
    assertTrue(!BerthProperties.isTemplateEnvName("BERTH_EVENTS_ENDPOINTS_CI_URI"));
  }

  @Test
  void immutableTags_patternColonGlob() {
    assertNull(problem("berth.tags.immutable", "releases/**:v*, base:1.?"));
    assertNotNull(problem("berth.tags.immutable", "releases/**"));
    assertNotNull(problem("berth.tags.immutable", "Releases:v*"));
  }

  @Test
  void upstreamUrl_baseUrlOnly() {
    String rule = "berth.proxy.upstreams.<upstream>.url";
    for (String ok : new String[] {"https://registry-1.docker.io", "http://127.0.0.1:5000", "https://ghcr.io/"}) {
      assertNull(problem(rule, ok), ok);
    }
    assertEquals("not an http(s) URL", problem(rule, "ftp://example.com"));
    assertEquals("not an http(s) URL", problem(rule, "ghcr.io"));
    assertTrue(problem(rule, "https://ghcr.io/v2/").startsWith("has a path"));
    assertTrue(problem(rule, "https://u:p@ghcr.io").contains("no user info"));
    assertTrue(BerthProperties.isSecret("berth.proxy.upstreams.hub.password"));
  }
}
