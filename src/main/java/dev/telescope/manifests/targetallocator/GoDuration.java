package dev.telescope.manifests.targetallocator;

import java.math.BigDecimal;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as the allocator's configuration spells them: the CR's {@code 1m} is stored as a Go
 * duration and written back as {@code 1m0s}, so the same text (and config hash) comes out here.
 */
final class GoDuration {
  private static final Pattern PART = Pattern.compile("([0-9]*\\.?[0-9]+)(ns|us|µs|ms|s|m|h)");

  private GoDuration() {}

  /** The Go spelling of a duration string, or the input unchanged when it is not one. */
  static String normalise(String text) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    Matcher m = PART.matcher(text);
    long nanos = 0;
    int end = 0;
    while (m.find()) {
      if (m.start() != end) {
        return text;
      }
      end = m.end();
      BigDecimal n = new BigDecimal(m.group(1));
      long unit =
          switch (m.group(2)) {
            case "ns" -> 1L;
            case "us", "µs" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            default -> 3_600_000_000_000L;
          };
      nanos += n.multiply(BigDecimal.valueOf(unit)).longValue();
    }
    if (end != text.length()) {
      return "0".equals(text) ? "0s" : text;
    }
    return format(nanos);
  }

  static String format(long nanos) {
    if (nanos == 0) {
      return "0s";
    }
    if (nanos < 1_000_000_000L) {
      if (nanos < 1_000L) {
        return nanos + "ns";
      }
      if (nanos < 1_000_000L) {
        return trim(BigDecimal.valueOf(nanos, 3)) + "µs";
      }
      return trim(BigDecimal.valueOf(nanos, 6)) + "ms";
    }
    long h = nanos / 3_600_000_000_000L;
    long rest = nanos % 3_600_000_000_000L;
    long min = rest / 60_000_000_000L;
    long sn = rest % 60_000_000_000L;
    StringBuilder b = new StringBuilder();
    if (h > 0) {
      b.append(h).append('h');
    }
    if (h > 0 || min > 0) {
      b.append(min).append('m');
    }
    b.append(trim(BigDecimal.valueOf(sn, 9))).append('s');
    return b.toString();
  }

  private static String trim(BigDecimal d) {
    BigDecimal s = d.stripTrailingZeros();
    return s.scale() < 0 ? s.setScale(0).toPlainString() : s.toPlainString();
  }
}
