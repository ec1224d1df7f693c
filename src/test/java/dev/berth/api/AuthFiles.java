package dev.berth.api;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * An htpasswd file written by Debian's real {@code htpasswd -B} and a rules file, in a temp
 * directory deleted when the test JVM exits: what an operator puts beside Berth.
 */
final class AuthFiles {
  static final String RULES = """
      admins: ["user:admin"]
      groups:
        ci: [builder]
      rules:
        - subjects: [anonymous]
          repositories: ["public/**"]
          actions: [pull]
        - subjects: ["user:alice", "group:ci"]
          repositories: ["team-a/**"]
          actions: [pull, push, delete]
        - subjects: ["user:bob"]
          repositories: ["team-a/**"]
          actions: [pull]
        - subjects: [authenticated]
          actions: [catalog]
        - subjects: ["robot:extra"]
          repositories: ["extra/**"]
          actions: [pull]
        - subjects: ["user:admin"]
          repositories: ["**"]
          actions: [pull, push, delete, catalog]
      """;

  final Path dir;
  final Path htpasswd;
  final Path rules;

  private AuthFiles(Path dir) {
    this.dir = dir;
    this.htpasswd = dir.resolve("htpasswd");
    this.rules = dir.resolve("rules.yaml");
  }

  /** alice, bob, builder and admin, each with the password {@code <name>-pw}. */
  static AuthFiles create() {
    try {
      AuthFiles f = new AuthFiles(Files.createTempDirectory("berth-auth"));
      Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(f.dir)));
      List<String> lines = new ArrayList<>();
      for (String user : List.of("alice", "bob", "builder", "admin")) {
        lines.add(entry(user, user + "-pw"));
      }
      Files.writeString(f.htpasswd, String.join("\n", lines) + "\n");
      Files.writeString(f.rules, CiIssuers.issuersYaml(f.dir) + RULES + CiIssuers.RULES);
      return f;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One bcrypt line from {@code htpasswd -nbB} (cost 5: tests sign in many times). */
  static String entry(String user, String password) {
    try {
      Process p = new ProcessBuilder("htpasswd", "-nbB", "-C", "5", user, password).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (p.waitFor() != 0 || out.isEmpty()) {
        throw new IllegalStateException("htpasswd failed (is apache2-utils installed?)");
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> s = Files.walk(root)) {
      s.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
    } catch (IOException e) {
      // best effort, at exit
    }
  }
}
