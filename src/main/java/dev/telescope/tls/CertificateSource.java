package dev.telescope.tls;

import dev.telescope.settings.CertMode;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;

/**
 * Where the webhook's serving certificate comes from, picked by {@code --cert-mode}, so the server
 * only ever sees one {@link SSLContext} whose certificate changes underneath it.
 *
 * <p>Typical use: {@code CertificateSource source = CertificateSource.create(mode, certDir,
 * pollInterval, () -> client, settings); source.start(); new WebhookServer(...,
 * source.sslContext(), ...); health.addReadinessCheck("certificate", source::problem);}
 */
public interface CertificateSource extends AutoCloseable {

  /** The concrete mode (never {@link CertMode#AUTO}). */
  CertMode mode();

  /**
   * Loads or mints the first certificate and starts watching for changes. Does not throw when the
   * certificate is not available yet; that is reported by {@link #problem()} and retried.
   */
  void start();

  /** The key manager whose certificate this source keeps current. */
  ReloadingKeyManager keyManager();

  /** The server {@link SSLContext}, built once; new handshakes see rotated certificates. */
  default SSLContext sslContext() {
    return keyManager().sslContext();
  }

  /** Whether a certificate is installed, i.e. handshakes can succeed. */
  default boolean hasCertificate() {
    return keyManager().current().isPresent();
  }

  /**
   * What is wrong, in plain words, for {@code /readyz}.
   *
   * @return the problem, or empty when the source is healthy
   */
  Optional<String> problem();

  /** Stops watching or rotating; the installed certificate stays. */
  @Override
  void close();

  /**
   * Serves {@code tls.crt}/{@code tls.key} from a directory; absent files are a readiness problem.
   *
   * @param certDir the directory (a mounted TLS Secret)
   * @param pollInterval how often to look for changed files
   * @return the source, not started
   */
  static CertificateSource files(Path certDir, Duration pollInterval) {
    return new FileCertificateSource(
        CertMode.FILES, certDir, pollInterval, Clock.systemUTC(), true);
  }

  /**
   * Like {@link #files} but absent files are not a problem: someone else may run the webhook.
   *
   * @param certDir the directory that may hold {@code tls.crt}/{@code tls.key}
   * @param pollInterval how often to look for changed files
   * @return the source, not started
   */
  static CertificateSource none(Path certDir, Duration pollInterval) {
    return new FileCertificateSource(
        CertMode.NONE, certDir, pollInterval, Clock.systemUTC(), false);
  }

  /**
   * Keeps the certificate in a Secret via {@link SelfManagedCertificates}, re-checking it (and the
   * caBundle injection) every {@code recheckInterval}, so renewals by any replica are picked up.
   *
   * @param client the Kubernetes client
   * @param settings Secret, Service and injection target names, lifetimes
   * @param recheckInterval how often to re-read the Secret and re-check the caBundles
   * @return the source, not started
   */
  static CertificateSource selfManaged(
      KubernetesClient client,
      SelfManagedCertificates.Settings settings,
      Duration recheckInterval) {
    return new SelfManagedCertificateSource(
        new SelfManagedCertificates(client, settings), recheckInterval, Clock.systemUTC());
  }

  /**
   * Builds the source for a {@code --cert-mode}, resolving {@code auto}.
   *
   * @param mode the mode from the command line
   * @param certDir the certificate directory ({@code --cert-dir})
   * @param interval poll interval for files, recheck interval for self-managed
   * @param client supplies a client, called only for self-managed mode
   * @param settings self-managed names and lifetimes (unused by the other modes)
   * @return the source, not started
   */
  static CertificateSource create(
      CertMode mode,
      Path certDir,
      Duration interval,
      Supplier<KubernetesClient> client,
      SelfManagedCertificates.Settings settings) {
    return switch (mode.resolve(certDir)) {
      case FILES -> files(certDir, interval);
      case NONE -> none(certDir, interval);
      case SELF_MANAGED ->
          selfManaged(Objects.requireNonNull(client.get(), "client"), settings, interval);
      case AUTO -> throw new IllegalStateException("AUTO resolves to a concrete mode");
    };
  }
}
