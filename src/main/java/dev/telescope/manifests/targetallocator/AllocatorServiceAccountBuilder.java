package dev.telescope.manifests.targetallocator;

import dev.telescope.manifests.Labels;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;

/** The allocator's own ServiceAccount, when the CR names none. */
public final class AllocatorServiceAccountBuilder {
  private AllocatorServiceAccountBuilder() {}

  public static ServiceAccount build(AllocatorContext ctx) {
    return new ServiceAccountBuilder()
        .withNewMetadata()
        .withName(ctx.objectName())
        .withNamespace(ctx.namespace())
        .withLabels(Labels.allocator(ctx.meta(), ctx.objectName(), ctx.spec().image, ctx.cfg()))
        .withAnnotations(AllocatorAnnotations.object(ctx))
        .endMetadata()
        .build();
  }
}
