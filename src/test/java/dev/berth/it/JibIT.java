package dev.berth.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainer;
import com.google.cloud.tools.jib.api.LogEvent;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.TarImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.ImageFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Jib (jib-core, the library behind the Maven and Gradle plugins) builds an image from scratch
 * and pushes it, then builds a second image on top of the first into another repository, which
 * makes Jib mount the base layer across repositories instead of uploading it again; finally Jib
 * pulls the second image back. Jib tries HTTPS first and falls back to HTTP for an insecure
 * registry.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class JibIT {
  @RegisterExtension
  static final RegistryExtension REGISTRY = new RegistryExtension();

  private Path work;

  @BeforeEach
  void workDir() {
    work = TempDirs.create("berth-jib-");
  }

  @AfterEach
  void cleanWorkDir() {
    TempDirs.delete(work);
  }

  private Containerizer containerizer(Containerizer c) {
    return c.setAllowInsecureRegistries(true)
        .setBaseImageLayersCache(work.resolve("cache/base"))
        .setApplicationLayersCache(work.resolve("cache/app"))
        .setToolName("berth-it")
        .addEventHandler(LogEvent.class, e -> {
          if (e.getLevel() != LogEvent.Level.DEBUG && e.getLevel() != LogEvent.Level.PROGRESS) {
            System.out.println("[jib] " + e.getLevel() + ": " + e.getMessage());
          }
        });
  }

  private static Path write(Path dir, String name, byte[] content) throws Exception {
    Files.createDirectories(dir);
    return Files.write(dir.resolve(name), content);
  }

  @Test
  void pushBaseThenAppOnTop_mountsTheBaseLayer_andJibPullsItBack() throws Exception {
    String host = REGISTRY.registry().hostPort();
    byte[] greeting = "hello from the jib base image\n".getBytes();
    byte[] blob = new byte[200_000];
    new java.util.Random(7).nextBytes(blob);
    Path baseFiles = work.resolve("base-files");
    List<Path> baseLayer = List.of(write(baseFiles, "greeting.txt", greeting), write(baseFiles, "random.bin", blob));

    JibContainer base = Jib.fromScratch()
        .addLayer(baseLayer, AbsoluteUnixPath.get("/base"))
        .setEntrypoint("/base/greeting.txt")
        .containerize(containerizer(Containerizer.to(RegistryImage.named(ImageReference.parse(host + "/jib/base")))));

    JsonNode baseManifest = manifest("jib/base", "latest", base.getDigest().toString(), OciLayout.DOCKER_MANIFEST);
    assertEquals(base.getImageId().toString(), baseManifest.path("config").path("digest").asText());
    List<String> baseLayers = OciLayout.layerDigests(baseManifest);
    assertEquals(1, baseLayers.size());
    String baseLayerDigest = baseLayers.get(0);
    Map<String, byte[]> inBaseLayer = Tar.files(REGISTRY.http().blob("jib/base", baseLayerDigest));
    assertArrayEquals(greeting, inBaseLayer.get("base/greeting.txt"));
    assertArrayEquals(blob, inBaseLayer.get("base/random.bin"));

    // a second image FROM the first, in another repository, in OCI format
    byte[] appJar = "not really a jar\n".getBytes();
    Path appFiles = work.resolve("app-files");
    JibContainer app = Jib.from(RegistryImage.named(ImageReference.parse(host + "/jib/base")))
        .addLayer(List.of(write(appFiles, "app.jar", appJar)), AbsoluteUnixPath.get("/app"))
        .setFormat(ImageFormat.OCI)
        .setEntrypoint("/app/app.jar")
        .containerize(containerizer(Containerizer.to(RegistryImage.named(ImageReference.parse(host + "/jib/app")))));

    JsonNode appManifest = manifest("jib/app", "latest", app.getDigest().toString(), OciLayout.OCI_MANIFEST);
    assertEquals(app.getImageId().toString(), appManifest.path("config").path("digest").asText());
    List<String> appLayers = OciLayout.layerDigests(appManifest);
    assertEquals(2, appLayers.size());
    assertEquals(baseLayerDigest, appLayers.get(0), "the app image is built on the base layer");
    String appLayerDigest = appLayers.get(1);
    assertArrayEquals(appJar, Tar.files(REGISTRY.http().blob("jib/app", appLayerDigest)).get("app/app.jar"));
    JsonNode appConfig = OciLayout.json(REGISTRY.http().blob("jib/app", app.getImageId().toString()));
    assertEquals("/app/app.jar", appConfig.path("config").path("Entrypoint").get(0).asText());
    assertEquals(2, appConfig.path("rootfs").path("diff_ids").size());

    // the base layer reached jib/app by a cross-repository mount, not a second upload
    assertEquals(200, REGISTRY.http().head("/v2/jib/app/blobs/" + baseLayerDigest).status(), "the base layer is linked in jib/app");
    assertEquals(200, REGISTRY.http().head("/v2/jib/base/blobs/" + baseLayerDigest).status(), "and still in jib/base");
    assertTrue(RegistryHttp.awaitLogged(REGISTRY.registry(), r -> r.method().equals("POST")
        && r.target().startsWith("/v2/jib/app/blobs/uploads/") && r.target().contains("mount=" + baseLayerDigest)
        && r.target().contains("from=jib/base") && r.status() == 201).isPresent(), "Jib mounted the base layer with a 201");
    List<RegistryHttp.Logged> log = RegistryHttp.accessLog(REGISTRY.registry().log());
    long baseLayerUploads = log.stream().filter(r -> isUploadOf(r, baseLayerDigest)).count();
    assertEquals(1, baseLayerUploads, "the registry received the base layer's bytes once: " + log);
    Set<String> uploadedToApp = log.stream()
        .filter(r -> r.target().startsWith("/v2/jib/app/blobs/uploads/") && r.target().contains("digest=") && r.status() == 201)
        .map(r -> r.target().substring(r.target().indexOf("digest=") + 7).split("&")[0])
        .collect(Collectors.toSet());
    assertEquals(Set.of(appLayerDigest, app.getImageId().toString()), uploadedToApp, "only the new blobs were uploaded to jib/app");

    // Jib pulls the app image back (every blob through jib/app) into a docker-load tarball
    Path tar = work.resolve("app.tar");
    Jib.from(RegistryImage.named(ImageReference.parse(host + "/jib/app@" + app.getDigest())))
        .containerize(containerizer(Containerizer.to(TarImage.at(tar).named("berth-it/app:pulled"))));
    Map<String, byte[]> tarball = Tar.files(Files.readAllBytes(tar));
    for (String layer : appLayers) {
      byte[] bytes = tarball.get(layer.substring("sha256:".length()) + ".tar.gz");
      assertTrue(bytes != null, "the pulled tarball has layer " + layer + ": " + tarball.keySet());
      assertEquals(layer, OciLayout.sha256(bytes), "Jib pulled layer " + layer + " byte for byte");
    }
  }

  private static boolean isUploadOf(RegistryHttp.Logged r, String digest) {
    boolean session = r.method().equals("PUT") && r.target().contains("/blobs/uploads/");
    boolean monolithic = r.method().equals("POST") && r.target().contains("/blobs/uploads");
    return (session || monolithic) && r.target().contains("digest=" + digest);
  }

  private static JsonNode manifest(String repo, String tag, String digest, String mediaType) {
    RegistryHttp.Answer m = REGISTRY.http().get("/v2/" + repo + "/manifests/" + tag);
    assertEquals(200, m.status(), m.text());
    assertEquals(digest, m.header("Docker-Content-Digest"), "the registry has the digest Jib reported");
    assertEquals(digest, OciLayout.sha256(m.body()));
    assertEquals(mediaType, m.header("Content-Type"));
    assertArrayEquals(m.body(), REGISTRY.http().get("/v2/" + repo + "/manifests/" + digest).body());
    return OciLayout.json(m.body());
  }
}
