package dev.berth.it;

import static dev.berth.it.ProxyImages.assertSameImage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Mirror mode ({@code berth.proxy.default-upstream}): pulls without an upstream prefix of a
 * repository that doesn't exist locally come from the default upstream (Debian's docker-registry
 * with htpasswd auth) and are cached under the prefixed name; a locally pushed repository is
 * served locally and never asked upstream; access rules see the requested name; a private
 * dockerd with {@code registry-mirrors} pulls {@code docker.io/library/...} through Berth, and
 * podman with a {@code registries.conf} mirror at {@code <berth>/hub} through the prefix.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ProxyMirrorIT {
  static Distribution upstream;
  static RegistryProcess berth;
  static String skopeo;
  Path work;

  @BeforeAll
  static void start() throws Exception {
    skopeo = Cmd.require("skopeo", "skopeo");
    upstream = new Distribution();
    berth = RegistryProcess.start(RegistryProcess.options()
        .env("BERTH_PROXY_UPSTREAMS_HUB_URL", upstream.url())
        .env("BERTH_PROXY_UPSTREAMS_HUB_USERNAME", Distribution.USER)
        .env("BERTH_PROXY_UPSTREAMS_HUB_PASSWORD", upstream.password)
        .env("BERTH_PROXY_DEFAULT_UPSTREAM", "hub"));
  }

  @AfterAll
  static void stop() throws Exception {
    ProxyImages.stop(berth, upstream);
  }

  @BeforeEach
  void workDir() {
    work = TempDirs.create("berth-mirror-");
  }

  @AfterEach
  void cleanWorkDir() {
    TempDirs.delete(work);
  }

  static Cmd.Result skopeo(String... args) {
    Cmd.Result r = ProxyImages.skopeo(skopeo, args);
    assertTrue(r.succeeded(), r::describe);
    return r;
  }

  /** A two-layer image in an OCI layout, tagged {@code tag}. */
  OciLayout.Image image(String marker, String tag) {
    return ProxyImages.twoLayers(work.resolve("src-" + marker), marker, tag);
  }

  OciLayout.Image pushUpstream(String repo, String marker) {
    OciLayout.Image image = image(marker, "v1");
    skopeo("copy", "--dest-tls-verify=false", "--dest-creds", upstream.creds(), "--format", "oci",
        "oci:" + work.resolve("src-" + marker) + ":v1", "docker://" + upstream.hostPort() + "/" + repo + ":v1");
    return image;
  }

  long upstreamRequestsFor(String repo) throws IOException {
    return upstream.log().lines().filter(l -> l.contains(" /v2/" + repo + "/")).count();
  }

  @Test
  void unprefixedPull_ofAnUnknownRepository_comesFromTheDefaultUpstream_cachedUnderItsName() throws Exception {
    OciLayout.Image image = pushUpstream("library/app", "mirror");
    Path pulled = work.resolve("pulled");
    skopeo("copy", "--src-tls-verify=false", "docker://" + berth.hostPort() + "/library/app:v1", "oci:" + pulled + ":pulled");
    assertSameImage(image, pulled);
    assertTrue(Files.isDirectory(berth.dataDir().resolve("repositories/hub,library,app/_manifests")), "cached under hub/library/app");
    assertFalse(Files.exists(berth.dataDir().resolve("repositories/library,app")), "no local repository library/app");
    assertTrue(upstream.awaitLogged("GET", "/v2/library/app/manifests/v1", 200, 1) >= 1, "fetched from the upstream");
    // the prefixed name serves the same cache
    Path prefixed = work.resolve("prefixed");
    skopeo("copy", "--src-tls-verify=false", "docker://" + berth.hostPort() + "/hub/library/app@" + image.manifest().digest(),
        "oci:" + prefixed + ":pulled");
    assertSameImage(image, prefixed);
  }

  @Test
  void locallyPushedRepository_servedLocally_neverAskedUpstream() throws Exception {
    OciLayout.Image image = image("local", "v1");
    skopeo("copy", "--dest-tls-verify=false", "--format", "oci",
        "oci:" + work.resolve("src-local") + ":v1", "docker://" + berth.hostPort() + "/local/app:v1");
    Path pulled = work.resolve("pulled");
    skopeo("copy", "--src-tls-verify=false", "docker://" + berth.hostPort() + "/local/app:v1", "oci:" + pulled + ":pulled");
    assertSameImage(image, pulled);
    RegistryHttp http = new RegistryHttp(berth);
    assertEquals(404, http.get("/v2/local/app/manifests/nope").status(), "an unknown tag of a local repository");
    assertTrue(Files.isDirectory(berth.dataDir().resolve("repositories/local,app/_manifests")), "stored as local/app");
    assertFalse(Files.exists(berth.dataDir().resolve("repositories/hub,local,app")), "nothing cached for it");
    // the request above that asked an unknown repository upstream is logged by now: the upstream saw none for local/app
    assertEquals(404, http.get("/v2/never/pushed/manifests/v1").status());
    assertTrue(upstream.awaitLogged("GET", "/v2/never/pushed/manifests/v1", 404, 1) >= 1, "an unknown repository was asked upstream");
    assertEquals(0, upstreamRequestsFor("local/app"), "local/app never reached the upstream:\n" + upstream.log());
  }

  @Test
  void defaultUpstream_namingNoUpstream_stopsTheStart() throws Exception {
    RegistryProcess.Exit exit = RegistryProcess.runToExit(RegistryProcess.options()
        .env("BERTH_PROXY_UPSTREAMS_GHCR_URL", upstream.url())
        .env("BERTH_PROXY_DEFAULT_UPSTREAM", "hub"), Duration.ofSeconds(60));
    assertNotEquals(0, exit.code(), exit.log());
    assertTrue(exit.log().contains("berth.proxy.default-upstream=hub (BERTH_PROXY_DEFAULT_UPSTREAM): names no configured upstream; configured: ghcr"),
        exit.log());
    assertFalse(exit.log().contains("\tat "), "a stack trace:\n" + exit.log());
  }

  @Test
  void dockerdWithRegistryMirrors_pullsDockerHubNamesThroughBerth() throws Exception {
    String dockerd = Cmd.require("dockerd", "docker.io");
    String docker = Cmd.require("docker", "docker.io");
    Cmd.require("containerd", "containerd");
    OciLayout.Image image = pushUpstream("library/web", "dockerd");
    // registry-mirrors only serve docker.io names; 127.0.0.0/8 is insecure by default, so plain HTTP works
    try (DockerDaemon daemon = DockerDaemon.start(dockerd, docker,
        "{\"registry-mirrors\": [\"http://" + berth.hostPort() + "\"]}")) {
      Cmd.Result pull = daemon.docker("pull", "web:v1").timeout(Duration.ofMinutes(5)).run();
      assertTrue(pull.succeeded(), () -> pull.describe() + "\n[dockerd log]\n" + daemon.log());
      assertTrue(pull.stdout().contains("Digest: " + image.manifest().digest()), pull.describe());
      String repoDigests = daemon.docker("image", "inspect", "--format", "{{json .RepoDigests}}", "web:v1").ok().stdout();
      assertTrue(repoDigests.contains("web@" + image.manifest().digest()), repoDigests);
      assertTrue(upstream.awaitLogged("GET", "/v2/library/web/manifests/v1", 200, 1) >= 1, "asked through Berth:\n" + upstream.log());
      for (OciLayout.Blob b : image.blobs()) {
        assertTrue(upstream.awaitLogged("GET", "/v2/library/web/blobs/" + b.digest(), 200, 1) >= 1, "blob fetched upstream: " + b.digest());
      }
      assertTrue(Files.isDirectory(berth.dataDir().resolve("repositories/hub,library,web/_manifests")), "cached under hub/library/web");
    }
  }

  /** podman takes a namespace in a mirror's location: the prefix mode serves it, no default upstream needed. */
  @Test
  void podmanWithARegistriesConfMirror_pullsThroughThePrefix() throws Exception {
    String podman = Cmd.require("podman", "podman");
    OciLayout.Image image = pushUpstream("library/tool", "podman");
    Path home = work.resolve("podman");
    Path root = home.resolve("root");
    Path runroot = home.resolve("run");
    Files.createDirectories(home.resolve("tmp"));
    Files.writeString(home.resolve("storage.conf"),
        "[storage]\ndriver = \"vfs\"\ngraphroot = \"" + root + "\"\nrunroot = \"" + runroot + "\"\n");
    Files.writeString(home.resolve("containers.conf"), "[engine]\ncgroup_manager = \"cgroupfs\"\nevents_logger = \"file\"\n");
    Files.writeString(home.resolve("registries.conf"), String.join("\n",
        "unqualified-search-registries = []",
        "short-name-mode = \"disabled\"",
        "[[registry]]",
        "location = \"docker.io\"",
        "[[registry.mirror]]",
        "location = \"" + berth.hostPort() + "/hub\"",
        "insecure = true", ""));
    Files.writeString(home.resolve("auth.json"), "{\"auths\":{}}\n");
    java.util.Map<String, String> env = new java.util.LinkedHashMap<>();
    env.put("CONTAINERS_STORAGE_CONF", home.resolve("storage.conf").toString());
    env.put("CONTAINERS_CONF", home.resolve("containers.conf").toString());
    env.put("CONTAINERS_REGISTRIES_CONF", home.resolve("registries.conf").toString());
    env.put("REGISTRY_AUTH_FILE", home.resolve("auth.json").toString());
    env.put("XDG_RUNTIME_DIR", Files.createDirectories(home.resolve("xdg")).toString());
    env.put("TMPDIR", home.resolve("tmp").toString());
    java.util.List<String> base = java.util.List.of(podman, "--root", root.toString(), "--runroot", runroot.toString(),
        "--storage-driver", "vfs", "--tmpdir", home.resolve("libpod").toString(), "--cgroup-manager=cgroupfs",
        "--events-backend=file");
    try {
      java.util.List<String> pull = new java.util.ArrayList<>(base);
      pull.addAll(java.util.List.of("pull", "docker.io/library/tool:v1"));
      Cmd.Result r = Cmd.of(pull).env(env).timeout(Duration.ofMinutes(5)).run();
      assertTrue(r.succeeded(), r::describe);
      java.util.List<String> inspect = new java.util.ArrayList<>(base);
      inspect.addAll(java.util.List.of("image", "inspect", "--format", "{{.Digest}}", "docker.io/library/tool:v1"));
      assertEquals(image.manifest().digest(), Cmd.of(inspect).env(env).ok().stdout().strip());
      assertTrue(upstream.awaitLogged("GET", "/v2/library/tool/manifests/v1", 200, 1) >= 1, "asked through Berth");
      assertTrue(Files.isDirectory(berth.dataDir().resolve("repositories/hub,library,tool/_manifests")), "cached under hub/library/tool");
    } finally {
      java.util.List<String> rmi = new java.util.ArrayList<>(base);
      rmi.addAll(java.util.List.of("rmi", "--all", "--force"));
      Cmd.of(rmi).env(env).run();
    }
  }

  /** Rules see the name the client asked for: anonymous pulls of library/** pass, hub/** stays closed. */
  @Test
  void accessRules_applyToTheRequestedName() throws Exception {
    OciLayout.Image image = pushUpstream("library/ruled", "ruled");
    try (RegistryProcess ruled = ProxyImages.libraryOpenToAnonymous(work, upstream, "BERTH_PROXY_DEFAULT_UPSTREAM", "hub")) {
      RegistryHttp http = new RegistryHttp(ruled);
      RegistryHttp.Answer m = http.get("/v2/library/ruled/manifests/v1");
      assertEquals(200, m.status(), m.text());
      assertEquals(image.manifest().digest(), m.header("Docker-Content-Digest"));
      assertTrue(Files.isDirectory(ruled.dataDir().resolve("repositories/hub,library,ruled/_manifests")), "cached under hub/library/ruled");
      assertEquals(401, http.get("/v2/hub/library/ruled/manifests/v1").status(), "hub/** is not open to anonymous pulls");
    }
  }
}
