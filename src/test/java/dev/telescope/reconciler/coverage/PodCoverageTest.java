package dev.telescope.reconciler.coverage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.telescope.TestYaml;
import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import dev.telescope.manifests.Labels;
import dev.telescope.reconciler.EventRecorder;
import dev.telescope.reconciler.MockCluster;
import dev.telescope.reconciler.StatusCalculator;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The check finds pods the webhook never saw, against the mock API server (no webhook there). */
@EnableKubernetesMockClient(crud = true)
class PodCoverageTest {
  KubernetesClient client;
  KubernetesMockServer server;

  private final List<ResourceID> triggered = new CopyOnWriteArrayList<>();

  private static OpenTelemetryCollector collector(String ns, String name, String mode, String a) {
    return TestYaml.collector(
        """
        apiVersion: opentelemetry.io/v1beta1
        kind: OpenTelemetryCollector
        metadata:
          name: %s
          namespace: %s
          annotations: {%s}
        spec:
          mode: %s
          config:
            receivers: {otlp: {protocols: {grpc: {}}}}
            exporters: {debug: {}}
            service: {pipelines: {traces: {receivers: [otlp], exporters: [debug]}}}
        """
            .formatted(name, ns, a, mode));
  }

  private PodCoverage check(List<OpenTelemetryCollector> collectors) {
    return new PodCoverage(
            client,
            new EventRecorder(client, "test"),
            Duration.ofMinutes(5),
            Set.of(),
            Clock.systemUTC())
        .using(() -> collectors, triggered::add);
  }

  private static OwnerReference owner(String kind, String name) {
    return new OwnerReferenceBuilder()
        .withApiVersion("apps/v1")
        .withKind(kind)
        .withName(name)
        .withUid(name + "-uid")
        .withController(true)
        .build();
  }

  private Pod pod(String ns, String name, String inject, boolean injected, OwnerReference owner) {
    PodBuilder b =
        new PodBuilder()
            .withNewMetadata()
            .withNamespace(ns)
            .withName(name)
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("app")
            .withImage("nginx")
            .endContainer()
            .endSpec();
    if (inject != null) {
      b.editMetadata().addToAnnotations(InjectTarget.ANNOTATION, inject).endMetadata();
    }
    if (injected) {
      b.editMetadata().addToLabels(Labels.SIDECAR_INJECTED, ns + ".side").endMetadata();
    }
    if (owner != null) {
      b.editMetadata().withOwnerReferences(owner).endMetadata();
    }
    return client.pods().resource(b.build()).create();
  }

  private List<Event> events(String ns) {
    return client.resources(Event.class).inNamespace(ns).list().getItems();
  }

  private static List<RecordedRequest> podLists(List<RecordedRequest> requests) {
    return requests.stream().filter(r -> r.getPath().contains("/pods")).toList();
  }

  @Test
  void reportsPodsCreatedWhileTheWebhookWasAbsentAndRestartsTheOwnerOnce() {
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName("apps").endMetadata().build())
        .create();
    OpenTelemetryCollector side =
        collector("apps", "side", "sidecar", "\"telescope.dev/restart-uninjected\": \"true\"");
    client
        .apps()
        .deployments()
        .resource(
            new DeploymentBuilder()
                .withNewMetadata()
                .withNamespace("apps")
                .withName("web")
                .endMetadata()
                .withNewSpec()
                .withNewTemplate()
                .withNewMetadata()
                .addToLabels("app", "web")
                .endMetadata()
                .endTemplate()
                .endSpec()
                .build())
        .create();
    client
        .apps()
        .replicaSets()
        .resource(
            new ReplicaSetBuilder()
                .withNewMetadata()
                .withNamespace("apps")
                .withName("web-7d4b9c")
                .withOwnerReferences(owner("Deployment", "web"))
                .endMetadata()
                .build())
        .create();
    // Created while no webhook ran: annotated, no injected label.
    pod("apps", "web-7d4b9c-aaaaa", "true", false, owner("ReplicaSet", "web-7d4b9c"));
    pod("apps", "bare", "side", false, null);
    // Fine: injected, not annotated, or opted out.
    pod("apps", "web-7d4b9c-bbbbb", "true", true, owner("ReplicaSet", "web-7d4b9c"));
    pod("apps", "plain", null, false, null);
    pod("apps", "opted-out", "false", false, null);
    // Not ours: a namespace without sidecar collectors or annotation is never listed.
    pod("other", "elsewhere", "true", false, null);
    MockCluster.drain(server);

    PodCoverage check = check(List.of(side, collector("apps", "gw", "deployment", "")));
    PodCoverage.Report report = check.runOnce();

    assertThat(report.namespaces()).containsExactly("apps");
    assertThat(report.missing())
        .containsExactly(Map.entry("apps/side", List.of("apps/web-7d4b9c-aaaaa", "apps/bare")));
    assertThat(check.podsWithoutSidecar()).isEqualTo(2);
    assertThat(report.restarted()).containsExactly("Deployment/apps/web");
    Deployment web = client.apps().deployments().inNamespace("apps").withName("web").get();
    assertThat(web.getSpec().getTemplate().getMetadata().getAnnotations())
        .containsKey(PodCoverage.RESTARTED_AT);
    assertThat(events("apps"))
        .filteredOn(e -> e.getReason().equals(PodCoverage.EVENT_REASON))
        .extracting(e -> e.getRegarding().getKind() + " " + e.getRegarding().getName())
        .containsExactlyInAnyOrder("Pod web-7d4b9c-aaaaa", "Pod bare");
    assertThat(events("apps")).filteredOn(e -> e.getType().equals("Warning")).hasSize(2);
    assertThat(triggered).containsExactly(new ResourceID("side", "apps"));
    StatusCalculator.Cond cond = check.condition(side).orElseThrow();
    assertThat(cond.type()).isEqualTo("PodsWithoutSidecar");
    assertThat(cond.status()).isTrue();
    assertThat(cond.message()).contains("2 pod(s)").contains("apps/bare, apps/web-7d4b9c-aaaaa");

