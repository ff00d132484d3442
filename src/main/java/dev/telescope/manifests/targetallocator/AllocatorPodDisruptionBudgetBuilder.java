package dev.telescope.manifests.targetallocator;

import dev.telescope.api.common.PodDisruptionBudgetSpec;
import dev.telescope.manifests.Labels;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;

/**
 * The allocator's PodDisruptionBudget: the CR's, else {@code maxUnavailable: 1} (never blocks a
 * drain of a single replica, still protects several). Only strategies that survive a pod moving get
 * one: with {@code least-weighted} targets would be reshuffled anyway.
 */
public final class AllocatorPodDisruptionBudgetBuilder {
  private AllocatorPodDisruptionBudgetBuilder() {}

  /**
   * Whether the allocator gets a budget: a budget the CR asks for needs consistent-hashing or
   * per-node; the default budget is left out only for least-weighted.
   */
  public static boolean compatible(AllocatorContext ctx) {
    String strategy = ctx.spec().allocationStrategy;
    if (ctx.spec().podDisruptionBudget != null) {
      return "consistent-hashing".equals(strategy) || "per-node".equals(strategy);
    }
    return !"least-weighted".equals(strategy);
  }

  public static PodDisruptionBudget build(AllocatorContext ctx) {
    PodDisruptionBudgetSpec own = ctx.spec().podDisruptionBudget;
    IntOrString min = own == null ? null : own.minAvailable;
    IntOrString max = own == null ? new IntOrString(1) : own.maxUnavailable;
    return new PodDisruptionBudgetBuilder()
        .withNewMetadata()
        .withName(ctx.objectName())
        .withNamespace(ctx.namespace())
        .withLabels(Labels.allocator(ctx.meta(), ctx.objectName(), ctx.spec().image, ctx.cfg()))
        .withAnnotations(AllocatorAnnotations.object(ctx))
        .endMetadata()
        .withNewSpec()
        .withMinAvailable(min)
        .withMaxUnavailable(max)
        .withNewSelector()
        .withMatchLabels(Labels.allocatorSelector(ctx.meta()))
        .endSelector()
        .endSpec()
        .build();
  }
}
