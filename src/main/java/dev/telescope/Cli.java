package dev.telescope;

import java.io.PrintStream;
import java.util.List;

/** The long-running commands; they are filled in as their capabilities land. */
final class Cli {
  /** Returned by commands whose servers keep running after {@code main} returns. */
  static final int KEEP_RUNNING = -1;

  private Cli() {}

  static int operator(List<String> args, PrintStream err) {
    err.println("the 'operator' command is not yet available in this build");
    return 3;
  }

  static int webhook(List<String> args, PrintStream err) {
    err.println("the 'webhook' command is not yet available in this build");
    return 3;
  }

  static int both(List<String> args, PrintStream err) {
    err.println("the 'run' command is not yet available in this build");
    return 3;
  }

  static int demo(List<String> args, PrintStream out, PrintStream err) {
    err.println("the 'demo' command is not yet available in this build");
    return 3;
  }
}
