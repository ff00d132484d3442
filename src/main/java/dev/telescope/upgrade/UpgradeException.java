package dev.telescope.upgrade;

/** A migration that cannot be done automatically; the message tells the user what to change. */
public final class UpgradeException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UpgradeException(String message) {
    super(message);
  }
}
