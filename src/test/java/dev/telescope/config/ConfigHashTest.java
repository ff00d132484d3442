package dev.telescope.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.telescope.TestYaml;
import dev.telescope.api.v1beta1.Config;
import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import dev.telescope.settings.OperatorConfig;
import org.junit.jupiter.api.Test;

class ConfigHashTest {
  @Test
  void unitGoldenBaseHashesLikeUpstream() {
    Config c =
        TestYaml.config(
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
    assertThat(ConfigHash.goJson(dev.telescope.api.ConfigYaml.toTree(c)))
        .isEqualTo(
            "{\"receivers\":{\"examplereceiver\":{\"endpoint\":\"0.0.0.0:12345\"}},\"exporters\":{\"debug\":null},\"service\":{\"pipelines\":{\"metrics\":{\"exporters\":[\"debug\"],\"receivers\":[\"examplereceiver\"]}}}}");
    assertThat(ConfigHash.of(c))
        .isEqualTo("2d266e55025628659355f1271b689d6fb53648ef6cd5595831f5835d18e59a25");
  }

  private static final String VERSIONED =
      """
      apiVersion: opentelemetry.io/v1beta1
      kind: OpenTelemetryCollector
      metadata:
        name: simple
      spec:
        configVersions: 1
        config:
          receivers:
            otlp:
              protocols:
                grpc: {}
                http: {}
          processors:
            batch:
              send_batch_size: 10000
              timeout: %s
          exporters:
            debug: {}
          service:
            pipelines:
              traces:
                receivers: [otlp]
                processors: [batch]
                exporters: [debug]
      """;

  @Test
  void versionedConfigmapsHashAfterWebhookDefaulting() {
    OpenTelemetryCollector cr = TestYaml.collector(VERSIONED.formatted("10s"));
    assertThat(ConfigHash.of(cr.getSpec().config)).startsWith("d6f40475");
    OpenTelemetryCollector defaulted = Defaults.apply(cr, OperatorConfig.defaults()).collector();
    assertThat(ConfigHash.of(defaulted.getSpec().config)).startsWith("5723ff27");
    OpenTelemetryCollector edited = TestYaml.collector(VERSIONED.formatted("20s"));
    assertThat(
            ConfigHash.of(
                Defaults.apply(edited, OperatorConfig.defaults()).collector().getSpec().config))
        .startsWith("dfcfaead");
  }

  @Test
  void goFloatFormattingMatchesGo() {
    assertThat(ConfigHash.goFloat(10000)).isEqualTo("10000");
    assertThat(ConfigHash.goFloat(0.5)).isEqualTo("0.5");
    assertThat(ConfigHash.goFloat(1e21)).isEqualTo("1e+21");
    assertThat(ConfigHash.goFloat(1e-7)).isEqualTo("1e-07");
    assertThat(ConfigHash.goFloat(-2.5e-7)).isEqualTo("-2.5e-07");
    assertThat(ConfigHash.goFloat(123456789)).isEqualTo("123456789");
  }

  @Test
  void goEscapesHtmlCharacters() {
    assertThat(
            ConfigHash.goJson(
                com.fasterxml.jackson.databind.node.TextNode.valueOf("a<b>&\u2028\n")))
        .isEqualTo("\"a\\u003cb\\u003e\\u0026\\u2028\\n\"");
  }
}
