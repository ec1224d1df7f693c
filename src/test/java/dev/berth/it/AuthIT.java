package dev.berth.it;

import static dev.berth.it.OciLayout.files;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * {@code berth.auth.mode=basic} with real clients (JVM and native): skopeo and podman log in
 * (a wrong password fails, as it must), push where the rules let them and are refused where they
 * don't, pull anonymously where anonymous pull is allowed; no password reaches the log.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthIT {
  private static final String RULES = """
      rules:
        - subjects: [anonymous]
          repositories: ["public/**"]
          actions: [pull]
        - subjects: ["user:alice"]
          repositories: ["team-a/**", "public/**"]
          actions: [pull, push, delete]
        - subjects: ["user:bob"]
          repositories: ["team-a/**"]
          actions: [pull]
      """;
  Path work;
  RegistryProcess registry;
  final CiIssuer ciIssuer = new CiIssuer();
  String skopeo;
  String podman;

  /** The mode under test; {@link TokenAuthIT} runs everything again in token mode. */
  String mode() {
    return "basic";
  }

  /** Settings the mode needs besides accounts and rules. */
  Map<String, String> modeEnv() throws Exception {
    return Map.of();
  }

  @BeforeAll
  void start() throws Exception {
    skopeo = Cmd.require("skopeo", "skopeo");
    podman = Cmd.require("podman", "podman");
    String htpasswd = Cmd.require("htpasswd", "apache2-utils");
    work = TempDirs.create("berth-auth-");
    List<String> lines = new ArrayList<>();
    for (String user : List.of("alice", "bob")) {
      Cmd.Result r = Cmd.of(htpasswd, "-nbB", "-C", "6", user, user + "-Pw9").run();
      assertTrue(r.succeeded(), r.describe());
      lines.add(r.stdout().strip());
    }
    Files.writeString(work.resolve("htpasswd"), String.join("\n", lines) + "\n");
    Files.writeString(work.resolve("rules.yaml"), ciIssuer.issuersYaml() + RULES + CiIssuer.RULES);
    Files.writeString(work.resolve("auth.json"), "{\"auths\":{}}\n");
    RegistryProcess.Options o = RegistryProcess.options()
        .env("BERTH_AUTH_MODE", mode())
        .env("BERTH_AUTH_HTPASSWD", work.resolve("htpasswd").toString())
        .env("BERTH_AUTH_RULES", work.resolve("rules.yaml").toString())
        .env("QUARKUS_HTTP_ACCESS_LOG_ENABLED", "true");
    modeEnv().forEach(o::env);
    registry = RegistryProcess.start(o);
  }

  @AfterAll
  void stop() throws Exception {
    if (registry != null) {
      String log = registry.log();
      registry.close();
      for (String secret : List.of("alice-Pw9", "bob-Pw9", "YWxpY2U6", "eyJ")) {
        assertFalse(log.contains(secret), "a password or a token reached the log");
      }
    }
    ciIssuer.close();
    TempDirs.delete(work);
  }

  private Cmd.Result skopeo(String... args) {
    List<String> cmd = new ArrayList<>(List.of(skopeo));
    cmd.addAll(List.of(args));
    return Cmd.of(cmd).env("TMPDIR", "/tmp").env("REGISTRY_AUTH_FILE", work.resolve("auth.json").toString()).run();
  }

  private String ref(String repo) {
    return "docker://" + registry.hostPort() + "/" + repo;
  }

  private String layout(String marker) {
    Path dir = work.resolve("layout-" + marker);
    OciLayout layout = OciLayout.create(dir);
    OciLayout.Image image = layout.image("amd64", files("etc/" + marker, marker + "\n"));
    layout.tag("v1", image.manifest());
    return "oci:" + dir + ":v1";
  }

  private boolean awaitLog(String text) {
    try {
      for (int i = 0; i < 50; i++) {
        if (registry.log().contains(text)) {
          return true;
        }
        Thread.sleep(100);
      }
      return false;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The command failed, saying one of {@code expected} ({@code |}-separated). */
  private static void assertFails(Cmd.Result r, String expected) {
    assertFalse(r.succeeded(), r.describe());
    String said = (r.stdout() + r.stderr()).toLowerCase(Locale.ROOT);
    assertTrue(List.of(expected.split("\\|")).stream().anyMatch(said::contains), r.describe());
  }

  @Test
  void login_checksThePassword() {
    String authFile = work.resolve("login.json").toString();
    assertFails(Cmd.of(skopeo, "login", "--tls-verify=false", "--authfile", authFile, "-u", "alice", "-p", "wrong",
        registry.hostPort()).run(), "invalid username/password");
    Cmd.Result ok = Cmd.of(skopeo, "login", "--tls-verify=false", "--authfile", authFile, "-u", "alice", "-p", "alice-Pw9",
        registry.hostPort()).run();
    assertTrue(ok.succeeded() && ok.stdout().contains("Login Succeeded"), ok.describe());

    Path home = work.resolve("podman");
    Cmd podmanLogin = Cmd.of(podman, "--root", home.resolve("root").toString(), "--runroot", home.resolve("run").toString(),
        "--storage-driver", "vfs", "login", "--tls-verify=false", "--authfile", home.resolve("auth.json").toString(),
        "-u", "bob", "-p", "not-bobs", registry.hostPort());
    assertFails(podmanLogin.env("XDG_RUNTIME_DIR", work.toString()).run(), "invalid username/password");
    Cmd.Result podmanOk = Cmd.of(podman, "--root", home.resolve("root").toString(), "--runroot", home.resolve("run").toString(),
        "--storage-driver", "vfs", "login", "--tls-verify=false", "--authfile", home.resolve("auth.json").toString(),
        "-u", "bob", "-p", "bob-Pw9", registry.hostPort()).env("XDG_RUNTIME_DIR", work.toString()).run();
    assertTrue(podmanOk.succeeded() && podmanOk.stdout().contains("Login Succeeded"), podmanOk.describe());
  }

  @Test
  void accessControlItCannotRead_stopsTheStart_inOneLine() throws Exception {
    if (!mode().equals("basic")) {
      return; // the same files, read the same way, in both modes: once is the test
    }
    Path bad = work.resolve("bad-htpasswd");
    Files.writeString(bad, Files.readString(work.resolve("htpasswd"))
        + Cmd.of("htpasswd", "-nbm", "carol", "carol-pw").run().stdout().strip() + "\n");
    Path badRules = work.resolve("bad-rules.yaml");
    Files.writeString(badRules, "rules:\n  - subjects: [anonymous]\n    repositories: [\"**\"]\n    actions: [write]\n");
    record Case(RegistryProcess.Options options, String says) {}
    List<Case> cases = List.of(
        new Case(RegistryProcess.options().env("BERTH_AUTH_MODE", "basic"), "basic needs berth.auth.htpasswd"),
        new Case(RegistryProcess.options().env("BERTH_AUTH_MODE", "basic").env("BERTH_AUTH_HTPASSWD", bad.toString()),
            "line 3 (carol): not a bcrypt hash; only bcrypt is accepted (htpasswd -B)"),
        new Case(RegistryProcess.options().env("BERTH_AUTH_MODE", "basic").env("BERTH_AUTH_HTPASSWD", work.resolve("htpasswd").toString())
            .env("BERTH_AUTH_RULES", badRules.toString()), "rule 1: unknown action 'write' (accepted: pull, push, delete, catalog)"),
        new Case(RegistryProcess.options().env("BERTH_AUTH_MODE", "basic").env("BERTH_AUTH_HTPASSWD", work.resolve("missing").toString()),
            "cannot read htpasswd file"));
    for (Case c : cases) {
      RegistryProcess.Exit exit = RegistryProcess.runToExit(c.options(), java.time.Duration.ofSeconds(60));
      assertTrue(exit.code() != 0, exit.log());
      assertTrue(exit.log().contains(c.says()), "expected '" + c.says() + "' in:\n" + exit.log());
      assertFalse(exit.log().contains("\tat "), "a stack trace:\n" + exit.log());
      assertFalse(exit.log().contains("$apr1$"), "a hash reached the log");
    }
  }

  /** A CI job pushes with its OIDC token as the password: no stored secret; the wrong job is refused. */
  @Test
  void ciToken_asThePassword_pushesOnlyWhereItsClaimsMay() {
    String image = layout("ci");
    String token = ciIssuer.token("acme/app", "refs/heads/main");
    Cmd.Result pushed = skopeo("copy", "--dest-tls-verify=false", "--dest-creds", "ci:" + token, image, ref("acme/app:v1"));
    assertTrue(pushed.succeeded(), pushed.describe());
    assertFails(skopeo("copy", "--dest-tls-verify=false", "--dest-creds", "ci:" + ciIssuer.token("evil/app", "refs/heads/main"),
        image, ref("acme/app:v2")), "denied|forbidden"); // a refused HEAD has no body to say "denied" in
    Cmd.Result pulled = skopeo("inspect", "--raw", "--tls-verify=false", "--creds", "ci:" + token, ref("acme/app:v1"));
    assertTrue(pulled.succeeded(), pulled.describe());
  }

  /** Jib (the library of the Maven and Gradle plugins) with credentials: alice may push, bob may not. */
  @Test
  void jib_pushesWithCredentials_whereTheRulesAllow() throws Exception {
    // over plain HTTP Jib sends credentials only when told, as its users tell it (-DsendCredentialsOverHttp)
    System.setProperty("sendCredentialsOverHttp", "true");
    Path files = Files.createDirectories(work.resolve("jib-files"));
    Path file = Files.writeString(files.resolve("hello.txt"), "hello from jib with credentials\n");
    java.util.function.Function<String, com.google.cloud.tools.jib.api.Containerizer> to = user -> {
      try {
        return com.google.cloud.tools.jib.api.Containerizer.to(com.google.cloud.tools.jib.api.RegistryImage
                .named(com.google.cloud.tools.jib.api.ImageReference.parse(registry.hostPort() + "/team-a/jib"))
                .addCredential(user, user + "-Pw9"))
            .setAllowInsecureRegistries(true).setToolName("berth-it")
            .setBaseImageLayersCache(work.resolve("jib-cache/" + user)).setApplicationLayersCache(work.resolve("jib-cache/" + user + "-app"));
      } catch (com.google.cloud.tools.jib.api.InvalidImageReferenceException e) {
        throw new IllegalStateException(e);
      }
    };
    var pushed = com.google.cloud.tools.jib.api.Jib.fromScratch()
        .addLayer(List.of(file), com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath.get("/app")).containerize(to.apply("alice"));
    Cmd.Result pulled = skopeo("inspect", "--raw", "--tls-verify=false", "--creds", "bob:bob-Pw9", ref("team-a/jib@" + pushed.getDigest()));
    assertTrue(pulled.succeeded(), pulled.describe());
    Exception refused = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> com.google.cloud.tools.jib.api.Jib.fromScratch()
        .addLayer(List.of(file), com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath.get("/other")).containerize(to.apply("bob")));
    String why = String.valueOf(refused.getMessage()) + " " + refused.getCause();
    assertTrue(why.toLowerCase(Locale.ROOT).matches("(?s).*(denied|unauthorized|forbidden|403|401).*"), why);
  }

  @Test
  void pushAndPull_asTheRulesSay() {
    String image = layout("team");
    Cmd.Result pushed = skopeo("copy", "--dest-tls-verify=false", "--dest-creds", "alice:alice-Pw9", image, ref("team-a/app:v1"));
    assertTrue(pushed.succeeded(), pushed.describe());
    assertFails(skopeo("copy", "--dest-tls-verify=false", "--dest-creds", "bob:bob-Pw9", image, ref("team-a/app:v2")), "denied");
    assertTrue(awaitLog("denied ") && awaitLog(" to bob"), "the refusal is in the audit log");
    assertFails(skopeo("copy", "--dest-tls-verify=false", "--dest-no-creds", image, ref("team-a/app:v3")),
        "unauthorized|denied"); // with a token, containers/image words an insufficient scope as "denied"

    Cmd.Result asBob = skopeo("inspect", "--raw", "--tls-verify=false", "--creds", "bob:bob-Pw9", ref("team-a/app:v1"));
    assertTrue(asBob.succeeded(), asBob.describe());
    assertFails(skopeo("inspect", "--raw", "--tls-verify=false", "--no-creds", ref("team-a/app:v1")), "unauthorized");

    // anonymous pull where the rules allow it
    Cmd.Result pub = skopeo("copy", "--dest-tls-verify=false", "--dest-creds", "alice:alice-Pw9", layout("public"), ref("public/base:v1"));
    assertTrue(pub.succeeded(), pub.describe());
    Path out = work.resolve("pulled");
    Cmd.Result anon = skopeo("copy", "--src-tls-verify=false", "--src-no-creds", ref("public/base:v1"), "oci:" + out + ":v1");
    assertTrue(anon.succeeded(), anon.describe());
    assertEquals(200, new RegistryHttp(registry).get("/q/health/ready").status());
  }
}
