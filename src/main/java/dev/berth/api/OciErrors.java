package dev.berth.api;

import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Answers every failure of a REST resource through {@link Errors}. Outside {@code /v2} there is
 * no registry, so an unknown path there is a plain 404, not a registry error.
 */
public class OciErrors {

  @ServerExceptionMapper
  public Response map(Throwable t, UriInfo uri) {
    Errors.Answer a = Errors.of(t);
    if (a.status() == 404 && t instanceof NotFoundException && !RequestGate.isRegistryPath(uri.getPath())) {
      return Response.status(404).entity("Not Found").type("text/plain").build();
    }
    Response.ResponseBuilder b = Response.status(a.status()).entity(a.body()).type("application/json");
    a.headers().forEach(b::header);
    return b.build();
  }
}
