package dev.berth.it;

import static dev.berth.it.OciLayout.files;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The pull-through cache's token flow, against a second Berth in token mode as the upstream, its
 * token realm at {@code http://localhost:<port>/token}: through the upstream {@code good}
 * ({@code http://localhost:<port>}) Berth follows the Bearer challenge, signs in at the realm and
 * reuses the token; through {@code bad} ({@code http://127.0.0.1:<port>}, the same registry) the
 * realm is on another host, so Berth refuses it and sends no credentials, unless the upstream
 * lists that host in {@code realm-hosts} ({@code listed}, as Docker Hub needs). The downstream's access
 * rules apply to the prefixed names. The upstream {@code file} sends a token from a file instead.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ProxyTokenIT {
  static final String PASSWORD = "alice-Up9-" + Long.toHexString(System.nanoTime());
  static Path work;
  static RegistryProcess upstream;
  static RegistryProcess berth;

  @BeforeAll
  static void start() throws Exception {
    work = TempDirs.create("berth-proxy-token-");
    String openssl = Cmd.require("openssl", "openssl");
    Cmd.of(openssl, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", work.resolve("token.pem").toString()).ok();
    Cmd.of(openssl, "pkey", "-in", work.resolve("token.pem").toString(), "-pubout", "-out", work.resolve("token.pub").toString()).ok();
    String htpasswd = Cmd.require("htpasswd", "apache2-utils");
    Files.writeString(work.resolve("htpasswd"), Cmd.of(htpasswd, "-nbB", "-C", "6", "alice", PASSWORD).ok().stdout().strip() + "\n");
    Files.writeString(work.resolve("rules.yaml"), """
        rules:
          - subjects: [anonymous]
            repositories: ["good/lib/**", "bad/**", "file/**", "listed/**"]
            actions: [pull]
        """);
    int port = RegistryProcess.freePort();
    upstream = RegistryProcess.start(RegistryProcess.options().port(port)
        .env("BERTH_AUTH_MODE", "token")
        .env("BERTH_AUTH_HTPASSWD", work.resolve("htpasswd").toString())
        .env("BERTH_AUTH_TOKEN_SIGNING_KEY", work.resolve("token.pem").toString())
        .env("BERTH_AUTH_TOKEN_VERIFICATION_KEYS", work.resolve("token.pub").toString())
        .env("BERTH_AUTH_TOKEN_REALM", "http://localhost:" + port + "/token")
        .env("QUARKUS_HTTP_ACCESS_LOG_ENABLED", "true"));
    berth = RegistryProcess.start(RegistryProcess.options()
        .env("BERTH_AUTH_MODE", "basic")
        .env("BERTH_AUTH_HTPASSWD", work.resolve("htpasswd").toString())
        .env("BERTH_AUTH_RULES", work.resolve("rules.yaml").toString())
        .env("BERTH_PROXY_UPSTREAMS_GOOD_URL", "http://localhost:" + port)
        .env("BERTH_PROXY_UPSTREAMS_GOOD_USERNAME", "alice")
        .env("BERTH_PROXY_UPSTREAMS_GOOD_PASSWORD", PASSWORD)
        .env("BERTH_PROXY_UPSTREAMS_BAD_URL", "http://127.0.0.1:" + port)
        .env("BERTH_PROXY_UPSTREAMS_BAD_USERNAME", "alice")
        .env("BERTH_PROXY_UPSTREAMS_BAD_PASSWORD", PASSWORD)
        .env("BERTH_PROXY_UPSTREAMS_LISTED_URL", "http://127.0.0.1:" + port)
        .env("BERTH_PROXY_UPSTREAMS_LISTED_USERNAME", "alice")
        .env("BERTH_PROXY_UPSTREAMS_LISTED_PASSWORD", PASSWORD)
        .env("BERTH_PROXY_UPSTREAMS_LISTED_REALM_HOSTS", "localhost")
        .env("BERTH_PROXY_UPSTREAMS_FILE_URL", "http://localhost:" + port)
        .env("BERTH_PROXY_UPSTREAMS_FILE_TOKEN_FILE", work.resolve("upstream.token").toString()));
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (berth != null) {
        assertFalse(berth.log().contains(PASSWORD), "the upstream password is in the downstream's log");
        berth.close();
      }
      if (upstream != null) {
        upstream.close();
      }
    } finally {
      TempDirs.delete(work);
    }
  }

  static long tokenRequests() throws Exception {
    return RegistryHttp.accessLog(upstream.log()).stream().filter(l -> l.target().startsWith("/token")).count();
  }

  /** Waits until the upstream's access log shows the request answered with a 2xx. */
  static void logged(String method, String target) {
    assertTrue(RegistryHttp.awaitLogged(upstream, l -> l.method().equals(method) && l.target().equals(target) && l.status() / 100 == 2)
        .isPresent(), method + " " + target + " is not in the upstream's access log");
  }

  @Test
  void bearerFlow_tokenFromTheUpstreamsRealm_reused_realmOnAnotherHostRefused() throws Exception {
    OciLayout layout = OciLayout.create(work.resolve("src"));
    OciLayout.Image image = layout.image("amd64", files("a.txt", "a\n"), files("b.txt", "b\n"));
    layout.tag("v1", image.manifest());
    Cmd.of("skopeo", "copy", "--dest-tls-verify=false", "--dest-creds", "alice:" + PASSWORD, "--format", "oci",
        "oci:" + layout.dir() + ":v1", "docker://" + upstream.hostPort() + "/lib/app:v1").env("TMPDIR", "/tmp").ok();
    logged("PUT", "/v2/lib/app/manifests/v1"); // the access log is written a moment after the answer
    long before = tokenRequests();

    Path back = work.resolve("back");
    Cmd.of("skopeo", "copy", "--src-tls-verify=false", "docker://" + berth.hostPort() + "/good/lib/app:v1", "oci:" + back + ":v1")
        .env("TMPDIR", "/tmp").ok();
    assertArrayEquals(image.manifest().bytes(), OciLayout.readBlob(back, image.manifest().digest()));
    for (OciLayout.Blob b : image.blobs()) {
      assertArrayEquals(b.bytes(), OciLayout.readBlob(back, b.digest()));
    }
    for (OciLayout.Blob b : image.blobs()) {
      logged("GET", "/v2/lib/app/blobs/" + b.digest());
    }
    assertEquals(before + 1, tokenRequests(), "one token for the manifest and both blobs");

    RegistryHttp.Answer refused = new RegistryHttp(berth).get("/v2/bad/lib/app/manifests/v1");
    assertEquals(503, refused.status(), refused.text());
    assertTrue(refused.text().contains("not the upstream's host"), refused.text());
    assertEquals(before + 1, tokenRequests(), "no credentials went to the realm on another host");

    // Docker Hub's arrangement: the realm is on another host, which realm-hosts lists.
    RegistryHttp.Answer listed = new RegistryHttp(berth).get("/v2/listed/lib/app/manifests/v1");
    assertEquals(200, listed.status(), listed.text());
    assertEquals(before + 2, tokenRequests(), "the listed realm host was asked for a token");
  }

  @Test
  void tokenFile_itsBearerTokenSentAsItIs() throws Exception {
    OciLayout layout = OciLayout.create(work.resolve("src-file"));
    OciLayout.Image image = layout.image("amd64", files("f.txt", "from a token file\n"));
    layout.tag("v1", image.manifest());
    Cmd.of("skopeo", "copy", "--dest-tls-verify=false", "--dest-creds", "alice:" + PASSWORD, "--format", "oci",
        "oci:" + layout.dir() + ":v1", "docker://" + upstream.hostPort() + "/lib/file:v1").env("TMPDIR", "/tmp").ok();
    Cmd.Result t = Cmd.of("curl", "-sS", "--fail", "-u", "alice:" + PASSWORD,
        upstream.url() + "/token?service=berth&scope=repository:lib/file:pull").ok();
    Files.writeString(work.resolve("upstream.token"), OciLayout.json(t.stdout()).path("token").asText() + "\n");
    logged("GET", "/token?service=berth&scope=repository:lib/file:pull");
    long before = tokenRequests();

    RegistryHttp http = new RegistryHttp(berth);
    RegistryHttp.Answer m = http.get("/v2/file/lib/file/manifests/v1");
    assertEquals(200, m.status(), m.text());
    assertArrayEquals(image.manifest().bytes(), m.body());
    for (OciLayout.Blob b : image.blobs()) {
      assertArrayEquals(b.bytes(), http.blob("file/lib/file", b.digest()));
    }
    for (OciLayout.Blob b : image.blobs()) {
      logged("GET", "/v2/lib/file/blobs/" + b.digest());
    }
    assertEquals(before, tokenRequests(), "the file's token was used, no token asked for");
  }

  @Test
  void accessRulesApplyToThePrefixedName() throws Exception {
    RegistryHttp.Answer a = new RegistryHttp(berth).get("/v2/good/private/app/manifests/v1");
    assertEquals(401, a.status(), a.text());
    assertTrue(RegistryHttp.accessLog(upstream.log()).stream().noneMatch(l -> l.target().startsWith("/v2/private/")),
        "nothing asked of the upstream for a refused request");
  }
}
