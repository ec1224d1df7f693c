package dev.berth.it;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * The web UI's forms over plain java.net.http, as a browser without JavaScript sends them: no
 * cookie jar (each call names the cookie it sends), no redirects followed.
 */
final class UiSessionHttp {
  private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
  private final HttpClient http;
  private final String base;

  UiSessionHttp(String base) {
    this(base, null);
  }

  UiSessionHttp(String base, SSLContext tls) {
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).followRedirects(HttpClient.Redirect.NEVER);
    if (tls != null) {
      b.sslContext(tls);
    }
    this.http = b.build();
    this.base = base;
  }

  HttpResponse<String> get(String path, String cookie) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30)).GET();
    if (cookie != null) {
      b.header("Cookie", cookie);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A form POST; {@code headers} are name, value pairs (Origin, Sec-Fetch-Site). */
  HttpResponse<String> post(String path, String cookie, List<String> fields, String... headers) throws IOException, InterruptedException {
    List<String> pairs = new ArrayList<>();
    for (int i = 0; i < fields.size(); i += 2) {
      pairs.add(enc(fields.get(i)) + "=" + enc(fields.get(i + 1)));
    }
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(String.join("&", pairs)));
    if (cookie != null) {
      b.header("Cookie", cookie);
    }
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> signIn(String user, String password) throws IOException, InterruptedException {
    return post("/ui/sign-in", null, List.of("user", user, "password", password));
  }

  /** Signs in and returns the {@code Cookie} header value of the session; fails unless 303 with a cookie. */
  String session(String user, String password) throws IOException, InterruptedException {
    HttpResponse<String> r = signIn(user, password);
    if (r.statusCode() != 303) {
      throw new AssertionError("sign-in of " + user + ": " + r.statusCode() + "\n" + r.body());
    }
    String setCookie = r.headers().firstValue("Set-Cookie").orElseThrow(() -> new AssertionError("no Set-Cookie"));
    return setCookie.substring(0, setCookie.indexOf(';'));
  }

  /** The CSRF token of the first form of a page; fails when there is none. */
  static String csrf(String html) {
    Matcher m = CSRF.matcher(html);
    if (!m.find()) {
      throw new AssertionError("no csrf field in\n" + html);
    }
    return m.group(1);
  }

  /** Basic credentials for the /v2/ API. */
  static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
