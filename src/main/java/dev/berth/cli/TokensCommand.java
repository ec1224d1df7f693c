package dev.berth.cli;

import dev.berth.auth.Grant;
import dev.berth.auth.Robot;
import dev.berth.auth.Robots;
import dev.berth.config.BerthConfig;
import jakarta.inject.Singleton;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code berth tokens create|list|revoke}: robot accounts, the same as the admin API
 * ({@code /v2/_berth/tokens}) but straight on the configured storage, so a first robot can be made
 * before any account exists. {@code create} prints the secret alone on stdout, for a script.
 */
@Singleton
public class TokensCommand implements Command {
  private static final String USAGE = """
      usage: berth tokens create --name <name> --repositories <pattern>[,...] --actions pull[,push,delete,catalog] [--expires P90D|<instant>]
             berth tokens list
             berth tokens revoke <id>""";

  private final Robots robots;
  private final boolean readOnly;

  public TokensCommand(Robots robots, BerthConfig config) {
    this.robots = robots;
    this.readOnly = config.readOnly();
  }

  @Override
  public String name() {
    return "tokens";
  }

  @Override
  public String summary() {
    return "create, list or revoke robot accounts (berth tokens --help)";
  }

  @Override
  public int run(List<String> args, PrintStream out, PrintStream err) {
    String verb = args.isEmpty() ? "" : args.get(0);
    if ((verb.equals("create") || verb.equals("revoke")) && readOnly) {
      err.println("berth tokens: this registry is read-only (berth.read-only)");
      return 1;
    }
    try {
      switch (verb) {
        case "create" -> {
          return create(args.subList(1, args.size()), out, err);
        }
        case "list" -> {
          list(out);
          return 0;
        }
        case "revoke" -> {
          if (args.size() != 2) {
            break;
          }
          if (!robots.revoke(args.get(1), "the command line")) {
            err.println("berth tokens: no robot account " + args.get(1));
            return 1;
          }
          err.println("revoked " + args.get(1));
          return 0;
        }
        default -> { }
      }
    } catch (IllegalArgumentException e) {
      err.println("berth tokens: " + e.getMessage());
      return 2;
    }
    err.println(USAGE);
    return 2;
  }

  private int create(List<String> args, PrintStream out, PrintStream err) {
    String name = null;
    String expires = null;
    List<String> repos = new ArrayList<>();
    List<String> actions = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String value = i + 1 < args.size() ? args.get(i + 1) : null;
      if (value == null) {
        throw new IllegalArgumentException(args.get(i) + " needs a value");
      }
      switch (args.get(i++)) {
        case "--name" -> name = value;
        case "--expires" -> expires = value;
        case "--repositories" -> repos.addAll(Arrays.asList(value.split(",")));
        case "--actions" -> actions.addAll(Arrays.asList(value.split(",")));
        default -> throw new IllegalArgumentException("unknown option " + args.get(i - 1));
      }
    }
    if (name == null) {
      throw new IllegalArgumentException("--name is required");
    }
    Grant grant = Robots.grant(repos, actions);
    Robots.Created c = robots.create(name, grant, Robots.expiry(expires, Instant.now()), "the command line");
    err.printf("robot %s (id %s) may %s on %s until %s; its secret (shown this once) follows%n", name,
        c.robot().id(), actions, repos, c.robot().expires());
    out.println(c.secret());
    return 0;
  }

  private void list(PrintStream out) {
    out.printf("%-16s  %-24s  %-20s  %-28s  %s%n", "ID", "NAME", "EXPIRES", "ACTIONS", "REPOSITORIES");
    Instant now = Instant.now();
    for (Robot r : robots.list()) {
      out.printf("%-16s  %-24s  %-20s  %-28s  %s%n", r.id(), r.name(), r.expired(now) ? "expired" : r.expires(),
          String.join(",", r.actionNames()), String.join(",", r.grant().repositories().stream().map(Object::toString).toList()));
    }
  }
}
