package dev.berth.api;

import static dev.berth.api.ApiTestSupport.api;
import static dev.berth.api.ApiTestSupport.randomBytes;
import static dev.berth.api.ApiTestSupport.repo;
import static dev.berth.api.ApiTestSupport.sha256;
import static dev.berth.api.ApiTestSupport.startUpload;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Several requests finishing one upload at once: exactly one completes it (201), the others find
 * no session (404 BLOB_UPLOAD_UNKNOWN), none fails with a 5xx, and the blob is right. A chunk
 * racing the closing PUT never yields a blob whose bytes differ from its digest.
 */
@QuarkusTest
class ConcurrentUploadsApiTest {
  private static final int CLIENTS = 4;
  private static final int ROUNDS = 8;
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private static URI uri(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + RestAssured.port + pathAndQuery);
  }

  private static HttpResponse<String> send(HttpRequest r) throws Exception {
    return HTTP.send(r, HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void concurrentClosingPuts_exactlyOne201_others404_blobRight() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
    try {
      for (int round = 0; round < ROUNDS; round++) {
        String repo = repo("race");
        byte[] data = randomBytes(64 * 1024 + round);
        String location = startUpload(repo);
        api().contentType("application/octet-stream").body(data).patch(location).then().statusCode(202);
        String digest = sha256(data);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<HttpResponse<String>>> puts = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
          puts.add(pool.submit(() -> {
            go.await();
            return send(HttpRequest.newBuilder(uri(location + "?digest=" + digest)).PUT(HttpRequest.BodyPublishers.noBody()).build());
          }));
        }
        go.countDown();
        int created = 0;
        for (Future<HttpResponse<String>> f : puts) {
          HttpResponse<String> r = f.get();
          assertTrue(r.statusCode() == 201 || r.statusCode() == 404, "round " + round + ": " + r.statusCode() + " " + r.body());
          if (r.statusCode() == 404) {
            assertTrue(r.body().contains("BLOB_UPLOAD_UNKNOWN"), r.body());
          } else {
            created++;
          }
        }
        assertEquals(1, created, "round " + round + ": exactly one PUT completes the upload");
        assertArrayEquals(data, api().get("/v2/" + repo + "/blobs/" + digest).asByteArray());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void chunkRacingTheClosingPut_neverAWrongBlob() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 4; round++) {
        String repo = repo("race");
        byte[] first = randomBytes(32 * 1024);
        byte[] more = randomBytes(256 * 1024);
        String location = startUpload(repo);
        api().contentType("application/octet-stream").header("Content-Range", "0-" + (first.length - 1)).body(first)
            .patch(location).then().statusCode(202);
        String digest = sha256(first);
        // A slow PATCH appends while the PUT finishes the upload with the digest of the first part.
        Future<HttpResponse<String>> patch = pool.submit(() -> send(HttpRequest.newBuilder(uri(location))
            .method("PATCH", HttpRequest.BodyPublishers.ofInputStream(() -> slow(more)))
            .header("Content-Type", "application/octet-stream").build()));
        Thread.sleep(50);
        HttpResponse<String> put = send(HttpRequest.newBuilder(uri(location + "?digest=" + digest)).PUT(HttpRequest.BodyPublishers.noBody()).build());
        HttpResponse<String> p = patch.get();
        assertTrue(put.statusCode() < 500 && p.statusCode() < 500, "PUT " + put.statusCode() + " " + put.body() + ", PATCH " + p.statusCode() + " " + p.body());
        HttpResponse<byte[]> blob = HTTP.send(HttpRequest.newBuilder(uri("/v2/" + repo + "/blobs/" + digest)).build(),
            HttpResponse.BodyHandlers.ofByteArray());
        if (put.statusCode() == 201) {
          assertArrayEquals(first, blob.body(), "round " + round + ": the blob has exactly the bytes of its digest");
        } else {
          assertEquals(404, blob.statusCode(), "round " + round + ": no blob without a 201");
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static InputStream slow(byte[] data) {
    return new dev.berth.it.ThrottledStream(new ByteArrayInputStream(data), new AtomicLong(), 16 * 1024, 10);
  }
}
