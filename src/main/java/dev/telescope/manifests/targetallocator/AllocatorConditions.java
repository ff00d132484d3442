package dev.telescope.manifests.targetallocator;

import java.util.function.Predicate;

/** Named conditions deciding which optional objects an allocator gets (and which are pruned). */
public final class AllocatorConditions {
  private AllocatorConditions() {}

  /** A named predicate over an allocator. */
  public record Condition(String name, Predicate<AllocatorContext> test) {
    public boolean holds(AllocatorContext ctx) {
      return test.test(ctx);
    }
  }

  public static final Condition ALWAYS = new Condition("always", ctx -> true);

  public static final Condition OWN_SERVICE_ACCOUNT =
      new Condition(
          "spec.serviceAccount is unset or names the allocator's own account",
          ctx -> ctx.serviceAccountName().equals(ctx.objectName()));

  public static final Condition PDB =
      new Condition(
          "allocationStrategy is consistent-hashing or per-node",
          AllocatorPodDisruptionBudgetBuilder::compatible);

  public static final Condition SERVICE_MONITOR =
      new Condition(
          "observability.metrics.enableMetrics and the Prometheus operator CRDs exist",
          ctx ->
              ctx.cfg().capabilities().prometheusCrds()
                  && AllocatorServiceMonitorBuilder.wanted(ctx));

  public static final Condition NETWORK_POLICY =
      new Condition(
          "spec.networkPolicy.enabled",
          ctx ->
              ctx.spec().networkPolicy != null
                  && Boolean.TRUE.equals(ctx.spec().networkPolicy.enabled));

  public static final Condition CERT_MANAGER_MTLS =
      new Condition(
          "spec.mtls.enabled with cert-manager's certificates and cert-manager installed",
          AllocatorContext::certManagerMtls);
}
