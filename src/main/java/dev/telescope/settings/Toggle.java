package dev.telescope.settings;

import java.util.Locale;

/** A capability that is detected from the cluster unless forced on or off by a flag. */
public enum Toggle {
  AUTO,
  TRUE,
  FALSE;

  /** Parses {@code auto}, {@code true} or {@code false}. */
  public static Toggle parse(String value) {
    return valueOf(value.trim().toUpperCase(Locale.ROOT));
  }

  /** The effective value, given what detection found. */
  public boolean resolve(boolean detected) {
    return this == AUTO ? detected : this == TRUE;
  }
}
