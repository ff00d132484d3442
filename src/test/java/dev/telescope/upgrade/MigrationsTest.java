package dev.telescope.upgrade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/** Each upgrade step, field by field, on specs shaped as older releases stored them. */
class MigrationsTest {
  private static final YAMLMapper YAML = new YAMLMapper();
  private final List<String> notes = new ArrayList<>();

  static ObjectNode spec(String yaml) {
    try {
      return (ObjectNode) YAML.readTree(yaml);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  private ObjectNode run(BiFunction<ObjectNode, List<String>, ObjectNode> step, String yaml) {
    ObjectNode in = spec(yaml);
    ObjectNode copy = in.deepCopy();
    ObjectNode out = step.apply(in, notes);
    assertThat(in).as("a step never changes its input").isEqualTo(copy);
    return out;
  }

  @Test
  void stepsAreOrderedAndEndAtTheNewestRelease() {
    List<Version> versions = Migrations.STEPS.stream().map(Migrations.Step::version).toList();
    assertThat(versions).isSorted();
    assertThat(versions.get(0)).hasToString("0.2.10");
    assertThat(Migrations.LATEST).hasToString("0.145.0");
  }

  @Test
  void v0_9_0DropsReconnectionDelay() {
    JsonNode out =
        run(
            Migrations::v0_9_0,
            "config: {exporters: {opencensus: {endpoint: x, reconnection_delay: 5s}, otlp: {reconnection_delay: 1s}}}");
    assertThat(out.at("/config/exporters/opencensus").has("reconnection_delay")).isFalse();
    assertThat(out.at("/config/exporters/opencensus/endpoint").asText()).isEqualTo("x");
    assertThat(out.at("/config/exporters/otlp").has("reconnection_delay")).isTrue();
    assertThat(notes).hasSize(1);
  }

  @Test
  void v0_15_0DropsMetricsArgs() {
    JsonNode out =
        run(Migrations::v0_15_0, "args: {--new-metrics: 'true', --legacy-metrics: 'x', a: b}");
    assertThat(out.path("args").size()).isEqualTo(1);
    assertThat(out.at("/args/a").asText()).isEqualTo("b");
  }

  @Test
  void v0_19_0DropsQueuedRetryAndMovesResourceTypeAndLabels() {
    JsonNode out =
        run(
            Migrations::v0_19_0,
            """
            config:
              processors:
                queued_retry: {}
                resource:
                  type: host
                  labels: {team: a}
            """);
    assertThat(out.at("/config/processors").has("queued_retry")).isFalse();
    JsonNode r = out.at("/config/processors/resource");
    assertThat(r.has("type")).isFalse();
    assertThat(r.has("labels")).isFalse();
    assertThat(r.get("attributes").toString())
        .isEqualTo(
            "[{\"key\":\"opencensus.type\",\"value\":\"host\",\"action\":\"upsert\"},"
                + "{\"key\":\"team\",\"value\":\"a\",\"action\":\"upsert\"}]");
  }

  @Test
  void v0_24_0MovesHealthCheckPortToEndpoint() {
    JsonNode out = run(Migrations::v0_24_0, "config: {extensions: {health_check: {port: 13133}}}");
    assertThat(out.at("/config/extensions/health_check").toString())
        .isEqualTo("{\"endpoint\":\"0.0.0.0:13133\"}");
  }

  @Test
  void v0_31_0DropsInfluxdbMetricsSchema() {
    JsonNode out =
        run(
            Migrations::v0_31_0,
            "config: {receivers: {influxdb: {metrics_schema: x, endpoint: y}}}");
    assertThat(out.at("/config/receivers/influxdb").toString()).isEqualTo("{\"endpoint\":\"y\"}");
  }

  @Test
  void v0_36_0RenamesTlsSettingsAndMovesExporterTls() {
    JsonNode out =
        run(
            Migrations::v0_36_0,
            """
            config:
              receivers: {otlp: {protocols: {grpc: {tls_settings: {cert_file: a}}}}}
              exporters: {otlp: {endpoint: x, insecure: true, ca_file: c}, otlp/2: {endpoint: y}}
            """);
    assertThat(out.at("/config/receivers/otlp/protocols/grpc").toString())
        .isEqualTo("{\"tls\":{\"cert_file\":\"a\"}}");
    assertThat(out.at("/config/exporters/otlp").toString())
        .isEqualTo("{\"endpoint\":\"x\",\"tls\":{\"ca_file\":\"c\",\"insecure\":true}}");
    assertThat(out.at("/config/exporters/otlp~12").toString()).isEqualTo("{\"endpoint\":\"y\"}");
  }

  @Test
  void v0_38_0MovesLoggingArgsUnlessLogsAreConfigured() {
    JsonNode out =
        run(
            Migrations::v0_38_0,
            "args: {--log-level: debug, --log-profile: dev, --log-format: json}\nconfig: {service: {}}");
    assertThat(out.has("args")).isTrue();
    assertThat(out.path("args").size()).isZero();
    assertThat(out.at("/config/service/telemetry/logs").toString())
        .isEqualTo("{\"level\":\"debug\",\"development\":true,\"encoding\":\"json\"}");
    JsonNode kept =
        run(
            Migrations::v0_38_0,
            "args: {--log-level: debug}\nconfig: {service: {telemetry: {logs: {level: info}}}}");
    assertThat(kept.at("/config/service/telemetry/logs/level").asText()).isEqualTo("info");
  }

  @Test
  void v0_39_0DropsBallastAndRenamesHttpdInPipelines() {
    JsonNode out =
        run(
            Migrations::v0_39_0,
            """
            config:
              receivers: {httpd/a: {endpoint: x}, otlp: {}}
              processors: {memory_limiter: {ballast_size_mib: 5, limit_mib: 10}}
              service: {pipelines: {metrics: {receivers: [otlp, httpd/a]}}}
            """);
    assertThat(out.at("/config/receivers").toString())
        .isEqualTo("{\"apache/a\":{\"endpoint\":\"x\"},\"otlp\":{}}");
    assertThat(out.at("/config/service/pipelines/metrics/receivers").toString())
        .isEqualTo("[\"otlp\",\"apache/a\"]");
    assertThat(out.at("/config/processors/memory_limiter").toString())
        .isEqualTo("{\"limit_mib\":10}");
  }

  @Test
  void v0_41_0MovesCorsUnderCors() {
    JsonNode out =
        run(
            Migrations::v0_41_0,
            "config: {receivers: {otlp: {cors_allowed_origins: [a], cors_allowed_headers: [b]}}}");
    assertThat(out.at("/config/receivers/otlp").toString())
        .isEqualTo("{\"cors\":{\"allowed_origins\":[\"a\"],\"allowed_headers\":[\"b\"]}}");
  }

  @Test
  void v0_43_0MovesMetricsArgs() {
    JsonNode out =
        run(
            Migrations::v0_43_0,
            "args: {--metrics-addr: ':8889', --metrics-level: detailed}\nconfig: {service: {}}");
    assertThat(out.at("/config/service/telemetry/metrics").toString())
        .isEqualTo("{\"address\":\":8889\",\"level\":\"detailed\"}");
  }

  @Test
  void v0_56_0SetsMinReplicasForAutoscaledCollectors() {
    assertThat(
            run(Migrations::v0_56_0, "autoscaler: {maxReplicas: 5}")
                .at("/autoscaler/minReplicas")
                .asInt())
        .isEqualTo(1);
    assertThat(
            run(Migrations::v0_56_0, "autoscaler: {maxReplicas: 5, minReplicas: 3}")
                .at("/autoscaler/minReplicas")
                .asInt())
        .isEqualTo(3);
  }

  @Test
  void v0_57_2FoldsHealthCheckPortIntoEndpoint() {
    JsonNode out =
        run(
            Migrations::v0_57_2,
            "config: {extensions: {health_check: {endpoint: 0.0.0.0, port: 1}}}");
    assertThat(out.at("/config/extensions/health_check").toString())
        .isEqualTo("{\"endpoint\":\"0.0.0.0:1\"}");
  }

  @Test
  void v0_61_0RefusesJaegerRemoteSampling() {
    assertThatThrownBy(
            () ->
                Migrations.v0_61_0(
                    spec("config: {receivers: {jaeger: {remote_sampling: {}}}}"), notes))
        .isInstanceOf(UpgradeException.class)
        .hasMessageContaining("jaegerremotesampling");
  }

  @Test
  void v0_104_0To0_110_0AddThenRemoveTheTransitionalGates() {
    ObjectNode s =
        run(
            Migrations::v0_104_0,
            "args: {feature-gates: +a}\nconfig: {receivers: {prometheus/x: {}}}");
    assertThat(s.at("/args/feature-gates").asText())
        .isEqualTo("+a,-confmap.unifyEnvVarExpansion,-component.UseLocalHostAsDefaultHost");
    s = Migrations.v0_105_0(s, notes);
    assertThat(s.at("/args/feature-gates").asText())
        .isEqualTo("+a,-component.UseLocalHostAsDefaultHost");
    s = Migrations.v0_110_0(s, notes);
    assertThat(s.at("/args/feature-gates").asText()).isEqualTo("+a");
    ObjectNode none = Migrations.v0_110_0(Migrations.v0_104_0(spec("config: {}"), notes), notes);
    assertThat(none.has("args")).isFalse();
  }

  @Test
  void v0_111_0And0_122_0TurnTheMetricsAddressIntoAReader() {
    ObjectNode s = run(Migrations::v0_111_0, "config: {service: {pipelines: {}}}");
    assertThat(s.at("/config/service/telemetry/metrics/address").asText())
        .isEqualTo("0.0.0.0:8888");
    s = Migrations.v0_122_0(s, notes);
    assertThat(s.at("/config/service/telemetry/metrics").toString())
        .isEqualTo(
            "{\"readers\":[{\"pull\":{\"exporter\":{\"prometheus\":{\"host\":\"0.0.0.0\",\"port\":8888}}}}]}");
    ObjectNode custom =
        run(
            Migrations::v0_122_0,
            "config: {service: {telemetry: {metrics: {address: 'localhost:9000', level: basic}}}}");
    assertThat(custom.at("/config/service/telemetry/metrics").toString())
        .isEqualTo(
            "{\"level\":\"basic\",\"readers\":[{\"pull\":{\"exporter\":{\"prometheus\":{\"host\":\"localhost\",\"port\":9000}}}}]}");
    ObjectNode readers =
        run(Migrations::v0_111_0, "config: {service: {telemetry: {metrics: {readers: []}}}}");
    assertThat(readers.at("/config/service/telemetry/metrics").has("address")).isFalse();
  }

  @Test
  void v0_145_0RenamesOtlpExportersEverywhere() {
    JsonNode out =
        run(
            Migrations::v0_145_0,
            """
            config:
              exporters: {otlp: {endpoint: a}, otlphttp/prod: {endpoint: b}, otlp_grpc/x: {}, debug: {}}
              service: {pipelines: {traces: {receivers: [otlp], exporters: [otlp, otlphttp/prod, debug]}}}
            """);
    assertThat(out.at("/config/exporters").toString())
        .isEqualTo(
            "{\"otlp_grpc\":{\"endpoint\":\"a\"},\"otlp_http/prod\":{\"endpoint\":\"b\"},\"otlp_grpc/x\":{},\"debug\":{}}");
    assertThat(out.at("/config/service/pipelines/traces/exporters").toString())
        .isEqualTo("[\"otlp_grpc\",\"otlp_http/prod\",\"debug\"]");
    assertThat(out.at("/config/service/pipelines/traces/receivers").toString())
        .as("receivers keep their otlp")
        .isEqualTo("[\"otlp\"]");
  }
}
