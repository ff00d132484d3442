package dev.telescope.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.telescope.settings.CertMode;
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
    assertThat(CertMode.parse("auto")).isEqualTo(CertMode.AUTO);
    assertThat(CertMode.parse("files")).isEqualTo(CertMode.FILES);
    assertThat(CertMode.parse(" Self-Managed ")).isEqualTo(CertMode.SELF_MANAGED);
    assertThat(CertMode.parse("none")).isEqualTo(CertMode.NONE);
    assertThat(CertMode.SELF_MANAGED.flag()).isEqualTo("self-managed");
    assertThatThrownBy(() -> CertMode.parse("cert-manager"))
        .hasMessage(
            "unknown --cert-mode 'cert-manager'; expected auto, files, self-managed or none");
  }

  @Test
  void autoPrefersFilesWhenBothArePresent() throws Exception {
    assertThat(CertMode.AUTO.resolve(certDir)).isEqualTo(CertMode.SELF_MANAGED);

    TestPki.write(certDir, PKI.serving());

    assertThat(CertMode.AUTO.resolve(certDir)).isEqualTo(CertMode.FILES);
    assertThat(CertMode.NONE.resolve(certDir)).isEqualTo(CertMode.NONE);
  }

  @Test
  void filesSourceServesTheMountedPair() throws Exception {
    CertificateMinter.Minted serving = PKI.serving();
    TestPki.write(certDir, serving);

    try (CertificateSource source =
        CertificateSource.create(
            CertMode.AUTO,
            certDir,
            Duration.ofHours(1),
            () -> {
              throw new AssertionError("files mode needs no Kubernetes client");
            },
            SETTINGS)) {
      source.start();

      assertThat(source.mode()).isEqualTo(CertMode.FILES);
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

      assertThat(source.mode()).isEqualTo(CertMode.NONE);
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
