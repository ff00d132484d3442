package dev.telescope.logging;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.telescope.settings.LogSettings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.MDC;
import org.slf4j.event.Level;

/**
 * One event as one line: JSON with upstream's (zap's) keys, or text for people. The collector an
 * event is about comes from the MDC, where the JOSDK dispatcher puts {@code resource.namespace} and
 * {@code resource.name} around every reconcile; it is written as {@code namespace} and {@code
 * name}, as controller-runtime's reconcile loggers do.
 */
final class LineFormat {
  private static final DateTimeFormatter ISO8601 =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSX").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter RFC3339 =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssXXX").withZone(ZoneOffset.UTC);

  private static final JsonStringEncoder JSON_STRINGS = JsonStringEncoder.getInstance();

  private final LogSettings settings;

  LineFormat(LogSettings settings) {
    this.settings = settings;
  }

  String line(long millis, Level level, String logger, String message, Throwable error) {
    Map<String, String> context = context();
    return settings.json()
        ? json(millis, level, logger, message, error, context)
        : text(millis, level, logger, message, error, context);
  }

  private String json(
      long millis,
      Level level,
      String logger,
      String message,
      Throwable error,
      Map<String, String> context) {
    StringBuilder b = new StringBuilder(160).append('{');
    key(b, settings.timeKey());
    String time = time(millis);
    if (numericTime()) {
      b.append(time);
    } else {
      string(b, time);
    }
    b.append(',');
    key(b, settings.levelKey());
    string(b, levelName(level));
    b.append(',');
    key(b, "logger");
    string(b, logger);
    b.append(',');
    key(b, settings.messageKey());
    string(b, message);
    context.forEach(
        (k, v) -> {
          b.append(',');
          key(b, k);
          string(b, v);
        });
    if (error != null) {
      b.append(',');
      key(b, "error");
      string(b, String.valueOf(error));
      b.append(',');
      key(b, "stacktrace");
      string(b, stack(error));
    }
    return b.append("}\n").toString();
  }

  private String text(
      long millis,
      Level level,
      String logger,
      String message,
      Throwable error,
      Map<String, String> context) {
    StringBuilder b = new StringBuilder(128);
    b.append(time(millis)).append(' ');
    String lvl = levelName(level);
    b.append(lvl).append(" ".repeat(Math.max(1, 6 - lvl.length())));
    b.append(logger, logger.lastIndexOf('.') + 1, logger.length()).append(": ");
    String ns = context.get("namespace");
    String name = context.get("name");
    if (name != null) {
      b.append('[').append(ns == null ? "" : ns + "/").append(name).append("] ");
    }
    b.append(message).append('\n');
    if (error != null) {
      b.append(stack(error));
    }
    return b.toString();
  }

  /** The MDC as written: our own keys as they are, JOSDK's resource keys as namespace/name. */
  private static Map<String, String> context() {
    Map<String, String> mdc = MDC.getCopyOfContextMap();
    Map<String, String> out = new TreeMap<>();
    if (mdc == null || mdc.isEmpty()) {
      return out;
    }
    mdc.forEach(
        (k, v) -> {
          if (!k.startsWith("resource.") && v != null) {
            out.put(k, v);
          }
        });
    String ns = mdc.get("resource.namespace");
    if (ns != null && !ns.equals("no namespace")) {
      out.putIfAbsent("namespace", ns);
    }
    String name = mdc.get("resource.name");
    if (name != null) {
      out.putIfAbsent("name", name);
    }
    return out;
  }

  private String levelName(Level level) {
    String n = level.name();
    return settings.upperCaseLevels() ? n : n.toLowerCase(Locale.ROOT);
  }

  private boolean numericTime() {
    return switch (settings.timeEncoding()) {
      case "epoch", "millis", "nano" -> true;
      default -> false;
    };
  }

  /** The time as zap's encoders write it. */
  private String time(long millis) {
    Instant t = Instant.ofEpochMilli(millis);
    return switch (settings.timeEncoding()) {
      case "epoch" -> BigDecimal.valueOf(millis, 3).toPlainString();
      case "millis" -> Long.toString(millis);
      case "nano" -> Long.toString(millis * 1_000_000L);
      case "rfc3339" -> RFC3339.format(t);
      case "rfc3339nano" -> DateTimeFormatter.ISO_INSTANT.format(t);
      default -> ISO8601.format(t);
    };
  }

  private static String stack(Throwable error) {
    StringWriter w = new StringWriter();
    error.printStackTrace(new PrintWriter(w));
    return w.toString();
  }

  private static void key(StringBuilder b, String key) {
    string(b, key);
    b.append(':');
  }

  private static void string(StringBuilder b, String s) {
    b.append('"');
    JSON_STRINGS.quoteAsString(s, b);
    b.append('"');
  }
}
