package dev.berth.deploy;

import static dev.berth.deploy.DeployFiles.composeFile;
import static dev.berth.deploy.DeployFiles.environment;
import static dev.berth.deploy.DeployFiles.expectedPort;
import static dev.berth.deploy.DeployFiles.httpPort;
import static dev.berth.deploy.DeployFiles.list;
import static dev.berth.deploy.DeployFiles.map;
import static dev.berth.deploy.DeployFiles.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Checks {@code deploy/compose/compose.yaml}: Berth (on Azurite, or on a filesystem volume) is
 * published on loopback only, hardened, with a health check; Azurite stays inside the network.
 */
class ComposeTest {

  @Test
  void compose_publishesBerthOnLoopbackWithAHealthCheck() {
    Map<String, Object> services = map(composeFile().get("services"));
    for (String s : List.of("berth", "berth-fs")) {
      Map<String, Object> svc = map(services.get(s));
      int port = expectedPort(environment(svc));
      assertEquals(List.of("127.0.0.1:" + httpPort() + ":" + port), list(svc.get("ports")), s + ": ports");
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
}
