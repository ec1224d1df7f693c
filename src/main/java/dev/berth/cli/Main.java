package dev.berth.cli;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.Comparator;
import java.util.List;

/**
 * The entry point of the jar and the native executable. No arguments (or {@code serve}): the
 * registry. Otherwise a {@link Command} ({@code berth tokens create ...}, {@code berth gc}), which
 * runs against the configured storage and exits with its code.
 */
@QuarkusMain
public class Main implements QuarkusApplication {
  @Inject
  @Any
  Instance<Command> commands;

  public static void main(String... args) {
    if (args.length > 0 && !args[0].equals("serve")) {
      // A command must not take the registry's port (one may be running beside it) and keeps
      // stdout for its answer: no listener on a known port, logs on stderr, warnings only.
      System.setProperty("quarkus.http.host-enabled", "false");
      System.setProperty("quarkus.http.host", "127.0.0.1");
      System.setProperty("quarkus.http.ssl-port", "0");
      System.setProperty("quarkus.banner.enabled", "false");
      System.setProperty("quarkus.log.console.stderr", "true");
      System.setProperty("quarkus.log.level", "WARN");
    }
    Quarkus.run(Main.class, args);
  }

  @Override
  public int run(String... args) throws Exception {
    if (args.length == 0 || args[0].equals("serve")) {
      Quarkus.waitForExit();
      return 0;
    }
    for (Command c : commands) {
      if (c.name().equals(args[0])) {
        return c.run(List.of(args).subList(1, args.length), System.out, System.err);
      }
    }
    System.err.println("berth: unknown command '" + args[0] + "'. Usage:");
    System.err.println("  berth [serve]            run the registry");
    commands.stream().sorted(Comparator.comparing(Command::name))
        .forEach(c -> System.err.printf("  berth %-18s %s%n", c.name(), c.summary()));
    return 2;
  }
}
