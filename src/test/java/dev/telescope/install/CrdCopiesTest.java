package dev.telescope.install;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * kustomize and OLM bundles cannot reference crd/ from where they sit, so deploy/ and the bundle
 * keep copies of the generated CRD; they must never drift from it.
 */
class CrdCopiesTest {
  static final Path SOURCE = InstallFiles.root().resolve("crd").resolve(InstallFiles.CRD_FILE);

  static void assertCopy(Path copy) throws Exception {
    assertCopy(copy, false);
  }

  static void assertCopy(Path copy, boolean bundle) throws Exception {
    Assumptions.assumeTrue(
        Files.isRegularFile(SOURCE),
        "crd/"
            + InstallFiles.CRD_FILE
            + " does not exist yet (the generated CRD is committed separately); "
            + InstallFiles.root().relativize(copy)
            + " cannot be compared with it");
    assertThat(Files.readString(copy))
        .as(
            "%s must be identical to %s; run: mvn -B test -Dtest=CrdDriftTest -Dtelescope.updateCrd=true (it rewrites crd/ and its copies); source %s, copy %s",
            copy,
            SOURCE,
            InstallFiles.root().relativize(SOURCE),
            InstallFiles.root().relativize(copy))
        .isEqualTo(
            bundle
                ? dev.telescope.api.CrdFile.bundleCopy(Files.readString(SOURCE))
                : Files.readString(SOURCE));
  }

  @Test
  void deployCopyIsIdenticalToTheGeneratedCrd() throws Exception {
    assertCopy(InstallFiles.deploy().resolve("crd").resolve(InstallFiles.CRD_FILE));
  }

  @Test
  void instrumentationCrdCopiesAreIdentical() throws Exception {
    Path source = InstallFiles.root().resolve(dev.telescope.api.CrdFile.INSTRUMENTATION_FILE);
    String name = source.getFileName().toString();
    assertThat(InstallFiles.deploy().resolve("crd").resolve(name)).hasSameTextualContentAs(source);
    assertThat(InstallFiles.bundle().resolve("manifests").resolve(name))
        .hasSameTextualContentAs(source);
  }

  @Test
  void bundleCopyIsIdenticalToTheGeneratedCrd() throws Exception {
    assertCopy(InstallFiles.bundle().resolve("manifests").resolve(InstallFiles.CRD_FILE), true);
  }
}
