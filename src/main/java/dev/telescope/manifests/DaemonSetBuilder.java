package dev.telescope.manifests;

import dev.telescope.naming.Names;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSetUpdateStrategy;

/** The collector DaemonSet ({@code mode: daemonset}). */
public final class DaemonSetBuilder {
  private DaemonSetBuilder() {}

  public static DaemonSet build(CollectorContext ctx) {
    DaemonSet d = new DaemonSet();
    d.setMetadata(Objects.meta(ctx, Names.collector(ctx.name())));
    d.setSpec(
        new DaemonSetSpecBuilder()
            .withNewSelector()
            .withMatchLabels(Labels.selector(ctx))
            .endSelector()
            .withUpdateStrategy(
                ctx.spec().daemonSetUpdateStrategy == null
                    ? new DaemonSetUpdateStrategy()
                    : ctx.spec().daemonSetUpdateStrategy)
            .withTemplate(PodTemplates.build(ctx))
            .build());
    return d;
  }
}
