package dev.telescope.instrumentation;

import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Agent versions an automatic image upgrade must not cross (upstream's list: releases that changed
 * the HTTP semantic conventions), so that telemetry users rely on does not change silently.
 */
public final class UpgradeBlocks {
  private static final Pattern SEMVER = Pattern.compile("^v?(\\d+)\\.(\\d+)(?:\\.(\\d+))?");

  /** The first version of each language that needs a deliberate upgrade. */
  static final Map<String, int[]> BLOCKED =
      Map.of("java", new int[] {2, 0, 0}, "dotnet", new int[] {1, 3, 0});

  private static final Map<String, String> NAMES = Map.of("java", "Java", "dotnet", ".NET");

  private UpgradeBlocks() {}

  /**
   * Why moving a language's agent from {@code current} to {@code target} must be done by hand, or
   * empty: when the current version is below a blocked release that the target reaches, or, for a
   * target without a version tag, when the current version is that release exactly.
   */
  public static Optional<String> reason(String language, String current, String target) {
    int[] blocked = BLOCKED.get(language);
    if (blocked == null) {
      return Optional.empty();
    }
    int[] cur = version(current);
    if (cur == null) {
      return Optional.empty();
    }
    int[] tgt = version(target);
    boolean crosses =
        tgt == null
            ? compare(cur, blocked) == 0
            : compare(cur, blocked) < 0 && compare(blocked, tgt) <= 0;
    if (!crosses) {
      return Optional.empty();
    }
    String v = blocked[0] + "." + blocked[1] + "." + blocked[2];
    return Optional.of(
        NAMES.get(language)
            + " instrumentation "
            + v
            + " contains breaking HTTP semantic convention changes. See"
            + " https://opentelemetry.io/blog/2023/http-conventions-declared-stable/ for a general"
            + " description of the changes. To upgrade, manually set the image on this"
            + " Instrumentation resource to "
            + v
            + " or higher.");
  }

  /** The version of an image's tag, or null when the tag is not a version (or absent). */
  static int[] version(String image) {
    if (image == null) {
      return null;
    }
    String ref = image;
    int at = ref.indexOf('@');
    if (at >= 0) {
      ref = ref.substring(0, at);
    }
    int colon = ref.lastIndexOf(':');
    if (colon < 0 || ref.indexOf('/', colon) >= 0) {
      return null;
    }
    Matcher m = SEMVER.matcher(ref.substring(colon + 1));
    if (!m.find()) {
      return null;
    }
    return new int[] {
      Integer.parseInt(m.group(1)),
      Integer.parseInt(m.group(2)),
      m.group(3) == null ? 0 : Integer.parseInt(m.group(3))
    };
  }

  private static int compare(int[] a, int[] b) {
    for (int i = 0; i < 3; i++) {
      if (a[i] != b[i]) {
        return Integer.compare(a[i], b[i]);
      }
    }
    return 0;
  }
}
