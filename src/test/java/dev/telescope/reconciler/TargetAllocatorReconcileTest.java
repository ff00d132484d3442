package dev.telescope.reconciler;

import static dev.telescope.reconciler.MockCluster.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.telescope.TestYaml;
import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import dev.telescope.settings.Capabilities;
import dev.telescope.settings.OperatorConfig;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A collector with {@code targetAllocator.enabled} spawns a TargetAllocator CR, whose CRD comes
 * with upstream's install and not ours: with the API the CR is created, owned and pruned; without
 * it the rest of the collector is still reconciled (the write of the CR used to fail and stop the
 * reconcile before the ServiceMonitors, the pruning and the status).
 */
@EnableKubernetesMockClient(crud = true)
class TargetAllocatorReconcileTest {
  static final Duration WAIT = Duration.ofSeconds(20);
  static final String NS = "observability";

  KubernetesClient client;
  OperatorRuntime runtime;
  KubernetesClient operatorClient;

  @AfterEach
  void stop() {
    if (runtime != null) {
      runtime.close();
      operatorClient.close();
    }
  }

  void start(boolean targetAllocatorApi) {
    MockCluster.installCrd(client);
    // The Prometheus-operator CRDs: the operator watches ServiceMonitors through discovery.
    schemaless("monitoring.coreos.com", "v1", "ServiceMonitor");
    schemaless("monitoring.coreos.com", "v1", "PodMonitor");
    if (targetAllocatorApi) {
      schemaless("opentelemetry.io", "v1alpha1", "TargetAllocator");
    }
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .create();
    OperatorConfig cfg =
        OperatorConfig.parse(List.of("--leader-election=false"), Map.of())
            .withCapabilities(new Capabilities(false, true, false, false, targetAllocatorApi));
    // The operator's client decodes as the shipped one does: compact, shared cache objects.
    operatorClient =
        new io.fabric8.kubernetes.client.KubernetesClientBuilder()
            .withConfig(client.getConfiguration())
            .withKubernetesSerialization(InterningSerialization.create())
            .build();
    runtime =
        OperatorRuntime.start(operatorClient, cfg, Duration.ofMillis(500), Optional.of("test"));
  }

  void schemaless(String group, String version, String kind) {
    String plural = kind.toLowerCase(java.util.Locale.ROOT) + "s";
    client
        .resource(
            new CustomResourceDefinitionBuilder()
                .withNewMetadata()
                .withName(plural + "." + group)
                .endMetadata()
                .withNewSpec()
                .withGroup(group)
                .withScope("Namespaced")
                .withNewNames()
                .withKind(kind)
                .withPlural(plural)
                .withSingular(kind.toLowerCase(java.util.Locale.ROOT))
                .endNames()
                .addNewVersion()
                .withName(version)
                .withServed(true)
                .withStorage(true)
                .withNewSchema()
                .withNewOpenAPIV3Schema()
                .withType("object")
                .withXKubernetesPreserveUnknownFields(true)
                .endOpenAPIV3Schema()
                .endSchema()
                .endVersion()
                .endSpec()
                .build())
        .create();
  }

  static String cr(boolean enabled) {
    return """
        apiVersion: opentelemetry.io/v1beta1
        kind: OpenTelemetryCollector
        metadata:
          name: sts
          namespace: %s
        spec:
          mode: statefulset
          targetAllocator:
            enabled: %s
          observability:
            metrics:
              enableMetrics: true
          config:
            receivers:
              prometheus:
                config:
                  scrape_configs: []
            exporters:
              debug: {}
            service:
              pipelines:
                metrics:
                  receivers: [prometheus]
                  exporters: [debug]
        """
        .formatted(NS, enabled);
  }

  OpenTelemetryCollector get() {
    return client.resources(OpenTelemetryCollector.class).inNamespace(NS).withName("sts").get();
  }

  GenericKubernetesResource targetAllocator() {
    return client
        .genericKubernetesResources(GenericKinds.TARGET_ALLOCATOR)
        .inNamespace(NS)
        .withName("sts")
        .get();
  }

  boolean serviceMonitor() {
    return client
            .genericKubernetesResources(GenericKinds.SERVICE_MONITOR)
            .inNamespace(NS)
            .withName("sts-monitoring-collector")
            .get()
        != null;
  }

  boolean ready() {
    OpenTelemetryCollector c = get();
    return c.getStatus() != null
        && c.getStatus().conditions != null
        && c.getStatus().conditions.stream()
            .anyMatch(x -> x.getType().equals("Ready") && x.getStatus().equals("True"));
  }

  @Test
  void withTheApiTheTargetAllocatorCrIsOwnedAndPruned() {
    start(true);
    OpenTelemetryCollector cr = client.resource(TestYaml.collector(cr(true))).create();
    await("TargetAllocator CR", WAIT, () -> targetAllocator() != null);
    assertThat(targetAllocator().getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(r -> assertThat(r.getUid()).isEqualTo(cr.getMetadata().getUid()));
    await("ServiceMonitor rendered after the CR", WAIT, this::serviceMonitor);
    await("ready", WAIT, this::ready);

    OpenTelemetryCollector current = get();
    current.getSpec().targetAllocator.enabled = false;
    client.resource(current).update();
    await("TargetAllocator CR pruned", WAIT, () -> targetAllocator() == null);
  }

  @Test
  void withoutTheApiEverythingElseIsReconciled() {
    start(false);
    client.resource(TestYaml.collector(cr(true))).create();
    await(
        "statefulset",
        WAIT,
        () -> client.apps().statefulSets().inNamespace(NS).withName("sts-collector").get() != null);
    await("ServiceMonitor rendered after the CR", WAIT, this::serviceMonitor);
    await("ready", WAIT, this::ready);
    assertThat(targetAllocator()).isNull();
  }

  @Test
  void detectionLooksForTheResourceNotJustTheGroupVersion() {
    MockCluster.installCrd(client);
    // Our own CRD serves opentelemetry.io/v1alpha1 too.
    assertThat(CapabilityDetector.detect(client).targetAllocators()).isFalse();
    schemaless("opentelemetry.io", "v1alpha1", "TargetAllocator");
    assertThat(CapabilityDetector.detect(client).targetAllocators()).isTrue();
  }
}
