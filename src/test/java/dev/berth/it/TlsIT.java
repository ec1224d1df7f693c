package dev.berth.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * TLS and the access log as README documents them: a PKCS#12 key store through
 * {@code QUARKUS_TLS_KEY_STORE_P12_*}, plain HTTP turned off, a push and a pull over HTTPS with a
 * client that trusts only that certificate, and one access-log line per request that never holds
 * the {@code Authorization} header a client sent.
 */
class TlsIT {

  @Test
  void pushAndPullOverHttps_withAnAccessLog() throws Exception {
    Path dir = TempDirs.create("berth-tls");
    try {
      SelfSignedTls tls = SelfSignedTls.create(dir);
      int tlsPort = RegistryProcess.freePort();
      RegistryProcess.Options o = tls.serve(RegistryProcess.options(), tlsPort)
          .env("QUARKUS_HTTP_INSECURE_REQUESTS", "disabled")
          .env("QUARKUS_HTTP_ACCESS_LOG_ENABLED", "true")
          .ready(RegistryProcess.Ready.NONE);
      try (RegistryProcess r = RegistryProcess.start(o)) {
        HttpClient https = HttpClient.newBuilder().sslContext(tls.trusting()).connectTimeout(Duration.ofSeconds(5)).build();
        String base = "https://127.0.0.1:" + tlsPort;
        awaitHttps(https, base, r);

        byte[] blob = "layer over tls".getBytes();
        String digest = RegistryClient.sha256(blob);
        HttpResponse<String> put = https.send(HttpRequest.newBuilder(URI.create(base + "/v2/tls/app/blobs/uploads/?digest=" + digest))
            .header("Authorization", "Basic c2VjcmV0LXVzZXI6c2VjcmV0LXBhc3M=")
            .POST(HttpRequest.BodyPublishers.ofByteArray(blob)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, put.statusCode(), put.body());
        HttpResponse<byte[]> get = https.send(HttpRequest.newBuilder(URI.create(base + "/v2/tls/app/blobs/" + digest)).build(),
            HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, get.statusCode());
        assertEquals(new String(blob), new String(get.body()));

        // Plain HTTP is off: nothing answers on the HTTP port.
        HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        assertThrows(IOException.class, () -> plain.send(HttpRequest.newBuilder(URI.create(r.url() + "/v2/")).build(),
            HttpResponse.BodyHandlers.discarding()));

        String log = awaitLogLine(r, "/v2/tls/app/blobs/" + digest);
        assertTrue(log.contains("POST /v2/tls/app/blobs/uploads/?digest=" + digest), log);
        assertFalse(log.contains("c2VjcmV0"), "the Authorization header reached the log:\n" + log);
      }
    } finally {
      TempDirs.delete(dir);
    }
  }

  private static void awaitHttps(HttpClient https, String base, RegistryProcess r) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    IOException last = null;
    while (System.nanoTime() < deadline) {
      assertTrue(r.process().isAlive(), "registry exited:\n" + r.log());
      try {
        HttpResponse<String> v2 = https.send(HttpRequest.newBuilder(URI.create(base + "/v2/")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, v2.statusCode(), v2.body());
        return;
      } catch (ConnectException e) {
        last = e;
        Thread.sleep(50);
      }
    }
    throw new AssertionError("no HTTPS on " + base + ":\n" + r.log(), last);
  }

  /** The access log is written asynchronously to the console: wait until the line is there. */
  private static String awaitLogLine(RegistryProcess r, String needle) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    String log = r.log();
    while (!log.contains(needle) && System.nanoTime() < deadline) {
      Thread.sleep(50);
      log = r.log();
    }
    assertTrue(log.contains("GET " + needle), "no access-log line for GET " + needle + ":\n" + log);
    return log;
  }
}
