package dev.telescope.reconciler;

import static dev.telescope.reconciler.MockCluster.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.telescope.TestYaml;
import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import dev.telescope.settings.Capabilities;
import dev.telescope.settings.OperatorConfig;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The reconciler against fabric8's CRUD mock API server. The mock has no server-side apply, no
 * garbage collection and no admission; the operator uses plain create/update/delete (ADR 0002), so
 * what runs here is the path that ships.
 */
@EnableKubernetesMockClient(crud = true)
class CollectorReconcilerTest {
  static final Duration WAIT = Duration.ofSeconds(20);
  static final String NS = "observability";

  KubernetesMockServer server;
  KubernetesClient client;
  OperatorRuntime runtime;
  KubernetesClient operatorClient;

  @BeforeEach
  void start() {
    MockCluster.installCrd(client);
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .create();
    OperatorConfig cfg =
        OperatorConfig.parse(List.of("--leader-election=false"), Map.of())
            .withCapabilities(new Capabilities(false, false, true, false));
    // The operator's client decodes as the shipped one does: compact, shared cache objects.
    operatorClient =
        new io.fabric8.kubernetes.client.KubernetesClientBuilder()
            .withConfig(client.getConfiguration())
            .withKubernetesSerialization(InterningSerialization.create())
            .build();
    runtime =
        OperatorRuntime.start(operatorClient, cfg, Duration.ofMillis(500), Optional.of("test"));
  }

  @AfterEach
  void stop() {
    runtime.close();
    operatorClient.close();
  }

  static String cr(String name, String mode, String extraConfig) {
    return """
        apiVersion: opentelemetry.io/v1beta1
        kind: OpenTelemetryCollector
        metadata:
          name: %s
          namespace: %s
        spec:
          mode: %s
          config:
            receivers:
              otlp:
                protocols:
                  grpc: {}
                  http: {}
            processors:
              batch: {}%s
            exporters:
              debug: {}
            service:
              pipelines:
                traces:
                  receivers: [otlp]
                  processors: [batch]
                  exporters: [debug]
        """
        .formatted(name, NS, mode, extraConfig);
  }

  OpenTelemetryCollector create(String yaml) {
    return client.resource(TestYaml.collector(yaml)).create();
  }

  OpenTelemetryCollector get(String name) {
    return client.resources(OpenTelemetryCollector.class).inNamespace(NS).withName(name).get();
  }

