package dev.telescope.logging;

import dev.telescope.settings.LogSettings;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import org.slf4j.event.Level;

/**
 * Where log lines go and which are kept: one level for the process, a floor for libraries that
 * chatter, and the line format, all swapped at once by {@link #configure}.
 */
public final class LogOutput {
  /**
   * Libraries whose routine chatter drowns the operator's own lines: they log at this level or
   * above whatever the process level is.
   */
  private static final Map<String, Level> FLOORS =
      Map.of(
          "io.fabric8.mockwebserver", Level.WARN,
          "okhttp3.mockwebserver", Level.WARN,
          "io.fabric8.kubernetes.client.server.mock", Level.WARN,
          "io.vertx", Level.WARN,
          "io.netty", Level.WARN,
          "io.fabric8.kubernetes.client.utils.internal.VersionUsageUtils", Level.ERROR);

  private record State(LogSettings settings, int threshold, LineFormat format, PrintStream out) {}

  /** Null: standard error as it is when a line is written (tests swap it with setErr). */
  private static volatile State state = state(initialSettings(), null);

  private LogOutput() {}

  /** Applies the settings from the flags; lines already written stay as they were. */
  public static void configure(LogSettings settings) {
    state = state(settings, state.out);
  }

  /** Sends lines to {@code out} (tests); {@code null} restores standard error. */
  public static void redirect(PrintStream out) {
    state = state(state.settings, out);
  }

  /** The settings in force. */
  public static LogSettings settings() {
    return state.settings;
  }

  static boolean enabled(String logger, Level level) {
    return level.toInt() >= threshold(logger, state.threshold);
  }

  static void write(String logger, Level level, String message, Throwable error) {
    State s = state;
    if (level.toInt() < threshold(logger, s.threshold)) {
      return;
    }
    PrintStream out = s.out == null ? System.err : s.out;
    out.print(s.format.line(System.currentTimeMillis(), level, logger, message, error));
  }

  private static int threshold(String logger, int base) {
    int t = base;
    for (Map.Entry<String, Level> floor : FLOORS.entrySet()) {
      if (logger.startsWith(floor.getKey())) {
        t = Math.max(t, floor.getValue().toInt());
      }
    }
    return t;
  }

  private static State state(LogSettings settings, PrintStream out) {
    return new State(settings, level(settings.level()).toInt(), new LineFormat(settings), out);
  }

  /** An slf4j level from trace, debug, info, warn or error. */
  static Level level(String name) {
    return Level.valueOf(name.trim().toUpperCase(Locale.ROOT));
  }

  /**
   * Until the flags are read (and in processes that never read them, such as the benchmarks'
   * helpers): the defaults, at the level {@code -Dtelescope.log.level} names, or slf4j-simple's
   * {@code -Dorg.slf4j.simpleLogger.defaultLogLevel} that older scripts pass.
   */
  private static LogSettings initialSettings() {
    String level = System.getProperty("telescope.log.level");
    if (level == null) {
      level = System.getProperty("org.slf4j.simpleLogger.defaultLogLevel");
    }
    try {
      return level == null
          ? LogSettings.DEFAULT
          : LogSettings.DEFAULT.withLevel(level(level).name().toLowerCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return LogSettings.DEFAULT;
    }
  }
}
