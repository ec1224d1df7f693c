package dev.berth.it;

import static dev.berth.it.ProxyImages.assertSameImage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code tls.ca-file} against Debian's docker-registry serving HTTPS with a certificate for
 * 127.0.0.1 (IP SAN) that a CA made here with openssl issued: without the CA the pull answers 503
 * naming the certificate, with it skopeo pulls byte for byte; the host name is still checked
 * ({@code https://localhost} is refused); a CA file that isn't there stops the start.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ProxyTlsIT {
  static Path dir;
  static Distribution upstream;
  static OciLayout.Image image;

  @BeforeAll
  static void start() throws Exception {
    String openssl = Cmd.require("openssl", "openssl");
    dir = TempDirs.create("berth-proxy-tls-");
    run(openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
        "-subj", "/CN=berth test CA", "-keyout", dir.resolve("ca.key").toString(), "-out", dir.resolve("ca.pem").toString());
    run(openssl, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=127.0.0.1",
        "-keyout", dir.resolve("server.key").toString(), "-out", dir.resolve("server.csr").toString());
    Files.writeString(dir.resolve("san.ext"), "subjectAltName=IP:127.0.0.1\n");
    run(openssl, "x509", "-req", "-days", "2", "-in", dir.resolve("server.csr").toString(), "-CA", dir.resolve("ca.pem").toString(),
        "-CAkey", dir.resolve("ca.key").toString(), "-CAcreateserial", "-extfile", dir.resolve("san.ext").toString(),
        "-out", dir.resolve("server.pem").toString());
    upstream = new Distribution(dir.resolve("server.pem"), dir.resolve("server.key"));
    image = ProxyImages.twoLayers(dir.resolve("src"), "tls", "v1");
    run(Cmd.require("skopeo", "skopeo"), "copy", "--dest-tls-verify=false", "--dest-creds", upstream.creds(), "--format", "oci",
        "oci:" + dir.resolve("src") + ":v1", "docker://" + upstream.hostPort() + "/team/app:v1");
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (upstream != null) {
        upstream.close();
      }
    } finally {
      TempDirs.delete(dir);
    }
  }

  private static void run(String... cmd) {
    Cmd.Result r = Cmd.of(cmd).env("TMPDIR", "/tmp").timeout(Duration.ofMinutes(2)).run();
    assertTrue(r.succeeded(), r::describe);
  }

  /** Stops Berth; the upstream's password must not be in its log. */
  private static void stopChecked(RegistryProcess b) throws Exception {
    try {
      assertFalse(b.log().contains(upstream.password), "the upstream's password is in Berth's log");
    } finally {
      b.close();
    }
  }

  private static RegistryProcess.Options berth(String url) {
    return RegistryProcess.options()
        .env("BERTH_PROXY_UPSTREAMS_UP_URL", url)
        .env("BERTH_PROXY_UPSTREAMS_UP_USERNAME", Distribution.USER)
        .env("BERTH_PROXY_UPSTREAMS_UP_PASSWORD", upstream.password);
  }

  private static HttpResponse<String> manifest(RegistryProcess r) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(r.url() + "/v2/up/team/app/manifests/v1"))
        .header("Accept", "application/vnd.oci.image.manifest.v1+json").build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void assertRefusedCertificate(HttpResponse<String> r, String reason) {
    assertEquals(503, r.statusCode(), r.body());
    assertTrue(r.body().contains("UNAVAILABLE"), r.body());
    assertTrue(r.body().contains("TLS certificate was refused: " + reason), r.body());
    assertFalse(r.body().contains("\tat ") || r.body().contains("Exception:"), "a stack trace in " + r.body());
  }

  @Test
  void withoutTheCa_theCertificateIsRefused_503() throws Exception {
    RegistryProcess b = RegistryProcess.start(berth(upstream.url()));
    try {
      assertRefusedCertificate(manifest(b), "issued by no trusted CA");
    } finally {
      stopChecked(b);
    }
  }

  @Test
  void withTheCaFile_skopeoPullsByteIdentical() throws Exception {
    RegistryProcess b = RegistryProcess.start(berth(upstream.url())
        .env("BERTH_PROXY_UPSTREAMS_UP_TLS_CA_FILE", dir.resolve("ca.pem").toString()));
    try {
      Path pulled = dir.resolve("pulled-" + System.nanoTime());
      run(Cmd.require("skopeo", "skopeo"), "copy", "--src-tls-verify=false", "docker://" + b.hostPort() + "/up/team/app:v1",
          "oci:" + pulled + ":pulled");
      assertSameImage(image, pulled);
    } finally {
      stopChecked(b);
    }
  }

  @Test
  void withTheCaFile_theHostNameIsStillChecked() throws Exception {
    RegistryProcess b = RegistryProcess.start(berth(upstream.url().replace("127.0.0.1", "localhost"))
        .env("BERTH_PROXY_UPSTREAMS_UP_TLS_CA_FILE", dir.resolve("ca.pem").toString()));
    try {
      assertRefusedCertificate(manifest(b), "No name matching localhost");
    } finally {
      stopChecked(b);
    }
  }

  @Test
  void aMissingCaFile_stopsTheStart_namingTheProperty() throws Exception {
    RegistryProcess.Exit exit = RegistryProcess.runToExit(berth(upstream.url())
        .env("BERTH_PROXY_UPSTREAMS_UP_TLS_CA_FILE", dir.resolve("none.pem").toString()), Duration.ofSeconds(60));
    assertNotEquals(0, exit.code(), exit.log());
    assertTrue(exit.log().contains("berth.proxy.upstreams.up.tls.ca-file=") && exit.log().contains("(BERTH_PROXY_UPSTREAMS_UP_TLS_CA_FILE): no such file"), exit.log());
    assertFalse(exit.log().contains(upstream.password), exit.log());
  }
}
