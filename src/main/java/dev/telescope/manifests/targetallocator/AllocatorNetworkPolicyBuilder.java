package dev.telescope.manifests.targetallocator;

import dev.telescope.manifests.Labels;
import dev.telescope.naming.Names;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPortBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The allocator's NetworkPolicy when {@code networkPolicy.enabled}: ingress only to its container
 * ports, egress only to the API server (port 443 and 6443, where discovery and CR watches go).
 */
public final class AllocatorNetworkPolicyBuilder {
  private AllocatorNetworkPolicyBuilder() {}

  public static NetworkPolicy build(AllocatorContext ctx) {
    List<NetworkPolicyPort> ingress = new ArrayList<>();
    ingress.add(tcp(AllocatorDeploymentBuilder.HTTP_PORT));
    if (ctx.spec().ports != null) {
      ctx.spec().ports.forEach(p -> ingress.add(tcp(p.port)));
    }
    Map<String, String> podSelector = new TreeMap<>(Labels.allocatorSelector(ctx.meta()));
    podSelector.remove(Labels.NAME);
    String name = Names.targetAllocatorNetworkPolicy(ctx.name());
    return new NetworkPolicyBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(ctx.namespace())
        .withLabels(Labels.allocator(ctx.meta(), name, ctx.spec().image, ctx.cfg()))
        .withAnnotations(AllocatorAnnotations.object(ctx))
        .endMetadata()
        .withNewSpec()
        .withNewPodSelector()
        .withMatchLabels(podSelector)
        .endPodSelector()
        .addNewIngress()
        .withPorts(ingress)
        .endIngress()
        .addNewEgress()
        .withPorts(tcp(443), tcp(6443))
        .endEgress()
        .withPolicyTypes("Ingress", "Egress")
        .endSpec()
        .build();
  }

  private static NetworkPolicyPort tcp(int port) {
    return new NetworkPolicyPortBuilder()
        .withProtocol("TCP")
        .withPort(new IntOrString(port))
        .build();
  }
}
