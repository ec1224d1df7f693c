package dev.berth.deploy;

import static dev.berth.deploy.DeployFiles.DEPLOY;
import static dev.berth.deploy.DeployFiles.list;
import static dev.berth.deploy.DeployFiles.map;
import static dev.berth.deploy.DeployFiles.str;
import static dev.berth.deploy.DeployFiles.yamlFiles;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** One Kubernetes object, and the file it came from; with the helpers that walk its pods. */
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

  /** Every object under deploy/kubernetes, Kustomizations excepted. */
  static List<K8s> all() {
    List<K8s> out = new ArrayList<>();
    yamlFiles().forEach((f, docs) -> {
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

  /** The variants: one directory each. */
  static List<Path> directories() {
    List<Path> dirs = all().stream().map(r -> r.file.getParent()).distinct().sorted().toList();
    assertTrue(dirs.size() >= 3, "the azure, azure-workload-identity and filesystem variants: " + dirs);
    return dirs;
  }

  static List<K8s> inDirectory(Path dir) {
    return all().stream().filter(r -> r.file.getParent().equals(dir)).toList();
  }

  /** The pod template of a workload; null for anything else. */
  Map<String, Object> podSpec() {
    Map<String, Object> spec = map(doc.get("spec"));
    return switch (kind()) {
      case "Pod" -> spec;
      case "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job" -> map(map(spec.get("template")).get("spec"));
      case "CronJob" -> map(map(map(map(spec.get("jobTemplate")).get("spec")).get("template")).get("spec"));
      default -> null;
    };
  }

  Map<String, String> podLabels() {
    Map<String, Object> meta = kind().equals("Pod") ? map(doc.get("metadata"))
        : kind().equals("CronJob") ? map(map(map(map(map(doc.get("spec")).get("jobTemplate")).get("spec")).get("template")).get("metadata"))
        : map(map(map(doc.get("spec")).get("template")).get("metadata"));
    Map<String, String> labels = new HashMap<>();
    map(meta.get("labels")).forEach((k, v) -> labels.put(k, str(v)));
    return labels;
  }

  /** Init containers, then containers. */
  List<Map<String, Object>> containers() {
    Map<String, Object> pod = podSpec();
    if (pod == null) {
      return List.of();
    }
    List<Map<String, Object>> out = new ArrayList<>();
    list(pod.get("initContainers")).forEach(c -> out.add(map(c)));
    list(pod.get("containers")).forEach(c -> out.add(map(c)));
    return out;
  }

  static boolean matches(Map<String, Object> selector, Map<String, String> labels) {
    return selector != null && !selector.isEmpty()
        && selector.entrySet().stream().allMatch(e -> str(e.getValue()).equals(labels.get(e.getKey())));
  }

  static Map<String, Integer> containerPorts(Map<String, Object> c) {
    Map<String, Integer> ports = new HashMap<>();
    for (Object p : list(c.get("ports"))) {
      Map<String, Object> m = map(p);
      ports.put(m.containsKey("name") ? str(m.get("name")) : "#" + m.get("containerPort"), (Integer) m.get("containerPort"));
    }
    return ports;
  }

  /** A probe's or Service's port: a number, or the name of one of the container's ports. */
  static int resolvePort(Map<String, Object> container, Object port) {
    if (port instanceof Integer i) {
      return i;
    }
    Integer named = containerPorts(container).get(str(port));
    if (named == null) {
      fail("port " + port + " is not a named port of container " + container.get("name"));
    }
    return named;
  }
}
