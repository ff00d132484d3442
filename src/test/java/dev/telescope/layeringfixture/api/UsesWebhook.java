package dev.telescope.layeringfixture.api;

/** A deliberate violation for LayeringTest: api reaching up into the webhook. */
public class UsesWebhook {
  public Object server() {
    return new dev.telescope.layeringfixture.webhook.UsesManifests();
  }
}
