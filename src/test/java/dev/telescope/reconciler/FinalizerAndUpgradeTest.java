package dev.telescope.reconciler;

import static dev.telescope.reconciler.CollectorReconcilerTest.NS;
import static dev.telescope.reconciler.CollectorReconcilerTest.WAIT;
import static dev.telescope.reconciler.CollectorReconcilerTest.cr;
import static dev.telescope.reconciler.MockCluster.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.telescope.TestYaml;
import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import dev.telescope.api.v1beta1.OpenTelemetryCollectorStatus;
import dev.telescope.settings.Capabilities;
import dev.telescope.settings.OperatorConfig;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The finalizer is there only while cluster RBAC exists for a collector, and collectors stored by
 * an older operator are migrated, with {@code status.version} kept current.
 */
@EnableKubernetesMockClient(crud = true)
class FinalizerAndUpgradeTest {
  static final String WITH_RBAC_PROCESSOR = "\n      k8sattributes: {}";

  KubernetesClient client;
  OperatorConfig cfg;
  OperatorRuntime runtime;

  @BeforeEach
  void start() {
    MockCluster.installCrd(client);
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .create();
    cfg =
        OperatorConfig.parse(List.of("--leader-election=false"), Map.of())
            .withCapabilities(new Capabilities(false, false, true, false));
  }

  void startOperator() {
    runtime = OperatorRuntime.start(client, cfg, Duration.ofMillis(500), Optional.of("test"));
  }

  @AfterEach
  void stop() {
    if (runtime != null) {
      runtime.close();
    }
  }

  OpenTelemetryCollector get(String name) {
    return client.resources(OpenTelemetryCollector.class).inNamespace(NS).withName(name).get();
  }

  static String withRbac(String name) {
    return cr(name, "deployment", WITH_RBAC_PROCESSOR)
        .replace("processors: [batch]", "processors: [batch, k8sattributes]");
  }

  boolean hasFinalizer(String name) {
    return get(name).hasFinalizer(CollectorReconciler.FINALIZER);
  }

  boolean clusterRole(String name) {
    return client.rbac().clusterRoles().withName(name + "-" + NS + "-cluster-role").get() != null;
  }

  @Test
  void theFinalizerComesWithClusterRbacAndGoesWithIt() {
    startOperator();
    client.resource(TestYaml.collector(cr("plain", "deployment", ""))).create();
    await("status", WAIT, () -> get("plain").getStatus() != null);
    assertThat(hasFinalizer("plain")).as("no cluster RBAC, no finalizer").isFalse();

    OpenTelemetryCollector rbac = TestYaml.collector(withRbac("plain"));
    MockCluster.setSpec(client, NS, "plain", rbac.getSpec());
    await("cluster role", WAIT, () -> clusterRole("plain"));
    await("finalizer added", WAIT, () -> hasFinalizer("plain"));

    OpenTelemetryCollector plain = TestYaml.collector(cr("plain", "deployment", ""));
    MockCluster.setSpec(client, NS, "plain", plain.getSpec());
    await("cluster role pruned", WAIT, () -> !clusterRole("plain"));
    await("finalizer removed", WAIT, () -> !hasFinalizer("plain"));
  }

  @Test
  void anUpstreamFinalizerWithoutClusterRbacIsReleased() {
    OpenTelemetryCollector cr = TestYaml.collector(cr("adopted", "deployment", ""));
    cr.getMetadata().setFinalizers(List.of(CollectorReconciler.FINALIZER));
    client.resource(cr).create();
    startOperator();
    await("finalizer released", WAIT, () -> !hasFinalizer("adopted"));
  }

  @Test
  void aCollectorDeletedWhileNoOperatorRunsDoesNotHang() {
    startOperator();
    client.resource(TestYaml.collector(cr("gone", "deployment", ""))).create();
    await("status", WAIT, () -> get("gone").getStatus() != null);
    runtime.close();
    runtime = null;
    client.resource(get("gone")).delete();
    await("deleted", WAIT, () -> get("gone") == null);
  }

  @Test
  void aCollectorStoredByAnOlderOperatorIsMigratedOnce() {
    String old =
        cr("old", "deployment", "")
            .replace("debug: {}", "otlp/backend: {endpoint: 'backend:4317'}")
            .replace("exporters: [debug]", "exporters: [otlp/backend]")
            .replace(
                "    service:\n",
                "    service:\n      telemetry: {metrics: {address: '0.0.0.0:8888'}}\n");
    client.resource(TestYaml.collector(old)).create();
    OpenTelemetryCollector stored = get("old");
    stored.setStatus(new OpenTelemetryCollectorStatus());
    stored.getStatus().version = "0.86.0";
    client.resource(stored).updateStatus();
    startOperator();

    await(
        "status.version current",
        WAIT,
        () -> cfg.collectorVersion().equals(get("old").getStatus().version));
    OpenTelemetryCollector now = get("old");
    assertThat(now.getSpec().config.exporters.has("otlp_grpc/backend")).isTrue();
    assertThat(now.getSpec().config.service.pipelines.get("traces").exporters)
        .containsExactly("otlp_grpc/backend");
    assertThat(now.getSpec().config.service.telemetry.at("/metrics").has("address")).isFalse();
    assertThat(now.getSpec().config.service.telemetry.at("/metrics/readers/0/pull").isObject())
        .isTrue();
    await(
        "deployment",
        WAIT,
        () -> client.apps().deployments().inNamespace(NS).withName("old-collector").get() != null);
  }
}
