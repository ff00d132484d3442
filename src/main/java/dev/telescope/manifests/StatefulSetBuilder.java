package dev.telescope.manifests;

import dev.telescope.naming.Names;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetUpdateStrategy;

/** The collector StatefulSet ({@code mode: statefulset}). */
public final class StatefulSetBuilder {
  private StatefulSetBuilder() {}

  public static StatefulSet build(CollectorContext ctx) {
    var spec = ctx.spec();
    StatefulSet s = new StatefulSet();
    s.setMetadata(Objects.meta(ctx, Names.collector(ctx.name())));
    s.setSpec(
        new StatefulSetSpecBuilder()
            .withServiceName(serviceName(ctx))
            .withReplicas(Replicas.desired(ctx))
            .withNewSelector()
            .withMatchLabels(Labels.selector(ctx))
            .endSelector()
            .withTemplate(PodTemplates.build(ctx))
            .withPodManagementPolicy(
                spec.podManagementPolicy == null || spec.podManagementPolicy.isEmpty()
                    ? "Parallel"
                    : spec.podManagementPolicy)
            .withVolumeClaimTemplates(spec.volumeClaimTemplates)
            .withPersistentVolumeClaimRetentionPolicy(spec.persistentVolumeClaimRetentionPolicy)
            // Upstream's Go struct is not a pointer, so it is always written ({} when unset).
            .withUpdateStrategy(new StatefulSetUpdateStrategy())
            .build());
    return s;
  }

  /** The governing Service: the user's name or the headless Service we create. */
  public static String serviceName(CollectorContext ctx) {
    String n = ctx.spec().serviceName;
    return n == null || n.isEmpty() ? Names.headlessService(ctx.name()) : n;
  }
}
