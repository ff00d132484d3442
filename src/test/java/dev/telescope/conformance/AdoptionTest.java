package dev.telescope.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telescope.TestYaml;
import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import dev.telescope.api.v1beta1.OpenTelemetryCollectorStatus;
import dev.telescope.config.Defaults;
import dev.telescope.manifests.CollectorContext;
import dev.telescope.manifests.CollectorManifests;
import dev.telescope.reconciler.MockCluster;
import dev.telescope.reconciler.OperatorRuntime;
import dev.telescope.reconciler.OwnerAnnotations;
import dev.telescope.settings.Capabilities;
import dev.telescope.settings.OperatorConfig;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Switching from upstream: a cluster holds what upstream 0.158 created (its defaulted collectors
 * with status, and their objects as a real API server stores them: server defaults, managedFields
 * of upstream's field manager {@code manager}, owner references, extra labels and annotations).
 * Telescope starts against it and must adopt without a delete, a recreation or a pod-template
 * change: the only writes are collector status (and events).
 */
@EnableKubernetesMockClient(crud = true)
class AdoptionTest {
  static final String NS = "observability";
  static final Duration WAIT = Duration.ofSeconds(30);
  static final ObjectMapper JSON = new ObjectMapper();

  KubernetesMockServer server;
  KubernetesClient client;
  OperatorRuntime runtime;
  OperatorConfig cfg;

  @BeforeEach
  void cluster() {
    MockCluster.installCrd(client);
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .create();
    cfg =
        OperatorConfig.parse(List.of("--leader-election=false"), Map.of())
            .withCapabilities(new Capabilities(false, false, false, true));
  }

  @AfterEach
  void stop() {
    if (runtime != null) {
      runtime.close();
    }
  }

  static String collector(String name, String mode) {
    return """
        apiVersion: opentelemetry.io/v1beta1
        kind: OpenTelemetryCollector
        metadata:
          name: %s
          namespace: %s
          labels: {team: payments, app.kubernetes.io/part-of: shop}
          annotations: {owner: sre, kubectl.kubernetes.io/last-applied-configuration: "{}"}
        spec:
          mode: %s
          config:
            receivers:
              otlp: {protocols: {grpc: {}, http: {}}}
              jaeger: {protocols: {grpc: {}}}
            processors: {batch: {}, memory_limiter: {check_interval: 1s, limit_percentage: 75}}
            exporters: {debug: {}}
            extensions: {health_check: {}}
            service:
              extensions: [health_check]
              pipelines:
                traces: {receivers: [otlp, jaeger], processors: [memory_limiter, batch], exporters: [debug]}
        """
        .formatted(name, NS, mode);
  }

  /** Stores a collector and its objects as upstream 0.158 left them. */
  OpenTelemetryCollector upstreamInstall(String yaml) throws Exception {
    // Upstream's mutating webhook stored the defaulted spec (ours matches it: conformance suite).
    OpenTelemetryCollector stored = Defaults.apply(TestYaml.collector(yaml), cfg).collector();
    stored
        .getMetadata()
        .setManagedFields(List.of(managedField("manager", "opentelemetry.io/v1beta1")));
    OpenTelemetryCollector cr = client.resource(stored).create();
    OpenTelemetryCollectorStatus status = new OpenTelemetryCollectorStatus();
    status.version = cfg.collectorVersion();
    status.image = cfg.collectorImage();
    cr.setStatus(status);
    cr = client.resource(cr).updateStatus();

    for (HasMetadata o : CollectorManifests.build(CollectorContext.of(stored, cfg)).objects()) {
      ObjectNode node = (ObjectNode) JSON.readTree(Serialization.asJson(o));
      ServerDefaults.apply(node);
      ObjectNode meta = (ObjectNode) node.get("metadata");
      // Upstream owns only namespaced objects; its cluster RBAC is released by the finalizer.
      ArrayNode refs =
          node.path("kind").asText().startsWith("Cluster")
              ? JSON.createArrayNode()
              : meta.putArray("ownerReferences");
      refs.addObject()
          .put("apiVersion", "opentelemetry.io/v1beta1")
          .put("kind", "OpenTelemetryCollector")
          .put("name", cr.getMetadata().getName())
          .put("uid", cr.getMetadata().getUid())
          .put("controller", true)
          .put("blockOwnerDeletion", true);
      meta.putArray("managedFields")
          .add(JSON.valueToTree(managedField("manager", node.path("apiVersion").asText())));
      // What the cluster added meanwhile: kubectl annotations, a label from a policy engine.
      ((ObjectNode) meta.with("annotations")).put("deployment.kubernetes.io/revision", "1");
      ((ObjectNode) meta.with("labels")).put("policy.example.com/scanned", "true");
      client.resource(Serialization.unmarshal(node.toString(), HasMetadata.class)).create();
    }
    return cr;
  }

  static io.fabric8.kubernetes.api.model.ManagedFieldsEntry managedField(
      String manager, String apiVersion) {
    return new io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder()
        .withManager(manager)
        .withOperation("Update")
        .withApiVersion(apiVersion)
        .withFieldsType("FieldsV1")
        .withTime("2026-08-21T10:00:00Z")
        .build();
  }

  static List<String> objectWrites(List<RecordedRequest> requests) {
    List<String> out = new ArrayList<>();
    for (String w : MockCluster.writes(requests)) {
      boolean status = w.contains("/opentelemetrycollectors/") && w.contains("/status");
      boolean event = w.contains("/events");
      boolean review = w.contains("accessreviews") || w.contains("rulesreviews");
      if (!status && !event && !review) {
        out.add(w);
      }
    }
    return out;
  }

  @Test
  void upstreamCollectorsAreAdoptedWithStatusWritesOnly() throws Exception {
    OpenTelemetryCollector dep = upstreamInstall(collector("gateway", "deployment"));
    OpenTelemetryCollector ds = upstreamInstall(collector("agent", "daemonset"));
    upstreamInstall(collector("sidecar", "sidecar"));
    Deployment before =
        client.apps().deployments().inNamespace(NS).withName("gateway-collector").get();
    DaemonSet dsBefore =
        client.apps().daemonSets().inNamespace(NS).withName("agent-collector").get();
    Map<String, String> uids = new LinkedHashMap<>();
    client
        .configMaps()
        .inNamespace(NS)
        .list()
        .getItems()
        .forEach(c -> uids.put("ConfigMap/" + c.getMetadata().getName(), c.getMetadata().getUid()));
    client
        .services()
        .inNamespace(NS)
        .list()
        .getItems()
        .forEach(s -> uids.put("Service/" + s.getMetadata().getName(), s.getMetadata().getUid()));
    MockCluster.drain(server);

    runtime = OperatorRuntime.start(client, cfg, Duration.ofMillis(500), Optional.of("telescope"));
    for (String name : List.of("gateway", "agent", "sidecar")) {
      MockCluster.await(
          name + " reconciled",
          WAIT,
          () -> {
            var s = get(name).getStatus();
            return s != null
                && s.conditions != null
                && s.conditions.stream()
                    .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
          });
    }
    long after = runtime.reconciles();
    MockCluster.await("a resync", WAIT, () -> runtime.reconciles() >= after + 3);

    List<RecordedRequest> requests = MockCluster.drain(server);
    assertThat(objectWrites(requests))
        .as("writes other than collector status and events")
        .isEmpty();
    assertThat(MockCluster.writes(requests)).noneMatch(w -> w.startsWith("DELETE"));
    assertThat(runtime.objectWrites()).isZero();

    Deployment now =
        client.apps().deployments().inNamespace(NS).withName("gateway-collector").get();
    assertThat(now.getMetadata().getUid()).isEqualTo(before.getMetadata().getUid());
    assertThat(now.getMetadata().getResourceVersion())
        .isEqualTo(before.getMetadata().getResourceVersion());
    assertThat(now.getSpec().getTemplate()).isEqualTo(before.getSpec().getTemplate());
    DaemonSet dsNow = client.apps().daemonSets().inNamespace(NS).withName("agent-collector").get();
    assertThat(dsNow.getSpec().getTemplate()).isEqualTo(dsBefore.getSpec().getTemplate());
    client
        .configMaps()
        .inNamespace(NS)
        .list()
        .getItems()
        .forEach(
            c ->
                assertThat(c.getMetadata().getUid())
                    .isEqualTo(uids.get("ConfigMap/" + c.getMetadata().getName())));
    client
        .services()
        .inNamespace(NS)
        .list()
        .getItems()
        .forEach(
            s ->
                assertThat(s.getMetadata().getUid())
                    .isEqualTo(uids.get("Service/" + s.getMetadata().getName())));
    assertThat(get("gateway").getStatus().version).isEqualTo(cfg.collectorVersion());
    assertThat((Object) JSON.valueToTree(get("gateway").getSpec()))
        .isEqualTo(JSON.valueToTree(dep.getSpec()));
    assertThat(get("agent").getMetadata().getFinalizers()).isNullOrEmpty();
    assertThat(ds.getMetadata().getUid()).isEqualTo(get("agent").getMetadata().getUid());
  }

  @Test
  void aCollectorWithUpstreamsClusterRbacAndFinalizerIsAdoptedWithStatusWritesOnly()
      throws Exception {
    // Upstream created a ClusterRole/Binding for k8sattributes and put its finalizer on the CR.
    cfg = cfg.withCapabilities(new Capabilities(false, false, true, true));
    String yaml =
        """
        apiVersion: opentelemetry.io/v1beta1
        kind: OpenTelemetryCollector
        metadata:
          name: enricher
          namespace: %s
          finalizers: [opentelemetrycollector.opentelemetry.io/finalizer]
        spec:
          mode: deployment
          config:
            receivers: {otlp: {protocols: {grpc: {}}}}
            processors: {k8sattributes: {}}
            exporters: {debug: {}}
            service:
              pipelines:
                traces: {receivers: [otlp], processors: [k8sattributes], exporters: [debug]}
        """
            .formatted(NS);
    OpenTelemetryCollector cr = upstreamInstall(yaml);
    assertThat(client.rbac().clusterRoles().list().getItems())
        .as("upstream's cluster RBAC in place")
        .isNotEmpty();
    String rv =
        client
            .apps()
            .deployments()
            .inNamespace(NS)
            .withName("enricher-collector")
            .get()
            .getMetadata()
            .getResourceVersion();
    var roleBefore =
        client.rbac().clusterRoles().withName("enricher-observability-cluster-role").get();
    var bindingBefore =
        client.rbac().clusterRoleBindings().withName("enricher-observability-collector").get();
    MockCluster.drain(server);

    runtime = OperatorRuntime.start(client, cfg, Duration.ofMillis(500), Optional.of("telescope"));
    MockCluster.await(
        "reconciled",
        WAIT,
        () -> {
          var s = get("enricher").getStatus();
          return s != null
              && s.conditions != null
              && s.conditions.stream()
                  .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
        });
    long after = runtime.reconciles();
    MockCluster.await("a resync", WAIT, () -> runtime.reconciles() >= after + 2);

    // One write beyond status, once: Telescope marks upstream's ClusterRole/Binding with its owner
    // annotations (cluster-scoped objects cannot carry an owner reference). Rules, subjects and
    // role reference stay as upstream wrote them; nothing is deleted or recreated.
    List<RecordedRequest> requests = MockCluster.drain(server);
    assertThat(objectWrites(requests))
        .as("writes other than collector status and events")
        .containsExactlyInAnyOrder(
            "PUT /apis/rbac.authorization.k8s.io/v1/clusterroles/enricher-observability-cluster-role",
            "PUT /apis/rbac.authorization.k8s.io/v1/clusterrolebindings/enricher-observability-collector");
    var role = client.rbac().clusterRoles().withName("enricher-observability-cluster-role").get();
    assertThat(role.getMetadata().getUid()).isEqualTo(roleBefore.getMetadata().getUid());
    assertThat(role.getRules()).isEqualTo(roleBefore.getRules());
    assertThat(role.getMetadata().getAnnotations())
        .containsEntry(OwnerAnnotations.NAME, "enricher")
        .containsEntry(OwnerAnnotations.NAMESPACE, NS);
    var binding =
        client.rbac().clusterRoleBindings().withName("enricher-observability-collector").get();
    assertThat(binding.getMetadata().getUid()).isEqualTo(bindingBefore.getMetadata().getUid());
    assertThat(binding.getSubjects()).isEqualTo(bindingBefore.getSubjects());
    assertThat(binding.getRoleRef()).isEqualTo(bindingBefore.getRoleRef());
    assertThat(get("enricher").getMetadata().getFinalizers())
        .containsExactly("opentelemetrycollector.opentelemetry.io/finalizer");
    assertThat(get("enricher").getMetadata().getUid()).isEqualTo(cr.getMetadata().getUid());
    assertThat(
            client
                .apps()
                .deployments()
                .inNamespace(NS)
                .withName("enricher-collector")
                .get()
                .getMetadata()
                .getResourceVersion())
        .isEqualTo(rv);
  }

  @Test
  void aCollectorStoredByAnOlderReleaseIsMigratedInPlace() throws Exception {
    // e2e-upgrade/upgrade-test: "simplest", stored by 0.86 (status.version 0.86.0), its objects in
    // place. The upgrade writes the spec; the workload is updated, never deleted or recreated.
    String simplest =
        """
        apiVersion: opentelemetry.io/v1beta1
        kind: OpenTelemetryCollector
        metadata: {name: simplest, namespace: %s, annotations: {operatorVersion: v0.86.0}}
        spec:
          replicas: 1
          config:
            receivers:
              jaeger: {protocols: {grpc: {}}}
              otlp: {protocols: {grpc: {}, http: {}}}
            exporters: {debug: {}}
            service:
              telemetry: {metrics: {address: '0.0.0.0:8888'}}
              pipelines: {traces: {receivers: [jaeger, otlp], exporters: [debug]}}
        """
            .formatted(NS);
    OpenTelemetryCollector cr = upstreamInstall(simplest);
    cr.getStatus().version = "0.86.0";
    client.resource(cr).updateStatus();
    String uid =
        client
            .apps()
            .deployments()
            .inNamespace(NS)
            .withName("simplest-collector")
            .get()
            .getMetadata()
            .getUid();
    MockCluster.drain(server);

    runtime = OperatorRuntime.start(client, cfg, Duration.ofMillis(500), Optional.of("telescope"));
    MockCluster.await(
        "upgraded", WAIT, () -> cfg.collectorVersion().equals(get("simplest").getStatus().version));
    long after = runtime.reconciles();
    MockCluster.await("a resync", WAIT, () -> runtime.reconciles() >= after + 2);

    OpenTelemetryCollector now = get("simplest");
    assertThat(
            now.getSpec()
                .config
                .service
                .telemetry
                .at("/metrics/readers/0/pull/exporter/prometheus/port")
                .asInt())
        .isEqualTo(8888);
    assertThat(now.getSpec().config.service.telemetry.at("/metrics").has("address")).isFalse();
    List<String> writes = MockCluster.writes(MockCluster.drain(server));
    assertThat(writes).noneMatch(w -> w.startsWith("DELETE"));
    assertThat(writes).noneMatch(w -> w.startsWith("POST") && w.contains("/deployments"));
    assertThat(
            client
                .apps()
                .deployments()
                .inNamespace(NS)
                .withName("simplest-collector")
                .get()
                .getMetadata()
                .getUid())
        .isEqualTo(uid);
  }

  OpenTelemetryCollector get(String name) {
    return client.resources(OpenTelemetryCollector.class).inNamespace(NS).withName(name).get();
  }
}
