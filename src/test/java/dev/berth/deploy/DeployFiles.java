package dev.berth.deploy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * What the deploy tests read, loaded once for all of them: the YAML files under {@code deploy/},
 * quarkus.http.port and README's configuration table; plus the helpers that walk parsed YAML.
 */
final class DeployFiles {
  static final Path DEPLOY = Path.of("deploy");
  static final Map<String, String> PROBE_PATHS = Map.of(
      "startup", "/q/health/started",
      "readiness", "/q/health/ready",
      "liveness", "/q/health/live");
  static final Set<String> SECRET_PROPERTIES = Set.of(
      "berth.storage.azure.account-key", "berth.storage.azure.connection-string", "berth.storage.azure.sas-token");

  private record Loaded(int httpPort, Map<String, String> documentedVariables, Map<Path, List<Object>> yamlFiles) {}

  private static Loaded loaded;

  private DeployFiles() {}

  /** quarkus.http.port from application.properties. */
  static int httpPort() {
    return loaded().httpPort();
  }

  /** BERTH_STORAGE_AZURE_ACCOUNT_NAME -> berth.storage.azure.account-name, for README's rows. */
  static Map<String, String> documentedVariables() {
    return loaded().documentedVariables();
  }

  /** Every YAML file under deploy/ (and every extension-less Kustomization), with its documents. */
  static Map<Path, List<Object>> yamlFiles() {
    return loaded().yamlFiles();
  }

  /** Loads on first use; a failure fails every test that asks, as a failing @BeforeAll would. */
  private static synchronized Loaded loaded() {
    if (loaded == null) {
      try {
        loaded = load();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return loaded;
  }

  private static Loaded load() throws IOException {
    Properties props = new Properties();
    try (InputStream in = Files.newInputStream(Path.of("src/main/resources/application.properties"))) {
      props.load(in);
    }
    int httpPort = Integer.parseInt(props.getProperty("quarkus.http.port").trim());

    Map<String, String> documentedVariables = new TreeMap<>();
    Matcher row = Pattern.compile("(?m)^\\| `([a-z0-9.\\-]+)` \\|").matcher(Files.readString(Path.of("README.md")));
    while (row.find()) {
      documentedVariables.put(envName(row.group(1)), row.group(1));
    }
    assertTrue(documentedVariables.containsKey("BERTH_STORAGE_DRIVER"), "README's configuration table was not found");

    Map<Path, List<Object>> yamlFiles = new TreeMap<>();
    try (Stream<Path> files = Files.walk(DEPLOY)) {
      for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
        String name = f.getFileName().toString();
        if (name.endsWith(".yaml") || name.endsWith(".yml") || name.equals("Kustomization")) {
          yamlFiles.put(f, parse(f));
        }
      }
    }
    return new Loaded(httpPort, documentedVariables, yamlFiles);
  }

  // ---- the files -------------------------------------------------------------------------------

  static Map<String, Object> containerApp() {
    return map(yamlFiles().get(DEPLOY.resolve("azure-container-apps/containerapp.yaml")).get(0));
  }

  static List<Map<String, Object>> acaContainers() {
    Map<String, Object> app = containerApp();
    return list(map(map(app.get("properties")).get("template")).get("containers")).stream().map(DeployFiles::map).toList();
  }

  static Map<String, Object> composeFile() {
    return map(yamlFiles().get(DEPLOY.resolve("compose/compose.yaml")).get(0));
  }

  static String bicep() throws IOException {
    return Files.readString(DEPLOY.resolve("azure-container-apps/main.bicep"));
  }

  // ---- containers ------------------------------------------------------------------------------

  /** Literal environment values of a Kubernetes or Container Apps container. */
  static Map<String, String> env(Map<String, Object> container) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Object e : list(container.get("env"))) {
      Map<String, Object> m = map(e);
      if (m.containsKey("value")) {
        out.put(str(m.get("name")), str(m.get("value")));
      }
    }
    return out;
  }

  /** A compose service's environment, as a mapping or a list of NAME=value. */
  static Map<String, String> environment(Map<String, Object> service) {
    Map<String, String> out = new LinkedHashMap<>();
    Object env = service.get("environment");
    if (env instanceof Map<?, ?> m) {
      m.forEach((k, v) -> out.put(str(k), v == null ? null : str(v)));
    } else {
      for (Object e : list(env)) {
        String s = str(e);
        int eq = s.indexOf('=');
        out.put(eq < 0 ? s : s.substring(0, eq), eq < 0 ? null : s.substring(eq + 1));
      }
    }
    return out;
  }

  /** The port Berth listens on in this container: QUARKUS_HTTP_PORT if set there, else the default. */
  static int expectedPort(Map<String, String> env) {
    String override = env.get("QUARKUS_HTTP_PORT");
    return override != null ? Integer.parseInt(override.trim()) : httpPort();
  }

  static void checkProbeTimings(String where, Map<String, Object> probe) {
    int period = intOf(probe.get("periodSeconds"), 10);
    int timeout = intOf(probe.get("timeoutSeconds"), 1);
    assertTrue(timeout <= period, where + ": timeoutSeconds <= periodSeconds");
    assertTrue(intOf(probe.get("failureThreshold"), 3) >= 2 || where.endsWith("startup"),
        where + ": one slow answer must not fail the probe");
  }

  // ---- YAML ------------------------------------------------------------------------------------

  static Yaml yaml() {
    return new Yaml(new SafeConstructor(new LoaderOptions()));
  }

  private static List<Object> parse(Path f) throws IOException {
    List<Object> docs = new ArrayList<>();
    try {
      for (Object d : yaml().loadAll(Files.readString(f))) {
        if (d != null) {
          docs.add(d);
        }
      }
    } catch (RuntimeException e) {
      throw new AssertionError(f + " is not valid YAML: " + e.getMessage(), e);
    }
    return docs;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object o) {
    if (o == null) {
      return null;
    }
    assertTrue(o instanceof Map, "expected a mapping, got " + o);
    return (Map<String, Object>) o;
  }

  static List<Object> list(Object o) {
    if (o == null) {
      return List.of();
    }
    assertTrue(o instanceof List, "expected a list, got " + o);
    @SuppressWarnings("unchecked")
    List<Object> l = (List<Object>) o;
    return l;
  }

  static String str(Object o) {
    return o == null ? null : String.valueOf(o);
  }

  static int intOf(Object o, int dflt) {
    return o == null ? dflt : (Integer) o;
  }

  /** berth.storage.azure.account-name -> BERTH_STORAGE_AZURE_ACCOUNT_NAME (MicroProfile Config's rule). */
  private static String envName(String property) {
    return property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
  }
}
