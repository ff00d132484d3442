package dev.telescope.settings;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The operator's own version, stamped into the jar at build time. */
public final class Version {
  /** The operator version, e.g. 0.1.0. */
  public static final String OPERATOR = load();

  private Version() {}

  private static String load() {
    try (InputStream in = Version.class.getResourceAsStream("/telescope-version.properties")) {
      if (in == null) {
        return "dev";
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "dev");
    } catch (IOException e) {
      return "dev";
    }
  }
}
