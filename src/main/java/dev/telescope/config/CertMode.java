package dev.telescope.config;

import java.util.Locale;

/** Where the webhook's serving certificate comes from. */
public enum CertMode {
  /** Files when {@code --cert-dir} holds a pair at start-up, otherwise self-managed. */
  AUTO,
  /** {@code tls.crt}/{@code tls.key} in {@code --cert-dir} (OLM, cert-manager, service-ca). */
  FILES,
  /** The operator mints a CA and serving certificate, keeps them in a Secret and rotates them. */
  SELF_MANAGED,
  /** Nothing is managed: files are served if present, and nobody patches CA bundles. */
  NONE;

  /** Parses the flag value ({@code auto}, {@code files}, {@code self-managed}, {@code none}). */
  public static CertMode parse(String value) {
    return valueOf(value.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
  }

  /** The flag spelling. */
  public String flag() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
