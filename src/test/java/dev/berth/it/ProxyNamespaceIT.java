package dev.berth.it;

import static dev.berth.it.ProxyImages.assertSameImage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The {@code ns=} query parameter ({@code berth.proxy.upstreams.<name>.namespaces}): pulls of
 * {@code /v2/<repository>/...?ns=docker.io} are served by the upstream (Debian's docker-registry,
 * htpasswd auth) whose namespace that is, cached under its prefixed name, answered with
 * {@code OCI-Namespace}; a private containerd with a {@code hosts.toml} mirror pulls
 * {@code docker.io/library/...} through Berth that way. No default upstream here: without
 * {@code ns} such names find nothing, so whatever is found came through the namespace.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ProxyNamespaceIT {
  static Distribution upstream;
  static RegistryProcess berth;
  Path work;

  @BeforeAll
  static void start() throws Exception {
    upstream = new Distribution();
    berth = RegistryProcess.start(RegistryProcess.options()
        .env("QUARKUS_HTTP_ACCESS_LOG_ENABLED", "true")
        .env("BERTH_PROXY_UPSTREAMS_HUB_URL", upstream.url())
        .env("BERTH_PROXY_UPSTREAMS_HUB_USERNAME", Distribution.USER)
        .env("BERTH_PROXY_UPSTREAMS_HUB_PASSWORD", upstream.password)
        .env("BERTH_PROXY_UPSTREAMS_HUB_NAMESPACES", "docker.io")
        // the same registry again, without namespaces: its URL's host:port is its namespace
        .env("BERTH_PROXY_UPSTREAMS_DIRECT_URL", upstream.url())
        .env("BERTH_PROXY_UPSTREAMS_DIRECT_USERNAME", Distribution.USER)
        .env("BERTH_PROXY_UPSTREAMS_DIRECT_PASSWORD", upstream.password));
  }

  @AfterAll
  static void stop() throws Exception {
    ProxyImages.stop(berth, upstream);
  }

  @BeforeEach
  void workDir() {
    work = TempDirs.create("berth-ns-");
  }

  @AfterEach
  void cleanWorkDir() {
    TempDirs.delete(work);
  }

  OciLayout.Image pushUpstream(String repo, String marker) {
    OciLayout.Image image = ProxyImages.twoLayers(work.resolve("src-" + marker), marker, "v1");
    skopeo("copy", "--dest-tls-verify=false", "--dest-creds", upstream.creds(), "--format", "oci",
        "oci:" + work.resolve("src-" + marker) + ":v1", "docker://" + upstream.hostPort() + "/" + repo + ":v1");
    return image;
  }

  static void skopeo(String... args) {
    java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of(Cmd.require("skopeo", "skopeo")));
    cmd.addAll(java.util.List.of(args));
    Cmd.of(cmd).env("TMPDIR", "/tmp").ok();
  }

  boolean cached(RegistryProcess r, String repo) {
    return Files.isDirectory(r.dataDir().resolve("repositories/" + repo.replace('/', ',') + "/_manifests"));
  }

  @Test
  void nsPulls_comeFromTheNamespacesUpstream_cachedUnderItsPrefix_answeredWithOciNamespace() throws Exception {
    OciLayout.Image image = pushUpstream("library/nsapp", "ns-http");
    RegistryHttp http = new RegistryHttp(berth);
    assertEquals(404, http.get("/v2/library/nsapp/manifests/v1").status(), "no default upstream: not found without ns");
    RegistryHttp.Answer head = http.head("/v2/library/nsapp/manifests/v1?ns=docker.io");
    assertEquals(200, head.status());
    assertEquals("docker.io", head.header("OCI-Namespace"));
    assertEquals(image.manifest().digest(), head.header("Docker-Content-Digest"));
    RegistryHttp.Answer m = http.get("/v2/library/nsapp/manifests/v1?ns=Docker.IO");
    assertEquals(200, m.status(), m.text());
    assertEquals("docker.io", m.header("OCI-Namespace"));
    assertEquals(image.manifest().digest(), OciLayout.sha256(m.body()));
    for (OciLayout.Blob b : image.blobs()) {
      RegistryHttp.Answer bh = http.head("/v2/library/nsapp/blobs/" + b.digest() + "?ns=docker.io");
      assertEquals(200, bh.status(), "HEAD " + b.digest());
      assertEquals("docker.io", bh.header("OCI-Namespace"));
      assertEquals(String.valueOf(b.bytes().length), bh.header("Content-Length"));
      RegistryHttp.Answer bg = http.get("/v2/library/nsapp/blobs/" + b.digest() + "?ns=docker.io");
      assertEquals(200, bg.status(), "GET " + b.digest());
      assertEquals("docker.io", bg.header("OCI-Namespace"));
      assertEquals(b.digest(), OciLayout.sha256(bg.body()));
    }
    assertTrue(cached(berth, "hub/library/nsapp"), "cached under hub/library/nsapp");
    assertFalse(Files.exists(berth.dataDir().resolve("repositories/library,nsapp")), "no local repository library/nsapp");
    // the same cache serves the prefixed name, without asking the upstream for the manifest again
    long fetched = upstream.awaitLogged("GET", "/v2/library/nsapp/manifests/v1", 200, 1);
    assertEquals(200, http.get("/v2/hub/library/nsapp/manifests/" + image.manifest().digest()).status());
    assertNull(http.get("/v2/hub/library/nsapp/manifests/v1").header("OCI-Namespace"), "no ns, no OCI-Namespace");
    assertEquals(fetched, upstream.logged("GET", "/v2/library/nsapp/manifests/v1", 200));
    // an upstream without namespaces has its URL's host:port
    RegistryHttp.Answer byHost = http.get("/v2/library/nsapp/manifests/v1?ns=" + upstream.hostPort());
    assertEquals(200, byHost.status(), byHost.text());
    assertEquals(upstream.hostPort(), byHost.header("OCI-Namespace"));
    assertTrue(cached(berth, "direct/library/nsapp"), "cached under direct/library/nsapp");
  }

  @Test
  void unknownNs_servedLocally_asIfNoNsWasGiven_andWritesStayLocal() throws Exception {
    Path src = work.resolve("src-local");
    ProxyImages.twoLayers(src, "ns-local", "v1");
    skopeo("copy", "--dest-tls-verify=false", "--format", "oci", "oci:" + src + ":v1", "docker://" + berth.hostPort() + "/local/app:v1");
    RegistryHttp http = new RegistryHttp(berth);
    RegistryHttp.Answer m = http.get("/v2/local/app/manifests/v1?ns=quay.io");
    assertEquals(200, m.status(), m.text());
    assertNull(m.header("OCI-Namespace"), "served locally: no OCI-Namespace");
    assertEquals(404, http.get("/v2/local/app/manifests/v1?ns=docker.io").status(), "docker.io's local/app is hub's, not the local one");
    assertEquals(404, http.get("/v2/library/none/manifests/v1?ns=quay.io").status(), "an unknown ns routes nowhere");
    assertFalse(Files.exists(berth.dataDir().resolve("repositories/quay.io,library,none")));
    // a push (which never sends ns) isn't turned into a write of the cache by one
    RegistryHttp.Answer post = send("POST", berth.url() + "/v2/library/pushed/blobs/uploads/?ns=docker.io");
    assertEquals(202, post.status(), post.text());
    assertTrue(post.header("Location").contains("/v2/library/pushed/blobs/uploads/"), post.header("Location"));
    String log = upstream.log();
    assertFalse(log.contains("/library/none/") || log.contains("/library/pushed/"), "only docker.io requests reach the upstream:\n" + log);
  }

  static RegistryHttp.Answer send(String method, String url) throws Exception {
    java.net.http.HttpResponse<byte[]> r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest
        .newBuilder(java.net.URI.create(url)).method(method, java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
        java.net.http.HttpResponse.BodyHandlers.ofByteArray());
    return new RegistryHttp.Answer(r.statusCode(), r.headers(), r.body());
  }

  /** Rules see the name the client asked for: anonymous pulls of library/** pass with ns, hub/** stays closed. */
  @Test
  void accessRules_applyToTheRequestedName() throws Exception {
    OciLayout.Image image = pushUpstream("library/nsruled", "ns-ruled");
    try (RegistryProcess ruled = ProxyImages.libraryOpenToAnonymous(work, upstream, "BERTH_PROXY_UPSTREAMS_HUB_NAMESPACES", "docker.io")) {
      RegistryHttp http = new RegistryHttp(ruled);
      RegistryHttp.Answer m = http.get("/v2/library/nsruled/manifests/v1?ns=docker.io");
      assertEquals(200, m.status(), m.text());
      assertEquals(image.manifest().digest(), m.header("Docker-Content-Digest"));
      assertTrue(cached(ruled, "hub/library/nsruled"), "cached under hub/library/nsruled");
      assertEquals(401, http.get("/v2/hub/library/nsruled/manifests/v1").status(), "hub/** is not open to anonymous pulls");
      assertEquals(401, send("POST", ruled.url() + "/v2/library/nsruled/blobs/uploads/?ns=docker.io").status(),
          "anonymous clients may only pull library/**");
    }
  }

  @Test
  void aNamespaceListedByTwoUpstreams_stopsTheStart() throws Exception {
    RegistryProcess.Exit exit = RegistryProcess.runToExit(RegistryProcess.options()
        .env("BERTH_PROXY_UPSTREAMS_HUB_URL", "https://registry-1.docker.io")
        .env("BERTH_PROXY_UPSTREAMS_HUB_NAMESPACES", "docker.io")
        .env("BERTH_PROXY_UPSTREAMS_MINE_URL", upstream.url())
        .env("BERTH_PROXY_UPSTREAMS_MINE_NAMESPACES", "quay.io,DOCKER.io"), Duration.ofSeconds(60));
    assertNotEquals(0, exit.code(), exit.log());
    assertTrue(exit.log().contains("berth.proxy.upstreams.mine.namespaces=quay.io,DOCKER.io (BERTH_PROXY_UPSTREAMS_MINE_NAMESPACES):"
        + " upstream hub lists the namespace docker.io already"), exit.log());
    assertFalse(exit.log().contains("\tat "), "a stack trace:\n" + exit.log());
  }

  /** containerd sends ns= to a hosts.toml mirror; 1.6's ctr resolves and fetches itself, containerd stores and unpacks. */
  @Test
  void containerdWithAHostsTomlMirror_pullsDockerIoNamesThroughNs() throws Exception {
    assumeTrue(Cmd.of("id", "-u").ok().stdout().strip().equals("0"), "containerd needs root");
    String containerd = Cmd.require("containerd", "containerd");
    String ctr = Cmd.require("ctr", "containerd");
    OciLayout.Image image = pushUpstream("library/ctrapp", "containerd");
    Path hosts = Files.createDirectories(work.resolve("hosts/docker.io"));
    Files.writeString(hosts.resolve("hosts.toml"), String.join("\n",
        "server = \"https://registry-1.docker.io\"",
        "[host.\"http://" + berth.hostPort() + "\"]",
        "  capabilities = [\"pull\", \"resolve\"]", ""));
    try (Containerd daemon = Containerd.start(containerd, ctr)) {
      Cmd.Result pull = daemon.ctr("--namespace", "berth-it", "images", "pull", "--hosts-dir", work.resolve("hosts").toString(),
          "--snapshotter", "native", "docker.io/library/ctrapp:v1").timeout(Duration.ofMinutes(5)).run();
      assertTrue(pull.succeeded(), () -> pull.describe() + "\n[containerd log]\n" + daemon.log());
      String list = daemon.ctr("--namespace", "berth-it", "images", "ls").ok().stdout();
      String line = list.lines().filter(l -> l.startsWith("docker.io/library/ctrapp:v1 ")).findFirst().orElse("");
      assertTrue(line.contains(" " + image.manifest().digest() + " "), "the upstream's digest:\n" + list);
      for (String asked : new String[] {"/v2/library/ctrapp/manifests/v1?ns=docker.io",
          "/v2/library/ctrapp/blobs/" + image.config().digest() + "?ns=docker.io"}) {
        assertTrue(RegistryHttp.awaitLogged(berth, l -> l.target().equals(asked) && l.status() == 200).isPresent(),
            "Berth answered " + asked + ":\n" + berth.log());
      }
      assertTrue(upstream.awaitLogged("GET", "/v2/library/ctrapp/manifests/v1", 200, 1) >= 1, "fetched upstream");
      assertTrue(cached(berth, "hub/library/ctrapp"), "cached under hub/library/ctrapp");
      for (OciLayout.Blob b : image.blobs()) {
        assertTrue(Files.exists(berth.dataDir().resolve("repositories/hub,library,ctrapp/_layers/" + b.digest().replace(':', '/'))),
            "blob linked into hub/library/ctrapp: " + b.digest());
      }
      assertFalse(Files.exists(berth.dataDir().resolve("repositories/library,ctrapp")), "no local library/ctrapp");
    }
  }
}
