package dev.berth.ui;

import dev.berth.auth.AccessControl;
import dev.berth.auth.Action;
import dev.berth.auth.Identity;
import dev.berth.events.Events;
import dev.berth.events.RegistryEvent;
import dev.berth.registry.Digest;
import dev.berth.registry.ManifestService;
import dev.berth.registry.Reference;
import dev.berth.registry.RegistryException;
import dev.berth.registry.RepositoryName;
import dev.berth.registry.Tag;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Optional;
import dev.berth.storage.StorageException;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Deleting a tag or a manifest from the web UI: {@code GET /ui/delete/{tag,manifest}} asks
 * "Delete X?", the form's {@code POST} does it through {@link ManifestService#delete}, as
 * {@code DELETE /v2/<name>/manifests/<reference>} does, with the same refusals (deletes off,
 * read-only, a pull-through cache, an immutable tag) and the same events. Allowed only where the
 * rules give the visitor {@code delete} on the repository; the POST needs the session's CSRF token.
 */
@Path("/ui/delete")
public class DeleteResource {
  private static final Logger AUDIT = Logger.getLogger("dev.berth.audit");

  @CheckedTemplate
  static class Templates {
    /** "Delete X?": {@code kind} is tag or manifest, {@code reference} the tag or the digest. */
    static native TemplateInstance confirm(Viewer.Looker viewer, String host, String kind, String repository, String reference,
        String target);

    static native TemplateInstance done(Viewer.Looker viewer, String host, String kind, String repository, String reference);
  }

  private final ManifestService manifests;
  private final AccessControl access;
  private final Csrf csrf;
  private final Events events;
  private final DeletePolicy policy;
  private final Viewer viewer;

  public DeleteResource(ManifestService manifests, AccessControl access, Csrf csrf, Events events,
      DeletePolicy policy, Viewer viewer) {
    this.manifests = manifests;
    this.access = access;
    this.csrf = csrf;
    this.events = events;
    this.policy = policy;
    this.viewer = viewer;
  }

  /** What the page is about, parsed once; a refusal when it can't be. */
  private record Target(String kind, RepositoryName repo, Reference ref, Response refusal) {}

  @GET
  @Path("/{kind: tag|manifest}")
  public Response confirm(@Context RoutingContext ctx, @PathParam("kind") String kind, @QueryParam("repository") String repository,
      @QueryParam("tag") String tag, @QueryParam("digest") String digest) {
    SessionPages pages = SessionPages.of(ctx, viewer);
    Target t = target(pages, kind, repository, tag, digest, pages.viewer.session());
    if (t.refusal() != null) {
      return t.refusal();
    }
    String points;
    try {
      points = manifests.get(t.repo(), t.ref()).digest().toString();
    } catch (RegistryException e) {
      return refusal(pages, e);
    }
    return SessionPages.html(200, Templates.confirm(pages.viewer, pages.host, kind, t.repo().value(), t.ref().toString(), points));
  }

  @POST
  @Path("/{kind: tag|manifest}")
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  public Response delete(@Context RoutingContext ctx, @PathParam("kind") String kind, @FormParam("repository") String repository,
      @FormParam("tag") String tag, @FormParam("digest") String digest, @FormParam(Csrf.FIELD) String token) {
    SessionPages pages = SessionPages.of(ctx, viewer);
    String crossSite = Csrf.crossSite(ctx.request());
    if (crossSite != null) {
      return pages.forbidden(crossSite);
    }
    Optional<Session> session = pages.viewer.session();
    if (!csrf.valid(session, token)) {
      return pages.forbidden(SessionPages.BAD_TOKEN);
    }
    Target t = target(pages, kind, repository, tag, digest, session);
    if (t.refusal() != null) {
      return t.refusal();
    }
    Digest deleted;
    try {
      deleted = manifests.delete(t.repo(), t.ref());
    } catch (RegistryException e) {
      return refusal(pages, e);
    }
    String actor = session.map(Session::account).orElse(Identity.ANONYMOUS.toString());
    boolean byTag = t.ref() instanceof Reference.ByTag;
    events.publish(new RegistryEvent(byTag ? RegistryEvent.Kind.TAG_DELETED : RegistryEvent.Kind.MANIFEST_DELETED,
        t.repo().value(), byTag ? t.ref().toString() : null, deleted.toString(), null, -1, null, actor));
    return SessionPages.html(200, Templates.done(pages.viewer, pages.host, kind, t.repo().value(), t.ref().toString()));
  }

  /** Parses what to delete and checks that it may be deleted, by this visitor. */
  private Target target(SessionPages pages, String kind, String repository, String tag, String digest, Optional<Session> session) {
    RepositoryName repo;
    Reference ref;
    try {
      repo = RepositoryName.parse(repository == null ? "" : repository);
      ref = kind.equals("tag") ? new Reference.ByTag(new Tag(tag == null ? "" : tag))
          : new Reference.ByDigest(Digest.parse(digest == null ? "" : digest));
    } catch (RegistryException e) {
      return new Target(kind, null, null, refusal(pages, e));
    }
    String why = policy.refusal(repo);
    if (why != null) {
      return new Target(kind, repo, ref, pages.notice(405, "Can't delete", why, false));
    }
    Identity who = session.map(Session::identity).orElse(Identity.ANONYMOUS);
    if (!access.allows(who, Action.DELETE, repo.value())) {
      AUDIT.infof("denied web UI delete of %s %s in %s to %s", kind, ref, repo, who);
      String message = who.authenticated() ? "The rules don't allow " + who + " to delete in " + repo + "."
          : "Sign in with an account that may delete in " + repo + ".";
      return new Target(kind, repo, ref, pages.notice(403, "Not allowed", message, !who.authenticated()));
    }
    return new Target(kind, repo, ref, null);
  }

  @ServerExceptionMapper
  public Response storage(StorageException e, RoutingContext ctx) {
    return SessionPages.unavailable(e, ctx, viewer);
  }

  private static Response refusal(SessionPages pages, RegistryException e) {
    int status = e.code().status() >= 400 && e.code().status() < 500 ? e.code().status() : 400;
    return pages.notice(status, "Can't delete", e.detail(), false);
  }
}
