package dev.berth.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs an external command (a real registry client) with a timeout, capturing stdout and stderr.
 * A command that outlives its timeout is killed with its whole process tree, so CI cannot hang.
 * Output goes to temp files rather than pipes, so a chatty client can never block on a full pipe.
 */
final class Cmd {
  /** The longest any single client command may take. */
  static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);

  private final List<String> command;
  private final Map<String, String> env = new LinkedHashMap<>();
  private Duration timeout = DEFAULT_TIMEOUT;
  private Path dir;
  private byte[] stdin;

  private Cmd(List<String> command) {
    this.command = List.copyOf(command);
  }

  static Cmd of(String... command) {
    return new Cmd(List.of(command));
  }

  static Cmd of(List<String> command) {
    return new Cmd(command);
  }

  Cmd env(String name, String value) {
    env.put(name, value);
    return this;
  }

  Cmd env(Map<String, String> vars) {
    env.putAll(vars);
    return this;
  }

  Cmd dir(Path dir) {
    this.dir = dir;
    return this;
  }

  Cmd timeout(Duration timeout) {
    this.timeout = timeout;
    return this;
  }

  Cmd stdin(byte[] input) {
    this.stdin = input.clone();
    return this;
  }

  /** What a finished command did. */
  record Result(List<String> command, int exitCode, byte[] stdoutBytes, String stderr) {
    String stdout() {
      return new String(stdoutBytes, StandardCharsets.UTF_8);
    }

    boolean succeeded() {
      return exitCode == 0;
    }

    /** The command line, its exit code and its output, for failure messages. */
    String describe() {
      return "$ " + String.join(" ", command) + "\nexit code " + exitCode
          + "\n--- stdout ---\n" + clip(stdout()) + "\n--- stderr ---\n" + clip(stderr);
    }

    private static String clip(String s) {
      return s.length() <= 20_000 ? s : s.substring(0, 4_000) + "\n[...]\n" + s.substring(s.length() - 16_000);
    }
  }

  /** Runs the command and fails the test unless it exits with 0. */
  Result ok() {
    Result r = run();
    if (!r.succeeded()) {
      fail("command failed:\n" + r.describe());
    }
    return r;
  }

  /** Runs the command and fails the test if it exits with 0 (for commands that must be refused). */
  Result fails() {
    Result r = run();
    if (r.succeeded()) {
      fail("command should have failed but succeeded:\n" + r.describe());
    }
    return r;
  }

  /** Runs the command, whatever its exit code; fails the test only when it times out or cannot start. */
  Result run() {
    Path out = null;
    Path err = null;
    Path in = null;
    try {
      out = Files.createTempFile("berth-cmd-", ".out");
      err = Files.createTempFile("berth-cmd-", ".err");
      ProcessBuilder pb = new ProcessBuilder(command)
          .redirectOutput(out.toFile())
          .redirectError(err.toFile());
      if (stdin != null) {
        in = Files.createTempFile("berth-cmd-", ".in");
        Files.write(in, stdin);
        pb.redirectInput(in.toFile());
      } else {
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      }
      if (dir != null) {
        pb.directory(dir.toFile());
      }
      pb.environment().putAll(env);
      long started = System.nanoTime();
      Process p;
      try {
        p = pb.start();
      } catch (IOException e) {
        return fail("could not run " + String.join(" ", command) + ": " + e.getMessage());
      }
      boolean finished;
      try {
        finished = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        // the test timed out (JUnit interrupts it): take the client down with it
        killTree(p.toHandle());
        throw e;
      }
      if (!finished) {
        killTree(p.toHandle());
        p.waitFor(10, TimeUnit.SECONDS);
        Result partial = new Result(command, -1, Files.readAllBytes(out), Files.readString(err));
        return fail("command timed out after " + timeout.toSeconds() + "s and was killed:\n" + partial.describe());
      }
      Result r = new Result(command, p.exitValue(), Files.readAllBytes(out), Files.readString(err));
      System.out.printf("[cmd] %s -> %d (%d ms)%n", String.join(" ", command), r.exitCode(),
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
      return r;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return fail("interrupted while running " + String.join(" ", command));
    } finally {
      deleteQuietly(out);
      deleteQuietly(err);
      deleteQuietly(in);
    }
  }

  /** Kills a process and everything it started, children first, each by its own pid. */
  static void killTree(ProcessHandle root) {
    List<ProcessHandle> all = new ArrayList<>(root.descendants().toList());
    all.add(root);
    for (ProcessHandle h : all) {
      h.destroyForcibly();
    }
  }

  private static void deleteQuietly(Path p) {
    if (p != null) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException ignored) {
        // a temp file; nothing else depends on it
      }
    }
  }

  /** Where an executable is on PATH (and the sbin directories, where dockerd lives), if anywhere. */
  static Optional<Path> which(String tool) {
    List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
    dirs.addAll(List.of("/usr/local/sbin", "/usr/sbin", "/sbin"));
    for (String d : dirs) {
      if (d.isEmpty()) {
        continue;
      }
      Path p = Path.of(d, tool);
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /**
   * The path of a tool a test cannot do without. A missing tool fails the test loudly (never a
   * skip), naming the Debian package that brings it, as .ci/run installs it.
   */
  static String require(String tool, String debianPackage) {
    return which(tool).map(Path::toString).orElseGet(() -> fail(
        "required tool '" + tool + "' is not installed (PATH=" + System.getenv("PATH") + "): "
            + "install it with 'apt-get install -y " + debianPackage + "' (.ci/run does this on CI)"));
  }

  /** The first line a tool prints about its version, for the test log. */
  static String version(String... command) {
    Result r = of(command).timeout(Duration.ofSeconds(60)).run();
    String text = (r.stdout() + "\n" + r.stderr()).strip();
    int nl = text.indexOf('\n');
    return nl < 0 ? text : text.substring(0, nl);
  }
}