    List<RecordedRequest> requests = MockCluster.drain(server);
    assertThat(podLists(requests))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getPath()).isEqualTo("/api/v1/namespaces/apps/pods?limit=500");
              assertThat(r.getHeader("Accept")).contains("as=PartialObjectMetadataList");
            });
    assertThat(requests)
        .filteredOn(r -> r.getPath().contains("replicasets"))
        .allSatisfy(r -> assertThat(r.getHeader("Accept")).contains("as=PartialObjectMetadata"));
    assertThat(requests).noneMatch(r -> r.getPath().contains("/namespaces/other/pods"));

    // Second period: the same pods are not announced again, the owner is not restarted again, and
    // an unchanged finding does not trigger a reconcile.
    int before = events("apps").size();
    PodCoverage.Report again = check.runOnce();
    assertThat(again.missing()).isEqualTo(report.missing());
    assertThat(again.restarted()).isEmpty();
    assertThat(events("apps")).hasSize(before);
    assertThat(triggered).hasSize(1);
    assertThat(check.restarts()).isEqualTo(1);

    // The pods are gone (restarted with their sidecar): the condition turns False.
    client.pods().inNamespace("apps").withName("bare").delete();
    client.pods().inNamespace("apps").withName("web-7d4b9c-aaaaa").delete();
    check.runOnce();
    assertThat(triggered).hasSize(2);
    side.setStatus(new dev.telescope.api.v1beta1.OpenTelemetryCollectorStatus());
    side.getStatus().conditions =
        List.of(
            new io.fabric8.kubernetes.api.model.ConditionBuilder()
                .withType("PodsWithoutSidecar")
                .withStatus("True")
                .build());
    assertThat(check.condition(side).orElseThrow().status()).isFalse();
    assertThat(check.condition(collector("apps", "gw", "deployment", ""))).isEmpty();
  }

  @Test
  void followsContinueTokensPageByPage() {
    String page1 =
        """
        {"apiVersion":"meta.k8s.io/v1","kind":"PartialObjectMetadataList",
         "metadata":{"continue":"tok/1"},
         "items":[{"apiVersion":"meta.k8s.io/v1","kind":"PartialObjectMetadata",
           "metadata":{"name":"a","namespace":"apps","uid":"ua",
             "annotations":{"sidecar.opentelemetry.io/inject":"true"}}}]}
        """;
    String page2 =
        """
        {"items":[{"metadata":{"name":"b","namespace":"apps","uid":"ub",
             "annotations":{"sidecar.opentelemetry.io/inject":"true"}}},
           {"metadata":{"name":"c","namespace":"apps","uid":"uc",
             "labels":{"sidecar.opentelemetry.io/injected":"apps.side"},
             "annotations":{"sidecar.opentelemetry.io/inject":"true"}}}],
         "metadata":{}}
        """;
    server
        .expect()
        .get()
        .withPath("/api/v1/namespaces/apps/pods?limit=500")
        .andReturn(200, page1)
        .always();
    server
        .expect()
        .get()
        .withPath("/api/v1/namespaces/apps/pods?limit=500&continue=tok%2F1")
        .andReturn(200, page2)
        .always();
    MockCluster.drain(server);

    PodCoverage.Report report = check(List.of(collector("apps", "side", "sidecar", ""))).runOnce();

    assertThat(report.pods()).isEqualTo(3);
    assertThat(report.missing()).containsEntry("apps/side", List.of("apps/a", "apps/b"));
    assertThat(podLists(MockCluster.drain(server)))
        .extracting(RecordedRequest::getPath)
        .containsExactly(
            "/api/v1/namespaces/apps/pods?limit=500",
            "/api/v1/namespaces/apps/pods?limit=500&continue=tok%2F1");
    assertThat(Serialization.asJson(report)).contains("apps/b");
  }

  @Test
  void withoutSidecarCollectorsNothingIsRead() {
    pod("apps", "web", "true", false, null);
    MockCluster.drain(server);

    PodCoverage check = check(List.of(collector("apps", "gw", "deployment", "")));
    PodCoverage.Report report = check.runOnce();

    assertThat(report.namespaces()).isEmpty();
    assertThat(MockCluster.drain(server)).isEmpty();
    assertThat(check.apiRequests()).isZero();
  }

  @Test
  void namespaceAnnotationsWidenTheScopeAndNameCollectorsElsewhere() {
    client
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName("shop")
                .addToAnnotations(InjectTarget.ANNOTATION, "apps/side")
                .endMetadata()
                .build())
        .create();
    pod("shop", "cart", null, false, null);
    pod("shop", "pinned", "false", false, null);
    MockCluster.drain(server);

    PodCoverage.Report report = check(List.of(collector("apps", "side", "sidecar", ""))).runOnce();

    assertThat(report.namespaces()).containsExactly("apps", "shop");
    assertThat(report.missing()).containsExactly(Map.entry("apps/side", List.of("shop/cart")));
  }

  @Test
  void resolvesTheAnnotationLikeTheWebhook() {
    assertThat(InjectTarget.effective("", "")).isEmpty();
    assertThat(InjectTarget.effective("", "x")).isEqualTo("x");
    assertThat(InjectTarget.effective("a", "x")).isEqualTo("a");
    assertThat(InjectTarget.effective("true", "false")).isEqualTo("true");
    assertThat(InjectTarget.effective("true", "x")).isEqualTo("x");
    assertThat(InjectTarget.effective("false", "true")).isEqualTo("false");
  }
}
