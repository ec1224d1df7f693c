package dev.berth.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.registry.ChunkRejectedException;
import dev.berth.registry.ErrorCode;
import dev.berth.registry.Json;
import dev.berth.registry.RangeNotSatisfiableException;
import dev.berth.registry.RegistryException;
import dev.berth.registry.Upload;
import dev.berth.storage.InputFailedException;
import dev.berth.storage.StorageException;
import dev.berth.storage.StorageFullException;
import jakarta.ws.rs.WebApplicationException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * The one place that turns a failure into an HTTP answer: a status, one of the spec's error
 * codes, a detail for the client and the headers that go with it. Clients never see a stack
 * trace or a storage message (which could name internals); the log gets those. A storage failure
 * answers its one-line {@link StorageException#reason} (no key, no secret), so a client sees why.
 *
 * @see <a href="https://github.com/opencontainers/distribution-spec/blob/main/spec.md#error-codes">error codes</a>
 */
final class Errors {
  private static final Logger LOG = Logger.getLogger(Errors.class);

  private Errors() {}

  /** What to answer for a failure. */
  record Answer(int status, ErrorCode code, String detail, Map<String, String> headers) {
    /** The spec's error body: {@code {"errors":[{"code","message","detail"}]}}. */
    byte[] body() {
      ObjectNode err = Json.object().put("code", code.wireCode()).put("message", code.message());
      if (detail != null) {
        err.put("detail", detail);
      }
      ObjectNode body = Json.object();
      body.putArray("errors").add(err);
      return Json.bytes(body);
    }
  }

  static Answer of(Throwable t) {
    if (t instanceof ChunkRejectedException e) {
      Map<String, String> h = e.upload().map(Errors::uploadHeaders).orElse(Map.of());
      return new Answer(416, e.code(), e.detail(), h);
    }
    if (t instanceof RangeNotSatisfiableException e) {
      return new Answer(416, e.code(), e.detail(), Map.of("Content-Range", "bytes */" + e.size()));
    }
    if (t instanceof RegistryException e) {
      return new Answer(e.code().status(), e.code(), e.detail(), Map.of());
    }
    if (t instanceof NoRouteException) {
      return new Answer(404, ErrorCode.UNSUPPORTED, "no such endpoint", Map.of());
    }
    if (t instanceof InputFailedException || t instanceof IOException || t instanceof UncheckedIOException) {
      LOG.debugf("request body failed: %s", t.getMessage());
      return new Answer(400, ErrorCode.BLOB_UPLOAD_INVALID, "the request body could not be read", Map.of());
    }
    if (t instanceof StorageFullException e) {
      // 507 Insufficient Storage: the request was fine, the registry has no room for it until space is freed.
      LOG.warnf("storage full: %s", oneLine(e.getMessage()));
      return new Answer(507, ErrorCode.UNAVAILABLE, "storage is full", Map.of());
    }
    if (t instanceof StorageException e) {
      LOG.warnf("storage failure: %s", oneLine(e.getMessage()));
      return new Answer(503, ErrorCode.UNAVAILABLE, e.reason(), Map.of());
    }
    if (t instanceof WebApplicationException e) {
      return web(e.getResponse().getStatus());
    }
    LOG.error("unexpected failure", t);
    return new Answer(500, ErrorCode.UNKNOWN, "internal error", Map.of());
  }

  /** Storage messages are logged as one line whatever the backend put in them. */
  private static String oneLine(String s) {
    return s == null ? "" : s.replaceAll("\\s*[\\r\\n]+\\s*", " ");
  }

  /** Failures the REST layer found before any resource ran. */
  private static Answer web(int status) {
    return switch (status) {
      case 404 -> new Answer(404, ErrorCode.UNSUPPORTED, "no such endpoint", Map.of());
      case 405 -> new Answer(405, ErrorCode.UNSUPPORTED, "method not allowed here", Map.of());
      case 413 -> new Answer(413, ErrorCode.TOO_LARGE, "request too large", Map.of());
      default -> new Answer(status, status >= 500 ? ErrorCode.UNKNOWN : ErrorCode.UNSUPPORTED, "request rejected", Map.of());
    };
  }

  /** Where an upload stands, as every upload response says it (also with a 416). */
  static Map<String, String> uploadHeaders(Upload u) {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Location", "/v2/" + u.repository() + "/blobs/uploads/" + u.uuid());
    h.put("Range", u.range());
    h.put("Docker-Upload-UUID", u.uuid());
    h.put("Blob-Upload-Session-ID", u.uuid());
    return h;
  }
}
