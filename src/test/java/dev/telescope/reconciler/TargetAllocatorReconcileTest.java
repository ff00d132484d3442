package dev.telescope.reconciler;

import static dev.telescope.reconciler.MockCluster.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.telescope.TestYaml;
import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import dev.telescope.settings.Capabilities;
import dev.telescope.settings.OperatorConfig;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The target allocator against the mock API server: a collector with {@code
 * targetAllocator.enabled} spawns a TargetAllocator CR that the allocator controller renders
 * (embedded form); a standalone TargetAllocator serves the collector labelled with its name;
 * without the API (absent, or forbidden so the detector reports it absent) the rest of the
 * collector is reconciled and its status says Ready=False with a Warning naming what is missing.
 */
@EnableKubernetesMockClient(crud = true)
class TargetAllocatorReconcileTest {
  static final Duration WAIT = Duration.ofSeconds(20);
  static final String NS = "observability";

  KubernetesClient client;
  KubernetesMockServer server;
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
    run(new Capabilities(false, true, false, false, targetAllocatorApi));
  }

  void run(Capabilities caps) {
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .create();
    OperatorConfig cfg =
        OperatorConfig.parse(List.of("--leader-election=false"), Map.of()).withCapabilities(caps);
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
                  scrape_configs:
                  - job_name: self
                    static_configs:
                    - targets: ["0.0.0.0:8888"]
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

  boolean exists(Class<? extends io.fabric8.kubernetes.api.model.HasMetadata> kind, String n) {
    return client.resources(kind).inNamespace(NS).withName(n).get() != null;
  }

  String readyReason() {
    OpenTelemetryCollector c = get();
    if (c.getStatus() == null || c.getStatus().conditions == null) {
      return null;
    }
    return c.getStatus().conditions.stream()
        .filter(x -> x.getType().equals("Ready"))
        .map(x -> x.getStatus() + "/" + x.getReason())
        .findFirst()
        .orElse(null);
  }

  @Test
  void embeddedAllocatorIsRenderedOwnedAndPruned() {
    start(true);
    OpenTelemetryCollector cr = client.resource(TestYaml.collector(cr(true))).create();
    await("TargetAllocator CR", WAIT, () -> targetAllocator() != null);
    assertThat(targetAllocator().getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(r -> assertThat(r.getUid()).isEqualTo(cr.getMetadata().getUid()));
    await("allocator Deployment", WAIT, () -> exists(Deployment.class, "sts-targetallocator"));
    await("allocator Service", WAIT, () -> exists(Service.class, "sts-targetallocator"));
    await(
        "allocator ServiceAccount",
        WAIT,
        () -> exists(ServiceAccount.class, "sts-targetallocator"));
    await("allocator PDB", WAIT, () -> exists(PodDisruptionBudget.class, "sts-targetallocator"));
    ConfigMap cm = client.configMaps().inNamespace(NS).withName("sts-targetallocator").get();
    assertThat(cm.getData().get("targetallocator.yaml"))
        .contains("app.kubernetes.io/instance: observability.sts")
        .contains("allocation_strategy: consistent-hashing");
    assertThat(
            client
                .apps()
                .deployments()
                .inNamespace(NS)
                .withName("sts-targetallocator")
                .get()
                .getMetadata()
                .getOwnerReferences())
        .singleElement()
        .satisfies(r -> assertThat(r.getKind()).isEqualTo("TargetAllocator"));
    await("ServiceMonitor rendered after the CR", WAIT, this::serviceMonitor);
    await("ready once the allocator is rendered", WAIT, this::ready);

    OpenTelemetryCollector current = get();
    current.getSpec().targetAllocator.enabled = false;
    client.resource(current).update();
    await("TargetAllocator CR pruned", WAIT, () -> targetAllocator() == null);
  }

  @Test
  void standaloneAllocatorServesTheLabelledCollector() {
    start(true);
    client
        .resource(
            TestYaml.collector(
                cr(false)
                    .replace(
                        "  name: sts\n",
                        "  name: sts\n  labels: {opentelemetry.io/target-allocator: shared}\n")))
        .create();
    client
        .genericKubernetesResources(GenericKinds.TARGET_ALLOCATOR)
        .inNamespace(NS)
        .resource(
            io.fabric8.kubernetes.client.utils.Serialization.unmarshal(
                """
                apiVersion: opentelemetry.io/v1alpha1
                kind: TargetAllocator
                metadata: {name: shared, namespace: %s}
                spec: {serviceAccount: ta}
                """
                    .formatted(NS),
                GenericKubernetesResource.class))
        .create();
    await(
        "allocator ConfigMap selecting the labelled collector",
        WAIT,
        () -> {
          ConfigMap cm =
              client.configMaps().inNamespace(NS).withName("shared-targetallocator").get();
          return cm != null
              && cm.getData().get("targetallocator.yaml").contains("observability.sts");
        });
    assertThat(exists(ServiceAccount.class, "shared-targetallocator")).isFalse();
    await(
        "collector fetches from the standalone allocator",
        WAIT,
        () ->
            client.configMaps().inNamespace(NS).list().getItems().stream()
                .filter(c -> c.getMetadata().getName().startsWith("sts-collector-"))
                .anyMatch(
                    c ->
                        c.getData()
                            .get("collector.yaml")
                            .contains("endpoint: http://shared-targetallocator:80")));
    await(
        "TargetAllocator status Ready",
        WAIT,
        () -> {
          var ta =
              client
                  .genericKubernetesResources(GenericKinds.TARGET_ALLOCATOR)
                  .inNamespace(NS)
                  .withName("shared")
                  .get();
          return ta.getAdditionalProperties().get("status") != null
              && ta.getAdditionalProperties().get("status").toString().contains("Ready");
        });
  }

  @Test
  void withoutTheApiTheCollectorIsNotReadyAndSaysWhy() {
    start(false);
    client.resource(TestYaml.collector(cr(true))).create();
    await(
        "statefulset",
        WAIT,
        () -> client.apps().statefulSets().inNamespace(NS).withName("sts-collector").get() != null);
    await("ServiceMonitor rendered after the CR", WAIT, this::serviceMonitor);
    await(
        "Ready=False TargetAllocatorUnavailable",
        WAIT,
        () -> "False/TargetAllocatorUnavailable".equals(readyReason()));
    assertThat(targetAllocator()).isNull();
    await(
        "a Warning naming the missing API and rule",
        WAIT,
        () ->
            client.resources(Event.class).inNamespace(NS).list().getItems().stream()
                .anyMatch(
                    e ->
                        "Warning".equals(e.getType())
                            && "TargetAllocatorUnavailable".equals(e.getReason())
                            && e.getNote().contains("targetallocators")
                            && e.getNote().contains("list/watch")));
    // The operator itself stays up: its controllers run without any TargetAllocator informer.
    assertThat(runtime.readinessProblem()).isEmpty();
  }

  @Test
  void servedButForbiddenTheOperatorStaysReadyAndNamesTheRule() {
    MockCluster.installCrd(client);
    schemaless("monitoring.coreos.com", "v1", "ServiceMonitor");
    schemaless("monitoring.coreos.com", "v1", "PodMonitor");
    schemaless("opentelemetry.io", "v1alpha1", "TargetAllocator");
    // An install whose operator role has no targetallocators rule: every review says no.
    server
        .expect()
        .post()
        .withPath("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews")
        .andReturn(
            201,
            new SelfSubjectAccessReviewBuilder()
                .withNewStatus()
                .withAllowed(false)
                .withReason("no RBAC policy matched")
                .endStatus()
                .build())
        .always();
    assertThat(CapabilityDetector.targetAllocatorApiServed(client)).isTrue();
    assertThat(CapabilityDetector.targetAllocatorRuleMissing(client))
        .hasValueSatisfying(
            m ->
                assertThat(m)
                    .contains("apiGroups [opentelemetry.io]")
                    .contains("targetallocators")
                    .contains("list")
                    .contains("watch"));
    Capabilities caps = CapabilityDetector.detect(client);
    assertThat(caps.targetAllocators()).as("a forbidden API counts as absent").isFalse();

    run(caps);
    client.resource(TestYaml.collector(cr(true))).create();
    await(
        "statefulset",
        WAIT,
        () -> client.apps().statefulSets().inNamespace(NS).withName("sts-collector").get() != null);
    await(
        "Ready=False TargetAllocatorUnavailable",
        WAIT,
        () -> "False/TargetAllocatorUnavailable".equals(readyReason()));
    await(
        "a Warning naming the rule",
        WAIT,
        () ->
            client.resources(Event.class).inNamespace(NS).list().getItems().stream()
                .anyMatch(
                    e ->
                        "Warning".equals(e.getType())
                            && e.getNote().contains("opentelemetry.io/v1alpha1 targetallocators")
                            && e.getNote().contains("list/watch")));
    assertThat(runtime.readinessProblem()).isEmpty();
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
