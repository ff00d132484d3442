package dev.telescope.manifests;

import dev.telescope.naming.Names;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPortBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicySpecBuilder;
import java.util.ArrayList;
import java.util.List;

/** A NetworkPolicy admitting traffic to exactly the collector container's ports. */
public final class NetworkPolicyBuilder {
  private NetworkPolicyBuilder() {}

  public static NetworkPolicy build(CollectorContext ctx) {
    List<NetworkPolicyPort> ports = new ArrayList<>();
    for (ContainerPort p : Ports.container(ctx)) {
      ports.add(
          new NetworkPolicyPortBuilder()
              .withPort(new IntOrString(p.getContainerPort()))
              .withProtocol(p.getProtocol() == null ? "TCP" : p.getProtocol())
              .build());
    }
    String name = Names.networkPolicy(ctx.name());
    NetworkPolicy np = new NetworkPolicy();
    np.setMetadata(Objects.meta(ctx, name));
    np.setSpec(
        new NetworkPolicySpecBuilder()
            .withNewPodSelector()
            .withMatchLabels(Labels.selector(ctx))
            .endPodSelector()
            .withPolicyTypes("Ingress")
            .addNewIngress()
            .withPorts(ports)
            .endIngress()
            .build());
    return np;
  }
}
