package dev.berth.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.berth.config.BerthConfig;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Checks the deployment files under {@code deploy/} against the application: every YAML file
 * parses; probes ask the health endpoint of their kind on the port Berth listens on; containers
 * are hardened; Services reach that port; every {@code BERTH_*} variable is a documented property
 * with a valid value; the Kubernetes variants fit their storage driver; the Container Apps spec
 * (YAML and Bicep) scales to zero and grants Storage Blob Data Contributor; the compose file
 * publishes the port on loopback with a health check. Needs no network, no cluster and no kubectl
 * (kubectl, where installed, is used only to render the kustomizations).
 */
class DeployManifestsTest {
  private static final Path DEPLOY = Path.of("deploy");
  private static final String IMAGE = "ghcr.io/example/berth:0.1.0";
  private static final String BLOB_DATA_CONTRIBUTOR = "ba92f5b4-2d11-453d-a403-e96b2c071f2c";
  private static final Map<String, String> PROBE_PATHS = Map.of(
      "startup", "/q/health/started",
      "readiness", "/q/health/ready",
      "liveness", "/q/health/live");
  private static final Set<String> SECRET_PROPERTIES = Set.of(
      "berth.storage.azure.account-key", "berth.storage.azure.connection-string", "berth.storage.azure.sas-token");
  /** Azurite's documented, public development key: allowed in the local compose file only. */
  private static final String AZURITE_KEY =
      "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

  /** quarkus.http.port from application.properties. */
  private static int httpPort;
  /** BERTH_STORAGE_AZURE_ACCOUNT_NAME -> berth.storage.azure.account-name, for README's rows. */
  private static Map<String, String> documentedVariables;
  /** berth.* property -> its type in {@link BerthConfig}. */
  private static Map<String, Class<?>> propertyTypes;
  /** Every YAML file under deploy/ (and every extension-less Kustomization), with its documents. */
  private static Map<Path, List<Object>> yamlFiles;

