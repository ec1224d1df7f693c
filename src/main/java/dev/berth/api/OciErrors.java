package dev.berth.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.registry.ErrorCode;
import dev.berth.registry.Json;
import dev.berth.registry.RegistryException;
import dev.berth.storage.StorageException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The one place that turns failures into the spec's error body
 * {@code {"errors":[{"code","message","detail"}]}}. Clients never see a stack trace or a storage
 * message (which could name internals); the log gets the detail.
 *
 * @see <a href="https://github.com/opencontainers/distribution-spec/blob/main/spec.md#error-codes">error codes</a>
 */
public class OciErrors {
  private static final Logger LOG = Logger.getLogger(OciErrors.class);

  @ServerExceptionMapper
  public Response registry(RegistryException e) {
    Response.ResponseBuilder b = error(e.status(), e.code(), e.detail());
    for (Map.Entry<String, String> h : e.headers().entrySet()) {
      b.header(h.getKey(), h.getValue());
    }
    return b.build();
  }

  @ServerExceptionMapper
  public Response storage(StorageException e) {
    LOG.errorf("storage failure: %s", e.getMessage());
    return error(503, ErrorCode.UNAVAILABLE, "storage is unavailable").build();
  }

  @ServerExceptionMapper
  public Response web(WebApplicationException e) {
    int status = e.getResponse().getStatus();
    ErrorCode code = switch (status) {
      case 404 -> ErrorCode.NAME_UNKNOWN;
      case 405 -> ErrorCode.UNSUPPORTED;
      case 413 -> ErrorCode.TOO_LARGE;
      case 400, 415 -> ErrorCode.BLOB_UPLOAD_INVALID;
      default -> ErrorCode.UNKNOWN;
    };
    String detail = status == 404 ? "no such route" : status == 405 ? "method not allowed here" : "request rejected";
    return error(status, code, detail).build();
  }

  @ServerExceptionMapper({IOException.class, UncheckedIOException.class})
  public Response io(Exception e) {
    LOG.debugf("request body failed: %s", e.getMessage());
    return error(400, ErrorCode.BLOB_UPLOAD_INVALID, "the request body could not be read").build();
  }

  @ServerExceptionMapper
  public Response unexpected(Throwable t) {
    LOG.error("unexpected failure", t);
    return error(500, ErrorCode.UNKNOWN, "internal error").build();
  }

  static Response.ResponseBuilder error(int status, ErrorCode code, String detail) {
    return Response.status(status).entity(body(code, detail)).type("application/json");
  }

  /** The spec's error body for one error. */
  static byte[] body(ErrorCode code, String detail) {
    ObjectNode err = Json.object().put("code", code.wireCode()).put("message", code.message());
    if (detail != null) {
      err.put("detail", detail);
    }
    ObjectNode body = Json.object();
    ArrayNode errors = body.putArray("errors");
    errors.add(err);
    return Json.bytes(body);
  }
}
