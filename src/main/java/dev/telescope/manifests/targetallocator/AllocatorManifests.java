package dev.telescope.manifests.targetallocator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Everything one target allocator needs, in upstream's order: each part is a named condition and
 * the builder that renders it; a part whose condition fails renders nothing and is pruned.
 */
public final class AllocatorManifests {
  /** One kind of object and when it is wanted. */
  public record Part(
      String kind,
      AllocatorConditions.Condition when,
      Function<AllocatorContext, ? extends HasMetadata> build) {}

  public static final List<Part> PARTS =
      List.of(
          new Part("ConfigMap", AllocatorConditions.ALWAYS, AllocatorConfigMapBuilder::build),
          new Part("Deployment", AllocatorConditions.ALWAYS, AllocatorDeploymentBuilder::build),
          new Part(
              "ServiceAccount",
              AllocatorConditions.OWN_SERVICE_ACCOUNT,
              AllocatorServiceAccountBuilder::build),
          new Part("Service", AllocatorConditions.ALWAYS, AllocatorServiceBuilder::build),
          new Part(
              "PodDisruptionBudget",
              AllocatorConditions.PDB,
              AllocatorPodDisruptionBudgetBuilder::build),
          new Part(
              "ServiceMonitor",
              AllocatorConditions.SERVICE_MONITOR,
              AllocatorServiceMonitorBuilder::build),
          new Part(
              "NetworkPolicy",
              AllocatorConditions.NETWORK_POLICY,
              AllocatorNetworkPolicyBuilder::build),
          new Part(
              "Issuer",
              AllocatorConditions.CERT_MANAGER_MTLS,
              AllocatorCertificatesBuilder::selfSignedIssuerObject),
          new Part(
              "Certificate",
              AllocatorConditions.CERT_MANAGER_MTLS,
              AllocatorCertificatesBuilder::caCertificateObject),
          new Part(
              "Issuer",
              AllocatorConditions.CERT_MANAGER_MTLS,
              AllocatorCertificatesBuilder::caIssuerObject),
          new Part(
              "Certificate",
              AllocatorConditions.CERT_MANAGER_MTLS,
              AllocatorCertificatesBuilder::serverCertificateObject),
          new Part(
              "Certificate",
              AllocatorConditions.CERT_MANAGER_MTLS,
              AllocatorCertificatesBuilder::clientCertificateObject));

  private AllocatorManifests() {}

  /** Renders every wanted object of an allocator. */
  public static List<HasMetadata> build(AllocatorContext ctx) {
    List<HasMetadata> out = new ArrayList<>();
    for (Part p : PARTS) {
      if (p.when().holds(ctx)) {
        out.add(p.build().apply(ctx));
      }
    }
    return List.copyOf(out);
  }
}
