package dev.berth.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * DefaultAzureCredential, as on Azure Container Apps or App Service with a managed identity: no
 * secret in Berth's configuration, only the endpoint. The identity endpoint
 * ({@code IDENTITY_ENDPOINT}/{@code IDENTITY_HEADER}) is a local stand-in that issues a token
 * Azurite accepts; Azurite runs with HTTPS and OAuth, since bearer tokens never travel over HTTP.
 */
class AzureIdentityIT {
  private static final String PASSWORD = "changeit";
  private static final String IDENTITY_HEADER = "identity-header-value";

  /** A self-signed certificate for 127.0.0.1 (for Azurite) and a trust store holding it (for Berth). */
  private static Path[] certificates(Path dir) throws Exception {
    Path keystore = dir.resolve("azurite.pfx");
    Path cert = dir.resolve("azurite.crt");
    Path trust = dir.resolve("trust.p12");
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    run(keytool, "-genkeypair", "-alias", "azurite", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
        "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-storetype", "PKCS12",
        "-keystore", keystore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD);
    run(keytool, "-exportcert", "-alias", "azurite", "-keystore", keystore.toString(), "-storepass", PASSWORD,
        "-rfc", "-file", cert.toString());
    run(keytool, "-importcert", "-noprompt", "-alias", "azurite", "-file", cert.toString(), "-storetype", "PKCS12",
        "-keystore", trust.toString(), "-storepass", PASSWORD);
    return new Path[] {keystore, trust};
  }

  private static void run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, String.join(" ", cmd) + ": " + out);
  }

  private static String b64(String json) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  /** A token shaped like Entra ID's for Azure Storage. */
  private static String token() {
    long now = Instant.now().getEpochSecond();
    String tenant = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    return b64("{\"alg\":\"RS256\",\"typ\":\"JWT\"}") + "."
        + b64("{\"aud\":\"https://storage.azure.com\",\"iss\":\"https://sts.windows.net/" + tenant + "/\",\"iat\":"
            + (now - 60) + ",\"nbf\":" + (now - 60) + ",\"exp\":" + (now + 3600) + ",\"oid\":\"" + java.util.UUID.randomUUID()
            + "\",\"tid\":\"" + tenant + "\"}")
        + "." + b64("not-checked-by-azurite");
  }

  @Test
  void defaultCredential_managedIdentity_endpointOnly() throws Exception {
    Path dir = Files.createTempDirectory("azure-identity");
    Path[] certs = certificates(dir);
    AtomicInteger tokenRequests = new AtomicInteger();
    HttpServer identity = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    identity.createContext("/msi/token", ex -> {
      boolean ok = IDENTITY_HEADER.equals(ex.getRequestHeaders().getFirst("X-IDENTITY-HEADER"))
          && ex.getRequestURI().getQuery() != null && ex.getRequestURI().getQuery().contains("resource=");
      tokenRequests.incrementAndGet();
      byte[] body = ok
          ? ("{\"access_token\":\"" + token() + "\",\"expires_on\":\"" + (Instant.now().getEpochSecond() + 3600)
              + "\",\"resource\":\"https://storage.azure.com\",\"token_type\":\"Bearer\"}").getBytes(StandardCharsets.UTF_8)
          : "{\"error\":\"bad request\"}".getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().add("Content-Type", "application/json");
      ex.sendResponseHeaders(ok ? 200 : 400, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    identity.start();
    try (Azurite azurite = Azurite.startWithOAuth(certs[0], PASSWORD)) {
      var opts = RegistryProcess.options()
          .jvmArgs("-Xmx256m", "-Djavax.net.ssl.trustStore=" + certs[1], "-Djavax.net.ssl.trustStorePassword=" + PASSWORD,
              "-Djavax.net.ssl.trustStoreType=PKCS12")
          .env("BERTH_STORAGE_DRIVER", "azure")
          .env("BERTH_STORAGE_AZURE_ENDPOINT", azurite.endpoint())
          .env("BERTH_STORAGE_AZURE_CONTAINER", "identity")
          .env("BERTH_STORAGE_REDIRECT_ENABLED", "true")
          .env("IDENTITY_ENDPOINT", "http://127.0.0.1:" + identity.getAddress().getPort() + "/msi/token")
          .env("IDENTITY_HEADER", IDENTITY_HEADER);
      try (RegistryProcess reg = RegistryProcess.start(opts)) {
        assertTrue(reg.log().contains("(default-credential)"), reg.log());
        RegistryClient c = new RegistryClient(reg.url());
        byte[] data = new byte[300_000];
        new Random(3).nextBytes(data);
        String digest = c.pushBlob("identity/app", data);
        assertTrue(tokenRequests.get() > 0, "the managed identity endpoint was asked for a token");
        // With a token credential a redirect is a user-delegation SAS (signed with a key the
        // service issued to the identity), read-only.
        HttpResponse<byte[]> get = c.send("GET", "/v2/identity/app/blobs/" + digest, null);
        assertEquals(307, get.statusCode(), new String(get.body()));
        String url = get.headers().firstValue("Location").orElseThrow();
        assertTrue(url.contains("skoid=") && url.contains("sp=r&"), url);
        HttpClient tls = HttpClient.newBuilder().sslContext(trusting(certs[1])).build();
        assertArrayEquals(data, tls.send(HttpRequest.newBuilder(URI.create(url)).build(),
            HttpResponse.BodyHandlers.ofByteArray()).body());
        assertEquals(200, c.send("GET", "/q/health/ready", null).statusCode());
        assertFalse(reg.log().contains(IDENTITY_HEADER), "the identity header is a secret");
      }
    } finally {
      identity.stop(0);
      TempDirs.delete(dir);
    }
  }

  private static javax.net.ssl.SSLContext trusting(Path trustStore) throws Exception {
    java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
    try (var in = Files.newInputStream(trustStore)) {
      ks.load(in, PASSWORD.toCharArray());
    }
    javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

}
