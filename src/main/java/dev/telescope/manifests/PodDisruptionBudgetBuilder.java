package dev.telescope.manifests;

import dev.telescope.naming.Names;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetSpecBuilder;

/** The collector's PodDisruptionBudget (deployment and statefulset modes). */
public final class PodDisruptionBudgetBuilder {
  private PodDisruptionBudgetBuilder() {}

  public static PodDisruptionBudget build(CollectorContext ctx) {
    var user = ctx.spec().podDisruptionBudget;
    PodDisruptionBudgetSpecBuilder spec =
        new PodDisruptionBudgetSpecBuilder()
            .withNewSelector()
            .withMatchLabels(Labels.selector(ctx))
            .endSelector();
    if (user != null && (user.minAvailable != null || user.maxUnavailable != null)) {
      spec.withMinAvailable(user.minAvailable).withMaxUnavailable(user.maxUnavailable);
    } else {
      spec.withMaxUnavailable(new IntOrString(1));
    }
    PodDisruptionBudget pdb = new PodDisruptionBudget();
    pdb.setMetadata(Objects.meta(ctx, Names.collector(ctx.name())));
    pdb.setSpec(spec.build());
    return pdb;
  }
}
