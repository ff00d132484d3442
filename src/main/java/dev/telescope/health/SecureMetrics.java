package dev.telescope.health;

import dev.telescope.settings.MetricsServing;
import dev.telescope.tls.CertificateMinter;
import dev.telescope.tls.CertificateSource;
import dev.telescope.tls.KeyMaterialException;
import dev.telescope.tls.PemKeyMaterial;
import dev.telescope.tls.ReloadingKeyManager;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * Turns {@code --metrics-secure} and its companions into the metrics server's TLS and token check,
 * so the process wiring only says which certificate the webhook already has.
 */
public final class SecureMetrics {
  /** How often a {@code --metrics-cert-dir} is looked at for renewed files. */
  static final Duration POLL = Duration.ofSeconds(10);

  /** Lifetime of the self-signed certificate minted when none is given. */
  static final Duration SELF_SIGNED_VALIDITY = Duration.ofDays(365);

  private SecureMetrics() {}

  /**
   * Makes {@code server} serve HTTPS and, when a token file is named, ask for the token.
   *
   * @param server the metrics server, not started
   * @param serving the flags; must be {@link MetricsServing#secure()}
   * @param webhookCertificates the webhook's certificate in a process that runs the webhook
   * @return the certificate source this started for {@code --metrics-cert-dir}, for the caller to
   *     check ({@link CertificateSource#problem()}) and close; empty otherwise
   * @throws IllegalArgumentException when upstream's certificate files cannot be read
   */
  public static Optional<CertificateSource> apply(
      HealthServer server,
      MetricsServing serving,
      Optional<CertificateSource> webhookCertificates) {
    if (!serving.secure()) {
      throw new IllegalArgumentException("metrics are not secure");
    }
    Optional<CertificateSource> started = Optional.empty();
    SSLContext tls;
    if (serving.certDir() != null) {
      CertificateSource files = CertificateSource.files(serving.certDir(), POLL);
      files.start();
      started = Optional.of(files);
      tls = files.sslContext();
    } else if (serving.certFile() != null) {
      try {
        tls =
            new ReloadingKeyManager(PemKeyMaterial.load(serving.certFile(), serving.keyFile()))
                .sslContext();
      } catch (KeyMaterialException e) {
        throw new IllegalArgumentException(
            "--metrics-tls-cert-file/--metrics-tls-key-file: " + e.getMessage(), e);
      }
    } else if (webhookCertificates.isPresent()) {
      tls = webhookCertificates.get().sslContext();
    } else {
      tls = selfSigned();
    }
    server.withTls(tls);
    if (serving.bearerTokenFile() != null) {
      server.withMetricsToken(new BearerTokenFile(serving.bearerTokenFile()));
    }
    return started;
  }

  /**
   * A certificate nobody can verify, as controller-runtime mints when given none: the traffic is
   * still encrypted, and a scraper configured to skip verification reads it.
   */
  static SSLContext selfSigned() {
    CertificateMinter minter = new CertificateMinter(CertificateMinter.KeyAlgorithm.EC_P256);
    Instant now = Instant.now();
    CertificateMinter.Minted ca = minter.mintCa("telescope-metrics-ca", now, SELF_SIGNED_VALIDITY);
    CertificateMinter.Minted serving =
        minter.mintServing(ca, List.of("localhost"), List.of(), now, SELF_SIGNED_VALIDITY);
    try {
      return new ReloadingKeyManager(serving.toKeyMaterial()).sslContext();
    } catch (KeyMaterialException e) {
      throw new IllegalStateException("could not use a freshly minted certificate", e);
    }
  }
}
