package dev.berth.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The web UI's sign-in, session cookie, CSRF checks and deletes over plain HTTP against the
 * packaged registry: accounts from a real htpasswd file, rules that let alice delete and bob only
 * pull, content pushed over /v2/. Sessions are signed cookies, so one issued by one process works
 * on a second over the same storage; nothing secret reaches a log.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UiSessionIT {
  static final String RULES = """
      rules:
        - subjects: ["user:alice", "user:carol"]
          repositories: ["team-a/**"]
          actions: [pull, push, delete]
        - subjects: ["user:bob", "user:erin"]
          repositories: ["team-a/**"]
          actions: [pull]
      """;
  static final List<String> USERS = List.of("alice", "bob", "carol", "erin");
  Path work;
  Path data;
  RegistryProcess registry;
  UiSessionHttp ui;
  UiSessionPush push;
  /** Logs of the processes this class started and stopped, and the secrets that must not be in them. */
  final List<String> logs = new ArrayList<>();
  final List<String> secrets = new ArrayList<>();

  static String password(String user) {
    return user + "-Ui-pw7";
  }

  @BeforeAll
  void start() throws Exception {
    work = TempDirs.create("berth-ui-session-");
    data = Files.createDirectories(work.resolve("data"));
    Files.writeString(work.resolve("rules.yaml"), RULES);
    writeHtpasswd(USERS);
    USERS.forEach(u -> secrets.add(password(u)));
    registry = RegistryProcess.start(options());
    ui = new UiSessionHttp(registry.url());
    push = new UiSessionPush(registry.url(), UiSessionHttp.basic("alice", password("alice")));
  }

  RegistryProcess.Options options() {
    return RegistryProcess.options().dataDir(data)
        .env("BERTH_AUTH_MODE", "basic")
        .env("BERTH_AUTH_HTPASSWD", work.resolve("htpasswd").toString())
        .env("BERTH_AUTH_RULES", work.resolve("rules.yaml").toString())
        .env("BERTH_AUTH_MAX_FAILURES_PER_MINUTE", "3")
        .env("QUARKUS_HTTP_ACCESS_LOG_ENABLED", "true");
  }

  void writeHtpasswd(List<String> users) throws Exception {
    List<String> lines = new ArrayList<>();
    for (String u : users) {
      Cmd.Result r = Cmd.of(Cmd.require("htpasswd", "apache2-utils"), "-nbB", "-C", "5", u, password(u)).run();
      assertTrue(r.succeeded(), r.describe());
      lines.add(r.stdout().strip());
    }
    Files.writeString(work.resolve("htpasswd"), String.join("\n", lines) + "\n");
  }

  @AfterAll
  void stop() throws Exception {
    if (registry != null) {
      registry.close();
    }
    TempDirs.delete(work);
  }

  String cookie(String user) throws Exception {
    String c = ui.session(user, password(user));
    secrets.add(c.substring(c.indexOf('=') + 1));
    return c;
  }

  @Test
  void wrongPassword_401_noCookie_noHintWhichWasWrong() throws Exception {
    HttpResponse<String> wrong = ui.signIn("alice", "not-her-password");
    assertEquals(401, wrong.statusCode(), wrong.body());
    assertTrue(wrong.headers().firstValue("Set-Cookie").isEmpty());
    assertTrue(wrong.body().contains("Wrong user name or password."), wrong.body());
    HttpResponse<String> nobody = ui.signIn("nobody", "whatever");
    assertEquals(401, nobody.statusCode());
    assertTrue(nobody.body().contains("Wrong user name or password."), nobody.body());
  }

  @Test
  void rightPassword_303_withAStrictHttpOnlyCookieForUiOnly() throws Exception {
    HttpResponse<String> r = ui.post("/ui/sign-in", null, List.of("user", "alice", "password", password("alice"), "then", "/ui/x?y=1"));
    assertEquals(303, r.statusCode(), r.body());
    assertEquals("/ui/x?y=1", r.headers().firstValue("Location").orElseThrow().replaceFirst("^https?://[^/]+", ""));
    String set = r.headers().firstValue("Set-Cookie").orElseThrow();
    secrets.add(set.substring(set.indexOf('=') + 1, set.indexOf(';')));
    assertTrue(set.startsWith("berth_session="), set);
    assertTrue(set.contains("; HttpOnly") && set.contains("; SameSite=Strict") && set.contains("; Path=/ui;"), set);
    assertTrue(set.contains("; Max-Age=28800"), set);
    assertFalse(set.contains("Secure"), "plain HTTP: no Secure attribute\n" + set);
    HttpResponse<String> page = ui.get("/ui/sign-in", set.substring(0, set.indexOf(';')));
    assertTrue(page.body().contains("signed in as <strong>alice</strong>"), page.body());
    // Elsewhere than the UI is never a redirect target.
    HttpResponse<String> away = ui.post("/ui/sign-in", null, List.of("user", "alice", "password", password("alice"), "then", "https://evil.example/"));
    assertEquals("/ui/", away.headers().firstValue("Location").orElseThrow().replaceFirst("^https?://[^/]+", ""));
  }

  /** The confirmation page of deleting a tag: 200 for a visitor who may delete, 403 for the others. */
  HttpResponse<String> confirmTag(UiSessionHttp on, String repo, String tag, String cookie) throws Exception {
    return on.get("/ui/delete/tag?repository=" + repo + "&tag=" + tag, cookie);
  }

  @Test
  void aSessionWorksOnASecondProcessOverTheSameStorage() throws Exception {
    push.image("team-a/replicas", "v1", "replicas");
    String alice = cookie("alice");
    try (RegistryProcess second = RegistryProcess.start(options())) {
      UiSessionHttp other = new UiSessionHttp(second.url());
      HttpResponse<String> page = confirmTag(other, "team-a/replicas", "v1", alice);
      assertEquals(200, page.statusCode(), page.body());
      assertTrue(page.body().contains("Delete tag <code>v1</code> of <code>team-a/replicas</code>?"), page.body());
      // Its CSRF token is the same on both: the key is in storage, not in a process.
      assertEquals(UiSessionHttp.csrf(confirmTag(ui, "team-a/replicas", "v1", alice).body()), UiSessionHttp.csrf(page.body()));
      // Without the cookie, or with a forged one, the same page is refused.
      assertEquals(403, confirmTag(other, "team-a/replicas", "v1", null).statusCode());
      String forged = alice.substring(0, alice.indexOf('.') + 1) + Base64.getUrlEncoder().withoutPadding().encodeToString("carol".getBytes())
          + alice.substring(alice.indexOf('.', alice.indexOf('.') + 1));
      assertEquals(403, confirmTag(other, "team-a/replicas", "v1", forged).statusCode());
      logs.add(second.log());
    }
  }

  @Test
  void anExpiredSessionIsRefused() throws Exception {
    push.image("team-a/expiry", "v1", "expiry");
    try (RegistryProcess shortLived = RegistryProcess.start(options().env("BERTH_UI_SESSION_TTL", "PT2S"))) {
      UiSessionHttp other = new UiSessionHttp(shortLived.url());
      HttpResponse<String> r = other.signIn("alice", password("alice"));
      String set = r.headers().firstValue("Set-Cookie").orElseThrow();
      assertTrue(set.contains("; Max-Age=2;"), set);
      String c = set.substring(0, set.indexOf(';'));
      secrets.add(c.substring(c.indexOf('=') + 1));
      assertEquals(200, confirmTag(other, "team-a/expiry", "v1", c).statusCode());
      Thread.sleep(2_500);
      assertEquals(403, confirmTag(other, "team-a/expiry", "v1", c).statusCode());
      assertFalse(other.get("/ui/sign-in", c).body().contains("signed in as"));
      logs.add(shortLived.log());
    }
  }

  @Test
  void aRemovedAccountsSessionStopsWorking() throws Exception {
    push.image("team-a/removed", "v1", "removed");
    String carol = cookie("carol");
    assertEquals(200, confirmTag(ui, "team-a/removed", "v1", carol).statusCode());
    writeHtpasswd(List.of("alice", "bob", "erin"));
    try {
      long deadline = System.nanoTime() + 10_000_000_000L;
      int status = 200;
      while (status == 200 && System.nanoTime() < deadline) {
        Thread.sleep(200);
        status = confirmTag(ui, "team-a/removed", "v1", carol).statusCode();
      }
      assertEquals(403, status, "carol's session outlived her account");
    } finally {
      writeHtpasswd(USERS);
    }
  }

  @Test
  void aDeleteWithoutTheSessionsCsrfToken_403_andTheTagStays() throws Exception {
    push.image("team-a/csrf", "v1", "csrf");
    String alice = cookie("alice");
    String token = UiSessionHttp.csrf(confirmTag(ui, "team-a/csrf", "v1", alice).body());
    List<String> noToken = List.of("repository", "team-a/csrf", "tag", "v1");
    assertEquals(403, ui.post("/ui/delete/tag", alice, noToken).statusCode());
    List<String> wrong = List.of("repository", "team-a/csrf", "tag", "v1", "csrf", token.substring(1) + "A");
    assertEquals(403, ui.post("/ui/delete/tag", alice, wrong).statusCode());
    // The right token in a form another site made the browser send.
    List<String> right = List.of("repository", "team-a/csrf", "tag", "v1", "csrf", token);
    assertEquals(403, ui.post("/ui/delete/tag", alice, right, "Origin", "https://evil.example").statusCode());
    assertEquals(403, ui.post("/ui/delete/tag", alice, right, "Sec-Fetch-Site", "cross-site").statusCode());
    // Another session's token is not this one's.
    String bobsToken = UiSessionHttp.csrf(ui.get("/ui/sign-in", cookie("bob")).body());
    assertEquals(403, ui.post("/ui/delete/tag", alice, List.of("repository", "team-a/csrf", "tag", "v1", "csrf", bobsToken)).statusCode());
    assertEquals(200, push.head("team-a/csrf", "v1"));
  }

  @Test
  void anAllowedDeleteRemovesTheTagAndThenTheManifest() throws Exception {
    String digest = push.image("team-a/app", "v1", "allowed");
    String alice = cookie("alice");
    HttpResponse<String> repoPage = ui.get("/ui/r/team-a/app", alice);
    assertTrue(repoPage.body().contains("href=\"/ui/delete/tag?repository=team-a/app&amp;tag=v1\""), repoPage.body());
    HttpResponse<String> confirm = confirmTag(ui, "team-a/app", "v1", alice);
    assertEquals(200, confirm.statusCode(), confirm.body());
    assertTrue(confirm.body().contains(digest), "the page names what the tag points at\n" + confirm.body());
    List<String> csp = confirm.headers().allValues("Content-Security-Policy");
    assertTrue(csp.size() == 1 && csp.get(0).contains("frame-ancestors 'none'"), "never framed: " + csp);
    assertEquals("DENY", confirm.headers().firstValue("X-Frame-Options").orElse(null));
    String token = UiSessionHttp.csrf(confirm.body());
    HttpResponse<String> done = ui.post("/ui/delete/tag", alice, List.of("repository", "team-a/app", "tag", "v1", "csrf", token),
        "Origin", registry.url(), "Sec-Fetch-Site", "same-origin");
    assertEquals(200, done.statusCode(), done.body());
    assertEquals(404, push.head("team-a/app", "v1"));
    assertEquals(200, push.head("team-a/app", digest), "deleting a tag keeps the manifest");
    // The manifest, by digest: the same form.
    HttpResponse<String> m = ui.get("/ui/delete/manifest?repository=team-a/app&digest=" + digest, alice);
    assertEquals(200, m.statusCode(), m.body());
    HttpResponse<String> gone = ui.post("/ui/delete/manifest", alice,
        List.of("repository", "team-a/app", "digest", digest, "csrf", UiSessionHttp.csrf(m.body())));
    assertEquals(200, gone.statusCode(), gone.body());
    assertEquals(404, push.head("team-a/app", digest));
    // Deleting it again: 404, not 500.
    assertEquals(404, ui.post("/ui/delete/manifest", alice, List.of("repository", "team-a/app", "digest", digest, "csrf", token)).statusCode());
  }

  @Test
  void aDeleteTheRulesDontAllow_403_andTheTagStays() throws Exception {
    push.image("team-a/denied", "v1", "denied");
    String bob = cookie("bob");
    HttpResponse<String> repoPage = ui.get("/ui/r/team-a/denied", bob);
    assertEquals(200, repoPage.statusCode(), repoPage.body());
    assertFalse(repoPage.body().contains("/ui/delete/"), "no delete button for bob\n" + repoPage.body());
    HttpResponse<String> confirm = confirmTag(ui, "team-a/denied", "v1", bob);
    assertEquals(403, confirm.statusCode(), confirm.body());
    assertTrue(confirm.body().contains("The rules don&#39;t allow bob to delete in team-a/denied."), confirm.body());
    String token = UiSessionHttp.csrf(ui.get("/ui/sign-in", bob).body());
    HttpResponse<String> r = ui.post("/ui/delete/tag", bob, List.of("repository", "team-a/denied", "tag", "v1", "csrf", token));
    assertEquals(403, r.statusCode(), r.body());
    assertEquals(200, push.head("team-a/denied", "v1"));
    // Anonymous: refused too, with a way to sign in.
    HttpResponse<String> anonymous = confirmTag(ui, "team-a/denied", "v1", null);
    assertEquals(403, anonymous.statusCode());
    assertTrue(anonymous.body().contains("href=\"/ui/sign-in\""), anonymous.body());
  }

  @Test
  void invalidNamesAndDigests_4xxPages() throws Exception {
    String alice = cookie("alice");
    for (String query : List.of("tag?repository=Team-A/../x&tag=v1", "tag?repository=team-a/app&tag=%3Cscript%3E",
        "manifest?repository=team-a/app&digest=sha256:xyz", "manifest?repository=team-a/app", "tag")) {
      HttpResponse<String> r = ui.get("/ui/delete/" + query, alice);
      assertTrue(r.statusCode() >= 400 && r.statusCode() < 500, query + ": " + r.statusCode() + "\n" + r.body());
      assertFalse(r.body().contains("<script>"), r.body());
    }
    assertEquals(404, ui.get("/ui/delete/blob?repository=team-a/app", alice).statusCode());
  }

  @Test
  void repeatedWrongPasswords_429WithRetryAfter() throws Exception {
    for (int i = 0; i < 3; i++) {
      assertEquals(401, ui.signIn("erin", "wrong-" + i).statusCode());
    }
    HttpResponse<String> r = ui.signIn("erin", password("erin"));
    assertEquals(429, r.statusCode(), r.body());
    assertTrue(Long.parseLong(r.headers().firstValue("Retry-After").orElseThrow()) >= 1);
    assertTrue(r.headers().firstValue("Set-Cookie").isEmpty());
  }

  @Test
  @Order(Integer.MAX_VALUE) // last: unordered tests come at Integer.MAX_VALUE / 2
  void noPasswordCookieOrKeyInTheLogs() throws Exception {
    byte[] key = Files.readAllBytes(data.resolve("_ui/session-key"));
    assertEquals(32, key.length);
    logs.add(registry.log());
    List<String> needles = new ArrayList<>(secrets);
    needles.add(Base64.getEncoder().encodeToString(key));
    needles.add(Base64.getUrlEncoder().withoutPadding().encodeToString(key));
    needles.add(HexFormat.of().formatHex(key));
    for (String log : logs) {
      assertTrue(log.contains("GET /ui/"), "the access log is on");
      for (String secret : needles) {
        assertFalse(log.contains(secret), "a secret reached the log: " + secret.substring(0, 6) + "...");
      }
    }
  }
}
