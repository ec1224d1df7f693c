package dev.berth.api;

import static dev.berth.api.ApiTestSupport.api;

import java.util.ArrayList;
import java.util.List;

/** One read of {@code /q/metrics} (Prometheus text format), with lookups of one series' value. */
record MetricsScrape(String text) {

  /** Scrapes without credentials, as Prometheus does. */
  static MetricsScrape now() {
    return new MetricsScrape(api().get("/q/metrics").then().statusCode(200).extract().asString());
  }

  /** The lines of a series {@code name} that carry every {@code label="value"} given (pairs). */
  List<String> lines(String name, String... labels) {
    List<String> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (!line.startsWith(name + "{") && !line.startsWith(name + " ")) {
        continue;
      }
      boolean all = true;
      for (int i = 0; i < labels.length; i += 2) {
        all &= line.contains(labels[i] + "=\"" + labels[i + 1] + "\"");
      }
      if (all) {
        out.add(line);
      }
    }
    return out;
  }

  /** The sum of the matching series' values; 0 when there is none. */
  double value(String name, String... labels) {
    return lines(name, labels).stream().mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }

  /** How much a series grew since {@code before}. */
  double delta(MetricsScrape before, String name, String... labels) {
    return value(name, labels) - before.value(name, labels);
  }
}
