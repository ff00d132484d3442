package dev.telescope.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.telescope.TestYaml;
import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import dev.telescope.settings.OperatorConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Admission of a collector whose image lacks components its config uses: admitted, warned. */
class CollectorValidationTest {
  static final OperatorConfig CFG = OperatorConfig.parse(List.of(), Map.of());

  static OpenTelemetryCollector cr(String image) {
    return TestYaml.collector(
        """
        apiVersion: opentelemetry.io/v1beta1
        kind: OpenTelemetryCollector
        metadata: {name: c, namespace: ns}
        spec:
          mode: deployment
          %s
          config:
            receivers: {otlp: {protocols: {grpc: {}}}}
            processors: {resourcedetection: {detectors: [env]}}
            exporters: {debug: {}}
            service:
              pipelines:
                traces: {receivers: [otlp], processors: [resourcedetection], exporters: [debug]}
        """
            .formatted(image == null ? "" : "image: " + image));
  }

  @Test
  void theDefaultCoreImageWithAK8sComponentIsAdmittedWithAWarning() {
    CollectorValidation.Result r = CollectorValidation.validate(cr(null), null, CFG);

    assertThat(r.errors()).isEmpty();
    assertThat(r.warnings())
        .anySatisfy(
            w ->
                assertThat(w)
                    .contains(CFG.collectorImage())
                    .contains("processors resourcedetection")
                    .contains("opentelemetry-collector-k8s:"));
  }

  @Test
  void anImageThatHasTheComponentsOrAnUnknownImageGetsNoSuchWarning() {
    String k8s =
        CFG.collectorImage().replace("opentelemetry-collector:", "opentelemetry-collector-k8s:");
    for (String image : List.of(k8s, "registry.example/my-otelcol:1.0")) {
      CollectorValidation.Result r = CollectorValidation.validate(cr(image), null, CFG);
      assertThat(r.errors()).as(image).isEmpty();
      assertThat(r.warnings()).as(image).noneMatch(w -> w.contains("does not contain"));
    }
  }
}
