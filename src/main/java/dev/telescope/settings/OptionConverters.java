package dev.telescope.settings;

import java.time.Duration;
import java.util.function.Function;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The value types of the operator's flags, each with the error message a user sees, kept apart from
 * {@link OperatorOptions} so the flag list reads as a list.
 */
final class OptionConverters {
  private OptionConverters() {}

  /** The parser's value, or picocli's error saying what was expected and what was given. */
  private static <T> T parsed(Function<String, T> parser, String value, String expected) {
    try {
      return parser.apply(value);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(expected + ", got '" + value + "'");
    }
  }

  /** A TCP port, 0 to 65535. */
  static final class PortConverter implements ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
      int p = new NonNegativeConverter().convert(value);
      if (p > 65535) {
        throw new TypeConversionException("must be a port number, got " + value);
      }
      return p;
    }
  }

  /** A number of at least 0. */
  static final class NonNegativeConverter implements ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
      try {
        int n = Integer.parseInt(value.trim());
        if (n >= 0) {
          return n;
        }
      } catch (NumberFormatException e) {
        // the message below says what was expected
      }
      throw new TypeConversionException("must be a non-negative number, got " + value);
    }
  }

  /** {@code true} or {@code false} in any case, nothing else (a typo must not read as false). */
  static final class StrictBoolean implements ITypeConverter<Boolean> {
    @Override
    public Boolean convert(String value) {
      String v = value.trim();
      if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
        return Boolean.parseBoolean(v);
      }
      throw new TypeConversionException("must be true or false, got '" + value + "'");
    }
  }

  /** {@code auto}, {@code true} or {@code false}. */
  static final class ToggleConverter implements ITypeConverter<Toggle> {
    @Override
    public Toggle convert(String value) {
      return parsed(Toggle::parse, value, "must be auto, true or false");
    }
  }

  /** A certificate mode. */
  static final class CertModeConverter implements ITypeConverter<CertMode> {
    @Override
    public CertMode convert(String value) {
      return parsed(CertMode::parse, value, "must be auto, files, self-managed or none");
    }
  }

  /** {@code 30s}, {@code 10m}, {@code 1h} or a plain number of seconds, above zero. */
  static final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      try {
        String v = value.trim();
        char unit = v.charAt(v.length() - 1);
        long n = Long.parseLong(Character.isDigit(unit) ? v : v.substring(0, v.length() - 1));
        Duration d =
            switch (unit) {
              case 's' -> Duration.ofSeconds(n);
              case 'm' -> Duration.ofMinutes(n);
              case 'h' -> Duration.ofHours(n);
              default -> {
                if (!Character.isDigit(unit)) {
                  throw new NumberFormatException();
                }
                yield Duration.ofSeconds(n);
              }
            };
        if (d.isZero() || d.isNegative()) {
          throw new NumberFormatException();
        }
        return d;
      } catch (RuntimeException e) {
        throw new TypeConversionException(
            "must be a duration such as 30s, 10m or 1h, got " + value);
      }
    }
  }

  /** A {@link DurationConverter} duration, or {@code 0} to switch the periodic task off. */
  static final class PeriodOrOffConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      if (value.trim().equals("0")) {
        return Duration.ZERO;
      }
      try {
        return new DurationConverter().convert(value);
      } catch (TypeConversionException e) {
        throw new TypeConversionException(
            "must be 0 (off) or a duration such as 30s, 10m or 1h, got " + value);
      }
    }
  }
}
