package dev.berth.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.events.WebhookReceiver;
import java.net.ConnectException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The web UI's sign-in in the other setups: token mode (the same accounts), Berth serving TLS
 * itself (the cookie gets {@code Secure}), and {@code berth.auth.mode=none} (nothing to sign in
 * to; deletes still need the form's token), and the webhook events of UI deletes (the API's).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class UiSessionModesIT {

  private static Path accounts(Path dir) throws Exception {
    Files.writeString(dir.resolve("rules.yaml"), UiSessionIT.RULES);
    Cmd.Result r = Cmd.of(Cmd.require("htpasswd", "apache2-utils"), "-nbB", "-C", "5", "alice", UiSessionIT.password("alice")).run();
    assertTrue(r.succeeded(), r.describe());
    Files.writeString(dir.resolve("htpasswd"), r.stdout().strip() + "\n");
    return dir;
  }

  private static RegistryProcess.Options basic(Path dir) {
    return RegistryProcess.options()
        .env("BERTH_AUTH_MODE", "basic")
        .env("BERTH_AUTH_HTPASSWD", dir.resolve("htpasswd").toString())
        .env("BERTH_AUTH_RULES", dir.resolve("rules.yaml").toString());
  }

  @Test
  void tokenMode_theSameAccountsSignIn() throws Exception {
    Path dir = accounts(TempDirs.create("berth-ui-token"));
    try {
      String openssl = Cmd.require("openssl", "openssl");
      Path key = dir.resolve("token.pem");
      Path pub = dir.resolve("token.pub");
      assertTrue(Cmd.of(openssl, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key.toString()).run().succeeded());
      assertTrue(Cmd.of(openssl, "pkey", "-in", key.toString(), "-pubout", "-out", pub.toString()).run().succeeded());
      RegistryProcess.Options o = basic(dir).env("BERTH_AUTH_MODE", "token")
          .env("BERTH_AUTH_TOKEN_SIGNING_KEY", key.toString()).env("BERTH_AUTH_TOKEN_VERIFICATION_KEYS", pub.toString());
      try (RegistryProcess r = RegistryProcess.start(o)) {
        UiSessionHttp ui = new UiSessionHttp(r.url());
        assertEquals(401, ui.signIn("alice", "wrong").statusCode());
        String alice = ui.session("alice", UiSessionIT.password("alice"));
        assertTrue(ui.get("/ui/sign-in", alice).body().contains("signed in as <strong>alice</strong>"));
      }
    } finally {
      TempDirs.delete(dir);
    }
  }

  @Test
  void uiDeletes_sendTheEventsApiDeletesSend() throws Exception {
    Path dir = accounts(TempDirs.create("berth-ui-events"));
    try (WebhookReceiver receiver = WebhookReceiver.start()) {
      RegistryProcess.Options o = basic(dir).env("BERTH_EVENTS_ENDPOINTS_HOOK_URL", receiver.url("/hook"))
          .env("BERTH_EVENTS_ENDPOINTS_HOOK_ACTIONS", "delete");
      try (RegistryProcess r = RegistryProcess.start(o)) {
        UiSessionPush push = new UiSessionPush(r.url(), UiSessionHttp.basic("alice", UiSessionIT.password("alice")));
        String digest = push.image("team-a/events", "v1", "events");
        UiSessionHttp ui = new UiSessionHttp(r.url());
        String alice = ui.session("alice", UiSessionIT.password("alice"));
        String token = UiSessionHttp.csrf(ui.get("/ui/sign-in", alice).body());
        assertEquals(200, ui.post("/ui/delete/tag", alice, List.of("repository", "team-a/events", "tag", "v1", "csrf", token)).statusCode());
        assertEquals(200, ui.post("/ui/delete/manifest", alice, List.of("repository", "team-a/events", "digest", digest, "csrf", token))
            .statusCode());
        List<WebhookReceiver.Delivery> got = receiver.await(d -> d.path().equals("/hook"), 2, Duration.ofSeconds(20));
        assertEquals(2, got.size(), r.log());
        ObjectMapper json = new ObjectMapper();
        JsonNode tag = json.readTree(got.get(0).body());
        assertEquals("dev.berth.tag.deleted", tag.get("type").asText());
        assertEquals("v1", tag.get("data").get("tag").asText());
        assertEquals(digest, tag.get("data").get("digest").asText());
        assertEquals("alice", tag.get("data").get("actor").asText());
        JsonNode manifest = json.readTree(got.get(1).body());
        assertEquals("dev.berth.manifest.deleted", manifest.get("type").asText());
        assertEquals("alice", manifest.get("data").get("actor").asText());
      }
    } finally {
      TempDirs.delete(dir);
    }
  }

  @Test
  void overTls_theCookieIsSecure() throws Exception {
    Path dir = accounts(TempDirs.create("berth-ui-tls"));
    try {
      SelfSignedTls tls = SelfSignedTls.create(dir);
      int tlsPort = RegistryProcess.freePort();
      RegistryProcess.Options o = tls.serve(basic(dir), tlsPort);
      try (RegistryProcess r = RegistryProcess.start(o)) {
        UiSessionHttp ui = new UiSessionHttp("https://127.0.0.1:" + tlsPort, tls.trusting());
        HttpResponse<String> signIn = awaitHttps(() -> ui.signIn("alice", UiSessionIT.password("alice")), r);
        assertEquals(303, signIn.statusCode(), signIn.body());
        String set = signIn.headers().firstValue("Set-Cookie").orElseThrow();
        assertTrue(set.endsWith("; Secure") && set.contains("; HttpOnly") && set.contains("; SameSite=Strict"), set);
        // The same registry over plain HTTP: no Secure (a browser would drop the cookie).
        HttpResponse<String> plain = new UiSessionHttp(r.url()).signIn("alice", UiSessionIT.password("alice"));
        assertTrue(!plain.headers().firstValue("Set-Cookie").orElseThrow().contains("Secure"));
      }
    } finally {
      TempDirs.delete(dir);
    }
  }

  @Test
  void authModeNone_nothingToSignInTo_deletesStillNeedTheFormsToken() throws Exception {
    try (RegistryProcess r = RegistryProcess.start()) {
      UiSessionHttp ui = new UiSessionHttp(r.url());
      HttpResponse<String> page = ui.get("/ui/sign-in", null);
      assertEquals(404, page.statusCode());
      assertTrue(page.body().contains("berth.auth.mode=none"), page.body());
      assertEquals(404, ui.signIn("alice", "x").statusCode());
      UiSessionPush push = new UiSessionPush(r.url(), "Basic eDp4");
      push.image("open/app", "v1", "none");
      HttpResponse<String> confirm = ui.get("/ui/delete/tag?repository=open/app&tag=v1", null);
      assertEquals(200, confirm.statusCode(), confirm.body());
      List<String> form = List.of("repository", "open/app", "tag", "v1");
      assertEquals(403, ui.post("/ui/delete/tag", null, form).statusCode());
      assertEquals(200, push.head("open/app", "v1"));
      List<String> withToken = List.of("repository", "open/app", "tag", "v1", "csrf", UiSessionHttp.csrf(confirm.body()));
      assertEquals(200, ui.post("/ui/delete/tag", null, withToken).statusCode());
      assertEquals(404, push.head("open/app", "v1"));
    }
  }

  interface Call {
    HttpResponse<String> send() throws Exception;
  }

  private static HttpResponse<String> awaitHttps(Call call, RegistryProcess r) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      assertTrue(r.process().isAlive(), "registry exited:\n" + r.log());
      try {
        return call.send();
      } catch (ConnectException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(50);
      }
    }
  }

}
