package dev.telescope.manifests;

import dev.telescope.api.common.Mode;
import java.util.function.Predicate;

/**
 * Named conditions deciding which optional objects a collector gets. Each object kind is rendered
 * when its condition holds and pruned when it stops holding, so the reasons live here and not in
 * if-chains across the reconciler.
 */
public final class Conditions {
  private Conditions() {}

  /** A named predicate over a collector. */
  public record Condition(String name, Predicate<CollectorContext> test) {
    public boolean holds(CollectorContext ctx) {
      return test.test(ctx);
    }

    public Condition and(Condition other) {
      return new Condition(name + " and " + other.name, test.and(other.test));
    }
  }

  public static final Condition ALWAYS = new Condition("always", ctx -> true);

  public static final Condition MODE_DEPLOYMENT =
      new Condition("mode is deployment", ctx -> ctx.mode() == Mode.DEPLOYMENT);

  public static final Condition MODE_STATEFULSET =
      new Condition("mode is statefulset", ctx -> ctx.mode() == Mode.STATEFULSET);

  public static final Condition MODE_DAEMONSET =
      new Condition("mode is daemonset", ctx -> ctx.mode() == Mode.DAEMONSET);

  public static final Condition NOT_SIDECAR =
      new Condition("mode is not sidecar", ctx -> ctx.mode() != Mode.SIDECAR);

  public static final Condition SIDECAR =
      new Condition("mode is sidecar", ctx -> ctx.mode() == Mode.SIDECAR);

  /** A PDB only makes sense for replicated workloads; DaemonSet pods are per node. */
  public static final Condition HAS_PDB =
      new Condition(
          "mode is deployment or statefulset",
          ctx -> ctx.mode() == Mode.DEPLOYMENT || ctx.mode() == Mode.STATEFULSET);

  public static final Condition OWN_SERVICE_ACCOUNT =
      new Condition(
          "spec.serviceAccount is unset",
          ctx -> ctx.spec().serviceAccount == null || ctx.spec().serviceAccount.isEmpty());

  public static final Condition AUTOSCALER =
      new Condition(
          "spec.autoscaler.maxReplicas is set",
          ctx -> ctx.spec().autoscaler != null && ctx.spec().autoscaler.maxReplicas != null);

  public static final Condition INGRESS =
      new Condition(
          "spec.ingress.type is ingress",
          ctx ->
              ctx.spec().ingress != null
                  && ctx.spec().ingress.type == dev.telescope.api.common.IngressSpec.Type.INGRESS);

  public static final Condition ROUTES =
      new Condition(
          "spec.ingress.type is route and the OpenShift Route API exists",
          ctx ->
              ctx.cfg().capabilities().openShiftRoutes()
                  && ctx.spec().ingress != null
                  && ctx.spec().ingress.type == dev.telescope.api.common.IngressSpec.Type.ROUTE);

  public static final Condition NETWORK_POLICY =
      new Condition(
          "spec.networkPolicy.enabled",
          ctx ->
              ctx.spec().networkPolicy != null
                  && Boolean.TRUE.equals(ctx.spec().networkPolicy.enabled));

  public static final Condition METRICS_CRS =
      new Condition(
          "observability.metrics.enableMetrics and the Prometheus operator CRDs exist",
          ctx -> ctx.cfg().capabilities().prometheusCrds() && MonitorBuilder.enabled(ctx));

  public static final Condition TARGET_ALLOCATOR =
      new Condition("spec.targetAllocator.enabled", TargetAllocatorBuilder::enabled);

  public static final Condition CLUSTER_RBAC =
      new Condition(
          "components need cluster permissions and the operator may grant them",
          ctx -> ctx.cfg().capabilities().createRbac() && !ctx.config().rbacRules().isEmpty());

  public static final Condition HTTP_ROUTES =
      new Condition(
          "spec.httpRoute.enabled and the Gateway API exists",
          ctx -> ctx.cfg().capabilities().gatewayApi() && HttpRouteBuilder.enabled(ctx));
}
