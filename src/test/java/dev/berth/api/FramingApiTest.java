package dev.berth.api;

import static dev.berth.api.ApiTestSupport.api;
import static dev.berth.api.ApiTestSupport.repo;
import static dev.berth.api.ApiTestSupport.sha256;
import static dev.berth.api.ApiTestSupport.startUpload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Requests whose framing a proxy in front of Berth could read differently are refused and the
 * connection closed (RFC 9112 6.1, 3.2): an unknown transfer coding is 501, more than one Host
 * is 400, and whatever followed on the connection is never read as a request.
 */
@QuarkusTest
class FramingApiTest {

  @Test
  void unknownTransferCoding_501_connectionClosed_nothingAfterServed() {
    String repo = repo("framing");
    String smuggled = "GET /v2/" + repo + "/tags/list HTTP/1.1\r\nHost: x\r\n\r\n";
    for (String te : List.of("xchunked", "gzip, chunked", "identity", "compress", "chunked, chunked")) {
      int expected = te.equals("chunked, chunked") ? 400 : 501; // known, but applied twice: malformed
      for (String body : List.of(smuggled, "0\r\n\r\n" + smuggled)) {
        // To a reader that ignored the coding, what follows the head is a second request.
        RawHttp.Reply r = RawHttp.sendToClose("POST /v2/" + repo + "/blobs/uploads/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + "Transfer-Encoding: " + te + "\r\n\r\n" + body);
        if (r.status() == -1) {
          // The HTTP decoder itself found the body malformed and closed the connection.
          assertEquals("", r.after(), te);
          continue;
        }
        assertEquals(expected, r.status(), te);
        assertEquals("close", r.header("Connection"), te);
        // Nothing after it was served as a request (the HTTP decoder may still refuse the bytes).
        assertNoRequestServed(r.after(), te);
      }
    }
    // Nothing was started for the repository.
    api().get("/v2/" + repo + "/tags/list").then().statusCode(404);
  }

  @Test
  void duplicateHost_400() {
    for (String hosts : List.of("Host: a\r\nHost: b\r\n", "Host: a\r\nHost: a\r\n")) {
      RawHttp.Reply r = RawHttp.sendToClose("GET /v2/ HTTP/1.1\r\n" + hosts + "\r\nGET /v2/ HTTP/1.1\r\nHost: a\r\n\r\n");
      assertEquals(400, r.status(), hosts);
      assertEquals("close", r.header("Connection"), hosts);
      assertNoRequestServed(r.after(), hosts);
    }
    // A Host that is a list is refused by the HTTP server itself.
    assertEquals(400, RawHttp.send("GET /v2/ HTTP/1.1\r\nHost: a, b\r\n\r\n").status());
    assertEquals(200, RawHttp.send("GET /v2/ HTTP/1.1\r\nHost: a\r\n\r\n").status());
  }

  private static void assertNoRequestServed(String after, String what) {
    assertFalse(after.contains(" 200 ") || after.contains(" 404 ") || after.contains("registry/2.0"),
        what + ": the connection went on after the refusal: " + after);
  }

  @Test
  void chunkedBody_stillAccepted() {
    String repo = repo("framing");
    String location = startUpload(repo);
    byte[] data = "hello".getBytes(StandardCharsets.US_ASCII);
    RawHttp.Reply r = RawHttp.send("PATCH " + location + " HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: Chunked\r\n"
        + "Content-Type: application/octet-stream\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
    assertEquals(202, r.status(), r.body());
    assertEquals("0-4", r.header("Range"));
    api().queryParam("digest", sha256(data)).put(location).then().statusCode(201);
    assertTrue(api().get("/v2/" + repo + "/blobs/" + sha256(data)).asString().equals("hello"));
  }
}
