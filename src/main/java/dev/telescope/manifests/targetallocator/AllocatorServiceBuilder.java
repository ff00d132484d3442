package dev.telescope.manifests.targetallocator;

import dev.telescope.manifests.Labels;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;

/** The allocator's Service: port {@code targetallocation} 80 to the container's {@code http}. */
public final class AllocatorServiceBuilder {
  /** The port collectors fetch their targets from. */
  public static final int PORT = 80;

  public static final String PORT_NAME = "targetallocation";

  private AllocatorServiceBuilder() {}

  public static Service build(AllocatorContext ctx) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withName(ctx.objectName())
        .withNamespace(ctx.namespace())
        .withLabels(Labels.allocator(ctx.meta(), ctx.objectName(), ctx.spec().image, ctx.cfg()))
        .withAnnotations(AllocatorAnnotations.object(ctx))
        .endMetadata()
        .withNewSpec()
        .withSelector(Labels.allocatorSelector(ctx.meta()))
        .addNewPort()
        .withName(PORT_NAME)
        .withPort(PORT)
        .withTargetPort(new IntOrString("http"))
        .endPort()
        .addAllToPorts(httpsPort(ctx))
        .withIpFamilies(ctx.spec().ipFamilies)
        .withIpFamilyPolicy(ctx.spec().ipFamilyPolicy)
        .endSpec()
        .build();
  }

  /** The https port under mTLS: {@code targetallocation-https} 443 to the container's https. */
  static java.util.List<io.fabric8.kubernetes.api.model.ServicePort> httpsPort(
      AllocatorContext ctx) {
    if (!ctx.mtlsServed()) {
      return java.util.List.of();
    }
    return java.util.List.of(
        new io.fabric8.kubernetes.api.model.ServicePortBuilder()
            .withName(PORT_NAME + "-https")
            .withPort(AllocatorCertificatesBuilder.SERVICE_HTTPS_PORT)
            .withTargetPort(new IntOrString("https"))
            .build());
  }
}
