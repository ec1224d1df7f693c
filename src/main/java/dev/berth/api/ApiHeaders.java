package dev.berth.api;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/** Every registry response says which API it speaks, as Docker clients check. */
public class ApiHeaders {
  static final String API_VERSION = "Docker-Distribution-API-Version";

  @ServerResponseFilter
  public void apiVersion(ContainerRequestContext request, ContainerResponseContext response) {
    if (request.getUriInfo().getPath().startsWith("/v2")) {
      response.getHeaders().putSingle(API_VERSION, "registry/2.0");
    }
  }
}
