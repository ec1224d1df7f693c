package dev.berth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Dependencies point one way: {@code api → registry → storage}, drivers depend only on the
 * storage contract, nothing depends on {@code api}. An import scan of the main sources (comments
 * stripped, fully qualified names counted too), so a new package must be given its place here.
 */
class LayeringTest {
  private static final Path MAIN = Path.of("src/main/java");

  /** What each package may use besides itself (and the JDK and libraries). */
  private static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
      Map.entry("dev.berth.config", Set.of()),
      Map.entry("dev.berth.storage", Set.of()),
      Map.entry("dev.berth.storage.filesystem", Set.of("dev.berth.storage")),
      Map.entry("dev.berth.storage.azure", Set.of("dev.berth.storage")),
      Map.entry("dev.berth.storage.memory", Set.of("dev.berth.storage")),
      Map.entry("dev.berth.registry", Set.of("dev.berth.storage", "dev.berth.config")),
      Map.entry("dev.berth.health", Set.of("dev.berth.storage", "dev.berth.config")),
      // boot builds the configured driver: the one place that knows them all.
      Map.entry("dev.berth.boot", Set.of("dev.berth.config", "dev.berth.storage",
          "dev.berth.storage.filesystem", "dev.berth.storage.azure", "dev.berth.storage.memory")),
      Map.entry("dev.berth.auth", Set.of("dev.berth.registry", "dev.berth.storage", "dev.berth.config")),
      Map.entry("dev.berth.events", Set.of("dev.berth.registry", "dev.berth.storage", "dev.berth.config")),
      Map.entry("dev.berth.gc", Set.of("dev.berth.registry", "dev.berth.storage", "dev.berth.config")),
      // proxy publishes its cache fills as events (events uses neither proxy nor api).
      Map.entry("dev.berth.proxy", Set.of("dev.berth.registry", "dev.berth.storage", "dev.berth.config", "dev.berth.events")),
      // The commands of the binary (berth tokens, berth gc) use the capabilities, never the HTTP layer.
      Map.entry("dev.berth.cli", Set.of("dev.berth.config", "dev.berth.storage", "dev.berth.registry",
          "dev.berth.auth", "dev.berth.gc", "dev.berth.events")),
      // ui deletes as the API does (and publishes the same events); proxy: a cache's repositories can't be written.
      Map.entry("dev.berth.ui", Set.of("dev.berth.registry", "dev.berth.auth", "dev.berth.storage", "dev.berth.config",
          "dev.berth.events", "dev.berth.proxy")),
      Map.entry("dev.berth.api", Set.of("dev.berth.registry", "dev.berth.storage", "dev.berth.config",
          "dev.berth.auth", "dev.berth.events", "dev.berth.proxy")));

  private static final Pattern PACKAGE = Pattern.compile("(?m)^package\\s+([\\w.]+);");
  /** A reference to a Berth type: a lowercase package path followed by an uppercase type name. */
  private static final Pattern REFERENCE = Pattern.compile("\\b(dev\\.berth(?:\\.[a-z]\\w*)*)\\.[A-Z*]");
  private static final Pattern COMMENTS = Pattern.compile("(?s)/\\*.*?\\*/|//[^\\n]*");
  private static final Pattern STRINGS = Pattern.compile("\"(?:\\\\.|[^\"\\\\])*\"");

  @Test
  void dependenciesPointOneWay() throws IOException {
    List<String> violations = new ArrayList<>();
    Set<String> packages = new TreeSet<>();
    for (Path file : sources()) {
      String source = Files.readString(file);
      Matcher pm = PACKAGE.matcher(source);
      assertTrue(pm.find(), file + " has no package");
      String pkg = pm.group(1);
      packages.add(pkg);
      Set<String> allowed = ALLOWED.get(pkg);
      if (allowed == null) {
        violations.add(file + ": package " + pkg + " has no place in LayeringTest.ALLOWED");
        continue;
      }
      String code = STRINGS.matcher(COMMENTS.matcher(source).replaceAll(" ")).replaceAll("\"\"");
      Matcher m = REFERENCE.matcher(code);
      while (m.find()) {
        String used = m.group(1);
        if (!used.equals(pkg) && !allowed.contains(used)) {
          violations.add(file + ": " + pkg + " must not use " + used);
        }
      }
    }
    assertTrue(packages.contains("dev.berth.api") && packages.contains("dev.berth.storage"), "scanned " + packages);
    assertEquals(List.of(), violations.stream().distinct().toList());
  }

  @Test
  void nothingDependsOnApi() {
    ALLOWED.forEach((pkg, deps) -> assertTrue(!deps.contains("dev.berth.api"), pkg + " may not use api"));
  }

  private static List<Path> sources() {
    try (Stream<Path> s = Files.walk(MAIN)) {
      return s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
