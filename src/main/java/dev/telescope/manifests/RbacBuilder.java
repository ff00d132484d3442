package dev.telescope.manifests;

import dev.telescope.naming.Names;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import java.util.List;

/**
 * ClusterRole and ClusterRoleBinding for the components that read the Kubernetes API. They are
 * cluster-scoped, so they cannot carry an owner reference to a namespaced CR; the reconciler's
 * finalizer deletes them.
 */
public final class RbacBuilder {
  private RbacBuilder() {}

  /** The ClusterRole holding the given (already allowlisted) rules. */
  public static ClusterRole clusterRole(CollectorContext ctx, List<PolicyRule> rules) {
    String name = Names.clusterRole(ctx.name(), ctx.namespace());
    ClusterRole role = new ClusterRole();
    role.setMetadata(
        new ObjectMetaBuilder()
            .withName(name)
            .withLabels(Labels.common(ctx, name))
            .withAnnotations(Annotations.object(ctx))
            .build());
    role.setRules(rules);
    return role;
  }

  /** Binds the ClusterRole to the collector's ServiceAccount. */
  public static ClusterRoleBinding clusterRoleBinding(CollectorContext ctx) {
    String name = Names.clusterRoleBinding(ctx.name(), ctx.namespace());
    return new ClusterRoleBindingBuilder()
        .withMetadata(
            new ObjectMetaBuilder()
                .withName(name)
                .withLabels(Labels.common(ctx, name))
                .withAnnotations(Annotations.object(ctx))
                .build())
        .withNewRoleRef()
        .withApiGroup("rbac.authorization.k8s.io")
        .withKind("ClusterRole")
        .withName(Names.clusterRole(ctx.name(), ctx.namespace()))
        .endRoleRef()
        .addNewSubject()
        .withKind("ServiceAccount")
        .withName(PodTemplates.serviceAccountName(ctx))
        .withNamespace(ctx.namespace())
        .endSubject()
        .build();
  }
}
