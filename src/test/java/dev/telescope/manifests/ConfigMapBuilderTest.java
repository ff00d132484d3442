package dev.telescope.manifests;

import static dev.telescope.manifests.Fixtures.cr;
import static dev.telescope.manifests.Fixtures.ctx;
import static org.assertj.core.api.Assertions.assertThat;

import dev.telescope.api.ConfigYaml;
import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import io.fabric8.kubernetes.api.model.ConfigMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigMapBuilderTest {

  @Test
  void nameIsVersionedByTheConfigHash() {
    var ctx = ctx(cr());
    ConfigMap cm = ConfigMapBuilder.build(ctx);
    assertThat(cm.getMetadata().getName())
        .isEqualTo("otel-collector-" + ctx.config().hash().substring(0, 8))
        .matches("otel-collector-[0-9a-f]{8}");
    assertThat(cm.getMetadata().getNamespace()).isEqualTo("observability");
  }

  @Test
  void aConfigEditGivesANewConfigMapAndNothingElseDoes() {
    String before = ConfigMapBuilder.build(ctx(cr())).getMetadata().getName();
    OpenTelemetryCollector sameConfig = cr();
    sameConfig.getSpec().replicas = 4;
    sameConfig.getSpec().image = "x:1";
    assertThat(ConfigMapBuilder.build(ctx(sameConfig)).getMetadata().getName()).isEqualTo(before);
    OpenTelemetryCollector edited =
        cr(Fixtures.OTLP.replace("http: {}", "http: {endpoint: 0.0.0.0:4318}"));
    assertThat(ConfigMapBuilder.build(ctx(edited)).getMetadata().getName()).isNotEqualTo(before);
  }

  @Test
  void labelsNameTheCollectorNotTheConfigMap() {
    var ctx = ctx(cr());
    assertThat(ConfigMapBuilder.build(ctx).getMetadata().getLabels())
        .isEqualTo(Labels.common(ctx, "otel-collector"));
  }

  @Test
  void annotationsAreTheCrsFiltered() {
    OpenTelemetryCollector cr = cr();
    cr.getMetadata()
        .setAnnotations(Map.of("a", "1", "kubectl.kubernetes.io/last-applied-configuration", "{}"));
    assertThat(ConfigMapBuilder.build(ctx(cr)).getMetadata().getAnnotations())
        .containsExactlyEntriesOf(Map.of("a", "1"));
  }

  @Test
  void dataIsTheConfigRenderedUnderCollectorYaml() {
    OpenTelemetryCollector cr =
        cr(
            """
            receivers:
              examplereceiver:
                endpoint: "0.0.0.0:12345"
            exporters:
              debug:
            service:
              pipelines:
                metrics:
                  receivers: [examplereceiver]
                  exporters: [debug]
            """);
    var ctx = ctx(cr);
    ConfigMap cm = ConfigMapBuilder.build(ctx);
    assertThat(cm.getData()).containsOnlyKeys("collector.yaml");
    assertThat(cm.getData().get("collector.yaml"))
        .isEqualTo(ConfigYaml.render(ctx.config().source()))
        .isEqualTo(
            """
            receivers:
              examplereceiver:
                endpoint: 0.0.0.0:12345
            exporters:
              debug: null
            service:
              pipelines:
                metrics:
                  exporters:
                    - debug
                  receivers:
                    - examplereceiver
            """);
  }
}
