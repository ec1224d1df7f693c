package dev.berth.deploy;

import static dev.berth.deploy.DeployFiles.DEPLOY;
import static dev.berth.deploy.DeployFiles.bicep;
import static dev.berth.deploy.DeployFiles.composeFile;
import static dev.berth.deploy.DeployFiles.list;
import static dev.berth.deploy.DeployFiles.map;
import static dev.berth.deploy.DeployFiles.str;
import static dev.berth.deploy.DeployFiles.yamlFiles;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Checks the deployment files under {@code deploy/} as a whole: the expected files are there, every
 * YAML file parses, and every image reference is the one documented placeholder.
 */
class DeployLayoutTest {
  private static final String IMAGE = "ghcr.io/example/berth:0.1.0";

  @Test
  void everyYamlFile_parses() {
    assertTrue(yamlFiles().size() >= 15, "too few YAML files under deploy/: " + yamlFiles().keySet());
    for (String expected : List.of(
        "kubernetes/azure/deployment.yaml", "kubernetes/azure/service.yaml", "kubernetes/azure/Kustomization",
        "kubernetes/azure-workload-identity/deployment.yaml", "kubernetes/azure-workload-identity/serviceaccount.yaml",
        "kubernetes/filesystem/deployment.yaml", "kubernetes/filesystem/pvc.yaml",
        "azure-container-apps/containerapp.yaml", "compose/compose.yaml")) {
      assertTrue(yamlFiles().containsKey(DEPLOY.resolve(expected)), "missing deploy/" + expected);
    }
    yamlFiles().forEach((f, docs) -> {
      assertFalse(docs.isEmpty(), f + " has no YAML document");
      docs.forEach(d -> assertTrue(d instanceof Map, f + ": every document is a mapping"));
    });
    for (String readme : List.of("README.md", "kubernetes/README.md", "azure-container-apps/README.md")) {
      assertTrue(Files.isRegularFile(DEPLOY.resolve(readme)), "missing deploy/" + readme);
    }
  }

  @Test
  void everyImage_isTheDocumentedPlaceholder() throws IOException {
    for (K8s r : K8s.all()) {
      for (Map<String, Object> c : r.containers()) {
        assertEquals(IMAGE, c.get("image"), r + ": image");
      }
    }
    Map<String, Object> compose = composeFile();
    for (String s : List.of("berth", "berth-fs")) {
      String image = str(map(map(compose.get("services")).get(s)).get("image"));
      assertTrue(image.endsWith(":-" + IMAGE + "}") || image.equals(IMAGE), "compose " + s + " image: " + image);
    }
    assertTrue(bicep().contains("param image string = '" + IMAGE + "'"), "main.bicep's image parameter default");
    for (Path f : yamlFiles().keySet()) {
      if (f.getFileName().toString().equals("Kustomization")) {
        for (Object i : list(map(yamlFiles().get(f).get(0)).get("images"))) {
          assertEquals(IMAGE, map(i).get("name") + ":" + map(i).get("newTag"), f + ": images");
        }
      }
    }
  }
}
