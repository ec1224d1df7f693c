package dev.berth.deploy;

import static dev.berth.deploy.DeployFiles.PROBE_PATHS;
import static dev.berth.deploy.DeployFiles.SECRET_PROPERTIES;
import static dev.berth.deploy.DeployFiles.checkProbeTimings;
import static dev.berth.deploy.DeployFiles.documentedVariables;
import static dev.berth.deploy.DeployFiles.env;
import static dev.berth.deploy.DeployFiles.expectedPort;
import static dev.berth.deploy.DeployFiles.intOf;
import static dev.berth.deploy.DeployFiles.list;
import static dev.berth.deploy.DeployFiles.map;
import static dev.berth.deploy.DeployFiles.str;
import static dev.berth.deploy.K8s.containerPorts;
import static dev.berth.deploy.K8s.matches;
import static dev.berth.deploy.K8s.resolvePort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Checks the Kubernetes manifests under {@code deploy/kubernetes}: probes ask the health endpoint
 * of their kind on the port Berth listens on; containers are hardened; Services reach that port;
 * each variant fits its storage driver.
 */
class KubernetesManifestsTest {

  @Test
  void kubernetesProbes_askTheirHealthEndpointOnTheHttpPort() {
    int containersSeen = 0;
    for (K8s r : K8s.all()) {
      if (r.kind().equals("CronJob") || r.kind().equals("Job")) {
        continue; // a command (berth gc): no listener to probe
      }
      for (Map<String, Object> c : r.containers()) {
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
    for (K8s r : K8s.all()) {
      Map<String, Object> pod = r.podSpec();
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
      for (Map<String, Object> c : r.containers()) {
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
    for (Path dir : K8s.directories()) {
      List<K8s> resources = K8s.inDirectory(dir);
      for (K8s svc : resources.stream().filter(r -> r.kind().equals("Service")).toList()) {
        seen++;
        Map<String, Object> selector = map(map(svc.doc().get("spec")).get("selector"));
        List<K8s> targets = resources.stream().filter(r -> r.podSpec() != null && matches(selector, r.podLabels())).toList();
        assertEquals(1, targets.size(), svc + ": selects exactly one workload of its directory");
        for (Object p : list(map(svc.doc().get("spec")).get("ports"))) {
          for (Map<String, Object> c : targets.get(0).containers()) {
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
    for (Path dir : K8s.directories()) {
      List<K8s> resources = K8s.inDirectory(dir);
      List<K8s> deployments = resources.stream().filter(r -> r.kind().equals("Deployment")).toList();
      assertEquals(1, deployments.size(), dir + ": one Deployment");
      K8s d = deployments.get(0);
      Map<String, Object> spec = map(d.doc().get("spec"));
      Map<String, Object> c = d.containers().get(0);
      Map<String, String> env = env(c);
      String driver = env.getOrDefault("BERTH_STORAGE_DRIVER", "filesystem");
      Map<String, Object> pod = d.podSpec();
      if (driver.equals("filesystem")) {
        // One process per data directory: a single replica, the old one gone before the new one.
        assertEquals(1, spec.get("replicas"), d + ": replicas");
        assertEquals("Recreate", str(map(spec.get("strategy")).get("type")), d + ": strategy");
        String root = env.get("BERTH_STORAGE_FILESYSTEM_ROOT");
        assertEquals("/data", root, d + ": BERTH_STORAGE_FILESYSTEM_ROOT");
        String volume = list(c.get("volumeMounts")).stream().map(DeployFiles::map)
            .filter(v -> root.equals(v.get("mountPath"))).map(v -> str(v.get("name"))).findFirst()
            .orElseThrow(() -> new AssertionError(d + ": nothing is mounted at " + root));
        Map<String, Object> claim = list(pod.get("volumes")).stream().map(DeployFiles::map)
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
      List<Map<String, Object>> envEntries = list(c.get("env")).stream().map(DeployFiles::map).toList();
      if ("default-credential".equals(auth)) {
        // Workload identity: labelled pods running as an annotated ServiceAccount.
        assertEquals("true", d.podLabels().get("azure.workload.identity/use"), d + ": workload identity label");
        String sa = str(pod.get("serviceAccountName"));
        K8s account = resources.stream().filter(r -> r.kind().equals("ServiceAccount") && r.name().equals(sa)).findFirst()
            .orElseThrow(() -> new AssertionError(d + ": ServiceAccount " + sa + " is defined beside it"));
        assertNotNull(map(map(account.doc().get("metadata")).get("annotations")).get("azure.workload.identity/client-id"),
            account + ": azure.workload.identity/client-id");
        assertNotNull(env.get("BERTH_STORAGE_AZURE_ACCOUNT_NAME"), d + ": BERTH_STORAGE_AZURE_ACCOUNT_NAME");
      } else {
        // A credential from a Secret.
        assertTrue(envEntries.stream().anyMatch(e -> e.get("valueFrom") != null
                && SECRET_PROPERTIES.contains(documentedVariables().getOrDefault(str(e.get("name")), ""))
                && map(map(e.get("valueFrom")).get("secretKeyRef")) != null),
            d + ": takes a storage credential from a Secret");
      }
      for (K8s hpa : resources.stream().filter(r -> r.kind().equals("HorizontalPodAutoscaler")).toList()) {
        assertEquals("autoscaling/v2", hpa.apiVersion(), hpa + ": apiVersion");
        Map<String, Object> hs = map(hpa.doc().get("spec"));
        assertEquals(d.name(), map(hs.get("scaleTargetRef")).get("name"), hpa + ": scaleTargetRef");
        assertTrue((Integer) hs.get("minReplicas") >= 2 && (Integer) hs.get("maxReplicas") >= (Integer) hs.get("minReplicas"),
            hpa + ": replica range");
      }
      for (K8s pdb : resources.stream().filter(r -> r.kind().equals("PodDisruptionBudget")).toList()) {
        assertTrue(matches(map(map(map(pdb.doc().get("spec")).get("selector")).get("matchLabels")), d.podLabels()),
            pdb + ": selects the Deployment's pods");
      }
    }
  }
}
