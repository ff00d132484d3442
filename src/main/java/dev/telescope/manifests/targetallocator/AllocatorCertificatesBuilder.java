package dev.telescope.manifests.targetallocator;

import dev.telescope.manifests.Labels;
import dev.telescope.naming.Names;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * cert-manager objects for mTLS between collectors and their allocator: a self-signed Issuer that
 * signs a CA, a CA Issuer, and the allocator's serving and the collectors' client certificates,
 * each secret named like its Certificate so both sides can mount it.
 */
public final class AllocatorCertificatesBuilder {
  public static final String API_VERSION = "cert-manager.io/v1";
  public static final String ISSUER = "Issuer";
  public static final String CERTIFICATE = "Certificate";

  /** Where both sides mount their certificate secret. */
  public static final String MOUNT_PATH = "/tls";

  /** The allocator's https port (container) and Service port. */
  public static final int HTTPS_PORT = 8443;

  public static final int SERVICE_HTTPS_PORT = 443;

  private AllocatorCertificatesBuilder() {}

  public static String selfSignedIssuer(String ta) {
    return Names.targetAllocatorCertificate(ta, "self-signed-issuer");
  }

  public static String caCertificate(String ta) {
    return Names.targetAllocatorCertificate(ta, "ca-cert");
  }

  public static String caIssuer(String ta) {
    return Names.targetAllocatorCertificate(ta, "ca-issuer");
  }

  public static String serverCertificate(String ta) {
    return Names.targetAllocatorCertificate(ta, "ta-server-cert");
  }

  public static String clientCertificate(String ta) {
    return Names.targetAllocatorCertificate(ta, "ta-client-cert");
  }

  public static GenericKubernetesResource selfSignedIssuerObject(AllocatorContext ctx) {
    return object(ctx, ISSUER, selfSignedIssuer(ctx.name()), Map.of("selfSigned", Map.of()));
  }

  public static GenericKubernetesResource caCertificateObject(AllocatorContext ctx) {
    String name = caCertificate(ctx.name());
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("isCA", true);
    spec.put("commonName", name);
    spec.put("secretName", name);
    spec.put("subject", Map.of("organizationalUnits", List.of("opentelemetry-operator")));
    spec.put("issuerRef", Map.of("kind", ISSUER, "name", selfSignedIssuer(ctx.name())));
    return object(ctx, CERTIFICATE, name, spec);
  }

  public static GenericKubernetesResource caIssuerObject(AllocatorContext ctx) {
    return object(
        ctx,
        ISSUER,
        caIssuer(ctx.name()),
        Map.of("ca", Map.of("secretName", caCertificate(ctx.name()))));
  }

  /** The allocator's serving certificate, valid for its Service's in-cluster names. */
  public static GenericKubernetesResource serverCertificateObject(AllocatorContext ctx) {
    String name = serverCertificate(ctx.name());
    String svc = ctx.objectName();
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("commonName", svc);
    spec.put(
        "dnsNames",
        List.of(
            svc,
            svc + "." + ctx.namespace() + ".svc",
            svc + "." + ctx.namespace() + ".svc.cluster.local"));
    spec.put("secretName", name);
    spec.put("usages", List.of("server auth", "client auth"));
    spec.put("issuerRef", Map.of("kind", ISSUER, "name", caIssuer(ctx.name())));
    return object(ctx, CERTIFICATE, name, spec);
  }

  /** The certificate collectors present to the allocator. */
  public static GenericKubernetesResource clientCertificateObject(AllocatorContext ctx) {
    String name = clientCertificate(ctx.name());
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("commonName", name);
    spec.put("secretName", name);
    spec.put("usages", List.of("client auth"));
    spec.put("issuerRef", Map.of("kind", ISSUER, "name", caIssuer(ctx.name())));
    return object(ctx, CERTIFICATE, name, spec);
  }

  private static GenericKubernetesResource object(
      AllocatorContext ctx, String kind, String name, Map<String, Object> spec) {
    GenericKubernetesResource r = new GenericKubernetesResource();
    r.setApiVersion(API_VERSION);
    r.setKind(kind);
    r.setMetadata(
        new ObjectMetaBuilder()
            .withName(name)
            .withNamespace(ctx.namespace())
            .withLabels(Labels.allocator(ctx.meta(), name, ctx.spec().image, ctx.cfg()))
            .build());
    r.setAdditionalProperty("spec", spec);
    return r;
  }
}
