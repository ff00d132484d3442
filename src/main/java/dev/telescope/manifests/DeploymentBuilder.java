package dev.telescope.manifests;

import dev.telescope.naming.Names;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStrategy;

/** The collector Deployment ({@code mode: deployment}). */
public final class DeploymentBuilder {
  private DeploymentBuilder() {}

  public static Deployment build(CollectorContext ctx) {
    Deployment d = new Deployment();
    d.setMetadata(Objects.meta(ctx, Names.collector(ctx.name())));
    d.setSpec(
        new DeploymentSpecBuilder()
            .withReplicas(Replicas.desired(ctx))
            .withNewSelector()
            .withMatchLabels(Labels.selector(ctx))
            .endSelector()
            .withStrategy(
                ctx.spec().deploymentUpdateStrategy == null
                    ? new DeploymentStrategy()
                    : ctx.spec().deploymentUpdateStrategy)
            .withTemplate(PodTemplates.build(ctx))
            .build());
    return d;
  }
}