  @BeforeAll
  static void load() throws IOException {
    Properties props = new Properties();
    try (InputStream in = Files.newInputStream(Path.of("src/main/resources/application.properties"))) {
      props.load(in);
    }
    httpPort = Integer.parseInt(props.getProperty("quarkus.http.port").trim());

    documentedVariables = new TreeMap<>();
    Matcher row = Pattern.compile("(?m)^\\| `([a-z0-9.\\-]+)` \\|").matcher(Files.readString(Path.of("README.md")));
    while (row.find()) {
      documentedVariables.put(envName(row.group(1)), row.group(1));
    }
    assertTrue(documentedVariables.containsKey("BERTH_STORAGE_DRIVER"), "README's configuration table was not found");

    propertyTypes = new TreeMap<>();
    collectPropertyTypes("berth", BerthConfig.class, propertyTypes);

    yamlFiles = new TreeMap<>();
    try (Stream<Path> files = Files.walk(DEPLOY)) {
      for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
        String name = f.getFileName().toString();
        if (name.endsWith(".yaml") || name.endsWith(".yml") || name.equals("Kustomization")) {
          yamlFiles.put(f, parse(f));
        }
      }
    }
  }

  // ---- all files -------------------------------------------------------------------------------

  @Test
  void everyYamlFile_parses() {
    assertTrue(yamlFiles.size() >= 15, "too few YAML files under deploy/: " + yamlFiles.keySet());
    for (String expected : List.of(
        "kubernetes/azure/deployment.yaml", "kubernetes/azure/service.yaml", "kubernetes/azure/Kustomization",
        "kubernetes/azure-workload-identity/deployment.yaml", "kubernetes/azure-workload-identity/serviceaccount.yaml",
        "kubernetes/filesystem/deployment.yaml", "kubernetes/filesystem/pvc.yaml",
        "azure-container-apps/containerapp.yaml", "compose/compose.yaml")) {
      assertTrue(yamlFiles.containsKey(DEPLOY.resolve(expected)), "missing deploy/" + expected);
    }
    yamlFiles.forEach((f, docs) -> {
      assertFalse(docs.isEmpty(), f + " has no YAML document");
      docs.forEach(d -> assertTrue(d instanceof Map, f + ": every document is a mapping"));
    });
    for (String readme : List.of("README.md", "kubernetes/README.md", "azure-container-apps/README.md")) {
      assertTrue(Files.isRegularFile(DEPLOY.resolve(readme)), "missing deploy/" + readme);
    }
  }

  @Test
  void everyImage_isTheDocumentedPlaceholder() throws IOException {
    for (K8s r : kubernetesResources()) {
      for (Map<String, Object> c : containers(r)) {
        assertEquals(IMAGE, c.get("image"), r + ": image");
      }
    }
    Map<String, Object> compose = composeFile();
    for (String s : List.of("berth", "berth-fs")) {
      String image = str(map(map(compose.get("services")).get(s)).get("image"));
      assertTrue(image.endsWith(":-" + IMAGE + "}") || image.equals(IMAGE), "compose " + s + " image: " + image);
    }
    assertTrue(bicep().contains("param image string = '" + IMAGE + "'"), "main.bicep's image parameter default");
    for (Path f : yamlFiles.keySet()) {
      if (f.getFileName().toString().equals("Kustomization")) {
        for (Object i : list(map(yamlFiles.get(f).get(0)).get("images"))) {
          assertEquals(IMAGE, map(i).get("name") + ":" + map(i).get("newTag"), f + ": images");
        }
      }
    }
  }

  @Test
  void everyBerthVariable_isADocumentedPropertyWithAValidValue() throws IOException {
    List<String> problems = new ArrayList<>();
    int seen = 0;
    for (K8s r : kubernetesResources()) {
      for (Map<String, Object> c : containers(r)) {
        for (Object e : list(c.get("env"))) {
          Map<String, Object> env = map(e);
          seen++;
          checkVariable(r.toString(), str(env.get("name")), env.containsKey("value") ? str(env.get("value")) : null,
              env.containsKey("valueFrom"), false, problems);
        }
      }
    }
    for (Map<String, Object> c : acaContainers()) {
      for (Object e : list(c.get("env"))) {
        Map<String, Object> env = map(e);
        seen++;
        checkVariable("containerapp.yaml", str(env.get("name")), str(env.get("value")), env.containsKey("secretRef"), false,
            problems);
      }
    }
    Map<String, Object> services = map(composeFile().get("services"));
    for (String s : List.of("berth", "berth-fs")) {
      for (Map.Entry<String, String> e : environment(map(services.get(s))).entrySet()) {
        seen++;
        checkVariable("compose " + s, e.getKey(), e.getValue(), false, true, problems);
      }
    }
    Matcher m = Pattern.compile("name: '([A-Z][A-Z0-9_]*)'\\s*\\n\\s*value: ([^\\n]+)").matcher(bicep());
    while (m.find()) {
      seen++;
      String value = m.group(2).trim();
      checkVariable("main.bicep", m.group(1), value.matches("'[^']*'") ? value.substring(1, value.length() - 1) : null,
          false, false, problems);
    }
    assertTrue(seen > 30, "too few environment variables found: " + seen);
    assertTrue(problems.isEmpty(), String.join("\n", problems));
  }

  /**
   * A {@code BERTH_*} variable must be a row of README's configuration table; a literal value must
   * convert to the property's type; secrets must come from a secret reference (except Azurite's
   * public development key in the local compose file).
   */
  private static void checkVariable(String where, String name, String value, boolean fromSecret, boolean local,
      List<String> problems) {
    if (!name.startsWith("BERTH_")) {
      return;
    }
    String property = documentedVariables.get(name);
    if (property == null) {
      problems.add(where + ": " + name + " is not a property of README's configuration table");
      return;
    }
    if (SECRET_PROPERTIES.contains(property) && value != null && !fromSecret
        && !(local && value.equals(AZURITE_KEY))) {
      problems.add(where + ": " + name + " is a secret: take it from a Secret, not a literal value");
    }
    Class<?> type = propertyTypes.get(property);
    if (value == null || value.contains("${") || type == null) {
      return; // from a secret, or filled in at deployment
    }
    try {
      if (type.isEnum()) {
        Set<String> allowed = Arrays.stream(type.getEnumConstants())
            .map(c -> ((Enum<?>) c).name().toLowerCase(Locale.ROOT).replace('_', '-'))
            .collect(Collectors.toCollection(TreeSet::new));
        if (!allowed.contains(value)) {
          problems.add(where + ": " + name + "=" + value + " is not one of " + allowed);
        }
      } else if (type == Duration.class) {
        Duration.parse(value);
      } else if (type == boolean.class) {
        if (!value.equals("true") && !value.equals("false")) {
          problems.add(where + ": " + name + "=" + value + " is not true or false");
        }
      } else if (type == int.class) {
        Integer.parseInt(value);
      }
    } catch (RuntimeException e) {
      problems.add(where + ": " + name + "=" + value + " is not a valid " + type.getSimpleName());
    }
  }

  // ---- Kubernetes ------------------------------------------------------------------------------

  @Test
  void kubernetesProbes_askTheirHealthEndpointOnTheHttpPort() {
    int containersSeen = 0;
    for (K8s r : kubernetesResources()) {
      for (Map<String, Object> c : containers(r)) {
        containersSeen++;
        int port = expectedPort(env(c));
        assertTrue(containerPorts(c).containsValue(port), r + ": the container declares port " + port);
        for (String kind : PROBE_PATHS.keySet()) {
          Map<String, Object> probe = map(c.get(kind + "Probe"));
          assertNotNull(probe, r + ": " + kind + "Probe is missing");
          Map<String, Object> http = map(probe.get("httpGet"));
          assertNotNull(http, r + ": " + kind + "Probe is not an httpGet");
          assertEquals(PROBE_PATHS.get(kind), http.get("path"), r + ": " + kind + "Probe path");
          assertEquals(port, resolvePort(c, http.get("port")), r + ": " + kind + "Probe port");
          checkProbeTimings(r + " " + kind, probe);
        }
        // The startup probe must give the process time to start; liveness must not fire while a
        // readiness failure (storage outage) is being reported.
        Map<String, Object> startup = map(c.get("startupProbe"));
        assertTrue(intOf(startup.get("periodSeconds"), 10) * intOf(startup.get("failureThreshold"), 3) >= 30,
            r + ": startupProbe allows at least 30 s");
      }
    }
    assertTrue(containersSeen >= 3, "too few Kubernetes containers: " + containersSeen);
  }

  @Test
  void kubernetesWorkloads_areHardened() {
    for (K8s r : kubernetesResources()) {
      Map<String, Object> pod = podSpec(r);
      if (pod == null) {
        continue;
      }
      Map<String, Object> podSecurity = Optional.ofNullable(map(pod.get("securityContext"))).orElse(Map.of());
      assertEquals(Boolean.FALSE, pod.get("automountServiceAccountToken"), r + ": automountServiceAccountToken");
      // A Service named berth would otherwise put BERTH_PORT & co. into Berth's configuration.
      assertEquals(Boolean.FALSE, pod.get("enableServiceLinks"), r + ": enableServiceLinks");
      assertEquals("RuntimeDefault", str(Optional.ofNullable(map(podSecurity.get("seccompProfile"))).orElse(Map.of()).get("type")),
          r + ": seccompProfile");
      assertTrue(podSecurity.get("runAsUser") instanceof Integer u && u > 0, r + ": a fixed non-root runAsUser");
      Set<String> mounts = new TreeSet<>();
      for (Map<String, Object> c : containers(r)) {
        Map<String, Object> sc = map(c.get("securityContext"));
        assertNotNull(sc, r + ": container securityContext");
        assertEquals(Boolean.TRUE, sc.get("readOnlyRootFilesystem"), r + ": readOnlyRootFilesystem");
        assertEquals(Boolean.TRUE, Objects.requireNonNullElse(sc.get("runAsNonRoot"), podSecurity.get("runAsNonRoot")),
            r + ": runAsNonRoot");
        assertEquals(Boolean.FALSE, sc.get("allowPrivilegeEscalation"), r + ": allowPrivilegeEscalation");
        assertEquals(List.of("ALL"), list(map(sc.get("capabilities")).get("drop")), r + ": capabilities.drop");
        assertFalse(Boolean.TRUE.equals(sc.get("privileged")), r + ": privileged");
        Map<String, Object> resources = map(c.get("resources"));
        for (String bound : List.of("requests", "limits")) {
          for (String res : List.of("cpu", "memory")) {
            assertNotNull(map(resources.get(bound)).get(res), r + ": resources." + bound + "." + res);
          }
        }
        list(c.get("volumeMounts")).forEach(v -> mounts.add(str(map(v).get("mountPath"))));
      }
      assertTrue(mounts.contains("/tmp"), r + ": a writable /tmp (the root filesystem is read-only)");
    }
  }

  @Test
  void kubernetesServices_reachTheHttpPort() {
    int seen = 0;
    for (Path dir : kubernetesDirectories()) {
      List<K8s> resources = kubernetesResources().stream().filter(r -> r.file.getParent().equals(dir)).toList();
      for (K8s svc : resources.stream().filter(r -> r.kind().equals("Service")).toList()) {
        seen++;
        Map<String, Object> selector = map(map(svc.doc.get("spec")).get("selector"));
        List<K8s> targets = resources.stream().filter(r -> podSpec(r) != null && matches(selector, podLabels(r))).toList();
        assertEquals(1, targets.size(), svc + ": selects exactly one workload of its directory");
        for (Object p : list(map(svc.doc.get("spec")).get("ports"))) {
          for (Map<String, Object> c : containers(targets.get(0))) {
            Object target = Objects.requireNonNullElse(map(p).get("targetPort"), map(p).get("port"));
            assertEquals(expectedPort(env(c)), resolvePort(c, target), svc + ": targetPort");
          }
        }
      }
    }
    assertTrue(seen >= 3, "a Service in every Kubernetes variant");
  }

  @Test
  void kubernetesVariants_fitTheirStorage() {
    for (Path dir : kubernetesDirectories()) {
      List<K8s> resources = kubernetesResources().stream().filter(r -> r.file.getParent().equals(dir)).toList();
      List<K8s> deployments = resources.stream().filter(r -> r.kind().equals("Deployment")).toList();
      assertEquals(1, deployments.size(), dir + ": one Deployment");
      K8s d = deployments.get(0);
      Map<String, Object> spec = map(d.doc.get("spec"));
      Map<String, Object> c = containers(d).get(0);
      Map<String, String> env = env(c);
      String driver = env.getOrDefault("BERTH_STORAGE_DRIVER", "filesystem");
      Map<String, Object> pod = podSpec(d);
      if (driver.equals("filesystem")) {
        // One process per data directory: a single replica, the old one gone before the new one.
        assertEquals(1, spec.get("replicas"), d + ": replicas");
        assertEquals("Recreate", str(map(spec.get("strategy")).get("type")), d + ": strategy");
        String root = env.get("BERTH_STORAGE_FILESYSTEM_ROOT");
        assertEquals("/data", root, d + ": BERTH_STORAGE_FILESYSTEM_ROOT");
        String volume = list(c.get("volumeMounts")).stream().map(DeployManifestsTest::map)
            .filter(v -> root.equals(v.get("mountPath"))).map(v -> str(v.get("name"))).findFirst()
            .orElseThrow(() -> new AssertionError(d + ": nothing is mounted at " + root));
        Map<String, Object> claim = list(pod.get("volumes")).stream().map(DeployManifestsTest::map)
            .filter(v -> volume.equals(v.get("name"))).map(v -> map(v.get("persistentVolumeClaim")))
            .filter(Objects::nonNull).findFirst()
            .orElseThrow(() -> new AssertionError(d + ": volume " + volume + " is not a PersistentVolumeClaim"));
        assertTrue(resources.stream().anyMatch(r -> r.kind().equals("PersistentVolumeClaim") && r.name().equals(claim.get("claimName"))),
            d + ": PersistentVolumeClaim " + claim.get("claimName") + " is defined beside it");
        assertFalse(resources.stream().anyMatch(r -> r.kind().equals("HorizontalPodAutoscaler")), d + ": no autoscaler");
        assertTrue(map(pod.get("securityContext")).get("fsGroup") instanceof Integer, d + ": fsGroup makes the volume writable");
        continue;
      }
      assertEquals("azure", driver, d + ": BERTH_STORAGE_DRIVER");
      assertTrue((Integer) spec.get("replicas") >= 2, d + ": replicas");
      String auth = env.get("BERTH_STORAGE_AZURE_AUTH");
      List<Map<String, Object>> envEntries = list(c.get("env")).stream().map(DeployManifestsTest::map).toList();
      if ("default-credential".equals(auth)) {
        // Workload identity: labelled pods running as an annotated ServiceAccount.
        assertEquals("true", podLabels(d).get("azure.workload.identity/use"), d + ": workload identity label");
        String sa = str(pod.get("serviceAccountName"));
        K8s account = resources.stream().filter(r -> r.kind().equals("ServiceAccount") && r.name().equals(sa)).findFirst()
            .orElseThrow(() -> new AssertionError(d + ": ServiceAccount " + sa + " is defined beside it"));
        assertNotNull(map(map(account.doc.get("metadata")).get("annotations")).get("azure.workload.identity/client-id"),
            account + ": azure.workload.identity/client-id");
        assertNotNull(env.get("BERTH_STORAGE_AZURE_ACCOUNT_NAME"), d + ": BERTH_STORAGE_AZURE_ACCOUNT_NAME");
      } else {
        // A credential from a Secret.
        assertTrue(envEntries.stream().anyMatch(e -> e.get("valueFrom") != null
                && SECRET_PROPERTIES.contains(documentedVariables.getOrDefault(str(e.get("name")), ""))
                && map(map(e.get("valueFrom")).get("secretKeyRef")) != null),
            d + ": takes a storage credential from a Secret");
      }
      for (K8s hpa : resources.stream().filter(r -> r.kind().equals("HorizontalPodAutoscaler")).toList()) {
        assertEquals("autoscaling/v2", hpa.apiVersion(), hpa + ": apiVersion");
        Map<String, Object> hs = map(hpa.doc.get("spec"));
        assertEquals(d.name(), map(hs.get("scaleTargetRef")).get("name"), hpa + ": scaleTargetRef");
        assertTrue((Integer) hs.get("minReplicas") >= 2 && (Integer) hs.get("maxReplicas") >= (Integer) hs.get("minReplicas"),
            hpa + ": replica range");
      }
      for (K8s pdb : resources.stream().filter(r -> r.kind().equals("PodDisruptionBudget")).toList()) {
        assertTrue(matches(map(map(map(pdb.doc.get("spec")).get("selector")).get("matchLabels")), podLabels(d)),
            pdb + ": selects the Deployment's pods");
      }
    }
  }

  @Test
  void kustomizations_listExactlyTheManifestsOfTheirDirectory() throws IOException {
    for (Path dir : kubernetesDirectories()) {
      Path k = dir.resolve("Kustomization");
      assertTrue(yamlFiles.containsKey(k), dir + ": Kustomization (no .yaml extension: `kubectl apply -f` skips it)");
      assertFalse(Files.exists(dir.resolve("kustomization.yaml")), dir + ": kustomization.yaml breaks `kubectl apply -f`");
      Set<String> listed = list(map(yamlFiles.get(k).get(0)).get("resources")).stream().map(String::valueOf)
          .collect(Collectors.toCollection(TreeSet::new));
      Set<String> present;
      try (Stream<Path> files = Files.list(dir)) {
        present = files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".yaml") || n.endsWith(".yml"))
            .collect(Collectors.toCollection(TreeSet::new));
      }
      assertEquals(present, listed, k + ": `kubectl apply -k` and `kubectl apply -f` must apply the same files");
    }
  }

  /** Renders each kustomization with kubectl where it is installed (offline); skipped elsewhere. */
  @Test
  void kustomizations_renderWithKubectl() throws Exception {
    Assumptions.assumeTrue(onPath("kubectl"), "kubectl is not installed: kustomize rendering not checked");
    for (Path dir : kubernetesDirectories()) {
      Process p = new ProcessBuilder("kubectl", "kustomize", dir.toString()).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(p.waitFor(60, TimeUnit.SECONDS), "kubectl kustomize " + dir + " timed out");
      assertEquals(0, p.exitValue(), "kubectl kustomize " + dir + ":\n" + out);
      Set<String> rendered = new TreeSet<>();
      for (Object d : yaml().loadAll(out)) {
        if (d != null) {
          rendered.add(map(d).get("kind") + "/" + map(map(d).get("metadata")).get("name"));
        }
      }
      Set<String> plain = kubernetesResources().stream().filter(r -> r.file.getParent().equals(dir))
          .map(r -> r.kind() + "/" + r.name()).collect(Collectors.toCollection(TreeSet::new));
      assertEquals(plain, rendered, dir + ": kustomize renders the same resources as the plain files");
    }
  }

  // ---- Azure Container Apps ----------------------------------------------------------------------

  @Test
  void containerAppYaml_scalesToZeroBehindHttpsWithProbes() {
    Map<String, Object> app = map(yamlFiles.get(DEPLOY.resolve("azure-container-apps/containerapp.yaml")).get(0));
    assertEquals("Microsoft.App/containerApps", app.get("type"));
    assertEquals("UserAssigned", map(app.get("identity")).get("type"), "a user-assigned managed identity");
    Map<String, Object> props = map(app.get("properties"));
    Map<String, Object> ingress = map(map(props.get("configuration")).get("ingress"));
    assertEquals(Boolean.TRUE, ingress.get("external"), "ingress.external");
    assertEquals(httpPort, ingress.get("targetPort"), "ingress.targetPort");
    assertEquals("http", ingress.get("transport"), "ingress.transport");
    assertEquals(Boolean.FALSE, ingress.get("allowInsecure"), "ingress.allowInsecure");
    Map<String, Object> scale = map(map(props.get("template")).get("scale"));
    assertEquals(0, scale.get("minReplicas"), "scale to zero");
    assertTrue((Integer) scale.get("maxReplicas") >= 1, "maxReplicas");
    assertTrue(list(scale.get("rules")).stream().anyMatch(r -> map(r).get("http") != null), "an HTTP scale rule");
    List<Map<String, Object>> containers = acaContainers();
    assertEquals(1, containers.size());
    Map<String, Object> c = containers.get(0);
    assertEquals(0.25, ((Number) map(c.get("resources")).get("cpu")).doubleValue(), "cpu");
    assertEquals("0.5Gi", map(c.get("resources")).get("memory"), "memory");
    Map<String, String> env = env(c);
    assertEquals("azure", env.get("BERTH_STORAGE_DRIVER"));
    assertEquals("default-credential", env.get("BERTH_STORAGE_AZURE_AUTH"));
    assertNotNull(env.get("BERTH_STORAGE_AZURE_ACCOUNT_NAME"));
    assertNotNull(env.get("BERTH_STORAGE_AZURE_MANAGED_IDENTITY_CLIENT_ID"), "the user-assigned identity's client id");
    int port = expectedPort(env);
    Set<String> kinds = new TreeSet<>();
    for (Object o : list(c.get("probes"))) {
      Map<String, Object> probe = map(o);
      String kind = str(probe.get("type")).toLowerCase(Locale.ROOT);
      kinds.add(kind);
      assertEquals(PROBE_PATHS.get(kind), map(probe.get("httpGet")).get("path"), kind + " probe path");
      assertEquals(port, map(probe.get("httpGet")).get("port"), kind + " probe port");
      checkProbeTimings("containerapp.yaml " + kind, probe);
      // Container Apps accepts 1..10.
      assertTrue(intOf(probe.get("failureThreshold"), 3) <= 10, kind + ": failureThreshold at most 10");
    }
    assertEquals(PROBE_PATHS.keySet(), kinds, "startup, readiness and liveness probes");
  }

  @Test
  void containerAppBicep_grantsBlobDataContributorAndScalesToZero() throws IOException {
    String b = bicep();
    // The role assignment, on the storage account, for the app's identity.
    Matcher ra = Pattern.compile("resource \\w+ 'Microsoft\\.Authorization/roleAssignments@[^']+' = \\{(.*?)\\n\\}", Pattern.DOTALL)
        .matcher(b);
    boolean granted = false;
    while (ra.find()) {
      String body = ra.group(1);
      if (body.contains("storageBlobDataContributorRoleId") && body.contains("scope: storage")
          && body.contains("principalId: identity.properties.principalId")) {
        granted = true;
      }
    }
    assertTrue(granted, "a roleAssignments resource granting the identity Storage Blob Data Contributor on the storage account");
    assertTrue(b.contains("var storageBlobDataContributorRoleId = '" + BLOB_DATA_CONTRIBUTOR + "'"), "the role's id");
    assertTrue(b.contains("allowBlobPublicAccess: false"), "allowBlobPublicAccess: false");
    assertTrue(b.contains("minimumTlsVersion: 'TLS1_2'"), "minimumTlsVersion: 'TLS1_2'");
    assertTrue(b.contains("publicAccess: 'None'"), "a private blob container");
    assertTrue(b.contains("type: 'UserAssigned'"), "a user-assigned identity");
    assertTrue(b.contains("param minReplicas int = 0") && b.contains("minReplicas: minReplicas"), "scale to zero");
    assertTrue(b.contains("external: true") && b.contains("transport: 'http'") && b.contains("allowInsecure: false"),
        "external HTTPS-only ingress");
    assertTrue(b.contains("cpu: json('0.25')") && b.contains("memory: '0.5Gi'"), "0.25 vCPU / 0.5Gi");
    assertTrue(Pattern.compile("http: \\{\\s*metadata: \\{\\s*concurrentRequests:").matcher(b).find(), "an HTTP scale rule");
    assertTrue(Pattern.compile("name: 'BERTH_STORAGE_AZURE_AUTH'\\s*\\n\\s*value: 'default-credential'").matcher(b).find(),
        "default-credential");
    assertTrue(b.contains("name: 'BERTH_STORAGE_AZURE_MANAGED_IDENTITY_CLIENT_ID'"), "the identity's client id");

    // The port: a literal or `berthPort`, which must equal quarkus.http.port.
    Matcher var = Pattern.compile("var berthPort = (\\d+)").matcher(b);
    assertTrue(var.find(), "var berthPort");
    assertEquals(httpPort, Integer.parseInt(var.group(1)), "berthPort = quarkus.http.port");
    assertTrue(b.contains("targetPort: berthPort"), "ingress targetPort");
    Matcher probe = Pattern.compile("type: '(Startup|Readiness|Liveness)'\\s*\\n\\s*httpGet: \\{\\s*path: '([^']+)'\\s*port: (\\w+)")
        .matcher(b);
    Set<String> kinds = new TreeSet<>();
    while (probe.find()) {
      String kind = probe.group(1).toLowerCase(Locale.ROOT);
      kinds.add(kind);
      assertEquals(PROBE_PATHS.get(kind), probe.group(2), "main.bicep " + kind + " probe path");
      String port = probe.group(3);
      assertTrue(port.equals("berthPort") || port.equals(String.valueOf(httpPort)), "main.bicep " + kind + " probe port " + port);
    }
    assertEquals(PROBE_PATHS.keySet(), kinds, "main.bicep: startup, readiness and liveness probes");

    String readme = Files.readString(DEPLOY.resolve("azure-container-apps/README.md"));
    for (String expected : List.of("az deployment group create", "main.bicep", "az containerapp create", "--yaml",
        BLOB_DATA_CONTRIBUTOR, "docker push")) {
      assertTrue(readme.contains(expected), "azure-container-apps/README.md mentions " + expected);
    }
  }

  // ---- compose ---------------------------------------------------------------------------------

  @Test
  void compose_publishesBerthOnLoopbackWithAHealthCheck() {
    Map<String, Object> services = map(composeFile().get("services"));
    for (String s : List.of("berth", "berth-fs")) {
      Map<String, Object> svc = map(services.get(s));
      int port = expectedPort(environment(svc));
      assertEquals(List.of("127.0.0.1:" + httpPort + ":" + port), list(svc.get("ports")), s + ": ports");
      Map<String, Object> hc = map(svc.get("healthcheck"));
      assertNotNull(hc, s + ": healthcheck");
      String test = list(hc.get("test")).stream().map(String::valueOf).collect(Collectors.joining(" "));
      assertTrue(test.contains("/dev/tcp/127.0.0.1/" + port + " ") && test.contains("GET /q/health/ready "),
          s + ": healthcheck asks /q/health/ready on port " + port + ": " + test);
      assertEquals(Boolean.TRUE, svc.get("read_only"), s + ": read_only");
      assertEquals(List.of("ALL"), list(svc.get("cap_drop")), s + ": cap_drop");
    }
    Map<String, Object> azurite = map(services.get("azurite"));
    List<String> command = list(azurite.get("command")).stream().map(String::valueOf).toList();
    assertEquals("azurite-blob", command.get(0));
    for (String arg : List.of("--blobHost", "0.0.0.0", "--loose", "--skipApiVersionCheck", "--disableTelemetry")) {
      assertTrue(command.contains(arg), "azurite command has " + arg);
    }
    assertTrue(str(azurite.get("image")).startsWith("mcr.microsoft.com/azure-storage/azurite"), "azurite image");
    assertTrue(azurite.get("ports") == null, "Azurite is not published on the host");

    Map<String, Object> berth = map(services.get("berth"));
    Map<String, String> env = environment(berth);
    assertEquals("azure", env.get("BERTH_STORAGE_DRIVER"));
    assertEquals("http://azurite:10000/devstoreaccount1", env.get("BERTH_STORAGE_AZURE_ENDPOINT"));
    assertEquals("devstoreaccount1", env.get("BERTH_STORAGE_AZURE_ACCOUNT_NAME"));
    assertEquals("service_healthy", str(map(map(berth.get("depends_on")).get("azurite")).get("condition")));

    Map<String, Object> fs = map(services.get("berth-fs"));
    assertEquals(List.of("filesystem"), list(fs.get("profiles")), "berth-fs is the filesystem profile");
    Map<String, String> fsEnv = environment(fs);
    assertEquals("filesystem", fsEnv.get("BERTH_STORAGE_DRIVER"));
    String root = fsEnv.get("BERTH_STORAGE_FILESYSTEM_ROOT");
    String volume = list(fs.get("volumes")).stream().map(String::valueOf).filter(v -> v.endsWith(":" + root)).findFirst()
        .orElseThrow(() -> new AssertionError("berth-fs mounts a volume at " + root));
    assertTrue(map(composeFile().get("volumes")).containsKey(volume.substring(0, volume.indexOf(':'))),
        "berth-fs's volume is a named volume");
  }

  // ---- helpers ---------------------------------------------------------------------------------

  /** One Kubernetes object, and the file it came from. */
  record K8s(Path file, Map<String, Object> doc) {
    String kind() {
      return str(doc.get("kind"));
    }

    String apiVersion() {
      return str(doc.get("apiVersion"));
    }

    String name() {
      return str(map(doc.get("metadata")).get("name"));
    }

    @Override
    public String toString() {
      return file + " " + kind() + "/" + name();
    }
  }

  private static List<K8s> kubernetesResources() {
    List<K8s> out = new ArrayList<>();
    yamlFiles.forEach((f, docs) -> {
      if (f.startsWith(DEPLOY.resolve("kubernetes"))) {
        for (Object d : docs) {
          Map<String, Object> m = map(d);
          if (m.containsKey("apiVersion") && m.containsKey("kind") && !"Kustomization".equals(m.get("kind"))) {
            assertNotNull(map(m.get("metadata")), f + ": metadata");
            out.add(new K8s(f, m));
          }
        }
      }
    });
    assertTrue(out.size() >= 10, "too few Kubernetes resources: " + out);
    return out;
  }

  private static List<Path> kubernetesDirectories() {
    List<Path> dirs = kubernetesResources().stream().map(r -> r.file.getParent()).distinct().sorted().toList();
    assertTrue(dirs.size() >= 3, "the azure, azure-workload-identity and filesystem variants: " + dirs);
    return dirs;
  }

  private static Map<String, Object> podSpec(K8s r) {
    Map<String, Object> spec = map(r.doc.get("spec"));
    return switch (r.kind()) {
      case "Pod" -> spec;
      case "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job" -> map(map(spec.get("template")).get("spec"));
      case "CronJob" -> map(map(map(map(spec.get("jobTemplate")).get("spec")).get("template")).get("spec"));
      default -> null;
    };
  }

  private static Map<String, String> podLabels(K8s r) {
    Map<String, Object> meta = r.kind().equals("Pod") ? map(r.doc.get("metadata"))
        : map(map(map(r.doc.get("spec")).get("template")).get("metadata"));
    Map<String, String> labels = new HashMap<>();
    map(meta.get("labels")).forEach((k, v) -> labels.put(k, str(v)));
    return labels;
  }

  private static boolean matches(Map<String, Object> selector, Map<String, String> labels) {
    return selector != null && !selector.isEmpty()
        && selector.entrySet().stream().allMatch(e -> str(e.getValue()).equals(labels.get(e.getKey())));
  }

  private static List<Map<String, Object>> containers(K8s r) {
    Map<String, Object> pod = podSpec(r);
    if (pod == null) {
      return List.of();
    }
    List<Map<String, Object>> out = new ArrayList<>();
    list(pod.get("initContainers")).forEach(c -> out.add(map(c)));
    list(pod.get("containers")).forEach(c -> out.add(map(c)));
    return out;
  }

  private static List<Map<String, Object>> acaContainers() {
    Map<String, Object> app = map(yamlFiles.get(DEPLOY.resolve("azure-container-apps/containerapp.yaml")).get(0));
    return list(map(map(app.get("properties")).get("template")).get("containers")).stream().map(DeployManifestsTest::map).toList();
  }

  private static Map<String, Object> composeFile() {
    return map(yamlFiles.get(DEPLOY.resolve("compose/compose.yaml")).get(0));
  }

  private static String bicep() throws IOException {
    return Files.readString(DEPLOY.resolve("azure-container-apps/main.bicep"));
  }

  /** Literal environment values of a Kubernetes or Container Apps container. */
  private static Map<String, String> env(Map<String, Object> container) {
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
  private static Map<String, String> environment(Map<String, Object> service) {
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
  private static int expectedPort(Map<String, String> env) {
    String override = env.get("QUARKUS_HTTP_PORT");
    return override != null ? Integer.parseInt(override.trim()) : httpPort;
  }

  private static Map<String, Integer> containerPorts(Map<String, Object> c) {
    Map<String, Integer> ports = new HashMap<>();
    for (Object p : list(c.get("ports"))) {
      Map<String, Object> m = map(p);
      ports.put(m.containsKey("name") ? str(m.get("name")) : "#" + m.get("containerPort"), (Integer) m.get("containerPort"));
    }
    return ports;
  }

  /** A probe's or Service's port: a number, or the name of one of the container's ports. */
  private static int resolvePort(Map<String, Object> container, Object port) {
    if (port instanceof Integer i) {
      return i;
    }
    Integer named = containerPorts(container).get(str(port));
    if (named == null) {
      fail("port " + port + " is not a named port of container " + container.get("name"));
    }
    return named;
  }

  private static void checkProbeTimings(String where, Map<String, Object> probe) {
    int period = intOf(probe.get("periodSeconds"), 10);
    int timeout = intOf(probe.get("timeoutSeconds"), 1);
    assertTrue(timeout <= period, where + ": timeoutSeconds <= periodSeconds");
    assertTrue(intOf(probe.get("failureThreshold"), 3) >= 2 || where.endsWith("startup"),
        where + ": one slow answer must not fail the probe");
  }

  private static int intOf(Object o, int dflt) {
    return o == null ? dflt : (Integer) o;
  }

  private static void collectPropertyTypes(String prefix, Class<?> type, Map<String, Class<?>> out) {
    for (Method m : type.getDeclaredMethods()) {
      if (m.getParameterCount() != 0 || m.isDefault() || Modifier.isStatic(m.getModifiers())) {
        continue;
      }
      String name = prefix + "." + m.getName().replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
      Class<?> r = m.getReturnType();
      if (r.isInterface() && r.getEnclosingClass() == BerthConfig.class) {
        collectPropertyTypes(name, r, out);
      } else if (r == Optional.class && m.getGenericReturnType() instanceof ParameterizedType p
          && p.getActualTypeArguments()[0] instanceof Class<?> c) {
        out.put(name, c);
      } else {
        out.put(name, r);
      }
    }
  }

  /** berth.storage.azure.account-name -> BERTH_STORAGE_AZURE_ACCOUNT_NAME (MicroProfile Config's rule). */
  private static String envName(String property) {
    return property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
  }

  private static boolean onPath(String command) {
    String path = System.getenv("PATH");
    return path != null && Arrays.stream(path.split(java.io.File.pathSeparator))
        .anyMatch(d -> Files.isExecutable(Path.of(d, command)));
  }

  private static Yaml yaml() {
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
  private static Map<String, Object> map(Object o) {
    if (o == null) {
      return null;
    }
    assertTrue(o instanceof Map, "expected a mapping, got " + o);
    return (Map<String, Object>) o;
  }

  private static List<Object> list(Object o) {
    if (o == null) {
      return List.of();
    }
    assertTrue(o instanceof List, "expected a list, got " + o);
    @SuppressWarnings("unchecked")
    List<Object> l = (List<Object>) o;
    return l;
  }

  private static String str(Object o) {
    return o == null ? null : String.valueOf(o);
  }
}
