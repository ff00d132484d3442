package dev.telescope.reconciler.coverage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.telescope.TestYaml;
import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import dev.telescope.reconciler.MockCluster;
import dev.telescope.reconciler.OperatorRuntime;
import dev.telescope.settings.Capabilities;
import dev.telescope.settings.OperatorConfig;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The running operator's check writes the condition through the reconciler's one status path. */
@EnableKubernetesMockClient(crud = true)
class PodCoverageOperatorTest {
  KubernetesClient client;

  private Optional<Condition> condition() {
    OpenTelemetryCollector c =
        client.resources(OpenTelemetryCollector.class).inNamespace("apps").withName("side").get();
    if (c == null || c.getStatus() == null || c.getStatus().conditions == null) {
      return Optional.empty();
    }
    return c.getStatus().conditions.stream()
        .filter(x -> x.getType().equals("PodsWithoutSidecar"))
        .findFirst();
  }

  @Test
  void theConditionAppearsAndClearsOnTheCollector() {
    MockCluster.installCrd(client);
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName("apps").endMetadata().build())
        .create();
    OperatorConfig cfg =
        OperatorConfig.parse(List.of("--leader-election=false", "--pod-check-period=1s"), Map.of())
            .withCapabilities(new Capabilities(false, false, true, false));
    assertThat(cfg.podCheckPeriod()).isEqualTo(Duration.ofSeconds(1));
    try (OperatorRuntime runtime =
        OperatorRuntime.start(client, cfg, Duration.ofMinutes(10), Optional.of("test"))) {
      client
          .resources(OpenTelemetryCollector.class)
          .resource(
              TestYaml.collector(
                  """
                  apiVersion: opentelemetry.io/v1beta1
                  kind: OpenTelemetryCollector
                  metadata: {name: side, namespace: apps}
                  spec:
                    mode: sidecar
                    config:
                      receivers: {otlp: {protocols: {grpc: {}}}}
                      exporters: {debug: {}}
                      service: {pipelines: {traces: {receivers: [otlp], exporters: [debug]}}}
                  """))
          .create();
      client
          .pods()
          .resource(
              new PodBuilder()
                  .withNewMetadata()
                  .withNamespace("apps")
                  .withName("web")
                  .addToAnnotations("sidecar.opentelemetry.io/inject", "true")
                  .endMetadata()
                  .withNewSpec()
                  .addNewContainer()
                  .withName("web")
                  .withImage("nginx")
                  .endContainer()
                  .endSpec()
                  .build())
          .create();

      MockCluster.await(
          "PodsWithoutSidecar True",
          Duration.ofSeconds(60),
          () -> condition().map(c -> c.getStatus().equals("True")).orElse(false));
      assertThat(condition().orElseThrow().getMessage()).contains("apps/web");
      assertThat(runtime.coverage().podsWithoutSidecar()).isEqualTo(1);

      client.pods().inNamespace("apps").withName("web").delete();
      MockCluster.await(
          "PodsWithoutSidecar False",
          Duration.ofSeconds(60),
          () -> condition().map(c -> c.getStatus().equals("False")).orElse(false));
      assertThat(condition().orElseThrow().getReason()).isEqualTo("AllPodsInjected");
    }
  }
}
