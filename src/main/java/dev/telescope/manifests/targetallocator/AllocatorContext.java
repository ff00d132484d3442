package dev.telescope.manifests.targetallocator;

import dev.telescope.api.common.TargetAllocatorMtls;
import dev.telescope.api.v1alpha1.TargetAllocator;
import dev.telescope.api.v1alpha1.TargetAllocatorSpec;
import dev.telescope.manifests.AllocatorTlsVolumes;
import dev.telescope.manifests.CollectorContext;
import dev.telescope.naming.Names;
import dev.telescope.settings.OperatorConfig;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.util.Optional;

/**
 * One TargetAllocator (defaulted) with the collector it serves, if any, and the operator settings:
 * everything the allocator's builders read, computed once per reconcile.
 *
 * @param ta the allocator CR, with {@link AllocatorDefaults} applied
 * @param collector the owning collector (embedded form) or the one labelled {@code
 *     opentelemetry.io/target-allocator: <ta>}; null when the allocator serves only its own scrape
 *     configs
 * @param cfg the operator settings with the cluster's capabilities
 */
public record AllocatorContext(TargetAllocator ta, CollectorContext collector, OperatorConfig cfg) {

  /** Defaults the CR (on a copy) and bundles it with its collector. */
  public static AllocatorContext of(
      TargetAllocator ta, CollectorContext collector, OperatorConfig cfg) {
    return new AllocatorContext(AllocatorDefaults.apply(ta), collector, cfg);
  }

  public TargetAllocatorSpec spec() {
    return ta.getSpec();
  }

  public ObjectMeta meta() {
    return ta.getMetadata();
  }

  public String name() {
    return ta.getMetadata().getName();
  }

  public String namespace() {
    return ta.getMetadata().getNamespace();
  }

  /** The allocator's objects' name: {@code <ta>-targetallocator}. */
  public String objectName() {
    return Names.targetAllocator(name());
  }

  /** The allocator image: the CR's, else {@code --target-allocator-image}. */
  public String image() {
    String image = spec().image;
    return image == null || image.isBlank() ? cfg.targetAllocatorImage() : image;
  }

  /** The collector this allocator serves, when there is one. */
  public Optional<CollectorContext> collectorContext() {
    return Optional.ofNullable(collector);
  }

  /** Whether mTLS is requested on the allocator. */
  public boolean mtlsRequested() {
    return TargetAllocatorMtls.on(spec().mtls);
  }

  /**
   * Whether mTLS is served with cert-manager's certificates: requested, not switched to
   * user-provided ones, and cert-manager's kinds exist.
   */
  public boolean certManagerMtls() {
    return mtlsRequested()
        && !Boolean.FALSE.equals(spec().mtls.useCertManager)
        && cfg.capabilities().certManager();
  }

  /** Whether the allocator serves mTLS: cert-manager's certificates or the user's server one. */
  public boolean mtlsServed() {
    return AllocatorTlsVolumes.served(spec().mtls, cfg.capabilities(), AllocatorTlsVolumes.SERVER);
  }

  /** The ServiceAccount the pods run as: the CR's, else {@code <ta>-targetallocator}. */
  public String serviceAccountName() {
    String sa = spec().serviceAccount;
    return sa == null || sa.isEmpty() ? objectName() : sa;
  }
}
