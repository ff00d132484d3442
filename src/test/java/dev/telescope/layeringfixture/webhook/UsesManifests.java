package dev.telescope.layeringfixture.webhook;

/** Allowed for LayeringTest: the webhook may use the builders. */
public class UsesManifests {
  public dev.telescope.layeringfixture.manifests.UsesClient builder;
}
