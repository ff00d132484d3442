package dev.telescope.manifests;

import static dev.telescope.manifests.Conditions.ALWAYS;
import static dev.telescope.manifests.Conditions.AUTOSCALER;
import static dev.telescope.manifests.Conditions.CLUSTER_RBAC;
import static dev.telescope.manifests.Conditions.HAS_PDB;
import static dev.telescope.manifests.Conditions.INGRESS;
import static dev.telescope.manifests.Conditions.METRICS_CRS;
import static dev.telescope.manifests.Conditions.MODE_DAEMONSET;
import static dev.telescope.manifests.Conditions.MODE_DEPLOYMENT;
import static dev.telescope.manifests.Conditions.MODE_STATEFULSET;
import static dev.telescope.manifests.Conditions.NETWORK_POLICY;
import static dev.telescope.manifests.Conditions.NOT_SIDECAR;
import static dev.telescope.manifests.Conditions.OWN_SERVICE_ACCOUNT;
import static dev.telescope.manifests.Conditions.ROUTES;
import static dev.telescope.manifests.Conditions.SIDECAR;
import static dev.telescope.manifests.Conditions.TARGET_ALLOCATOR;

import dev.telescope.config.ComponentRbac;
import dev.telescope.config.ConfigProblem;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Everything one collector needs, in upstream's order: each part is a named condition plus the
 * builder that renders it. What a part renders when its condition fails is nothing, which is what
 * lets the reconciler prune objects that are no longer wanted.
 */
public final class CollectorManifests {
  /** One kind of object and when it is wanted. */
  public record Part(
      String kind,
      Conditions.Condition when,
      Function<CollectorContext, List<HasMetadata>> build) {}

  /**
   * The result of rendering a collector.
   *
   * @param objects the desired objects, in builder order
   * @param problems config errors: when any exist nothing should be applied
   * @param warnings worth telling the user, not blocking
   * @param refusedRules permissions components asked for that are outside the allowlist
   */
  public record Rendered(
      List<HasMetadata> objects,
      List<ConfigProblem> problems,
      List<ConfigProblem> warnings,
      List<PolicyRule> refusedRules) {}

  /** Every part, in the order upstream's builder emits them. */
  public static final List<Part> PARTS =
      List.of(
          new Part("Deployment", MODE_DEPLOYMENT, one(DeploymentBuilder::build)),
          new Part("StatefulSet", MODE_STATEFULSET, one(StatefulSetBuilder::build)),
          new Part("DaemonSet", MODE_DAEMONSET, one(DaemonSetBuilder::build)),
          new Part("PodDisruptionBudget", HAS_PDB, one(PodDisruptionBudgetBuilder::build)),
          new Part("ConfigMap", ALWAYS, one(ConfigMapBuilder::build)),
          new Part("ServiceAccount", OWN_SERVICE_ACCOUNT, one(ServiceAccountBuilder::build)),
          new Part(
              "HorizontalPodAutoscaler",
              NOT_SIDECAR.and(AUTOSCALER),
              one(HorizontalPodAutoscalerBuilder::build)),
          new Part("Service", NOT_SIDECAR, optional(ServiceBuilder::base)),
          new Part("Service", NOT_SIDECAR, optional(ServiceBuilder::headless)),
          new Part("Service", NOT_SIDECAR, one(ServiceBuilder::monitoring)),
          new Part("Service", NOT_SIDECAR, optional(ServiceBuilder::extension)),
          new Part("Ingress", NOT_SIDECAR.and(INGRESS), optional(IngressBuilder::build)),
          new Part(
              "NetworkPolicy", NOT_SIDECAR.and(NETWORK_POLICY), one(NetworkPolicyBuilder::build)),
          new Part("TargetAllocator", TARGET_ALLOCATOR, optional(TargetAllocatorBuilder::build)),
          new Part(
              "ServiceMonitor", NOT_SIDECAR.and(METRICS_CRS), optional(MonitorBuilder::exporters)),
          new Part("ServiceMonitor", NOT_SIDECAR.and(METRICS_CRS), one(MonitorBuilder::monitoring)),
          new Part("PodMonitor", SIDECAR.and(METRICS_CRS), one(MonitorBuilder::podMonitor)),
          new Part("ClusterRole", CLUSTER_RBAC, CollectorManifests::clusterRbac),
          new Part(
              "Route", NOT_SIDECAR.and(ROUTES), ctx -> new ArrayList<>(RouteBuilder.build(ctx))),
          new Part(
              "HTTPRoute",
              NOT_SIDECAR.and(Conditions.HTTP_ROUTES),
              ctx -> new ArrayList<>(HttpRouteBuilder.build(ctx))));

  private CollectorManifests() {}

  /** Renders every wanted object of a collector. */
  public static Rendered build(CollectorContext ctx) {
    List<HasMetadata> objects = new ArrayList<>();
    for (Part part : PARTS) {
      if (part.when().holds(ctx)) {
        objects.addAll(part.build().apply(ctx));
      }
    }
    List<PolicyRule> refused = new ArrayList<>();
    if (ctx.cfg().capabilities().createRbac()) {
      for (PolicyRule r : ctx.config().rbacRules()) {
        if (!ComponentRbac.allowed(r)) {
          refused.add(r);
        }
      }
    }
    return new Rendered(
        List.copyOf(objects),
        ctx.config().problems(),
        ctx.config().warnings(),
        List.copyOf(refused));
  }

  private static List<HasMetadata> clusterRbac(CollectorContext ctx) {
    List<PolicyRule> allowed =
        ctx.config().rbacRules().stream().filter(ComponentRbac::allowed).toList();
    if (allowed.isEmpty()) {
      return List.of();
    }
    return List.of(RbacBuilder.clusterRole(ctx, allowed), RbacBuilder.clusterRoleBinding(ctx));
  }

  private static Function<CollectorContext, List<HasMetadata>> one(
      Function<CollectorContext, ? extends HasMetadata> f) {
    return ctx -> List.of(f.apply(ctx));
  }

  private static Function<CollectorContext, List<HasMetadata>> optional(
      Function<CollectorContext, ? extends Optional<? extends HasMetadata>> f) {
    return ctx -> f.apply(ctx).<List<HasMetadata>>map(List::of).orElse(List.of());
  }
}
