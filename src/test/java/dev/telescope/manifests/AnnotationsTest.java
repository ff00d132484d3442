package dev.telescope.manifests;

import static dev.telescope.manifests.Fixtures.cfg;
import static dev.telescope.manifests.Fixtures.cr;
import static dev.telescope.manifests.Fixtures.ctx;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.telescope.api.v1beta1.ObservabilitySpec;
import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AnnotationsTest {

  private static final String HASH_OF_OTLP = ctx(cr()).config().hash();

  @Test
  void objectAnnotationsAreNullWhenTheCrHasNone() {
    assertThat(Annotations.object(ctx(cr()))).isNull();
  }

  @Test
  void objectAnnotationsAreTheCrsMinusTheDefaultFilter() {
    OpenTelemetryCollector cr = cr();
    cr.getMetadata()
        .setAnnotations(
            Map.of(
                "team", "a",
                "kubectl.kubernetes.io/last-applied-configuration", "{...}"));
    assertThat(Annotations.object(ctx(cr))).containsExactly(entry("team", "a"));
  }

  @Test
  void onlyFilteredAnnotationsGiveNull() {
    OpenTelemetryCollector cr = cr();
    cr.getMetadata()
        .setAnnotations(Map.of("kubectl.kubernetes.io/last-applied-configuration", "{}"));
    assertThat(Annotations.object(ctx(cr))).isNull();
  }

  @Test
  void annotationsFilterFlagReplacesTheDefault() {
    OpenTelemetryCollector cr = cr();
    cr.getMetadata()
        .setAnnotations(
            Map.of(
                "annotation.filter.out", "x",
                "configmanagement.gke.io/token", "y",
                "keep", "z"));
    var cfg =
        cfg(
            List.of("--annotations-filter=.*filter.out", "--annotations-filter=config.*.gke.io.*"),
            Map.of());
    assertThat(Annotations.object(ctx(cr, cfg))).containsExactly(entry("keep", "z"));
    assertThat(Annotations.pod(ctx(cr, cfg)))
        .doesNotContainKeys("annotation.filter.out", "configmanagement.gke.io/token")
        .containsEntry("keep", "z");
  }

  @Test
  void podAnnotationsOfAPlainCollector() {
    assertThat(Annotations.pod(ctx(cr())))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "opentelemetry-operator-config/sha256", HASH_OF_OTLP,
                "operator.opentelemetry.io/prometheus-annotations-added", "true",
                "prometheus.io/path", "/metrics",
                "prometheus.io/port", "8888",
                "prometheus.io/scrape", "true"));
  }

  @Test
  void podAnnotationsWinOverCrAnnotationsAndBothAreCopied() {
    OpenTelemetryCollector cr = cr();
    cr.getMetadata().setAnnotations(Map.of("shared", "from-cr", "cr-only", "1"));
    cr.getSpec().podAnnotations = Map.of("shared", "from-pod", "pod-only", "2");
    assertThat(Annotations.pod(ctx(cr)))
        .containsEntry("shared", "from-pod")
        .containsEntry("cr-only", "1")
        .containsEntry("pod-only", "2");
  }

  @Test
  void podAnnotationsGoThroughTheFilterToo() {
    OpenTelemetryCollector cr = cr();
    cr.getSpec().podAnnotations = Map.of("x.filter.out", "1");
    var cfg = cfg(List.of("--annotations-filter=.*filter.out"), Map.of());
    assertThat(Annotations.pod(ctx(cr, cfg))).doesNotContainKey("x.filter.out");
  }

  @Test
  void userPrometheusAnnotationsAreKeptAndOnlyTheMissingOnesAdded() {
    OpenTelemetryCollector cr = cr();
    cr.getSpec().podAnnotations = Map.of("prometheus.io/port", "9999");
    assertThat(Annotations.pod(ctx(cr)))
        .containsEntry("prometheus.io/port", "9999")
        .containsEntry("prometheus.io/scrape", "true")
        .containsEntry("prometheus.io/path", "/metrics")
        .containsEntry(Annotations.PROMETHEUS_ADDED, "true");
  }

  @Test
  void noMarkerWhenTheUserSetAllThreePrometheusAnnotations() {
    OpenTelemetryCollector cr = cr();
    cr.getSpec().podAnnotations =
        Map.of(
            "prometheus.io/port", "1",
            "prometheus.io/scrape", "false",
            "prometheus.io/path", "/m");
    assertThat(Annotations.pod(ctx(cr)))
        .containsEntry("prometheus.io/scrape", "false")
        .doesNotContainKey(Annotations.PROMETHEUS_ADDED);
  }

  @Test
  void disablePrometheusAnnotationsAddsNoneAndNoMarker() {
    OpenTelemetryCollector cr = cr();
    cr.getSpec().observability = new ObservabilitySpec();
    cr.getSpec().observability.metrics = new ObservabilitySpec.Metrics();
    cr.getSpec().observability.metrics.disablePrometheusAnnotations = true;
    assertThat(Annotations.pod(ctx(cr)))
        .containsOnlyKeys(Annotations.CONFIG_HASH)
        .containsEntry(Annotations.CONFIG_HASH, HASH_OF_OTLP);
  }

  @Test
  void thePortAnnotationStays8888WhenTheMetricsPortMoves() {
    OpenTelemetryCollector cr =
        cr(
            Fixtures.OTLP
                + """
                  telemetry:
                    metrics:
                      readers:
                        - pull:
                            exporter:
                              prometheus:
                                host: 0.0.0.0
                                port: 9090
                """);
    assertThat(ctx(cr).config().metricsPort()).isEqualTo(9090);
    assertThat(Annotations.pod(ctx(cr))).containsEntry("prometheus.io/port", "8888");
  }

  @Test
  void configHashChangesWithTheConfigAndOnlyThen() {
    String before = Annotations.pod(ctx(cr())).get(Annotations.CONFIG_HASH);

    OpenTelemetryCollector otherSpec = cr();
    otherSpec.getSpec().replicas = 5;
    otherSpec.getSpec().image = "img:2";
    otherSpec.getSpec().podAnnotations = Map.of("a", "b");
    Map<String, String> labels = new HashMap<>();
    labels.put("x", "y");
    otherSpec.getMetadata().setLabels(labels);
    assertThat(Annotations.pod(ctx(otherSpec)).get(Annotations.CONFIG_HASH)).isEqualTo(before);

    OpenTelemetryCollector otherConfig =
        cr(Fixtures.OTLP.replace("debug: {}", "debug: {verbosity: detailed}"));
    String after = Annotations.pod(ctx(otherConfig)).get(Annotations.CONFIG_HASH);
    assertThat(after).isNotEqualTo(before).hasSize(64).matches("[0-9a-f]{64}");
  }

  @Test
  void configHashIsTheFullHashWhoseFirst8CharsNameTheConfigMap() {
    var ctx = ctx(cr());
    String hash = Annotations.pod(ctx).get(Annotations.CONFIG_HASH);
    assertThat(ConfigMapBuilder.build(ctx).getMetadata().getName())
        .isEqualTo("otel-collector-" + hash.substring(0, 8));
  }
}
