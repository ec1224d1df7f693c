package dev.berth.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** deploy/grafana/berth-dashboard.json parses and uses exactly the metrics README's "Metrics" table documents. */
class GrafanaDashboardTest {
  private static final Pattern USED = Pattern.compile("\\b(berth_[a-z_]+?)(?:_bucket|_count|_sum|_max)?\\{");
  private static final Pattern DOCUMENTED = Pattern.compile("(?m)^\\| `(berth_[a-z_]+)` \\|");

  @Test
  void dashboard_usesTheDocumentedMetrics() throws Exception {
    JsonNode d = new ObjectMapper().readTree(Files.readString(Path.of("deploy/grafana/berth-dashboard.json")));
    assertEquals("berth-registry", d.get("uid").asText());
    Set<String> used = new TreeSet<>();
    for (JsonNode panel : d.get("panels")) {
      assertFalse(panel.get("title").asText().isBlank());
      for (JsonNode t : panel.get("targets")) {
        Matcher m = USED.matcher(t.get("expr").asText());
        while (m.find()) {
          used.add(m.group(1));
        }
      }
    }
    String readme = Files.readString(Path.of("README.md"));
    String metrics = readme.substring(readme.indexOf("## Metrics"), readme.indexOf("\n## ", readme.indexOf("## Metrics") + 3));
    Set<String> documented = new TreeSet<>();
    Matcher m = DOCUMENTED.matcher(metrics);
    while (m.find()) {
      documented.add(m.group(1));
    }
    assertTrue(documented.size() >= 8, "README's Metrics table: " + documented);
    assertEquals(documented, used);
  }
}
