package dev.telescope.layeringfixture.manifests;

import io.fabric8.kubernetes.client.KubernetesClient;

/** A deliberate violation for LayeringTest: a pure builder holding the client. */
public class UsesClient {
  public KubernetesClient client;
}
