package dev.berth.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * The registry's health endpoints and error bodies as an operator and a client read them, for
 * tests of a registry whose storage is in trouble; and what its log may hold meanwhile.
 */
final class Probes {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Probes() {}

  /** One answer of a health endpoint. */
  record Probe(int status, JsonNode body) {
    /** The {@code reason} of the named check, or null when it has none. */
    String reason(String check) {
      for (JsonNode c : body.path("checks")) {
        if (check.equals(c.path("name").asText())) {
          JsonNode r = c.path("data").path("reason");
          return r.isTextual() ? r.asText() : null;
        }
      }
      return null;
    }

    /** The reason of the named check, which must be DOWN with a one-line reason. */
    String downReason(String check) {
      String r = reason(check);
      assertNotNull(r, "no reason for " + check + " in " + body);
      assertOneLine(r);
      return r;
    }
  }

  static Probe get(RegistryProcess reg, String path) throws IOException, InterruptedException {
    HttpResponse<byte[]> r = new RegistryClient(reg.url()).send("GET", path, null);
    return new Probe(r.statusCode(), JSON.readTree(r.body()));
  }

  /** Polls a health endpoint until it answers {@code status}; fails with the last answer and the log. */
  static Probe await(RegistryProcess reg, String path, int status, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    Probe p = get(reg, path);
    while (p.status() != status && System.nanoTime() < deadline) {
      Thread.sleep(250);
      p = get(reg, path);
    }
    if (p.status() != status) {
      fail(path + " did not answer " + status + " within " + timeout + ": " + p.status() + " " + p.body() + "\n" + reg.log());
    }
    return p;
  }

  /** The one error of a registry error body: {@code {"errors":[{"code","message","detail"}]}}. */
  static JsonNode error(HttpResponse<byte[]> r) throws IOException {
    JsonNode errors = JSON.readTree(r.body()).path("errors");
    assertEquals(1, errors.size(), new String(r.body(), StandardCharsets.UTF_8));
    return errors.get(0);
  }

  /** Asserts a 503 UNAVAILABLE whose detail is {@code reason}. */
  static void assertUnavailable(HttpResponse<byte[]> r, String reason) throws IOException {
    String body = new String(r.body(), StandardCharsets.UTF_8);
    assertEquals(503, r.statusCode(), body);
    JsonNode e = error(r);
    assertEquals("UNAVAILABLE", e.path("code").asText(), body);
    assertEquals(reason, e.path("detail").asText(), body);
  }

  static void assertOneLine(String s) {
    assertFalse(s.isBlank(), "a blank reason");
    assertFalse(s.contains("\n") || s.contains("\r"), "more than one line: " + s);
    assertTrue(s.length() < 300, "not a one-line reason: " + s);
  }

  /**
   * Asserts the log has no stack trace, no line per probe and at most {@code maxWarnings} WARN and
   * ERROR lines: an outage is reported when it starts and ends, not on every probe or retry.
   */
  static void assertQuietLog(String log, int maxWarnings) {
    List<String> lines = log.lines().toList();
    assertTrue(lines.stream().noneMatch(l -> l.startsWith("\tat ") || l.startsWith("Caused by: ")), "a stack trace in the log:\n" + log);
    // SmallRye Health logs every DOWN answer (SRHCK01001): one line per probe while storage is down.
    assertTrue(lines.stream().noneMatch(l -> l.contains("SRHCK01001")), "a log line per DOWN probe:\n" + log);
    long warnings = lines.stream().filter(l -> l.contains(" WARN ") || l.contains(" ERROR ")).count();
    assertTrue(warnings <= maxWarnings, warnings + " WARN/ERROR lines, at most " + maxWarnings + " expected:\n" + log);
  }

  /** Asserts the process still runs {@code atLeast} after it started: storage trouble never ends it. */
  static void assertStillRunning(RegistryProcess reg, long startedNanos, Duration atLeast) throws Exception {
    long wait = startedNanos + atLeast.toNanos() - System.nanoTime();
    if (wait > 0) {
      Thread.sleep(wait / 1_000_000);
    }
    assertTrue(reg.process().isAlive(), "the registry exited:\n" + reg.log());
    assertEquals(200, get(reg, "/q/health/live").status(), "liveness");
  }
}
