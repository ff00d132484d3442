package dev.telescope.config;

import static dev.telescope.config.ComponentPortsTest.describe;
import static org.assertj.core.api.Assertions.assertThat;

import dev.telescope.TestYaml;
import dev.telescope.api.v1beta1.Config;
import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import dev.telescope.settings.OperatorConfig;
import io.fabric8.kubernetes.api.model.EnvVar;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class CollectorConfigTest {
  static final Path UPSTREAM = TestYaml.shared().resolve("conformance/upstream");

  static CollectorConfig parse(String yaml) {
    return CollectorConfig.of(TestYaml.config(yaml));
  }

  static Config specConfig(String relativePath) {
    return TestYaml.collector(TestYaml.read(UPSTREAM.resolve(relativePath))).getSpec().config;
  }

  static List<String> paths(List<ConfigProblem> problems) {
    return problems.stream().map(ConfigProblem::path).toList();
  }

  @Nested
  class GoldenPorts {
    @Test
    void unitGoldenBaseServiceHasTheExampleReceiverPortWithoutTargetPort() {
      CollectorConfig c =
          CollectorConfig.of(
              specConfig("internal/controllers/testdata/build_collector_base.input.yaml"));
      assertThat(c.problems()).isEmpty();
      assertThat(c.receiverAndExporterPorts()).hasSize(1);
      ComponentPort p = c.receiverAndExporterPorts().get(0);
      assertThat(p.name()).isEqualTo("examplereceiver");
      assertThat(p.port()).isEqualTo(12345);
      assertThat(p.setTargetPort()).as("golden Service port has targetPort 0").isFalse();
      assertThat(p.protocol()).as("golden Service port has no protocol").isNull();
      assertThat(p.appProtocol()).isNull();
      assertThat(p.effectiveProtocol()).isEqualTo("TCP");
      assertThat(c.metricsPort()).isEqualTo(8888);
      // debug: (null) is only a warning
      assertThat(paths(c.warnings())).containsExactly("exporters.debug");
      assertThat(c.hash()).startsWith("2d266e55");
    }

    @Test
    void legacySmokeSimplestServicePortsSortedByName() {
      Config config =
          specConfig(
              "legacy-448791ec3c44fb9d1734cfaa6e0c0e9d7e68486d/tests/e2e/smoke-simplest/00-install.yaml");
      for (Config c : List.of(config, defaulted(config))) {
        CollectorConfig view = CollectorConfig.of(c);
        assertThat(view.problems()).isEmpty();
        assertThat(describe(view.receiverAndExporterPorts()))
            .containsExactly(
                "jaeger-grpc 14250 TCP grpc target",
                "otlp-grpc 4317 - grpc target",
                "otlp-http 4318 - http target");
        assertThat(view.receiverAndExporterPorts())
            .allSatisfy(p -> assertThat(p.effectiveProtocol()).isEqualTo("TCP"));
      }
    }

    @Test
    void smokeRestartingDeploymentPortsFollowTheConfig() {
      CollectorConfig before =
          CollectorConfig.of(specConfig("tests/e2e/smoke-restarting-deployment/00-install.yaml"));
      assertThat(before.receiverAndExporterPorts())
          .extracting(ComponentPort::port)
          .containsExactly(14250);
      CollectorConfig after =
          CollectorConfig.of(
              specConfig("tests/e2e/smoke-restarting-deployment/01-install-second-config.yaml"));
      assertThat(after.receiverAndExporterPorts())
          .extracting(ComponentPort::port)
          .containsExactly(14250, 4317);
    }

    @Test
    void prometheusCrServicePortsMixReceiversAndExportersByName() {
      CollectorConfig c =
          CollectorConfig.of(
              specConfig("tests/e2e-prometheuscr/create-sm-prometheus-exporters/01-install.yaml"));
      assertThat(c.problems()).isEmpty();
      assertThat(c.receiverAndExporterPorts())
          .extracting(p -> p.name() + ":" + p.port())
          .containsExactly(
              "otlp-grpc:4317", "otlp-http:4318", "prometheus-dev:8885", "prometheus-prod:8884");
      assertThat(c.exporterPorts())
          .extracting(ComponentPort::name)
          .containsExactly("prometheus-dev", "prometheus-prod");
    }

    @Test
    void containerPortsIncludeExtensionsSortedByName() {
      CollectorConfig c =
          parse(
              """
              extensions: {health_check: {}}
              receivers: {otlp: {protocols: {grpc: , http: }}}
              processors: {}
              exporters: {debug: {}}
              service:
                extensions: [health_check]
                pipelines: {traces: {receivers: [otlp], exporters: [debug]}}
              """);
      assertThat(c.allPorts())
          .extracting(ComponentPort::name)
          .containsExactly("health-check", "otlp-grpc", "otlp-http");
      assertThat(c.receiverAndExporterPorts())
          .extracting(ComponentPort::name)
          .containsExactly("otlp-grpc", "otlp-http");
      assertThat(c.portNumberOf("health-check")).isEqualTo(OptionalInt.of(13133));
      assertThat(c.portNumberOf("nope")).isEmpty();
    }
  }

  @Nested
  class Problems {
    @Test
    void configNull() {
      CollectorConfig c = CollectorConfig.of(null);
      assertThat(c.isValid()).isFalse();
      assertThat(c.problems()).hasSize(1);
      assertThat(c.problems().get(0).path()).isEmpty();
      assertThat(c.problems().get(0).toString()).isEqualTo("spec.config is required");
      assertThat(c.receiverPorts()).isEmpty();
      assertThat(c.metricsPort()).isEqualTo(8888);
    }

    @Test
    void receiversNotAMap() {
      CollectorConfig c =
          parse(
              """
              receivers: [otlp]
              exporters: {debug: {}}
              service: {pipelines: {traces: {receivers: [otlp], exporters: [debug]}}}
              """);
      assertThat(paths(c.problems()))
          .containsExactly("receivers", "service.pipelines.traces.receivers[0]");
      assertThat(c.problems().get(0).message()).contains("a list");
    }

    @Test
    void exportersMissing() {
      CollectorConfig c =
          parse(
              """
              receivers: {otlp: {protocols: {grpc: {}}}}
              service: {pipelines: {traces: {receivers: [otlp], exporters: [debug]}}}
              """);
      assertThat(paths(c.problems()))
          .containsExactly("exporters", "service.pipelines.traces.exporters[0]");
    }

    @Test
    void serviceMissing() {
      CollectorConfig c =
          parse(
              """
              receivers: {otlp: {protocols: {grpc: {}}}}
              exporters: {debug: {}}
              """);
      assertThat(paths(c.problems())).containsExactly("service");
    }

    @Test
    void pipelinesKeyMissingIsAProblem() {
      CollectorConfig c =
          parse(
              """
              receivers: {otlp: {protocols: {grpc: {}}}}
              exporters: {debug: {}}
              service: {extensions: []}
              """);
      assertThat(paths(c.problems())).containsExactly("service.pipelines");
    }

    @Test
    void noPipelinesIsOnlyAWarningLikeUpstreamRendersIt() {
      // e2e conversion-webhook-invalid-config: this very config still gets a Deployment.
      CollectorConfig c =
          parse(
              """
              receivers: {}
              exporters: {}
              service: {pipelines: {}}
              """);
      assertThat(c.isValid()).isTrue();
      assertThat(paths(c.warnings())).containsExactly("service.pipelines");
    }

    @Test
    void undefinedComponentsInPipelinesPointAtTheirIndex() {
      CollectorConfig c =
          parse(
              """
              receivers: {otlp: {protocols: {grpc: {}}}}
              processors: {batch: {}}
              exporters: {debug: {}}
              service:
                pipelines:
                  traces: {receivers: [otlp, jaeger], processors: [batch, memory_limiter], exporters: [otlphttp]}
              """);
      assertThat(paths(c.problems()))
          .containsExactly(
              "service.pipelines.traces.receivers[1]",
              "service.pipelines.traces.processors[1]",
              "service.pipelines.traces.exporters[0]");
      assertThat(c.problems().get(0).message()).contains("jaeger").contains("receivers");
      assertThat(c.problems().get(1).message()).contains("memory_limiter").contains("processors");
      assertThat(c.used(ComponentKind.RECEIVERS)).containsExactly("otlp");
      assertThat(c.used(ComponentKind.PROCESSORS)).containsExactly("batch");
      assertThat(c.used(ComponentKind.EXPORTERS)).isEmpty();
    }

    @Test
    void aPipelineNeedsReceiversAndExporters() {
      CollectorConfig c =
          parse(
              """
              receivers: {otlp: {protocols: {grpc: {}}}}
              exporters: {debug: {}}
              service:
                pipelines:
                  traces: {receivers: [], exporters: [debug]}
                  logs: {receivers: [otlp]}
                  metrics:
              """);
      assertThat(paths(c.problems()))
          .containsExactlyInAnyOrder(
              "service.pipelines.traces.receivers",
              "service.pipelines.logs.exporters",
              "service.pipelines.metrics");
    }

    @Test
    void connectorsServeAsReceiversAndExporters() {
      CollectorConfig c =
          parse(
              """
              receivers: {otlp: {protocols: {grpc: {}}}}
              exporters: {debug: {}}
              connectors: {spanmetrics: {}, forward: {}}
              service:
                pipelines:
                  traces: {receivers: [otlp], exporters: [spanmetrics, forward]}
                  traces/2: {receivers: [forward], exporters: [debug]}
                  metrics: {receivers: [spanmetrics], exporters: [debug]}
              """);
      assertThat(c.problems()).isEmpty();
      assertThat(c.used(ComponentKind.CONNECTORS))
          .containsExactlyInAnyOrder("spanmetrics", "forward");
      assertThat(c.used(ComponentKind.RECEIVERS)).containsExactly("otlp");
      assertThat(c.used(ComponentKind.EXPORTERS)).containsExactly("debug");
    }

    @Test
    void connectorsAreNotProcessors() {
      CollectorConfig c =
          parse(
              """
              receivers: {otlp: {protocols: {grpc: {}}}}
              exporters: {debug: {}}
              connectors: {forward: {}}
              service: {pipelines: {traces: {receivers: [otlp], processors: [forward], exporters: [debug]}}}
              """);
      assertThat(paths(c.problems())).containsExactly("service.pipelines.traces.processors[0]");
    }

    @Test
    void serviceExtensionsMustBeDefined() {
      CollectorConfig c =
          parse(
              """
              receivers: {otlp: {protocols: {grpc: {}}}}
              exporters: {debug: {}}
              extensions: {health_check: {}}
              service:
                extensions: [health_check, pprof]
                pipelines: {traces: {receivers: [otlp], exporters: [debug]}}
              """);
      assertThat(paths(c.problems())).containsExactly("service.extensions[1]");
      assertThat(c.problems().get(0).message()).contains("pprof");
      assertThat(c.used(ComponentKind.EXTENSIONS)).containsExactly("health_check");
      assertThat(c.serviceExtensions()).containsExactly("health_check", "pprof");
    }

    @Test
    void nullComponentsAreWarningsNotProblemsNestedOnesIncluded() {
      CollectorConfig c =
          parse(
              """
              receivers: {otlp: {protocols: {grpc: , http: {endpoint: null}}}}
              processors: {batch: }
              exporters: {debug: }
              connectors: {forward: }
              extensions: {health_check: }
              service:
                extensions: [health_check]
                pipelines: {traces: {receivers: [otlp], processors: [batch], exporters: [debug]}}
              """);
      assertThat(c.problems()).isEmpty();
      assertThat(paths(c.warnings()))
          .containsExactlyInAnyOrder(
              "receivers.otlp.protocols.grpc",
              "receivers.otlp.protocols.http.endpoint",
              "processors.batch",
              "exporters.debug",
              "connectors.forward",
              "extensions.health_check");
      assertThat(c.warnings().get(0).message()).contains("{}");
      assertThat(c.component(ComponentKind.PROCESSORS, "batch")).isNull();
      assertThat(c.components(ComponentKind.PROCESSORS)).containsKey("batch");
    }
  }

  @Nested
  class MetricsPort {
    static int metricsPort(String telemetry) {
      return metrics(telemetry).metricsPort();
    }

    static CollectorConfig metrics(String telemetry) {
      return parse(
          """
          receivers: {otlp: {protocols: {grpc: {}}}}
          exporters: {debug: {}}
          service:
            telemetry: %s
            pipelines: {traces: {receivers: [otlp], exporters: [debug]}}
          """
              .formatted(telemetry));
    }

    @Test
    void defaultIs8888() {
      assertThat(metricsPort("{}")).isEqualTo(8888);
      assertThat(metricsPort("{logs: {level: debug}}")).isEqualTo(8888);
      assertThat(metricsPort("{metrics: {level: none}}")).isEqualTo(8888);
    }

    @Test
    void firstPullPrometheusReaderDecides() {
      assertThat(
              metricsPort(
                  "{metrics: {readers: [{pull: {exporter: {prometheus: {host: 0.0.0.0, port: 9999}}}}]}}"))
          .isEqualTo(9999);
      assertThat(
              metricsPort(
                  "{metrics: {readers: [{periodic: {exporter: {otlp: {endpoint: x}}}},"
                      + " {pull: {exporter: {prometheus: {port: 7777}}}},"
                      + " {pull: {exporter: {prometheus: {port: 6666}}}}]}}"))
          .isEqualTo(7777);
      assertThat(metricsPort("{metrics: {readers: [{pull: {exporter: {prometheus: {host: x}}}}]}}"))
          .as("a reader without port means 8888")
          .isEqualTo(8888);
      assertThat(
              metricsPort(
                  "{metrics: {readers: [{pull: {exporter: {prometheus: {port: \"9100\"}}}}]}}"))
          .isEqualTo(9100);
    }

    @Test
    void legacyAddress() {
      assertThat(metricsPort("{metrics: {address: \"0.0.0.0:8899\"}}")).isEqualTo(8899);
      assertThat(metricsPort("{metrics: {address: \":8899\"}}")).isEqualTo(8899);
      assertThat(metricsPort("{metrics: {address: \"${env:POD_IP}:8899\"}}")).isEqualTo(8899);
      assertThat(metricsPort("{metrics: {address: \"${env:POD_IP}\"}}"))
          .as("no literal port: the default")
          .isEqualTo(8888);
      assertThat(metrics("{metrics: {address: \"${env:POD_IP}\"}}").problems()).isEmpty();
    }

    @Test
    void readersWinOverTheLegacyAddress() {
      assertThat(
              metricsPort(
                  "{metrics: {address: \"0.0.0.0:8899\","
                      + " readers: [{pull: {exporter: {prometheus: {port: 9999}}}}]}}"))
          .isEqualTo(9999);
      assertThat(
              metricsPort(
                  "{metrics: {address: \"0.0.0.0:8899\","
                      + " readers: [{periodic: {exporter: {otlp: {endpoint: x}}}}]}}"))
          .as("readers without a Prometheus pull reader: 8888, the address is ignored")
          .isEqualTo(8888);
    }

    @Test
    void anEnvironmentVariableAsPortIsAProblem() {
      CollectorConfig c = metrics("{metrics: {address: \"0.0.0.0:${env:METRICS_PORT}\"}}");
      assertThat(paths(c.problems())).containsExactly("service.telemetry.metrics.address");
      assertThat(c.metricsPort()).isEqualTo(8888);
    }

    @Test
    void anOutOfRangeReaderPortIsAProblem() {
      CollectorConfig c =
          metrics("{metrics: {readers: [{pull: {exporter: {prometheus: {port: 70000}}}}]}}");
      assertThat(paths(c.problems()))
          .containsExactly("service.telemetry.metrics.readers[0].pull.exporter.prometheus.port");
    }
  }

  @Nested
  class HealthCheckAndEnv {
    static CollectorConfig withExtensions(String extensions, String enabled) {
      return parse(
          """
          receivers: {otlp: {protocols: {grpc: {}}}}
          exporters: {debug: {}}
          extensions: %s
          service:
            extensions: %s
            pipelines: {traces: {receivers: [otlp], exporters: [debug]}}
          """
              .formatted(extensions, enabled));
    }

    @Test
    void defaultPathAndPort() {
      assertThat(withExtensions("{health_check: {}}", "[health_check]").healthCheck())
          .contains(new CollectorConfig.HealthCheck("/", 13133));
      assertThat(withExtensions("{health_check: }", "[health_check]").healthCheck())
          .contains(new CollectorConfig.HealthCheck("/", 13133));
      assertThat(withExtensions("{health_check: {path: \"\"}}", "[health_check]").healthCheck())
          .contains(new CollectorConfig.HealthCheck("/", 13133));
    }

    @Test
    void configuredPathAndPort() {
      assertThat(
              withExtensions(
                      "{health_check/x: {endpoint: \"0.0.0.0:8080\", path: /health/status}}",
                      "[health_check/x]")
                  .healthCheck())
          .contains(new CollectorConfig.HealthCheck("/health/status", 8080));
    }

    @Test
    void onlyWhenEnabled() {
      assertThat(withExtensions("{health_check: {}}", "[]").healthCheck()).isEmpty();
      assertThat(withExtensions("{pprof: {}}", "[pprof]").healthCheck()).isEmpty();
    }

    @Test
    void kubeletstatsNeedsTheNodeName() {
      for (String id : List.of("kubeletstats", "kubelet_stats", "kubeletstats/2")) {
        List<EnvVar> env =
            ComponentPortsTest.withReceiver(id, "{auth_type: serviceAccount}").receiverEnv();
        assertThat(env).hasSize(1);
        assertThat(env.get(0).getName()).isEqualTo("K8S_NODE_NAME");
        assertThat(env.get(0).getValueFrom().getFieldRef().getFieldPath())
            .isEqualTo("spec.nodeName");
      }
    }

    @Test
    void theNodeNameIsAddedOnceAndOnlyForUsedReceivers() {
      CollectorConfig two =
          parse(
              """
              receivers: {kubeletstats: {}, kubeletstats/b: {}}
              exporters: {debug: {}}
              service: {pipelines: {metrics: {receivers: [kubeletstats, kubeletstats/b], exporters: [debug]}}}
              """);
      assertThat(two.receiverEnv()).extracting(EnvVar::getName).containsExactly("K8S_NODE_NAME");
      CollectorConfig unused =
          parse(
              """
              receivers: {kubeletstats: {}, otlp: {protocols: {grpc: {}}}}
              exporters: {debug: {}}
              service: {pipelines: {metrics: {receivers: [otlp], exporters: [debug]}}}
              """);
      assertThat(unused.receiverEnv()).isEmpty();
    }
  }

  @Test
  void theViewKeepsItsSourceAndHash() {
    Config config = specConfig("internal/controllers/testdata/build_collector_base.input.yaml");
    CollectorConfig c = CollectorConfig.of(config);
    assertThat(c.source()).isSameAs(config);
    assertThat(c.hash()).isEqualTo(ConfigHash.of(config));
    assertThat(c.pipelines()).containsOnlyKeys("metrics");
  }

  static Config defaulted(Config config) {
    OpenTelemetryCollector cr = new OpenTelemetryCollector();
    cr.setSpec(new dev.telescope.api.v1beta1.OpenTelemetryCollectorSpec());
    cr.getSpec().config = config;
    return Defaults.apply(cr, OperatorConfig.defaults()).collector().getSpec().config;
  }
}
