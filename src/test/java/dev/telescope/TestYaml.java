package dev.telescope;

import dev.telescope.api.v1beta1.Config;
import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Test helpers for reading YAML fixtures and the shared conformance corpus. */
public final class TestYaml {
  private TestYaml() {}

  /** The shared folder beside the repository (CI lays it next to the clone). */
  public static Path shared() {
    Path here = Path.of("").toAbsolutePath();
    for (Path p = here; p != null; p = p.getParent()) {
      Path candidate = p.resolve("shared");
      if (Files.isDirectory(candidate.resolve("conformance"))) {
        return candidate;
      }
      Path sibling = p.resolveSibling("shared");
      if (Files.isDirectory(sibling.resolve("conformance"))) {
        return sibling;
      }
    }
    throw new IllegalStateException("../shared not found from " + here);
  }

  /** A collector config parsed from YAML text. */
  public static Config config(String yaml) {
    return Serialization.unmarshal(yaml, Config.class);
  }

  /** A v1beta1 CR parsed from YAML text. */
  public static OpenTelemetryCollector collector(String yaml) {
    return Serialization.unmarshal(yaml, OpenTelemetryCollector.class);
  }

  /** A file's text. */
  public static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
