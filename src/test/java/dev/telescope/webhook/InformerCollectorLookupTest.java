package dev.telescope.webhook;

import static dev.telescope.webhook.SidecarFixtures.collector;
import static org.assertj.core.api.Assertions.assertThat;

import dev.telescope.api.common.Mode;
import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class InformerCollectorLookupTest {
  private static final Duration SYNC = Duration.ofSeconds(30);

  KubernetesClient client;

  private void create(OpenTelemetryCollector c) {
    client.resources(OpenTelemetryCollector.class).resource(c).create();
  }

  private static List<String> names(List<OpenTelemetryCollector> cs) {
    return cs.stream().map(c -> c.getMetadata().getName()).toList();
  }

  /** Bounded polling: informers see changes asynchronously. */
  private static void eventually(java.util.function.BooleanSupplier condition) {
    Awaitility.await()
        .atMost(SYNC)
        .pollInterval(Duration.ofMillis(20))
        .until(condition::getAsBoolean);
  }

  @Test
  void syncsAndFollowsCollectorsAndNamespaces() throws Exception {
    client.namespaces().resource(SidecarFixtures.namespace("apps", "side")).create();
    create(collector("apps", "side", "sidecar"));
    create(collector("apps", "gateway", "deployment"));
    create(collector("other", "side", "sidecar"));

    try (InformerCollectorLookup lookup =
        new InformerCollectorLookup(client, Set.of(), Duration.ZERO)) {
      assertThat(lookup.hasSynced()).isFalse();
      lookup.start();
      assertThat(lookup.awaitSynced(SYNC)).isTrue();
      assertThat(lookup.hasSynced()).isTrue();

      assertThat(names(lookup.sidecarCollectors("apps"))).containsExactly("side");
      assertThat(names(lookup.sidecarCollectors("other"))).containsExactly("side");
      assertThat(lookup.sidecarCollectors("empty")).isEmpty();
      assertThat(lookup.collector("apps", "gateway")).isPresent();
      assertThat(lookup.collector("apps", "nope")).isEmpty();
      assertThat(lookup.namespaceAnnotations("apps"))
          .containsEntry(SidecarInjector.INJECT_ANNOTATION, "side");
      assertThat(lookup.namespace("missing")).isEmpty();

      // New collector: seen.
      create(collector("apps", "second", "sidecar"));
      eventually(() -> lookup.sidecarCollectors("apps").size() == 2);
      assertThat(names(lookup.sidecarCollectors("apps"))).containsExactly("second", "side");

      // Mode change away from sidecar: dropped from the sidecar index, still found by name.
      OpenTelemetryCollector second =
          client
              .resources(OpenTelemetryCollector.class)
              .inNamespace("apps")
              .withName("second")
              .get();
      second.getSpec().mode = Mode.DEPLOYMENT;
      client.resources(OpenTelemetryCollector.class).resource(second).update();
      eventually(() -> lookup.sidecarCollectors("apps").size() == 1);
      assertThat(lookup.collector("apps", "second").orElseThrow().getSpec().mode)
          .isEqualTo(Mode.DEPLOYMENT);

      // Deleted: gone.
      client.resources(OpenTelemetryCollector.class).inNamespace("apps").withName("side").delete();
      eventually(() -> lookup.collector("apps", "side").isEmpty());
      assertThat(lookup.sidecarCollectors("apps")).isEmpty();

      // Namespace annotation change: seen.
      Namespace apps = client.namespaces().withName("apps").get();
      apps.getMetadata().getAnnotations().put(SidecarInjector.INJECT_ANNOTATION, "false");
      client.namespaces().resource(apps).update();
      eventually(
          () ->
              "false"
                  .equals(
                      lookup.namespaceAnnotations("apps").get(SidecarInjector.INJECT_ANNOTATION)));
    }
  }

  @Test
  void watchedNamespacesLimitWhatCanBeInjected() throws Exception {
    create(collector("team-a", "side", "sidecar"));
    create(collector("team-b", "side", "sidecar"));
    try (InformerCollectorLookup lookup =
        new InformerCollectorLookup(client, Set.of("team-a"), Duration.ZERO).start()) {
      assertThat(lookup.awaitSynced(SYNC)).isTrue();
      assertThat(names(lookup.sidecarCollectors("team-a"))).containsExactly("side");
      assertThat(lookup.sidecarCollectors("team-b")).isEmpty();
      assertThat(lookup.collector("team-b", "side")).isEmpty();

      create(collector("team-a", "late", "sidecar"));
      eventually(() -> lookup.collector("team-a", "late").isPresent());
    }
  }

  @Test
  void replicaSetsAreFetchedOnceWithABoundedWait() throws Exception {
    ReplicaSet rs =
        new ReplicaSetBuilder()
            .withNewMetadata()
            .withName("web-7d4b9c")
            .withNamespace("apps")
            .addNewOwnerReference()
            .withApiVersion("apps/v1")
            .withKind("Deployment")
            .withName("web")
            .withUid("deploy-uid")
            .withController(true)
            .endOwnerReference()
            .endMetadata()
            .withNewSpec()
            .withNewSelector()
            .addToMatchLabels("app", "web")
            .endSelector()
            .withNewTemplate()
            .withNewMetadata()
            .addToLabels("app", "web")
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("web")
            .withImage("nginx")
            .endContainer()
            .endSpec()
            .endTemplate()
            .endSpec()
            .build();
    client.apps().replicaSets().resource(rs).create();
    try (InformerCollectorLookup lookup =
        new InformerCollectorLookup(client, Set.of(), Duration.ofSeconds(5))) {
      ReplicaSet found = lookup.replicaSet("apps", "web-7d4b9c").orElseThrow();
      assertThat(found.getMetadata().getOwnerReferences())
          .singleElement()
          .satisfies(o -> assertThat(o.getName()).isEqualTo("web"));
      // Trimmed to metadata: the pod template is not kept in memory.
      assertThat(found.getSpec()).isNull();
      assertThat(lookup.replicaSet("apps", "missing")).isEmpty();

      // Answered from memory afterwards, even once the object is gone.
      client.apps().replicaSets().inNamespace("apps").withName("web-7d4b9c").delete();
      assertThat(lookup.replicaSet("apps", "web-7d4b9c")).isPresent();
    }
    try (InformerCollectorLookup off =
        new InformerCollectorLookup(client, Set.of(), Duration.ZERO)) {
      assertThat(off.replicaSet("apps", "web-7d4b9c")).isEmpty();
    }
  }

  @Test
  void theWebhookDecidesFromTheInformers() throws Exception {
    client.namespaces().resource(SidecarFixtures.namespace("apps", null)).create();
    create(collector("apps", "side", "sidecar"));
    try (InformerCollectorLookup lookup =
        new InformerCollectorLookup(client, Set.of(), Duration.ZERO).start()) {
      assertThat(lookup.awaitSynced(SYNC)).isTrue();
      SidecarInjector injector = new SidecarInjector(SidecarFixtures.CFG, true);
      var pod = SidecarFixtures.pod("true");
      pod.getMetadata().setNamespace("apps");
      var d = injector.decide(pod, "apps", lookup.namespace("apps").orElse(null), lookup);
      assertThat(d).isInstanceOf(SidecarInjector.Inject.class);
    }
  }
}
