package dev.telescope.tls;

/**
 * A certificate or key problem described in plain words (never containing key material), so it can
 * be logged and shown on {@code /readyz} as it is.
 */
public final class KeyMaterialException extends Exception {

  /**
   * @param message what is wrong, in plain words
   */
  public KeyMaterialException(String message) {
    super(message);
  }

  /**
   * @param message what is wrong, in plain words
   * @param cause the underlying failure (its message must not carry key material either)
   */
  public KeyMaterialException(String message, Throwable cause) {
    super(message, cause);
  }
}
