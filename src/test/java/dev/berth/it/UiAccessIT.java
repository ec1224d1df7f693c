package dev.berth.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Who sees what in the web UI: with {@code berth.ui.enabled=false} nothing under {@code /ui}
 * exists; with access control on, an anonymous browser sees only what anonymous may pull and is
 * asked to sign in, and an account sees what its rules allow.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class UiAccessIT {
  private static final String RULES = """
      rules:
        - subjects: [anonymous]
          repositories: ["public/**"]
          actions: [pull]
        - subjects: ["user:alice"]
          repositories: ["**"]
          actions: [pull, push, delete, catalog]
      """;
  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> get(RegistryProcess r, String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(r.url() + path));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void uiDisabled_everyUiPathIs404_registryUnaffected() throws Exception {
    try (RegistryProcess r = RegistryProcess.start(RegistryProcess.options().env("BERTH_UI_ENABLED", "false"))) {
      for (String p : new String[] {"/ui", "/ui/", "/ui/r/a/b", "/ui/assets/berth.css", "/ui/assets/berth.js"}) {
        HttpResponse<String> a = get(r, p);
        assertEquals(404, a.statusCode(), p);
        assertFalse(a.body().contains("<html"), p + " is no page");
      }
      assertEquals(200, get(r, "/v2/").statusCode());
      TempDirs.delete(r.dataDir());
    }
  }

  @Test
  void basicAuth_anonymousSeesOnlyWhatItMayPull_accountSeesItsOwn() throws Exception {
    String skopeo = Cmd.require("skopeo", "skopeo");
    String htpasswd = Cmd.require("htpasswd", "apache2-utils");
    Path work = TempDirs.create("berth-ui-auth-");
    Cmd.Result pw = Cmd.of(htpasswd, "-nbB", "-C", "6", "alice", "alice-Pw9").run();
    assertTrue(pw.succeeded(), pw.describe());
    Files.writeString(work.resolve("htpasswd"), pw.stdout().strip() + "\n");
    Files.writeString(work.resolve("rules.yaml"), RULES);
    OciLayout layout = OciLayout.create(work.resolve("layout"));
    layout.tag("v1", layout.image("amd64", OciLayout.files("a.txt", "a\n")).manifest());
    try (RegistryProcess r = RegistryProcess.start(RegistryProcess.options().env("BERTH_AUTH_MODE", "basic")
        .env("BERTH_AUTH_HTPASSWD", work.resolve("htpasswd").toString()).env("BERTH_AUTH_RULES", work.resolve("rules.yaml").toString()))) {
      Cmd.Result push = Cmd.of(skopeo, "copy", "--dest-tls-verify=false", "--dest-creds", "alice:alice-Pw9",
          "oci:" + layout.dir() + ":v1", "docker://" + r.hostPort() + "/private/app:v1").env("TMPDIR", "/tmp").run();
      assertTrue(push.succeeded(), push.describe());

      HttpResponse<String> anon = get(r, "/ui");
      assertEquals(200, anon.statusCode());
      assertFalse(anon.body().contains("private/app"), "anonymous may not pull private/app: not listed");
      assertTrue(anon.body().contains("No repositories are visible without signing in"), anon.body());
      assertTrue(anon.body().contains("href=\"/ui/sign-in\""));
      HttpResponse<String> page = get(r, "/ui/r/private/app");
      assertEquals(401, page.statusCode());
      assertTrue(page.body().contains("Sign in to see private/app"));
      assertEquals(401, get(r, "/ui/r/private/nothing").statusCode(), "an unknown repository looks the same");

      String basic = "Basic " + Base64.getEncoder().encodeToString("alice:alice-Pw9".getBytes(StandardCharsets.UTF_8));
      HttpResponse<String> mine = get(r, "/ui", "Authorization", basic);
      assertTrue(mine.body().contains("href=\"/ui/r/private/app\"") && mine.body().contains("Signed in as <strong id=\"signed-in-as\">alice</strong>"), mine.body());
      assertEquals(200, get(r, "/ui/r/private/app", "Authorization", basic).statusCode());
      HttpResponse<String> wrong = get(r, "/ui", "Authorization", "Basic " + Base64.getEncoder().encodeToString("alice:nope".getBytes()));
      assertEquals(200, wrong.statusCode(), "a wrong password browses as anonymous");
      assertFalse(wrong.body().contains("private/app"));
      assertFalse(r.log().contains("alice-Pw9"), "no password in the log");
      TempDirs.delete(r.dataDir());
    } finally {
      TempDirs.delete(work);
    }
  }
}
