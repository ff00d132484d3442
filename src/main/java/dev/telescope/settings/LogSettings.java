package dev.telescope.settings;

import java.util.List;
import java.util.Locale;

/**
 * How the process logs: a level and a format, from {@code --log-level}/{@code --log-format} or
 * upstream's {@code --zap-log-level}/{@code --zap-encoder}, plus the JSON key names and time
 * encoding upstream's {@code --zap-*-key}, {@code --zap-level-format} and {@code
 * --zap-time-encoding} choose.
 *
 * @param level trace, debug, info, warn or error
 * @param format text or json
 * @param timeEncoding iso8601, rfc3339, rfc3339nano, epoch, millis or nano (zap's names)
 * @param timeKey the JSON key of the time
 * @param levelKey the JSON key of the level
 * @param messageKey the JSON key of the message
 * @param upperCaseLevels levels written as {@code INFO} rather than {@code info}
 */
public record LogSettings(
    String level,
    String format,
    String timeEncoding,
    String timeKey,
    String levelKey,
    String messageKey,
    boolean upperCaseLevels) {

  /** The levels, most verbose first. */
  public static final List<String> LEVELS = List.of("trace", "debug", "info", "warn", "error");

  /** The formats. */
  public static final List<String> FORMATS = List.of("text", "json");

  /** zap's time encodings. */
  public static final List<String> TIME_ENCODINGS =
      List.of("iso8601", "rfc3339", "rfc3339nano", "epoch", "millis", "nano");

  /** The default level. */
  public static final String DEFAULT_LEVEL = "info";

  /** The default format. */
  public static final String DEFAULT_FORMAT = "text";

  /** The default time encoding: zap's ISO 8601 with milliseconds, in UTC. */
  public static final String DEFAULT_TIME_ENCODING = "iso8601";

  /** Upstream's default JSON key of the time ({@code --zap-time-key}). */
  public static final String DEFAULT_TIME_KEY = "timestamp";

  /** Upstream's default JSON key of the level ({@code --zap-level-key}). */
  public static final String DEFAULT_LEVEL_KEY = "level";

  /** Upstream's default JSON key of the message ({@code --zap-message-key}). */
  public static final String DEFAULT_MESSAGE_KEY = "message";

  /** Upstream's default level format ({@code --zap-level-format}). */
  public static final String DEFAULT_LEVEL_FORMAT = "uppercase";

  /** Info level, text format, upstream's JSON keys ({@code timestamp}, {@code level}, ...). */
  public static final LogSettings DEFAULT = new LogSettings(DEFAULT_LEVEL, DEFAULT_FORMAT);

  public LogSettings {
    level = oneOf(level, LEVELS, "--log-level");
    format = oneOf(format, FORMATS, "--log-format");
    timeEncoding = oneOf(timeEncoding, TIME_ENCODINGS, "--zap-time-encoding");
  }

  /** A level and a format with the default keys and time encoding. */
  public LogSettings(String level, String format) {
    this(
        level,
        format,
        DEFAULT_TIME_ENCODING,
        DEFAULT_TIME_KEY,
        DEFAULT_LEVEL_KEY,
        DEFAULT_MESSAGE_KEY,
        true);
  }

  /** The same settings at another level. */
  public LogSettings withLevel(String newLevel) {
    return new LogSettings(
        newLevel, format, timeEncoding, timeKey, levelKey, messageKey, upperCaseLevels);
  }

  /** Whether lines are JSON objects. */
  public boolean json() {
    return format.equals("json");
  }

  /**
   * Reads a zap level as upstream's {@code --zap-log-level} takes it: a name, or a number n > 0 for
   * zap's verbosity V(n), which is more verbose than debug from 2 on.
   */
  public static String fromZapLevel(String zap) {
    String v = zap.trim().toLowerCase(Locale.ROOT);
    switch (v) {
      case "debug", "info", "error":
        return v;
      case "warn", "warning":
        return "warn";
      case "dpanic", "panic", "fatal":
        return "error";
      default:
        try {
          int n = Integer.parseInt(v);
          if (n > 0) {
            return n == 1 ? "debug" : "trace";
          }
        } catch (NumberFormatException e) {
          // fall through to the error
        }
        throw new IllegalArgumentException(
            "--zap-log-level must be debug, info, error, panic or a number > 0, got '" + zap + "'");
    }
  }

  /** Reads zap's encoder name: {@code json} or {@code console} (our {@code text}). */
  public static String fromZapEncoder(String zap) {
    String v = zap.trim().toLowerCase(Locale.ROOT);
    if (v.equals("console")) {
      return "text";
    }
    if (v.equals("json")) {
      return "json";
    }
    throw new IllegalArgumentException("--zap-encoder must be json or console, got '" + zap + "'");
  }

  private static String oneOf(String value, List<String> allowed, String flag) {
    String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
    if (v.equals("warning")) {
      v = "warn";
    }
    if (!allowed.contains(v)) {
      throw new IllegalArgumentException(
          flag + " must be one of " + String.join(", ", allowed) + ", got '" + value + "'");
    }
    return v;
  }
}
