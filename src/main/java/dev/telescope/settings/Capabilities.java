package dev.telescope.settings;

/**
 * What the cluster offers, detected once at start-up (or given as flags to {@code render}): the
 * optional APIs decide which optional objects are rendered.
 *
 * @param openShiftRoutes the {@code route.openshift.io} API exists
 * @param prometheusCrds the {@code monitoring.coreos.com} ServiceMonitor/PodMonitor APIs exist
 * @param createRbac the operator may create ClusterRoles/Bindings for collectors
 * @param nativeSidecars Kubernetes ≥ 1.29: sidecars are init containers with restartPolicy Always
 * @param targetAllocators the {@code opentelemetry.io/v1alpha1} TargetAllocator API exists (its CRD
 *     comes with upstream's install, not ours), so the TargetAllocator CR of a collector with
 *     {@code targetAllocator.enabled} can be stored
 * @param gatewayApi the Gateway API ({@code gateway.networking.k8s.io} HTTPRoutes) exists
 * @param certManager cert-manager's Issuer and Certificate kinds ({@code cert-manager.io/v1})
 *     exist, so an allocator with {@code mtls.enabled} gets its certificates from it
 */
public record Capabilities(
    boolean openShiftRoutes,
    boolean prometheusCrds,
    boolean createRbac,
    boolean nativeSidecars,
    boolean targetAllocators,
    boolean gatewayApi,
    boolean certManager) {

  /** Without cert-manager. */
  public Capabilities(
      boolean openShiftRoutes,
      boolean prometheusCrds,
      boolean createRbac,
      boolean nativeSidecars,
      boolean targetAllocators,
      boolean gatewayApi) {
    this(
        openShiftRoutes,
        prometheusCrds,
        createRbac,
        nativeSidecars,
        targetAllocators,
        gatewayApi,
        false);
  }

  /** Without the TargetAllocator and Gateway APIs. */
  public Capabilities(
      boolean openShiftRoutes, boolean prometheusCrds, boolean createRbac, boolean nativeSidecars) {
    this(openShiftRoutes, prometheusCrds, createRbac, nativeSidecars, false, false);
  }

  /** Without the Gateway API. */
  public Capabilities(
      boolean openShiftRoutes,
      boolean prometheusCrds,
      boolean createRbac,
      boolean nativeSidecars,
      boolean targetAllocators) {
    this(openShiftRoutes, prometheusCrds, createRbac, nativeSidecars, targetAllocators, false);
  }

  /** Nothing optional: what a bare cluster without the optional APIs offers. */
  public static final Capabilities NONE = new Capabilities(false, false, false, false, false);
}
