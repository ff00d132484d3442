package dev.telescope.settings;

import java.nio.file.Path;

/**
 * How the metrics port answers ({@code --metrics-secure} and its companions), kept apart from
 * {@link OperatorConfig} because only the process's HTTP wiring needs it.
 *
 * @param secure serve {@code /metrics} over HTTPS on the metrics port, and not on the health port
 * @param certDir a directory with {@code tls.crt} and {@code tls.key}, reloaded when they change;
 *     null: upstream's file pair, else the webhook's certificate, else a self-signed one
 * @param certFile upstream's {@code --metrics-tls-cert-file}, read once; null when not given
 * @param keyFile upstream's {@code --metrics-tls-key-file}, read once; null when not given
 * @param bearerTokenFile scrapers must send {@code Authorization: Bearer} with this file's content
 *     (read on every scrape, so a rotated token takes effect at once); null: no token asked
 */
public record MetricsServing(
    boolean secure, Path certDir, Path certFile, Path keyFile, Path bearerTokenFile) {

  /** Plain HTTP, no token: the default. */
  public static final MetricsServing PLAIN = new MetricsServing(false, null, null, null, null);

  /**
   * Checks that the flags go together.
   *
   * @throws IllegalArgumentException with the flags to fix
   */
  public MetricsServing {
    if ((certFile == null) != (keyFile == null)) {
      throw new IllegalArgumentException(
          "--metrics-tls-cert-file and --metrics-tls-key-file go together: give both or neither");
    }
    if (certDir != null && certFile != null) {
      throw new IllegalArgumentException(
          "--metrics-cert-dir and --metrics-tls-cert-file/--metrics-tls-key-file both name the"
              + " metrics certificate: give one");
    }
    if (!secure && (certDir != null || certFile != null || bearerTokenFile != null)) {
      throw new IllegalArgumentException(
          "--metrics-cert-dir, --metrics-tls-*-file and --metrics-bearer-token-file need"
              + " --metrics-secure (a certificate or token on plain HTTP protects nothing)");
    }
  }
}
