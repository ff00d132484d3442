package dev.telescope.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The committed CRD must be exactly what the model generates, so a model change cannot ship with a
 * stale CRD. {@code -Dtelescope.updateCrd=true} rewrites the committed file instead of failing.
 */
class CrdDriftTest {
  static final String UPDATE_PROPERTY = "telescope.updateCrd";
  static final String UPDATE_COMMAND =
      "mvn -B -o test -Dtest=CrdDriftTest -D" + UPDATE_PROPERTY + "=true";

  static Path projectDir() {
    return Path.of(System.getProperty("basedir", ".")).toAbsolutePath();
  }

  static String rendered() throws IOException {
    Path generated = projectDir().resolve("target/classes").resolve(CrdFile.GENERATED_RESOURCE);
    if (!Files.isRegularFile(generated)) {
      fail(
          generated
              + " is missing: the crd-generator runs at process-classes; run "
              + UPDATE_COMMAND);
    }
    return CrdFile.render(Files.readString(generated, StandardCharsets.UTF_8));
  }

  @Test
  void committedCrdMatchesTheModel() throws IOException {
    String expected = rendered();
    Path committed = projectDir().resolve(CrdFile.FILE);
    if (Boolean.getBoolean(UPDATE_PROPERTY)) {
      Files.createDirectories(committed.getParent());
      Files.writeString(committed, expected, StandardCharsets.UTF_8);
      Files.writeString(
          Path.of("deploy/crd/opentelemetrycollectors.opentelemetry.io.yaml"),
          expected,
          StandardCharsets.UTF_8);
      Files.writeString(
          Path.of("operator/bundle/manifests/opentelemetrycollectors.opentelemetry.io.yaml"),
          CrdFile.bundleCopy(expected),
          StandardCharsets.UTF_8);
    }
    if (!Files.isRegularFile(committed)) {
      fail(CrdFile.FILE + " does not exist. Create it with: " + UPDATE_COMMAND);
    }
    String actual = Files.readString(committed, StandardCharsets.UTF_8);
    if (!actual.equals(expected)) {
      fail(
          CrdFile.FILE
              + " is out of date with the model ("
              + firstDifference(expected, actual)
              + "). Review the model change, then update the file with: "
              + UPDATE_COMMAND);
    }
  }

  @Test
  void committedTargetAllocatorCrdMatchesTheModel() throws IOException {
    Path generated = projectDir().resolve("target/classes").resolve(CrdFile.TA_GENERATED_RESOURCE);
    if (!Files.isRegularFile(generated)) {
      fail(generated + " is missing: the crd-generator runs at process-classes");
    }
    String expected =
        CrdFile.renderTargetAllocator(Files.readString(generated, StandardCharsets.UTF_8));
    Path committed = projectDir().resolve(CrdFile.TA_FILE);
    List<Path> copies =
        List.of(
            committed,
            projectDir().resolve("deploy/crd/targetallocators.opentelemetry.io.yaml"),
            projectDir()
                .resolve("operator/bundle/manifests/targetallocators.opentelemetry.io.yaml"));
    if (Boolean.getBoolean(UPDATE_PROPERTY)) {
      for (Path p : copies) {
        Files.writeString(p, expected, StandardCharsets.UTF_8);
      }
    }
    for (Path p : copies) {
      if (!Files.isRegularFile(p) || !Files.readString(p).equals(expected)) {
        fail(p + " is out of date with the model; update it with: " + UPDATE_COMMAND);
      }
    }
  }

  @Test
  void committedInstrumentationCrdMatchesTheModel() throws IOException {
    Path generated =
        projectDir().resolve("target/classes").resolve(CrdFile.INSTRUMENTATION_GENERATED_RESOURCE);
    if (!Files.isRegularFile(generated)) {
      fail(generated + " is missing: the crd-generator runs at process-classes");
    }
    String expected =
        CrdFile.renderInstrumentation(Files.readString(generated, StandardCharsets.UTF_8));
    Path committed = projectDir().resolve(CrdFile.INSTRUMENTATION_FILE);
    String copyName = committed.getFileName().toString();
    if (Boolean.getBoolean(UPDATE_PROPERTY)) {
      Files.writeString(committed, expected, StandardCharsets.UTF_8);
      Files.writeString(Path.of("deploy/crd").resolve(copyName), expected, StandardCharsets.UTF_8);
      Files.writeString(
          Path.of("operator/bundle/manifests").resolve(copyName), expected, StandardCharsets.UTF_8);
    }
    String actual = Files.readString(committed, StandardCharsets.UTF_8);
    if (!actual.equals(expected)) {
      fail(
          CrdFile.INSTRUMENTATION_FILE
              + " is out of date with the model ("
              + firstDifference(expected, actual)
              + "); update with: "
              + UPDATE_COMMAND);
    }
    assertThat(CrdFile.renderInstrumentation(expected)).isEqualTo(expected);
    assertThat(CrdFile.renderInstrumentationFromClasspath()).isEqualTo(expected);
  }

  @Test
  void renderingIsStable() throws IOException {
    String once = rendered();
    assertThat(CrdFile.render(once)).isEqualTo(once);
    assertThat(CrdFile.renderFromClasspath()).isEqualTo(once);
  }

  private static String firstDifference(String expected, String actual) {
    List<String> e = expected.lines().toList();
    List<String> a = actual.lines().toList();
    for (int i = 0; i < Math.max(e.size(), a.size()); i++) {
      String el = i < e.size() ? e.get(i) : "<end of file>";
      String al = i < a.size() ? a.get(i) : "<end of file>";
      if (!el.equals(al)) {
        return "line "
            + (i + 1)
            + ": expected '"
            + el.strip()
            + "' but the file has '"
            + al.strip()
            + "'";
      }
    }
    return "line endings differ";
  }
}
