package dev.berth.it;

import static dev.berth.it.OciLayout.files;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Robot accounts as an operator meets them (JVM and native): {@code berth tokens create} on the
 * storage makes a pipeline's secret; two replicas on that storage both let skopeo push with it,
 * where its scopes say; the admin API on one replica revokes it, and both refuse it after.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RobotIT {
  private static final String RULES = "admins: [\"user:admin\"]\nrules: []\n";
  private static final Pattern ID = Pattern.compile("\"id\":\"([a-z2-7]{16})\"");
  Path work;
  Path data;
  RegistryProcess a;
  RegistryProcess b;
  String skopeo;

  @BeforeAll
  void start() throws Exception {
    skopeo = Cmd.require("skopeo", "skopeo");
    work = TempDirs.create("berth-robot-");
    data = Files.createDirectories(work.resolve("data"));
    Cmd.Result entry = Cmd.of(Cmd.require("htpasswd", "apache2-utils"), "-nbB", "-C", "6", "admin", "admin-Pw9").run();
    assertTrue(entry.succeeded(), entry.describe());
    Files.writeString(work.resolve("htpasswd"), entry.stdout().strip() + "\n");
    Files.writeString(work.resolve("rules.yaml"), RULES);
  }

  private RegistryProcess.Options options() {
    return RegistryProcess.options().dataDir(data)
        .env("BERTH_AUTH_MODE", "basic")
        .env("BERTH_AUTH_HTPASSWD", work.resolve("htpasswd").toString())
        .env("BERTH_AUTH_RULES", work.resolve("rules.yaml").toString());
  }

  @AfterAll
  void stop() throws Exception {
    for (RegistryProcess r : new RegistryProcess[] {a, b}) {
      if (r != null) {
        r.close();
      }
    }
    TempDirs.delete(work);
  }

  private RegistryProcess.CommandResult berth(String... args) throws Exception {
    return RegistryProcess.command(options(), Duration.ofSeconds(90), args);
  }

  private Cmd.Result skopeo(String... args) {
    List<String> cmd = new ArrayList<>(List.of(skopeo));
    cmd.addAll(List.of(args));
    return Cmd.of(cmd).env("TMPDIR", "/tmp").env("REGISTRY_AUTH_FILE", work.resolve("auth.json").toString()).run();
  }

  private String layout(String marker) {
    Path dir = work.resolve("layout-" + marker);
    OciLayout layout = OciLayout.create(dir);
    layout.tag("v1", layout.image("amd64", files("etc/" + marker, marker + "\n")).manifest());
    return "oci:" + dir + ":v1";
  }

  private static HttpResponse<String> admin(RegistryProcess r, String method, String path) throws Exception {
    String basic = Base64.getEncoder().encodeToString("admin:admin-Pw9".getBytes(StandardCharsets.UTF_8));
    HttpRequest req = HttpRequest.newBuilder(URI.create(r.url() + path)).header("Authorization", "Basic " + basic)
        .method(method, HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(30)).build();
    return HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofString());
  }

  private boolean refusedWithin(RegistryProcess r, String secret, Duration limit) throws InterruptedException {
    long end = System.nanoTime() + limit.toNanos();
    do {
      if (!skopeo("inspect", "--raw", "--tls-verify=false", "--creds", "ci:" + secret,
          "docker://" + r.hostPort() + "/team-a/app:v1").succeeded()) {
        return true;
      }
      Thread.sleep(500);
    } while (System.nanoTime() < end);
    return false;
  }

  @Test
  void robotFromTheCommandLine_pushesOnEveryReplica_untilRevoked() throws Exception {
    RegistryProcess.CommandResult made = berth("tokens", "create", "--name", "ci", "--repositories", "team-a/**",
        "--actions", "pull,push", "--expires", "P1D");
    assertEquals(0, made.code(), made.describe());
    String secret = made.stdout().strip();
    assertTrue(secret.matches("berth_[a-z2-7]{16}_[A-Za-z0-9_-]{43}"), made.describe());
    assertFalse(made.stderr().contains(secret.substring(23)), "the secret is on stdout only");
    String id = secret.substring(6, 22);
    assertTrue(Files.exists(data.resolve("_auth/robots/" + id)), "kept in the registry's storage");
    assertFalse(Files.readString(data.resolve("_auth/robots/" + id)).contains(secret.substring(23)), "stored hashed");

    RegistryProcess.CommandResult listed = berth("tokens", "list");
    assertEquals(0, listed.code(), listed.describe());
    assertTrue(listed.stdout().contains(id) && listed.stdout().contains("team-a/**"), listed.describe());
    assertFalse(listed.stdout().contains(secret.substring(23)), listed.describe());

    a = RegistryProcess.start(options());
    b = RegistryProcess.start(options());
    String image = layout("robot");
    Cmd.Result pushed = skopeo("copy", "--dest-tls-verify=false", "--dest-creds", "ci:" + secret, image,
        "docker://" + a.hostPort() + "/team-a/app:v1");
    assertTrue(pushed.succeeded(), pushed.describe());
    Cmd.Result elsewhere = skopeo("copy", "--dest-tls-verify=false", "--dest-creds", "ci:" + secret, image,
        "docker://" + b.hostPort() + "/team-b/app:v1");
    assertFalse(elsewhere.succeeded(), elsewhere.describe());
    assertFalse(refusedWithin(b, secret, Duration.ZERO), "the other replica knows the robot");

    HttpResponse<String> all = admin(b, "GET", "/v2/_berth/tokens");
    assertEquals(200, all.statusCode(), all.body());
    Matcher m = ID.matcher(all.body());
    assertTrue(m.find() && m.group(1).equals(id), all.body());
    assertEquals(204, admin(a, "DELETE", "/v2/_berth/tokens/" + id).statusCode());
    assertTrue(refusedWithin(a, secret, Duration.ZERO), "refused at once where it was revoked");
    assertTrue(refusedWithin(b, secret, Duration.ofSeconds(15)), "refused on the other replica within its 10 s memory");
    for (RegistryProcess r : List.of(a, b)) {
      assertFalse(r.log().contains(secret.substring(23)), "a robot secret reached the log");
    }
  }

  @Test
  void commandMistakes_exitWithUsage() throws Exception {
    RegistryProcess.CommandResult unknown = berth("frobnicate");
    assertEquals(2, unknown.code(), unknown.describe());
    assertTrue(unknown.stderr().contains("berth tokens"), unknown.describe());
    RegistryProcess.CommandResult badAction = berth("tokens", "create", "--name", "x", "--repositories", "**", "--actions", "fly");
    assertEquals(2, badAction.code(), badAction.describe());
    assertTrue(badAction.stderr().contains("unknown action 'fly'"), badAction.describe());
    RegistryProcess.CommandResult noSuch = berth("tokens", "revoke", "aaaaaaaaaaaaaaaa");
    assertEquals(1, noSuch.code(), noSuch.describe());
    RegistryProcess.CommandResult readOnly = RegistryProcess.command(options().env("BERTH_READ_ONLY", "true"),
        Duration.ofSeconds(90), "tokens", "create", "--name", "y", "--repositories", "**", "--actions", "pull");
    assertEquals(1, readOnly.code(), readOnly.describe());
    assertTrue(readOnly.stderr().contains("read-only"), readOnly.describe());
  }
}
