package dev.telescope.settings;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Where the webhook's serving certificate comes from ({@code --cert-mode}). */
public enum CertMode {
  /** Files when {@code --cert-dir} holds a pair at start-up, otherwise self-managed. */
  AUTO,
  /** {@code tls.crt}/{@code tls.key} in {@code --cert-dir} (OLM, cert-manager, service-ca). */
  FILES,
  /** The operator mints a CA and serving certificate, keeps them in a Secret and rotates them. */
  SELF_MANAGED,
  /** Nothing is managed: files are served if present, and nobody patches CA bundles. */
  NONE;

  /** The certificate file in the certificate directory, as Kubernetes TLS Secrets name it. */
  public static final String CERT_FILE = "tls.crt";

  /** The key file in the certificate directory. */
  public static final String KEY_FILE = "tls.key";

  /**
   * Reads a {@code --cert-mode} value.
   *
   * @param value {@code auto}, {@code files}, {@code self-managed} or {@code none}
   * @return the mode
   * @throws IllegalArgumentException for anything else, naming the accepted values
   */
  public static CertMode parse(String value) {
    String wanted = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
    for (CertMode mode : values()) {
      if (mode.flag().equals(wanted)) {
        return mode;
      }
    }
    throw new IllegalArgumentException(
        "unknown --cert-mode '" + value + "'; expected auto, files, self-managed or none");
  }

  /** The flag spelling, e.g. {@code self-managed}. */
  public String flag() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /**
   * Resolves {@link #AUTO}: files win when both {@code tls.crt} and {@code tls.key} exist.
   *
   * @param certDir the certificate directory
   * @return this mode, or the concrete mode {@link #AUTO} stands for
   */
  public CertMode resolve(Path certDir) {
    if (this != AUTO) {
      return this;
    }
    boolean files =
        Files.exists(certDir.resolve(CERT_FILE)) && Files.exists(certDir.resolve(KEY_FILE));
    return files ? FILES : SELF_MANAGED;
  }
}
