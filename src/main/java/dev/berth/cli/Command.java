package dev.berth.cli;

import java.io.PrintStream;
import java.util.List;

/**
 * A one-shot command of the same binary ({@code berth <name> ...}), run with the registry's own
 * configuration and storage but without its HTTP listener. A bean: {@link Main} finds it by name.
 */
public interface Command {
  /** The first argument that selects this command. */
  String name();

  /** One line for the usage text. */
  String summary();

  /**
   * Runs with the arguments after the name; {@code out} is the command's answer (scripts read
   * it), {@code err} its messages. @return the exit code: 0 done, 1 failed, 2 wrong usage
   */
  int run(List<String> args, PrintStream out, PrintStream err) throws Exception;
}
