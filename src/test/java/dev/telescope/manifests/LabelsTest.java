package dev.telescope.manifests;

import static dev.telescope.manifests.Fixtures.cfg;
import static dev.telescope.manifests.Fixtures.cr;
import static dev.telescope.manifests.Fixtures.ctx;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LabelsTest {

  @Test
  void selectorIsTheFourImmutableLabels() {
    assertThat(Labels.selector(ctx(cr())))
        .containsExactly(
            entry("app.kubernetes.io/component", "opentelemetry-collector"),
            entry("app.kubernetes.io/instance", "observability.otel"),
            entry("app.kubernetes.io/managed-by", "opentelemetry-operator"),
            entry("app.kubernetes.io/part-of", "opentelemetry"));
  }

  @Test
  void selectorIgnoresTheCrLabelsImageAndName() {
    OpenTelemetryCollector cr = cr();
    cr.getMetadata().setLabels(Map.of("team", "a", Labels.NAME, "custom"));
    cr.getSpec().image = "img:1.2";
    assertThat(Labels.selector(ctx(cr))).isEqualTo(Labels.selector(ctx(cr())));
  }

  @Test
  void commonLabelsOfAPlainCollector() {
    assertThat(Labels.common(ctx(cr()), "otel-collector"))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "app.kubernetes.io/component", "opentelemetry-collector",
                "app.kubernetes.io/instance", "observability.otel",
                "app.kubernetes.io/managed-by", "opentelemetry-operator",
                "app.kubernetes.io/part-of", "opentelemetry",
                "app.kubernetes.io/name", "otel-collector",
                "app.kubernetes.io/version", "latest"));
  }

  @Test
  void crLabelsAreCopiedButCannotOverrideTheSelectorLabels() {
    OpenTelemetryCollector cr = cr();
    cr.getMetadata()
        .setLabels(
            Map.of(
                "team",
                "payments",
                Labels.MANAGED_BY,
                "helm",
                Labels.INSTANCE,
                "other",
                Labels.PART_OF,
                "x",
                Labels.COMPONENT,
                "y"));
    Map<String, String> labels = Labels.common(ctx(cr), "otel-collector");
    assertThat(labels).contains(entry("team", "payments"));
    assertThat(labels).containsAllEntriesOf(Labels.selector(ctx(cr)));
  }

  @Test
  void theCrsOwnNameLabelWinsOverTheObjectName() {
    OpenTelemetryCollector cr = cr();
    cr.getMetadata().setLabels(Map.of(Labels.NAME, "my-app"));
    assertThat(Labels.common(ctx(cr), "otel-collector")).containsEntry(Labels.NAME, "my-app");
    assertThat(Labels.common(ctx(cr), "otel-collector-monitoring"))
        .containsEntry(Labels.NAME, "my-app");
  }

  @Test
  void theCrsVersionLabelIsReplacedByTheImageTag() {
    OpenTelemetryCollector cr = cr();
    cr.getMetadata().setLabels(Map.of(Labels.VERSION, "mine"));
    cr.getSpec().image = "img:0.99.0";
    assertThat(Labels.common(ctx(cr), "x")).containsEntry(Labels.VERSION, "0.99.0");
  }

  @Test
  void labelsFilterDropsMatchingCrLabels() {
    OpenTelemetryCollector cr = cr();
    Map<String, String> crLabels = new HashMap<>();
    crLabels.put("keep", "1");
    crLabels.put("team.filter.out", "2");
    crLabels.put("argocd.argoproj.io/instance", "3");
    cr.getMetadata().setLabels(crLabels);
    var cfg = cfg(List.of("--labels-filter=.*filter.out", "--labels-filter=argocd.*"), Map.of());
    Map<String, String> labels = Labels.common(ctx(cr, cfg), "otel-collector");
    assertThat(labels).containsEntry("keep", "1");
    assertThat(labels).doesNotContainKeys("team.filter.out", "argocd.argoproj.io/instance");
  }

  @Test
  void withoutAFilterEveryCrLabelIsCopied() {
    OpenTelemetryCollector cr = cr();
    cr.getMetadata().setLabels(Map.of("team.filter.out", "2"));
    assertThat(Labels.common(ctx(cr), "x")).containsEntry("team.filter.out", "2");
  }

  @Test
  void extraLabelsWin() {
    assertThat(
            Labels.common(
                ctx(cr()), "otel-collector", Map.of(Labels.SERVICE_TYPE, "base", Labels.NAME, "z")))
        .containsEntry(Labels.SERVICE_TYPE, "base")
        .containsEntry(Labels.NAME, "z");
  }

  @ParameterizedTest(name = "{0} -> ''{1}''")
  @CsvSource(
      value = {
        "<null>|latest",
        "''|latest",
        "otel/collector|latest",
        "otel/collector:0.158.0|0.158.0",
        "ghcr.io/open-telemetry/collector:0.158.0|0.158.0",
        // Three parts: upstream takes the segment ending in @sha256, so a tag with a digest keeps
        // the
        // tag and a registry port without a digest gives the empty string.
        "img:1.2@sha256:4a5f|1.2",
        "registry:5000/img:1.2|''",
        // Two parts after a digest: the digest hex, cut to 63 characters.
        "img@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
            + "|0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde",
        // Four parts: latest.
        "registry:5000/img:1.2@sha256:4a5f|latest",
        // Upstream's rule would give '5000/img', which no label may hold: latest instead.
        "registry:5000/img|latest",
        "registry:5000/img@sha256:4a5f|latest",
        "img:|''"
      },
      delimiter = '|',
      nullValues = "<null>")
  void versionFromTheImage(String image, String expected) {
    assertThat(Labels.version(image)).isEqualTo(expected);
    assertThat(Labels.isValidValue(Labels.version(image))).isTrue();
  }

  @Test
  void aLongTagIsCutTo63Characters() {
    String tag = "v" + "1".repeat(80);
    assertThat(Labels.version("img:" + tag)).hasSize(63).isEqualTo(tag.substring(0, 63));
  }

  @Test
  void versionComesFromTheCrImageNotTheOperatorDefault() {
    var cfg = cfg(List.of("--collector-image=ghcr.io/x/collector:0.158.0"), Map.of());
    assertThat(Labels.common(ctx(cr(), cfg), "x")).containsEntry(Labels.VERSION, "latest");
    OpenTelemetryCollector cr = cr();
    cr.getSpec().image = "ghcr.io/x/collector:0.150.0";
    assertThat(Labels.common(ctx(cr, cfg), "x")).containsEntry(Labels.VERSION, "0.150.0");
  }

  @Test
  void instanceIsTruncatedTo63() {
    OpenTelemetryCollector cr = cr();
    cr.getMetadata().setNamespace("n".repeat(40));
    cr.getMetadata().setName("c".repeat(40));
    String instance = Labels.selector(ctx(cr)).get(Labels.INSTANCE);
    assertThat(instance).hasSizeLessThanOrEqualTo(63);
    assertThat(Labels.isValidValue(instance)).isTrue();
  }

  @Test
  void asStringIsSortedAndCommaSeparated() {
    assertThat(Labels.asString(Map.of("b", "2", "a", "1"))).isEqualTo("a=1,b=2");
    assertThat(Labels.asString(Map.of())).isEmpty();
  }

  @Test
  void labelValueValidity() {
    assertThat(Labels.isValidValue("")).isTrue();
    assertThat(Labels.isValidValue("a.b_c-d")).isTrue();
    assertThat(Labels.isValidValue("5000/img")).isFalse();
    assertThat(Labels.isValidValue("-a")).isFalse();
    assertThat(Labels.isValidValue("a".repeat(64))).isFalse();
  }
}