  @Test
  void deploymentModeCreatesEveryObjectOwnedByTheCollector() {
    OpenTelemetryCollector cr = create(cr("dep", "deployment", ""));
    await(
        "deployment",
        WAIT,
        () -> client.apps().deployments().inNamespace(NS).withName("dep-collector").get() != null);
    await(
        "ready status",
        WAIT,
        () -> get("dep").getStatus() != null && get("dep").getStatus().conditions != null);

    Deployment d = client.apps().deployments().inNamespace(NS).withName("dep-collector").get();
    assertThat(d.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getUid()).isEqualTo(cr.getMetadata().getUid());
              assertThat(r.getController()).isTrue();
              assertThat(r.getKind()).isEqualTo("OpenTelemetryCollector");
            });
    await("services", WAIT, () -> client.services().inNamespace(NS).list().getItems().size() == 3);
    assertThat(client.services().inNamespace(NS).list().getItems())
        .extracting(s -> s.getMetadata().getName())
        .containsExactlyInAnyOrder(
            "dep-collector", "dep-collector-headless", "dep-collector-monitoring");
    assertThat(client.serviceAccounts().inNamespace(NS).withName("dep-collector").get())
        .isNotNull();
    assertThat(client.configMaps().inNamespace(NS).list().getItems())
        .extracting(c -> c.getMetadata().getName())
        .anyMatch(n -> n.startsWith("dep-collector-"));
    assertThat(
            client
                .policy()
                .v1()
                .podDisruptionBudget()
                .inNamespace(NS)
                .withName("dep-collector")
                .get())
        .isNotNull();
    var status = get("dep").getStatus();
    assertThat(status.conditions)
        .anySatisfy(
            c -> {
              assertThat(c.getType()).isEqualTo("Ready");
              assertThat(c.getStatus()).isEqualTo("True");
            });
    assertThat(status.observedGeneration).isEqualTo(get("dep").getMetadata().getGeneration());
    assertThat(status.version).isEqualTo(OperatorConfig.DEFAULT_COLLECTOR_VERSION);
    assertThat(status.scale.selector).contains("app.kubernetes.io/instance=observability.dep");
    assertThat(client.resources(Event.class).inNamespace(NS).list().getItems())
        .anySatisfy(
            e -> {
              assertThat(e.getReason()).isEqualTo("Info");
              assertThat(e.getNote()).isEqualTo("applied status changes");
              assertThat(e.getReportingController()).isEqualTo("opentelemetry-operator");
            });
  }

  @Test
  void statefulSetAndDaemonSetModes() {
    create(cr("sts", "statefulset", ""));
    create(cr("ds", "daemonset", ""));
    await(
        "statefulset",
        WAIT,
        () -> client.apps().statefulSets().inNamespace(NS).withName("sts-collector").get() != null);
    await(
        "daemonset",
        WAIT,
        () -> client.apps().daemonSets().inNamespace(NS).withName("ds-collector").get() != null);
    StatefulSet s = client.apps().statefulSets().inNamespace(NS).withName("sts-collector").get();
    assertThat(s.getSpec().getServiceName()).isEqualTo("sts-collector-headless");
    assertThat(s.getSpec().getPodManagementPolicy()).isEqualTo("Parallel");
    await(
        "ds services",
        WAIT,
        () -> client.services().inNamespace(NS).withName("ds-collector").get() != null);
    assertThat(
            client
                .services()
                .inNamespace(NS)
                .withName("ds-collector")
                .get()
                .getSpec()
                .getInternalTrafficPolicy())
        .isEqualTo("Local");
    assertThat(
            client
                .policy()
                .v1()
                .podDisruptionBudget()
                .inNamespace(NS)
                .withName("ds-collector")
                .get())
        .isNull();
  }

  @Test
  void sidecarModeRendersOnlyConfigMapAndServiceAccount() {
    create(cr("side", "sidecar", ""));
    await(
        "service account",
        WAIT,
        () -> client.serviceAccounts().inNamespace(NS).withName("side-collector").get() != null);
    await(
        "config map", WAIT, () -> !client.configMaps().inNamespace(NS).list().getItems().isEmpty());
    await("status", WAIT, () -> get("side").getStatus() != null);
    assertThat(client.services().inNamespace(NS).list().getItems()).isEmpty();
    assertThat(client.apps().deployments().inNamespace(NS).list().getItems()).isEmpty();
    assertThat(get("side").getStatus().scale.replicas).isZero();
  }

  @Test
  void configChangeRollsPodsAndKeepsConfigVersions() {
    create(cr("roll", "deployment", ""));
    await(
        "deployment",
        WAIT,
        () -> client.apps().deployments().inNamespace(NS).withName("roll-collector").get() != null);
    String before = hash("roll-collector");
    OpenTelemetryCollector cr = get("roll");
    cr.getSpec().config.processors =
        TestYaml.config(
                "receivers: {}\nexporters: {}\nprocessors:\n  batch:\n    timeout: 5s\nservice: {}\n")
            .processors;
    MockCluster.setSpec(client, NS, "roll", cr.getSpec());
    // Wait for everything asserted below, not only the Deployment: the reconciler writes the new
    // ConfigMap in the same pass, and on a busy machine the test may look in between.
    await(
        "new hash and both ConfigMap versions",
        WAIT,
        () ->
            !hash("roll-collector").equals(before)
                && client.configMaps().inNamespace(NS).list().getItems().size() == 2);
    List<ConfigMap> cms = client.configMaps().inNamespace(NS).list().getItems();
    assertThat(cms).hasSize(2);
    String volume =
        client
            .apps()
            .deployments()
            .inNamespace(NS)
            .withName("roll-collector")
            .get()
            .getSpec()
            .getTemplate()
            .getSpec()
            .getVolumes()
            .get(0)
            .getConfigMap()
            .getName();
    assertThat(volume).isEqualTo("roll-collector-" + hash("roll-collector").substring(0, 8));
  }

  String hash(String deployment) {
    return client
        .apps()
        .deployments()
        .inNamespace(NS)
        .withName(deployment)
        .get()
        .getSpec()
        .getTemplate()
        .getMetadata()
        .getAnnotations()
        .get("opentelemetry-operator-config/sha256");
  }

  @Test
  void modeSwitchRemovesTheOldWorkload() {
    create(cr("switch", "deployment", ""));
    await(
        "deployment",
        WAIT,
        () ->
            client.apps().deployments().inNamespace(NS).withName("switch-collector").get() != null);
    OpenTelemetryCollector cr = get("switch");
    cr.getSpec().mode = dev.telescope.api.common.Mode.DAEMONSET;
    MockCluster.setSpec(client, NS, "switch", cr.getSpec());
    await(
        "daemonset",
        WAIT,
        () ->
            client.apps().daemonSets().inNamespace(NS).withName("switch-collector").get() != null);
    await(
        "deployment gone",
        WAIT,
        () ->
            client.apps().deployments().inNamespace(NS).withName("switch-collector").get() == null);
    await(
        "pdb gone",
        WAIT,
        () ->
            client
                    .policy()
                    .v1()
                    .podDisruptionBudget()
                    .inNamespace(NS)
                    .withName("switch-collector")
                    .get()
                == null);
  }

  @Test
  void deletionRemovesClusterRbacThroughTheFinalizer() {
    create(
        cr("rbac", "deployment", "\n      k8sattributes: {}")
            .replace("processors: [batch]", "processors: [batch, k8sattributes]"));
    await(
        "cluster role",
        WAIT,
        () ->
            client.rbac().clusterRoles().withName("rbac-observability-cluster-role").get() != null);
    await(
        "binding",
        WAIT,
        () ->
            client.rbac().clusterRoleBindings().withName("rbac-observability-collector").get()
                != null);
    ClusterRoleBinding b =
        client.rbac().clusterRoleBindings().withName("rbac-observability-collector").get();
    assertThat(b.getSubjects().get(0).getName()).isEqualTo("rbac-collector");
    ClusterRole role =
        client.rbac().clusterRoles().withName("rbac-observability-cluster-role").get();
    assertThat(role.getRules().get(0).getResources()).containsExactly("pods", "namespaces");
    assertThat(get("rbac").getMetadata().getFinalizers()).contains(CollectorReconciler.FINALIZER);
    client.resource(get("rbac")).delete();
    await(
        "cluster role gone",
        WAIT,
        () ->
            client.rbac().clusterRoles().withName("rbac-observability-cluster-role").get() == null);
    await(
        "binding gone",
        WAIT,
        () ->
            client.rbac().clusterRoleBindings().withName("rbac-observability-collector").get()
                == null);
    await("cr gone", WAIT, () -> get("rbac") == null);
  }

  @Test
  void unmanagedCollectorsAreLeftAlone() {
    create(cr("frozen", "deployment", ""));
    await(
        "deployment",
        WAIT,
        () ->
            client.apps().deployments().inNamespace(NS).withName("frozen-collector").get() != null);
    OpenTelemetryCollector cr = get("frozen");
    cr.getSpec().managementState = dev.telescope.api.common.ManagementState.UNMANAGED;
    MockCluster.setSpec(client, NS, "frozen", cr.getSpec());
    long seen = runtime.reconciles();
    await("reconcile of the unmanaged CR", WAIT, () -> runtime.reconciles() > seen + 1);
    Deployment d = client.apps().deployments().inNamespace(NS).withName("frozen-collector").get();
    d.getSpec().setReplicas(7);
    client.resource(d).update();
    long after = runtime.reconciles();
    await("two more reconciles", WAIT, () -> runtime.reconciles() > after + 2);
    assertThat(
            client
                .apps()
                .deployments()
                .inNamespace(NS)
                .withName("frozen-collector")
                .get()
                .getSpec()
                .getReplicas())
        .isEqualTo(7);
  }

  @Test
  void driftIsRepairedAndForeignAnnotationsSurvive() {
    create(cr("drift", "deployment", ""));
    await(
        "deployment",
        WAIT,
        () ->
            client.apps().deployments().inNamespace(NS).withName("drift-collector").get() != null);
    Deployment d = client.apps().deployments().inNamespace(NS).withName("drift-collector").get();
    d.getSpec().setReplicas(5);
    d.getSpec()
        .getTemplate()
        .getMetadata()
        .getAnnotations()
        .put("kubectl.kubernetes.io/restartedAt", "2026-11-25T10:00:00Z");
    client.resource(d).update();
    await(
        "replicas repaired",
        WAIT,
        () ->
            client
                    .apps()
                    .deployments()
                    .inNamespace(NS)
                    .withName("drift-collector")
                    .get()
                    .getSpec()
                    .getReplicas()
                == 1);
    assertThat(
            client
                .apps()
                .deployments()
                .inNamespace(NS)
                .withName("drift-collector")
                .get()
                .getSpec()
                .getTemplate()
                .getMetadata()
                .getAnnotations())
        .containsEntry("kubectl.kubernetes.io/restartedAt", "2026-11-25T10:00:00Z");
    client.services().inNamespace(NS).withName("drift-collector").delete();
    await(
        "service recreated",
        WAIT,
        () -> client.services().inNamespace(NS).withName("drift-collector").get() != null);
  }

  @Test
  void brokenConfigGetsAConditionAndAWarningEventAndChangesNothing() {
    create(cr("broken", "deployment", "").replace("exporters: [debug]", "exporters: [nope]"));
    await("status", WAIT, () -> get("broken").getStatus() != null);
    var ready =
        get("broken").getStatus().conditions.stream()
            .filter(c -> c.getType().equals("Ready"))
            .findFirst()
            .orElseThrow();
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getReason()).isEqualTo("ConfigInvalid");
    assertThat(ready.getMessage())
        .contains("service.pipelines.traces.exporters[0]")
        .contains("'nope'");
    await(
        "warning event",
        WAIT,
        () ->
            client.resources(Event.class).inNamespace(NS).list().getItems().stream()
                .anyMatch(e -> "Warning".equals(e.getType()) && e.getNote().contains("nope")));
    assertThat(client.apps().deployments().inNamespace(NS).list().getItems()).isEmpty();
  }

  @Test
  void steadyStateMakesNoWrites() {
    create(cr("steady", "deployment", ""));
    create(cr("steady-ds", "daemonset", ""));
    create(cr("steady-side", "sidecar", ""));
    await(
        "all ready",
        WAIT,
        () ->
            List.of("steady", "steady-ds", "steady-side").stream()
                .allMatch(
                    n -> get(n).getStatus() != null && get(n).getStatus().conditions != null));
    // Let the creation burst settle: a full resync cycle with no writes.
    await(
        "settled",
        WAIT,
        () -> {
          MockCluster.drain(server);
          long r = runtime.reconciles();
          await("a resync", WAIT, () -> runtime.reconciles() >= r + 3);
          return MockCluster.writes(MockCluster.drain(server)).isEmpty();
        });
    long start = runtime.reconciles();
    await("two full resyncs", WAIT, () -> runtime.reconciles() >= start + 6);
    assertThat(MockCluster.writes(MockCluster.drain(server))).isEmpty();
  }
}
