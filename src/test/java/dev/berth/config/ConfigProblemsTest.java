package dev.berth.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.config.ConfigProblems.Setting;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the startup check reports, one line per problem. */
class ConfigProblemsTest {

  private static List<String> problems(Map<String, String> values, Map<String, String> env) {
    Map<String, Setting> settings = new LinkedHashMap<>();
    values.forEach((k, v) -> settings.put(k, new Setting(v, null)));
    return ConfigProblems.find(settings, Map.of(), env);
  }

  private static List<String> azure(Map<String, String> values) {
    Map<String, String> all = new LinkedHashMap<>(values);
    all.put("berth.storage.driver", "azure");
    return problems(all, Map.of());
  }

  @Test
  void defaults_haveNoProblems() {
    assertEquals(List.of(), problems(Map.of("berth.storage.driver", "filesystem", "berth.uploads.purge-after", "P7D"), Map.of()));
  }

  @Test
  void unknownProperty_namesTheNearestKnownOne() {
    List<String> p = ConfigProblems.find(Map.of(), Map.of("berth.uploads.purge-aftr", "system property"), Map.of());
    assertEquals(List.of("berth.uploads.purge-aftr (system property) is not a Berth property; did you mean berth.uploads.purge-after?"), p);
  }

  @Test
  void unknownProperty_inTheWrongGroup_suggestsBySameLastSegment() {
    List<String> p = ConfigProblems.find(Map.of(), Map.of("berth.purge-after", "application.properties"), Map.of());
    assertTrue(p.get(0).endsWith("did you mean berth.uploads.purge-after?"), p.get(0));
  }

  @Test
  void unknownVariable_namesTheNearestKnownOne_othersAreNotJudged() {
    List<String> p = problems(Map.of(), Map.of(
        "BERTH_UPLOADS_PURGE_AFTR", "PT1M", "BERTH_STORAGE_DRIVER", "memory", "QUARKUS_HTTP_PORTT", "1", "HOME", "/"));
    assertEquals(List.of("BERTH_UPLOADS_PURGE_AFTR is not a Berth environment variable; did you mean BERTH_UPLOADS_PURGE_AFTER?"), p);
  }

  @Test
  void kubernetesServiceLinks_areNotJudged() {
    assertEquals(List.of(), ConfigProblems.unknownVariables(List.of("BERTH_PORT", "BERTH_SERVICE_HOST", "BERTH_SERVICE_PORT",
        "BERTH_SERVICE_PORT_HTTP", "BERTH_PORT_5000_TCP", "BERTH_PORT_5000_TCP_ADDR", "BERTH_PORT_5000_TCP_PROTO",
        "BERTH_PORT_5000_TCP_PORT", "BERTH_DATA_SERVICE_HOST")));
  }

  @Test
  void everyKnownPropertysVariable_isKnown() {
    Map<String, String> env = new LinkedHashMap<>();
    BerthProperties.ALL.keySet().forEach(k -> env.put(BerthProperties.envName(k), "x"));
    assertEquals(List.of(), ConfigProblems.unknownVariables(env.keySet()));
  }

  @Test
  void flavor_unknownFails_supportedPasses() {
    assertTrue(problems(Map.of(), Map.of("SETTINGS_FLAVOR", "s3")).get(0).startsWith("SETTINGS_FLAVOR=s3 is not supported"));
    assertTrue(problems(Map.of(), Map.of("SETTINGS_FLAVOR", "prod")).get(0).contains("Amazon S3"));
    assertEquals(List.of(), problems(Map.of(), Map.of("SETTINGS_FLAVOR", "azureblob")));
  }

  @Test
  void invalidValue_namesPropertyValueAndOrigin() {
    List<String> p = ConfigProblems.find(Map.of("berth.uploads.purge-after", new Setting("PT0S", "BERTH_UPLOADS_PURGE_AFTER")), Map.of(), Map.of());
    assertEquals(List.of("berth.uploads.purge-after=PT0S (BERTH_UPLOADS_PURGE_AFTER): zero; a duration must be at least 1 second"), p);
  }

  @Test
  void azure_malformedConnectionString_neverQuoted() {
    String secret = "c2VjcmV0LXNlY3JldA==";
    List<String> p = azure(Map.of("berth.storage.azure.connection-string", "DefaultEndpointsProtocol=https;AccountKey=" + secret));
    assertEquals(List.of("berth.storage.azure.connection-string names neither AccountName nor BlobEndpoint"), p);
    List<String> q = azure(Map.of("berth.storage.azure.connection-string", "s3cr3t-k3y-without-equals"));
    assertEquals(List.of("berth.storage.azure.connection-string is not of the form key=value;key=value;..."), q);
  }

  @Test
  void azure_validConnectionStrings() {
    assertEquals(List.of(), azure(Map.of("berth.storage.azure.connection-string", "AccountName=a;AccountKey=a2V5;")));
    assertEquals(List.of(), azure(Map.of("berth.storage.azure.connection-string", "BlobEndpoint=http://127.0.0.1:1/a;SharedAccessSignature=sv=x&sig=y")));
    assertEquals(List.of(), azure(Map.of("berth.storage.azure.connection-string", "UseDevelopmentStorage=true")));
  }

