package dev.berth.deploy;

import static dev.berth.deploy.DeployFiles.DEPLOY;
import static dev.berth.deploy.DeployFiles.PROBE_PATHS;
import static dev.berth.deploy.DeployFiles.acaContainers;
import static dev.berth.deploy.DeployFiles.bicep;
import static dev.berth.deploy.DeployFiles.checkProbeTimings;
import static dev.berth.deploy.DeployFiles.containerApp;
import static dev.berth.deploy.DeployFiles.env;
import static dev.berth.deploy.DeployFiles.expectedPort;
import static dev.berth.deploy.DeployFiles.httpPort;
import static dev.berth.deploy.DeployFiles.intOf;
import static dev.berth.deploy.DeployFiles.list;
import static dev.berth.deploy.DeployFiles.map;
import static dev.berth.deploy.DeployFiles.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Checks the Azure Container Apps spec under {@code deploy/azure-container-apps} (YAML and Bicep):
 * it scales to zero behind HTTPS, probes the health endpoints on Berth's port, and grants the app's
 * identity Storage Blob Data Contributor.
 */
class ContainerAppsTest {
  private static final String BLOB_DATA_CONTRIBUTOR = "ba92f5b4-2d11-453d-a403-e96b2c071f2c";

  @Test
  void containerAppYaml_scalesToZeroBehindHttpsWithProbes() {
    Map<String, Object> app = containerApp();
    assertEquals("Microsoft.App/containerApps", app.get("type"));
    assertEquals("UserAssigned", map(app.get("identity")).get("type"), "a user-assigned managed identity");
    Map<String, Object> props = map(app.get("properties"));
    Map<String, Object> ingress = map(map(props.get("configuration")).get("ingress"));
    assertEquals(Boolean.TRUE, ingress.get("external"), "ingress.external");
    assertEquals(httpPort(), ingress.get("targetPort"), "ingress.targetPort");
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
    assertEquals(httpPort(), Integer.parseInt(var.group(1)), "berthPort = quarkus.http.port");
    assertTrue(b.contains("targetPort: berthPort"), "ingress targetPort");
    Matcher probe = Pattern.compile("type: '(Startup|Readiness|Liveness)'\\s*\\n\\s*httpGet: \\{\\s*path: '([^']+)'\\s*port: (\\w+)")
        .matcher(b);
    Set<String> kinds = new TreeSet<>();
    while (probe.find()) {
      String kind = probe.group(1).toLowerCase(Locale.ROOT);
      kinds.add(kind);
      assertEquals(PROBE_PATHS.get(kind), probe.group(2), "main.bicep " + kind + " probe path");
      String port = probe.group(3);
      assertTrue(port.equals("berthPort") || port.equals(String.valueOf(httpPort())),
          "main.bicep " + kind + " probe port " + port);
    }
    assertEquals(PROBE_PATHS.keySet(), kinds, "main.bicep: startup, readiness and liveness probes");

    String readme = Files.readString(DEPLOY.resolve("azure-container-apps/README.md"));
    for (String expected : List.of("az deployment group create", "main.bicep", "az containerapp create", "--yaml",
        BLOB_DATA_CONTRIBUTOR, "docker push")) {
      assertTrue(readme.contains(expected), "azure-container-apps/README.md mentions " + expected);
    }
  }
}
