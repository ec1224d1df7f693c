package dev.berth.ui;

import dev.berth.registry.CatalogService;
import dev.berth.registry.Page;
import dev.berth.registry.RegistryException;
import dev.berth.storage.StorageException;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.common.annotation.Blocking;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The web UI's pages under {@code /ui}: the catalog, a repository, a manifest. Names contain
 * {@code /}, so a repository's sub-pages follow a {@code /-/} separator, which no name contains.
 * Every failure is an HTML page with a 4xx status (a storage outage: 503), never a 500.
 */
@Path("/ui")
@Produces(MediaType.TEXT_HTML)
@Blocking
public class UiResource {
  private static final Logger LOG = Logger.getLogger(UiResource.class);
  static final int CATALOG_PAGE = 100;
  /** Names asked of storage for one catalog page when the rules may hide some (most are usually visible). */
  static final int RULES_SCAN = 1000;
  /** ... and when a filter may hide most of them. */
  static final int FILTER_SCAN = 5000;

  @Inject Template catalog;
  @Inject Template error;
  @Inject Viewer viewer;
  @Inject CatalogService repositories;
  @Inject RepositoryPage repositoryPage;
  @Inject ManifestPage manifestPage;

  @GET
  public TemplateInstance catalog(@QueryParam("q") String q, @QueryParam("last") String last, @Context RoutingContext request) {
    Viewer.Looker who = viewer.of(request);
    String filter = q == null ? "" : q.strip().toLowerCase(Locale.ROOT);
    if (filter.length() > 255) {
      throw new UiProblem(400, "The filter is longer than any repository name.");
    }
    // When a filter or the rules may hide names, ask storage for more than a page shows: hiding
    // most of 10,000 names then costs two listings (each a directory scan, or an Azure list call,
    // that costs about the same for 5000 names as for 100).
    int want = !filter.isEmpty() ? FILTER_SCAN : who.authEnabled() ? RULES_SCAN : CATALOG_PAGE;
    Page<String> page = repositories.list(last == null || last.isEmpty() ? null : last, want,
        name -> name.contains(filter) && who.mayPull(name));
    List<String> shown = page.items().size() > CATALOG_PAGE ? page.items().subList(0, CATALOG_PAGE) : page.items();
    boolean more = page.more() || page.items().size() > CATALOG_PAGE;
    String next = more && !shown.isEmpty()
        ? "/ui?last=" + url(shown.get(shown.size() - 1)) + (filter.isEmpty() ? "" : "&q=" + url(filter)) : null;
    return page(catalog, who, request).data("repos", shown).data("q", filter).data("next", next);
  }

  @GET
  @Path("r/{path: .+}")
  public TemplateInstance repository(@PathParam("path") String path, @QueryParam("last") String last,
      @QueryParam("tag") String tag, @Context RoutingContext request) {
    Viewer.Looker who = viewer.of(request);
    int sep = path.indexOf("/-/");
    if (sep < 0) {
      return repositoryPage.render(page(repositoryPage.template(), who, request), who, path, last);
    }
    String name = path.substring(0, sep);
    String rest = path.substring(sep + 3);
    if (rest.startsWith("manifest/")) {
      return manifestPage.render(page(manifestPage.template(), who, request), who, name, rest.substring("manifest/".length()), tag, host(request));
    }
    throw new UiProblem(404, "There is no such page.");
  }

  /** A template with what the layout needs: the viewer and the host pull commands name. */
  static TemplateInstance page(Template t, Viewer.Looker who, RoutingContext request) {
    return t.data("viewer", who).data("host", host(request));
  }

  /** The registry's address as the browser reached it: what pull commands name. */
  static String host(RoutingContext request) {
    String host = request.request().getHeader("Host");
    return host == null || host.isBlank() ? "localhost" : host;
  }

  static String url(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @ServerExceptionMapper
  public Response problem(UiProblem e, RoutingContext request) {
    return errorPage(e.status(), e.getMessage(), request);
  }

  @ServerExceptionMapper
  public Response registry(RegistryException e, RoutingContext request) {
    int status = e.code().status();
    return errorPage(status >= 400 && status < 500 ? status : 400, e.detail(), request);
  }

  @ServerExceptionMapper
  public Response storage(StorageException e, RoutingContext request) {
    LOG.warnf("ui: storage failure: %s", e.reason());
    return errorPage(503, "Storage is not available right now.", request);
  }

  private Response errorPage(int status, String message, RoutingContext request) {
    String html = page(error, viewer.of(request), request).data("status", status).data("message", message).render();
    return Response.status(status).entity(html).type("text/html;charset=UTF-8").build();
  }
}