  @Test
  void azure_sharedKeyWithoutAccountName() {
    List<String> p = azure(Map.of("berth.storage.azure.account-key", "a2V5"));
    assertEquals(1, p.size());
    assertTrue(p.get(0).contains("resolves to shared-key") && p.get(0).contains("berth.storage.azure.account-name"), p.get(0));
    assertTrue(azure(Map.of("berth.storage.azure.auth", "shared-key", "berth.storage.azure.account-name", "acct")).get(0)
        .contains("needs berth.storage.azure.account-key"));
    assertTrue(azure(Map.of("berth.storage.azure.account-name", "a", "berth.storage.azure.account-key", "not base64!")).get(0)
        .equals("berth.storage.azure.account-key is not base64, as every storage account key is"));
  }

  @Test
  void azure_tokenCredentialsNeedAnAccountOrEndpoint() {
    assertFalse(azure(Map.of()).isEmpty());
    assertEquals(List.of(), azure(Map.of("berth.storage.azure.account-name", "acct")));
    assertEquals(List.of(), azure(Map.of("berth.storage.azure.sas-token", "sv=1", "berth.storage.azure.endpoint", "http://127.0.0.1:10000/a")));
    assertTrue(azure(Map.of("berth.storage.azure.auth", "sas", "berth.storage.azure.account-name", "a")).get(0).contains("needs berth.storage.azure.sas-token"));
  }

  @Test
  void azure_endpointMustBeHttpUrl_notQuoted() {
    List<String> p = azure(Map.of("berth.storage.azure.account-name", "a", "berth.storage.azure.endpoint", "blob.example?sig=SECRET"));
    assertEquals(List.of("berth.storage.azure.endpoint is not an http(s) URL (e.g. https://myaccount.blob.core.windows.net)"), p);
  }

  @Test
  void azureChecks_onlyForTheAzureDriver() {
    assertEquals(List.of(), problems(Map.of("berth.storage.driver", "filesystem", "berth.storage.azure.account-key", "a2V5"), Map.of()));
  }

  @Test
  void webhookAndImmutableSettings_judgedByTheirTemplates_secretsHidden() {
    List<String> p = problems(Map.of(
        "berth.events.endpoints.ci.url", "ftp://hooks.example",
        "berth.events.endpoints.ci.actions", "push,write",
        "berth.events.endpoints.ci.secret", "very-secret-value",
        "berth.events.endpoints.ci.headers.Authorization", "Bearer token-value",
        "berth.tags.immutable", "releases/**"), Map.of("BERTH_EVENTS_ENDPOINTS_CI_URL", "https://x", "BERTH_EVENTS_ENDPOINTS_CI_URI", "x"));
    assertEquals(4, p.size(), p.toString());
    assertTrue(p.stream().anyMatch(l -> l.startsWith("berth.events.endpoints.ci.url=ftp://hooks.example: not an http(s) URL")), p.toString());
    assertTrue(p.stream().anyMatch(l -> l.contains("'write' is not one of push, delete, pull")), p.toString());
    assertTrue(p.stream().anyMatch(l -> l.startsWith("berth.tags.immutable=releases/**: 'releases/**' is not <repository pattern>:<tag glob>")), p.toString());
    assertTrue(p.stream().anyMatch(l -> l.startsWith("BERTH_EVENTS_ENDPOINTS_CI_URI is not a Berth environment variable")), p.toString());
    assertFalse(p.toString().contains("very-secret-value") || p.toString().contains("token-value"));
  }

  @Test
  void upstreams_urlRequired_credentialsPaired_oneWayToSignIn_nameUsableAsAPrefix_passwordNotShown() {
    Map<String, String> v = new LinkedHashMap<>();
    v.put("berth.proxy.upstreams.hub.url", "https://registry-1.docker.io");
    v.put("berth.proxy.upstreams.<upstream>.tag-ttl", "PT5M"); // the template's default
    assertEquals(List.of(), problems(v, Map.of()));
    v.put("berth.proxy.upstreams.ghcr.username", "robot");
    v.put("berth.proxy.upstreams.ghcr.token-file", "/run/token");
    v.put("berth.proxy.upstreams.Bad.url", "https://user:pw-Secret1@example.com/v2/");
    v.put("berth.proxy.upstreams.q.password", "pw-Secret2");
    v.put("berth.proxy.upstreams.q.url", "http://quay.io");
    List<String> p = problems(v, Map.of());
    assertEquals(List.of(
        "berth.proxy.upstreams.Bad.url=https://***@example.com/v2/: not an http(s) URL with a host (and no user info: credentials go in username and password)",
        "berth.proxy.upstreams.Bad.*: the upstream name 'Bad' is not a repository name component (lower-case letters, digits, '.', '_', '-')",
        "berth.proxy.upstreams.ghcr.url is missing: every upstream needs its registry's URL",
        "berth.proxy.upstreams.ghcr.password is missing: username and password go together",
        "berth.proxy.upstreams.ghcr.token-file: give either a token file or username and password, not both",
        "berth.proxy.upstreams.q.username is missing: username and password go together"), p);
    assertFalse(String.join("\n", p).contains("Secret"), "no password shown");
  }

