package dev.telescope.settings;

/**
 * How the process logs: a level and a format, from {@code --log-level}/{@code --log-format} or
 * upstream's {@code --zap-log-level}/{@code --zap-encoder}.
 *
 * @param level trace, debug, info, warn or error
 * @param format text or json
 */
public record LogSettings(String level, String format) {
  /** Info level, text format. */
  public static final LogSettings DEFAULT = new LogSettings("info", "text");
}
