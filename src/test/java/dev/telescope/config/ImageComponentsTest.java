package dev.telescope.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.telescope.TestYaml;
import dev.telescope.api.v1beta1.Config;
import org.junit.jupiter.api.Test;

/** Which official images lack which components of a config. */
class ImageComponentsTest {
  static final String CORE =
      "ghcr.io/open-telemetry/opentelemetry-collector-releases/opentelemetry-collector:0.158.0";
  static final String K8S =
      "ghcr.io/open-telemetry/opentelemetry-collector-releases/opentelemetry-collector-k8s:0.158.0";

  static final Config WALKTHROUGH =
      TestYaml.config(
          """
          receivers: {otlp: {protocols: {grpc: {}}}}
          processors: {batch: {}, memory_limiter: {}, resourcedetection: {detectors: [openshift]}}
          exporters: {debug: {}}
          service:
            pipelines:
              traces: {receivers: [otlp], processors: [memory_limiter, resourcedetection, batch], exporters: [debug]}
          """);

  @Test
  void theCoreImageLacksResourceDetectionAndTheAdviceNamesImagesThatHaveIt() {
    assertThat(ImageComponents.warning(CORE, WALKTHROUGH))
        .hasValue(
            "the collector image "
                + CORE
                + " (core distribution) does not contain processors resourcedetection, so the"
                + " collector will fail to start; use"
                + " ghcr.io/open-telemetry/opentelemetry-collector-releases/opentelemetry-collector-k8s:0.158.0"
                + " or"
                + " ghcr.io/open-telemetry/opentelemetry-collector-releases/opentelemetry-collector-contrib:0.158.0,"
                + " or an image built with these components");
    assertThat(ImageComponents.warning(K8S, WALKTHROUGH)).isEmpty();
  }

  @Test
  void renamedSpellingsAndNamedInstancesMatch() {
    Config c =
        TestYaml.config(
            """
            receivers: {k8s_cluster: {}, kubelet_stats/node: {}}
            processors: {resource_detection: {}, k8s_attributes: {}}
            exporters: {otlp_grpc/backend: {endpoint: x}, otlphttp: {endpoint: y}}
            service: {pipelines: {metrics: {receivers: [k8s_cluster], exporters: [otlphttp]}}}
            """);
    assertThat(ImageComponents.warning(K8S, c)).isEmpty();
    assertThat(ImageComponents.warning(CORE, c))
        .hasValueSatisfying(
            w ->
                assertThat(w)
                    .contains("receivers k8s_cluster, kubelet_stats/node")
                    .contains("processors k8s_attributes, resource_detection")
                    .doesNotContain("exporters"));
  }

  @Test
  void onlyOfficialCoreAndK8sImagesOfTheListedReleaseAreChecked() {
    Config awsOnly =
        TestYaml.config(
            """
            receivers: {awsxray: {}}
            exporters: {awsemf: {}}
            service: {pipelines: {traces: {receivers: [awsxray], exporters: [awsemf]}}}
            """);
    assertThat(ImageComponents.warning(CORE, awsOnly)).isPresent();
    assertThat(ImageComponents.warning("otel/opentelemetry-collector:0.158.0", awsOnly))
        .isPresent();
    assertThat(
            ImageComponents.warning("docker.io/otel/opentelemetry-collector-k8s:0.158.1", awsOnly))
        .isPresent();
    assertThat(ImageComponents.warning(CORE.replace("collector:", "collector-contrib:"), awsOnly))
        .isEmpty();
    assertThat(ImageComponents.warning(CORE.replace("0.158.0", "0.120.0"), awsOnly)).isEmpty();
    assertThat(ImageComponents.warning("registry.example/otelcol-custom:0.158.0", awsOnly))
        .isEmpty();
    assertThat(ImageComponents.warning("otel/opentelemetry-collector", awsOnly)).isEmpty();
  }
}