  @Test
  void upstreamCaFile_mustBeAReadablePemOfCertificates(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path empty = java.nio.file.Files.writeString(dir.resolve("empty.pem"), "not a certificate\n");
    Map<String, String> v = new LinkedHashMap<>();
    v.put("berth.proxy.upstreams.a.url", "https://a.example");
    v.put("berth.proxy.upstreams.a.tls.ca-file", dir.resolve("none.pem").toString());
    v.put("berth.proxy.upstreams.b.url", "https://b.example");
    v.put("berth.proxy.upstreams.b.tls.ca-file", empty.toString());
    v.put("berth.proxy.upstreams.c.tls.ca-file", empty.toString()); // no url: still an upstream
    List<String> p = problems(v, Map.of());
    assertEquals(4, p.size(), String.join("\n", p));
    assertTrue(p.get(0).startsWith("berth.proxy.upstreams.a.tls.ca-file=") && p.get(0).contains(": no such file;"), p.get(0));
    assertTrue(p.get(1).startsWith("berth.proxy.upstreams.b.tls.ca-file=") && (p.get(1).contains("holds no certificate") || p.get(1).contains("not a PEM file")), p.get(1));
    assertEquals("berth.proxy.upstreams.c.url is missing: every upstream needs its registry's URL", p.get(2));
  }

  @Test
  void envMapKeyWithUnderscore_isRefused_namingTheProperty() {
    assertEquals(List.of("BERTH_PROXY_UPSTREAMS_MY_HUB_URL: a name set in an environment variable can hold letters and"
        + " digits only, as '_' separates its parts; rename it, or set berth.proxy.upstreams.my_hub.url as a system"
        + " property or in application.properties"),
        ConfigProblems.envKeyProblems(List.of("BERTH_PROXY_UPSTREAMS_MY_HUB_URL", "BERTH_PROXY_UPSTREAMS_HUB_TAG_TTL", "BERTH_AUTH_MODE")));
  }

  @Test
  void defaultUpstream_mustNameAConfiguredUpstream() {
    Map<String, String> v = new LinkedHashMap<>();
    v.put("berth.proxy.default-upstream", "hub");
    assertEquals(List.of("berth.proxy.default-upstream=hub: names no configured upstream"
        + " (none is configured: berth.proxy.upstreams.<name>.url)"), problems(v, Map.of()));
    v.put("berth.proxy.upstreams.ghcr.url", "https://ghcr.io");
    assertEquals(List.of("berth.proxy.default-upstream=hub: names no configured upstream; configured: ghcr"), problems(v, Map.of()));
    v.put("berth.proxy.upstreams.hub.url", "https://registry-1.docker.io");
    assertEquals(List.of(), problems(v, Map.of()));
  }

  @Test
  void namespaces_hostsOnly_eachListedByOneUpstream() {
    Map<String, String> v = new LinkedHashMap<>();
    v.put("berth.proxy.upstreams.hub.url", "https://registry-1.docker.io");
    v.put("berth.proxy.upstreams.hub2.url", "https://registry-1.docker.io"); // shared defaults are no conflict
    v.put("berth.proxy.upstreams.hub3.url", "http://127.0.0.1:5001");
    v.put("berth.proxy.upstreams.hub3.namespaces", "Docker.io");
    v.put("berth.proxy.upstreams.mine.url", "http://127.0.0.1:5001");
    v.put("berth.proxy.upstreams.mine.namespaces", "docker.io, quay.io");
    v.put("berth.proxy.upstreams.odd.url", "https://odd.example");
    v.put("berth.proxy.upstreams.odd.namespaces", "odd.example/v2");
    assertEquals(List.of(
        "berth.proxy.upstreams.odd.namespaces=odd.example/v2: 'odd.example/v2' is not a registry host, host[:port] (docker.io)",
        "berth.proxy.upstreams.mine.namespaces=docker.io, quay.io: upstream hub3 lists the namespace docker.io already;"
            + " a namespace can belong to one upstream only"), problems(v, Map.of()));
  }

  @Test
  void namespaceOwners_listedFirst_defaultsFromTheUrl_sharedDefaultsBelongToNone() {
    assertEquals(Map.of("registry-1.docker.io", "hub", "docker.io", "hub", "quay.io:443", "q"),
        UpstreamNamespaces.owners(Map.of("hub", "https://registry-1.docker.io", "q", "https://Quay.io:443"), Map.of()));
    assertEquals(Map.of("127.0.0.1:5001", "q"), UpstreamNamespaces.owners(
        Map.of("hub", "https://registry-1.docker.io", "hub2", "https://registry-1.docker.io/", "q", "http://127.0.0.1:5001"), Map.of()));
    assertEquals(Map.of("docker.io", "hub2", "quay.io", "hub2", "registry-1.docker.io", "hub"), UpstreamNamespaces.owners(
        Map.of("hub", "https://registry-1.docker.io", "hub2", "http://127.0.0.1:5001"), Map.of("hub2", List.of(" Docker.io", "quay.io"))));
  }
}
