package dev.telescope.manifests.targetallocator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.telescope.TestYaml;
import dev.telescope.api.v1alpha1.TargetAllocator;
import dev.telescope.manifests.CollectorContext;
import dev.telescope.manifests.CollectorManifests;
import dev.telescope.manifests.TargetAllocatorBuilder;
import dev.telescope.settings.Capabilities;
import dev.telescope.settings.OperatorConfig;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** mTLS between collectors and their allocator with cert-manager: objects and mounts. */
class AllocatorCertificatesTest {
  static OperatorConfig cfg(boolean certManager) {
    return OperatorConfig.parse(List.of(), Map.of())
        .withCapabilities(new Capabilities(false, true, false, true, true, false, certManager));
  }

  static AllocatorContext standalone(String mtls, boolean certManager) throws Exception {
    TargetAllocator ta =
        new ObjectMapper()
            .convertValue(
                new YAMLMapper()
                    .readTree(
                        "apiVersion: opentelemetry.io/v1alpha1\nkind: TargetAllocator\n"
                            + "metadata: {name: cr, namespace: ns}\nspec: {mtls: "
                            + mtls
                            + "}\n"),
                TargetAllocator.class);
    return AllocatorContext.of(ta, null, cfg(certManager));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> spec(GenericKubernetesResource r) {
    return (Map<String, Object>) r.getAdditionalProperties().get("spec");
  }

  static GenericKubernetesResource named(List<HasMetadata> objects, String name) {
    return (GenericKubernetesResource)
        objects.stream()
            .filter(o -> o.getMetadata().getName().equals(name))
            .findFirst()
            .orElseThrow();
  }

  @Test
  void issuersAndCertificatesChainFromASelfSignedCa() throws Exception {
    List<HasMetadata> objects = AllocatorManifests.build(standalone("{enabled: true}", true));
    assertThat(objects.stream().filter(o -> o.getApiVersion().equals("cert-manager.io/v1")))
        .extracting(o -> o.getKind() + " " + o.getMetadata().getName())
        .containsExactly(
            "Issuer cr-self-signed-issuer",
            "Certificate cr-ca-cert",
            "Issuer cr-ca-issuer",
            "Certificate cr-ta-server-cert",
            "Certificate cr-ta-client-cert");
    assertThat(spec(named(objects, "cr-self-signed-issuer"))).containsEntry("selfSigned", Map.of());
    Map<String, Object> ca = spec(named(objects, "cr-ca-cert"));
    assertThat(ca)
        .containsEntry("isCA", true)
        .containsEntry("secretName", "cr-ca-cert")
        .containsEntry("issuerRef", Map.of("kind", "Issuer", "name", "cr-self-signed-issuer"));
    assertThat(spec(named(objects, "cr-ca-issuer")))
        .containsEntry("ca", Map.of("secretName", "cr-ca-cert"));
    Map<String, Object> server = spec(named(objects, "cr-ta-server-cert"));
    assertThat(server)
        .containsEntry("secretName", "cr-ta-server-cert")
        .containsEntry(
            "dnsNames",
            List.of(
                "cr-targetallocator",
                "cr-targetallocator.ns.svc",
                "cr-targetallocator.ns.svc.cluster.local"))
        .containsEntry("issuerRef", Map.of("kind", "Issuer", "name", "cr-ca-issuer"));
    Map<String, Object> client = spec(named(objects, "cr-ta-client-cert"));
    assertThat(client)
        .containsEntry("secretName", "cr-ta-client-cert")
        .containsEntry("usages", List.of("client auth"))
        .containsEntry("issuerRef", Map.of("kind", "Issuer", "name", "cr-ca-issuer"));
    assertThat(named(objects, "cr-ta-client-cert").getMetadata().getNamespace()).isEqualTo("ns");
  }

  @Test
  void theAllocatorServesHttpsWithTheMountedServerCertificate() throws Exception {
    AllocatorContext ctx = standalone("{enabled: true}", true);
    Container c = AllocatorDeploymentBuilder.container(ctx);
    assertThat(c.getPorts())
        .extracting(p -> p.getName() + ":" + p.getContainerPort())
        .containsExactly("http:8080", "https:8443");
    assertThat(c.getVolumeMounts())
        .anyMatch(m -> m.getName().equals("cr-ta-server-cert") && m.getMountPath().equals("/tls"));
    assertThat(AllocatorDeploymentBuilder.volumes(ctx))
        .anyMatch(
            v ->
                v.getName().equals("cr-ta-server-cert")
                    && v.getSecret().getSecretName().equals("cr-ta-server-cert"));
    Service s = AllocatorServiceBuilder.build(ctx);
    assertThat(s.getSpec().getPorts())
        .extracting(p -> p.getName() + ":" + p.getPort() + ">" + p.getTargetPort().getStrVal())
        .containsExactly("targetallocation:80>http", "targetallocation-https:443>https");
    ConfigMap cm = AllocatorConfigMapBuilder.build(ctx);
    assertThat(cm.getData().get("targetallocator.yaml"))
        .contains(
            "https:\n"
                + "  enabled: true\n"
                + "  listen_addr: :8443\n"
                + "  ca_file_path: /tls/ca.crt\n"
                + "  tls_cert_file_path: /tls/tls.crt\n"
                + "  tls_key_file_path: /tls/tls.key\n");
    assertThat(new IntOrString("https").getStrVal()).isEqualTo("https");
  }

  @Test
  void withoutCertManagerOrWithUserCertificatesNothingIsIssued() throws Exception {
    for (AllocatorContext ctx :
        List.of(
            standalone("{enabled: true}", false),
            standalone("{enabled: true, useCertManager: false}", true),
            standalone("{enabled: false}", true))) {
      assertThat(AllocatorManifests.build(ctx))
          .noneMatch(o -> o.getApiVersion().equals("cert-manager.io/v1"));
      assertThat(AllocatorDeploymentBuilder.container(ctx).getPorts()).hasSize(1);
      assertThat(AllocatorConfigMapBuilder.content(ctx)).doesNotContain("https");
    }
  }

  static final String COLLECTOR =
      """
      apiVersion: opentelemetry.io/v1beta1
      kind: OpenTelemetryCollector
      metadata: {name: prom, namespace: ns}
      spec:
        mode: statefulset
        targetAllocator:
          enabled: true
          mtls: {enabled: %s}
          prometheusCR: {enabled: true}
        config:
          receivers:
            prometheus: {config: {scrape_configs: []}}
          exporters:
            debug: {}
          service:
            pipelines:
              metrics:
                receivers: [prometheus]
                exporters: [debug]
      """;

  @Test
  void theCollectorFetchesOverHttpsWithItsMountedClientCertificate() {
    CollectorContext ctx =
        CollectorContext.of(TestYaml.collector(COLLECTOR.formatted(true)), cfg(true));
    assertThat(TargetAllocatorBuilder.collectorConfig(ctx).orElseThrow())
        .contains("endpoint: https://prom-targetallocator:443\n")
        .contains(
            "tls:\n"
                + "                ca_file: /tls/ca.crt\n"
                + "                cert_file: /tls/tls.crt\n"
                + "                key_file: /tls/tls.key\n"
                + "                reload_interval: 5m\n");
    StatefulSet sts =
        CollectorManifests.build(ctx).objects().stream()
            .filter(StatefulSet.class::isInstance)
            .map(StatefulSet.class::cast)
            .findFirst()
            .orElseThrow();
    var pod = sts.getSpec().getTemplate().getSpec();
    assertThat(pod.getVolumes())
        .anyMatch(
            v ->
                v.getName().equals("prom-ta-client-cert")
                    && v.getSecret().getSecretName().equals("prom-ta-client-cert"));
    assertThat(pod.getContainers().get(0).getVolumeMounts())
        .anyMatch(
            m -> m.getName().equals("prom-ta-client-cert") && m.getMountPath().equals("/tls"));
  }

  @Test
  void withoutMtlsTheCollectorStaysOnHttp() {
    CollectorContext ctx =
        CollectorContext.of(TestYaml.collector(COLLECTOR.formatted(false)), cfg(true));
    assertThat(TargetAllocatorBuilder.collectorConfig(ctx).orElseThrow())
        .contains("endpoint: http://prom-targetallocator:80\n")
        .doesNotContain("tls:");
    CollectorContext noCm =
        CollectorContext.of(TestYaml.collector(COLLECTOR.formatted(true)), cfg(false));
    assertThat(TargetAllocatorBuilder.collectorConfig(noCm).orElseThrow()).doesNotContain("https");
  }

  @Test
  void userProvidedCertificatesAreProjectedUnderTheSameNames() throws Exception {
    AllocatorContext ctx =
        standalone(
            "{enabled: true, useCertManager: false, tls: {"
                + "certificateAuthorityCertificate: {configMap: {name: mtls-ca}},"
                + " serverCertificate: {certificateSecret: {name: srv}, keySecret: {name: srv-key,"
                + " key: private}}}}",
            false);
    assertThat(AllocatorManifests.build(ctx))
        .noneMatch(o -> o.getApiVersion().equals("cert-manager.io/v1"));
    assertThat(AllocatorDeploymentBuilder.container(ctx).getPorts()).hasSize(2);
    var volume =
        AllocatorDeploymentBuilder.volumes(ctx).stream()
            .filter(v -> v.getName().equals("cr-ta-server-cert"))
            .findFirst()
            .orElseThrow();
    assertThat(volume.getProjected().getSources())
        .extracting(
            p ->
                p.getConfigMap() != null
                    ? "cm "
                        + p.getConfigMap().getName()
                        + " "
                        + p.getConfigMap().getItems().get(0).getKey()
                        + ">"
                        + p.getConfigMap().getItems().get(0).getPath()
                    : "secret "
                        + p.getSecret().getName()
                        + " "
                        + p.getSecret().getItems().get(0).getKey()
                        + ">"
                        + p.getSecret().getItems().get(0).getPath())
        .containsExactly(
            "cm mtls-ca ca.crt>ca.crt",
            "secret srv tls.crt>tls.crt",
            "secret srv-key private>tls.key");
    assertThat(AllocatorConfigMapBuilder.content(ctx)).contains("https:\n  enabled: true\n");
  }
}
