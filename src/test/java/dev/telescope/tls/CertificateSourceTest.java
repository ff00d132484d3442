package dev.telescope.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.telescope.tls.CertificateSource.Mode;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Picking a certificate source from {@code --cert-mode}, and the files/none behaviours. */
class CertificateSourceTest {

  private static final TestPki PKI = new TestPki();
  private static final SelfManagedCertificates.Settings SETTINGS =
      SelfManagedCertificates.Settings.defaults("telescope-system");

  @TempDir Path certDir;

  @Test
  void parsesTheFlagValues() {
    assertThat(Mode.parse("auto")).isEqualTo(Mode.AUTO);
    assertThat(Mode.parse("files")).isEqualTo(Mode.FILES);
    assertThat(Mode.parse(" Self-Managed ")).isEqualTo(Mode.SELF_MANAGED);
    assertThat(Mode.parse("none")).isEqualTo(Mode.NONE);
    assertThat(Mode.SELF_MANAGED.flag()).isEqualTo("self-managed");
    assertThatThrownBy(() -> Mode.parse("cert-manager"))
        .hasMessage(
            "unknown --cert-mode 'cert-manager'; expected auto, files, self-managed or none");
  }

  @Test
  void autoPrefersFilesWhenBothArePresent() throws Exception {
    assertThat(Mode.AUTO.resolve(certDir)).isEqualTo(Mode.SELF_MANAGED);

    TestPki.write(certDir, PKI.serving());

    assertThat(Mode.AUTO.resolve(certDir)).isEqualTo(Mode.FILES);
    assertThat(Mode.NONE.resolve(certDir)).isEqualTo(Mode.NONE);
  }

  @Test
  void filesSourceServesTheMountedPair() throws Exception {
    CertificateMinter.Minted serving = PKI.serving();
    TestPki.write(certDir, serving);

    try (CertificateSource source =
        CertificateSource.create(
            Mode.AUTO,
            certDir,
            Duration.ofHours(1),
            () -> {
              throw new AssertionError("files mode needs no Kubernetes client");
            },
            SETTINGS)) {
      source.start();

      assertThat(source.mode()).isEqualTo(Mode.FILES);
      assertThat(source.hasCertificate()).isTrue();
      assertThat(source.keyManager().current().orElseThrow().leaf())
          .isEqualTo(serving.certificate());
      assertThat(source.problem()).isEmpty();
    }
  }

  @Test
  void filesSourceWithoutFilesIsNotReady() {
    try (CertificateSource source = CertificateSource.files(certDir, Duration.ofHours(1))) {
      source.start();

      assertThat(source.hasCertificate()).isFalse();
      assertThat(source.problem()).isPresent();
    }
  }

  @Test
  void noneSourceWithoutFilesHasNoCertificateAndNoProblem() {
    try (CertificateSource source = CertificateSource.none(certDir, Duration.ofHours(1))) {
      source.start();

      assertThat(source.mode()).isEqualTo(Mode.NONE);
      assertThat(source.hasCertificate()).isFalse();
      assertThat(source.problem()).isEmpty();
    }
  }

  @Test
  void noneSourceStillServesFilesWhenPresent() throws Exception {
    TestPki.write(certDir, PKI.serving());

    try (CertificateSource source = CertificateSource.none(certDir, Duration.ofHours(1))) {
      source.start();

      assertThat(source.hasCertificate()).isTrue();
      assertThat(source.problem()).isEmpty();
    }
  }
}
