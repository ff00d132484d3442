package dev.telescope.upgrade;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A release number as {@code status.version} holds it ({@code 0.86.0}, {@code v0.86.0}, {@code
 * 0.158.0-rc.1}); pre-release and build parts do not count for ordering.
 *
 * @param major major part
 * @param minor minor part
 * @param patch patch part
 */
public record Version(int major, int minor, int patch) implements Comparable<Version> {
  private static final Pattern FORM =
      Pattern.compile("v?(\\d+)(?:\\.(\\d+))?(?:\\.(\\d+))?(?:[-+].*)?");

  /** Parses a version; throws {@link IllegalArgumentException} for anything else. */
  public static Version parse(String text) {
    Matcher m = FORM.matcher(text == null ? "" : text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("not a version: '" + text + "'");
    }
    return new Version(
        Integer.parseInt(m.group(1)),
        m.group(2) == null ? 0 : Integer.parseInt(m.group(2)),
        m.group(3) == null ? 0 : Integer.parseInt(m.group(3)));
  }

  @Override
  public int compareTo(Version o) {
    int c = Integer.compare(major, o.major);
    if (c == 0) {
      c = Integer.compare(minor, o.minor);
    }
    return c != 0 ? c : Integer.compare(patch, o.patch);
  }

  @Override
  public String toString() {
    return major + "." + minor + "." + patch;
  }
}
