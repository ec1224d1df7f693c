package dev.berth.deploy;

import static dev.berth.deploy.DeployFiles.list;
import static dev.berth.deploy.DeployFiles.map;
import static dev.berth.deploy.DeployFiles.yaml;
import static dev.berth.deploy.DeployFiles.yamlFiles;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Checks each Kubernetes variant's Kustomization: it applies the same files as {@code kubectl apply
 * -f}, and (where kubectl is installed; used offline) renders the same resources.
 */
class KustomizationsTest {

  @Test
  void kustomizations_listExactlyTheManifestsOfTheirDirectory() throws IOException {
    for (Path dir : K8s.directories()) {
      Path k = dir.resolve("Kustomization");
      assertTrue(yamlFiles().containsKey(k), dir + ": Kustomization (no .yaml extension: `kubectl apply -f` skips it)");
      assertFalse(Files.exists(dir.resolve("kustomization.yaml")), dir + ": kustomization.yaml breaks `kubectl apply -f`");
      Set<String> listed = list(map(yamlFiles().get(k).get(0)).get("resources")).stream().map(String::valueOf)
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
    for (Path dir : K8s.directories()) {
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
      Set<String> plain = K8s.inDirectory(dir).stream()
          .map(r -> r.kind() + "/" + r.name()).collect(Collectors.toCollection(TreeSet::new));
      assertEquals(plain, rendered, dir + ": kustomize renders the same resources as the plain files");
    }
  }

  private static boolean onPath(String command) {
    String path = System.getenv("PATH");
    return path != null && Arrays.stream(path.split(File.pathSeparator))
        .anyMatch(d -> Files.isExecutable(Path.of(d, command)));
  }
}
