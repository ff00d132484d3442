package dev.telescope.manifests;

import static dev.telescope.manifests.Fixtures.allCapabilities;
import static dev.telescope.manifests.Fixtures.cr;
import static dev.telescope.manifests.Fixtures.ctx;
import static org.assertj.core.api.Assertions.assertThat;

import dev.telescope.api.common.Mode;
import dev.telescope.api.v1beta1.ObservabilitySpec;
import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MonitorBuilderTest {

  static final Path SM =
      Fixtures.upstream().resolve("tests/e2e-prometheuscr/create-sm-prometheus-exporters");
  static final Path PM =
      Fixtures.upstream().resolve("tests/e2e-prometheuscr/create-pm-prometheus-exporters");

  static OpenTelemetryCollector withMetrics(String config) {
    OpenTelemetryCollector cr = cr(config);
    cr.getSpec().observability = new ObservabilitySpec();
    cr.getSpec().observability.metrics = new ObservabilitySpec.Metrics();
    cr.getSpec().observability.metrics.enableMetrics = true;
    return cr;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> spec(GenericKubernetesResource r) {
    return (Map<String, Object>) r.getAdditionalProperties().get("spec");
  }

  static List<HasMetadata> monitors(OpenTelemetryCollector cr) {
    var cfg = allCapabilities();
    return CollectorManifests.build(ctx(Fixtures.defaulted(cr, cfg), cfg)).objects().stream()
        .filter(o -> o.getKind().endsWith("Monitor"))
        .toList();
  }

  @Test
  void enabledOnlyWithEnableMetrics() {
    assertThat(MonitorBuilder.enabled(ctx(cr()))).isFalse();
    assertThat(MonitorBuilder.enabled(ctx(withMetrics(Fixtures.OTLP)))).isTrue();
  }

  @Test
  void monitoringServiceMonitorAlwaysExporterOneOnlyWithPrometheusExporters() {
    var ctx = ctx(withMetrics(Fixtures.OTLP));
    assertThat(MonitorBuilder.exporters(ctx)).isEmpty();
    GenericKubernetesResource m = MonitorBuilder.monitoring(ctx);
    assertThat(m.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
    assertThat(m.getKind()).isEqualTo("ServiceMonitor");
    assertThat(m.getMetadata().getName()).isEqualTo("otel-monitoring-collector");
    assertThat(m.getMetadata().getNamespace()).isEqualTo("observability");
    assertThat(spec(m))
        .containsEntry("endpoints", List.of(Map.of("port", "monitoring")))
        .containsEntry("namespaceSelector", Map.of("matchNames", List.of("observability")));
  }

  @Test
  void aPrometheusExporterWithATooLongIdIsNotScrapedAsUpstreamDoes() {
    var ctx =
        ctx(
            withMetrics(
                """
                receivers:
                  otlp:
                    protocols:
                      grpc: {}
                exporters:
                  prometheus/production-cluster:
                    endpoint: 0.0.0.0:8884
                  prometheus/dev:
                    endpoint: 0.0.0.0:8885
                service:
                  pipelines:
                    metrics:
                      receivers: [otlp]
                      exporters: [prometheus/production-cluster, prometheus/dev]
                """));
    assertThat(ctx.config().exporterPorts()).extracting(p -> p.name()).contains("port-8884");
    assertThat(spec(MonitorBuilder.exporters(ctx).orElseThrow()))
        .containsEntry("endpoints", List.of(Map.of("port", "prometheus-dev")));
  }

  @Test
  void extraLabelsMayOverrideOurs() {
    OpenTelemetryCollector cr = withMetrics(Fixtures.OTLP);
    cr.getSpec().observability.metrics.extraLabels =
        Map.of(Labels.MANAGED_BY, "custom-operator", "team", "platform");
    GenericKubernetesResource m = MonitorBuilder.monitoring(ctx(cr));
    assertThat(m.getMetadata().getLabels())
        .containsEntry(Labels.MANAGED_BY, "custom-operator")
        .containsEntry("team", "platform");
    @SuppressWarnings("unchecked")
    Map<String, Object> selector = (Map<String, Object>) spec(m).get("selector");
    assertThat(selector)
        .containsEntry(
            "matchLabels",
            Map.of(
                Labels.MANAGED_BY, "opentelemetry-operator",
                Labels.INSTANCE, "observability.otel",
                Labels.PART_OF, "opentelemetry",
                Labels.COMPONENT, "opentelemetry-collector",
                Labels.SERVICE_TYPE, "monitoring"));
  }

  /** Each step of upstream's ServiceMonitor e2e: apply the CR, compare every ServiceMonitor. */
  @ParameterizedTest
  @ValueSource(strings = {"01", "02", "06", "09", "10"})
  void matchesUpstreamsServiceMonitorE2e(String step) {
    OpenTelemetryCollector cr = Fixtures.crFromFile(SM.resolve(step + "-install.yaml"));
    List<HasMetadata> monitors = monitors(cr);
    var expected =
        Fixtures.documents(SM.resolve(step + "-assert.yaml")).stream()
            .filter(d -> "ServiceMonitor".equals(d.path("kind").asText()))
            .toList();
    assertThat(monitors).hasSameSizeAs(expected);
    for (var e : expected) {
      Fixtures.assertSubset(
          e,
          Fixtures.tree(
              Fixtures.find(monitors, "ServiceMonitor", e.at("/metadata/name").asText())));
    }
  }

  @Test
  void disablingMetricsRemovesTheServiceMonitors() {
    // Step 04 of the same e2e: enableMetrics false -> no ServiceMonitor named simplest-collector.
    assertThat(monitors(Fixtures.crFromFile(SM.resolve("04-install.yaml")))).isEmpty();
  }

  @Test
  void matchesUpstreamsPodMonitorE2e() {
    OpenTelemetryCollector cr =
        Fixtures.documents(PM.resolve("00-install.yaml")).stream()
            .filter(d -> "OpenTelemetryCollector".equals(d.path("kind").asText()))
            .map(dev.telescope.api.Hub::toHub)
            .findFirst()
            .orElseThrow();
    assertThat(cr.getSpec().mode).isEqualTo(Mode.SIDECAR);
    List<HasMetadata> monitors = monitors(cr);
    assertThat(monitors).extracting(HasMetadata::getKind).containsExactly("PodMonitor");
    Fixtures.assertSubset(
        Fixtures.document(PM.resolve("01-assert.yaml"), "PodMonitor", "simplest-collector"),
        Fixtures.tree(monitors.get(0)));
  }

  @Test
  void podMonitorShape() {
    OpenTelemetryCollector cr = withMetrics(Fixtures.OTLP);
    cr.getSpec().mode = Mode.SIDECAR;
    GenericKubernetesResource pm = MonitorBuilder.podMonitor(ctx(cr));
    assertThat(pm.getMetadata().getName()).isEqualTo("otel-collector");
    assertThat(spec(pm))
        .containsEntry("jobLabel", "app.kubernetes.io/instance")
        .containsEntry(
            "podTargetLabels",
            List.of(
                "app.kubernetes.io/name",
                "app.kubernetes.io/instance",
                "app.kubernetes.io/managed-by"))
        .containsEntry("podMetricsEndpoints", List.of(Map.of("port", "monitoring")));
  }
}
