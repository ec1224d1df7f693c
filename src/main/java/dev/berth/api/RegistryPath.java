package dev.berth.api;

import dev.berth.registry.RepositoryName;
import io.vertx.ext.web.RoutingContext;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code /v2/} request path, parsed once from the raw path as the client sent it, before any
 * decoding or normalisation: the repository name must be exactly a valid name there (no
 * {@code %}-escapes, {@code ;} parameters, empty or dot segments), so no request can act on a
 * name other than the one it shows. The last segment (tag, digest, upload id) is percent-decoded
 * and left to its own value type to judge.
 *
 * @see <a href="https://github.com/opencontainers/distribution-spec/blob/main/spec.md#endpoints">endpoints</a>
 */
record RegistryPath(Kind kind, RepositoryName name, String segment) {
  static final String KEY = "berth.path";

  /** The endpoints of the spec, by the shape of their path, with the path's template (a metrics label: no names). */
  enum Kind {
    BASE("/v2/"), CATALOG("/v2/_catalog"), TAGS("/v2/{name}/tags/list"), MANIFEST("/v2/{name}/manifests/{reference}"),
    BLOB("/v2/{name}/blobs/{digest}"), UPLOAD_START("/v2/{name}/blobs/uploads/"), UPLOAD("/v2/{name}/blobs/uploads/{uuid}"),
    REFERRERS("/v2/{name}/referrers/{digest}"),
    /** Berth's own admin API under {@code /v2/_berth/} ({@code _} starts no repository name); segment: the rest. */
    ADMIN("/v2/_berth/{api}");

    private final String template;

    Kind(String template) {
      this.template = template;
    }

    String template() {
      return template;
    }
  }

  static final String ADMIN_PREFIX = "/v2/_berth/";

  private record Shape(Kind kind, Pattern pattern) {}

  // In this order: "uploads" is also a valid digest-segment shape, and names may contain
  // "blobs" or "manifests" as components, so each pattern takes the longest name.
  private static final List<Shape> SHAPES = List.of(
      new Shape(Kind.UPLOAD_START, Pattern.compile("/v2/(.+)/blobs/uploads/?")),
      new Shape(Kind.UPLOAD, Pattern.compile("/v2/(.+)/blobs/uploads/([^/]+)")),
      new Shape(Kind.BLOB, Pattern.compile("/v2/(.+)/blobs/([^/]+)")),
      new Shape(Kind.MANIFEST, Pattern.compile("/v2/(.+)/manifests/([^/]+)")),
      new Shape(Kind.TAGS, Pattern.compile("/v2/(.+)/tags/list")),
      new Shape(Kind.REFERRERS, Pattern.compile("/v2/(.+)/referrers/([^/]+)")));

  /**
   * Parses a raw {@code /v2} path.
   *
   * @throws NoRouteException when no endpoint has this path
   * @throws dev.berth.registry.RegistryException NAME_INVALID when the name is not exactly a
   *     repository name
   */
  static RegistryPath parse(String raw) {
    if (raw.equals("/v2") || raw.equals("/v2/")) {
      return new RegistryPath(Kind.BASE, null, null);
    }
    if (raw.equals("/v2/_catalog")) {
      return new RegistryPath(Kind.CATALOG, null, null);
    }
    if (raw.startsWith(ADMIN_PREFIX) && raw.length() > ADMIN_PREFIX.length()) {
      return new RegistryPath(Kind.ADMIN, null, raw.substring(ADMIN_PREFIX.length()));
    }
    for (Shape s : SHAPES) {
      Matcher m = s.pattern().matcher(raw);
      if (m.matches()) {
        String name = m.group(1);
        RepositoryName repo = RepositoryName.parse(name);
        return new RegistryPath(s.kind(), repo, m.groupCount() > 1 ? decode(m.group(2)) : null);
      }
    }
    throw new NoRouteException();
  }

  /** The path the gate parsed for this request, which must be of the resource's kind. */
  static RegistryPath of(RoutingContext ctx, Kind expected) {
    RegistryPath p = ctx.get(KEY);
    if (p == null || p.kind() != expected) {
      // The router normalised the path into another endpoint's: refuse rather than guess.
      throw new NoRouteException();
    }
    return p;
  }

  /** {@code %XX} escapes decoded as UTF-8; text with a malformed escape is returned as it is. */
  static String decode(String s) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%') {
        if (i + 2 >= s.length()) {
          return s;
        }
        int hi = Character.digit(s.charAt(i + 1), 16);
        int lo = Character.digit(s.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          return s;
        }
        out.write(hi * 16 + lo);
        i += 2;
      } else if (c < 0x80) {
        out.write(c);
      } else {
        return s; // not from an HTTP request line: no value type accepts it anyway
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
