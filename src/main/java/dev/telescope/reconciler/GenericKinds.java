package dev.telescope.reconciler;

import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.Map;

/** The optional APIs we write as generic objects, with their plural names (no discovery needed). */
public final class GenericKinds {
  public static final ResourceDefinitionContext ROUTE =
      new ResourceDefinitionContext.Builder()
          .withGroup("route.openshift.io")
          .withVersion("v1")
          .withKind("Route")
          .withPlural("routes")
          .withNamespaced(true)
          .build();
  public static final ResourceDefinitionContext SERVICE_MONITOR =
      new ResourceDefinitionContext.Builder()
          .withGroup("monitoring.coreos.com")
          .withVersion("v1")
          .withKind("ServiceMonitor")
          .withPlural("servicemonitors")
          .withNamespaced(true)
          .build();
  public static final ResourceDefinitionContext POD_MONITOR =
      new ResourceDefinitionContext.Builder()
          .withGroup("monitoring.coreos.com")
          .withVersion("v1")
          .withKind("PodMonitor")
          .withPlural("podmonitors")
          .withNamespaced(true)
          .build();

  /** The CR a collector with {@code targetAllocator.enabled} spawns (upstream's CRD). */
  public static final ResourceDefinitionContext TARGET_ALLOCATOR =
      new ResourceDefinitionContext.Builder()
          .withGroup("opentelemetry.io")
          .withVersion("v1alpha1")
          .withKind("TargetAllocator")
          .withPlural("targetallocators")
          .withNamespaced(true)
          .build();

  public static final ResourceDefinitionContext HTTP_ROUTE =
      new ResourceDefinitionContext.Builder()
          .withGroup("gateway.networking.k8s.io")
          .withVersion("v1")
          .withKind("HTTPRoute")
          .withPlural("httproutes")
          .withNamespaced(true)
          .build();

  /** cert-manager's kinds, for allocator mTLS. */
  public static final ResourceDefinitionContext ISSUER =
      new ResourceDefinitionContext.Builder()
          .withGroup("cert-manager.io")
          .withVersion("v1")
          .withKind("Issuer")
          .withPlural("issuers")
          .withNamespaced(true)
          .build();

  public static final ResourceDefinitionContext CERTIFICATE =
      new ResourceDefinitionContext.Builder()
          .withGroup("cert-manager.io")
          .withVersion("v1")
          .withKind("Certificate")
          .withPlural("certificates")
          .withNamespaced(true)
          .build();

  private static final Map<String, ResourceDefinitionContext> BY_KIND =
      Map.of(
          "Route",
          ROUTE,
          "ServiceMonitor",
          SERVICE_MONITOR,
          "PodMonitor",
          POD_MONITOR,
          "TargetAllocator",
          TARGET_ALLOCATOR,
          "HTTPRoute",
          HTTP_ROUTE,
          "Issuer",
          ISSUER,
          "Certificate",
          CERTIFICATE);

  private GenericKinds() {}

  /** The definition of a generic kind we render. */
  public static ResourceDefinitionContext context(String apiVersion, String kind) {
    ResourceDefinitionContext c = BY_KIND.get(kind);
    if (c == null) {
      throw new IllegalArgumentException("not a kind the operator renders generically: " + kind);
    }
    return c;
  }
}
