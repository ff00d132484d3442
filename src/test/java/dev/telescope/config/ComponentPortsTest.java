package dev.telescope.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.telescope.TestYaml;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The receiver/exporter/extension port table of upstream §2.5, case by case. Each port is shown as
 * {@code name port protocol appProtocol [target]}, where "-" is an unset field and "target" means
 * the Service port names its targetPort explicitly.
 */
class ComponentPortsTest {

  /** A config using one receiver with the given settings (YAML flow text) in a pipeline. */
  static CollectorConfig withReceiver(String id, String settings) {
    return CollectorConfig.of(
        TestYaml.config(
            """
            receivers: {"%s": %s}
            exporters: {debug: {}}
            service: {pipelines: {traces: {receivers: ["%s"], exporters: [debug]}}}
            """
                .formatted(id, settings, id)));
  }

  static List<String> receiverPorts(String id, String settings) {
    CollectorConfig c = withReceiver(id, settings);
    assertThat(c.problems()).as("problems of %s", id).isEmpty();
    return describe(c.receiverPorts());
  }

  static List<String> describe(List<ComponentPort> ports) {
    return ports.stream().map(ComponentPortsTest::describe).toList();
  }

  static String describe(ComponentPort p) {
    return p.name()
        + " "
        + p.port()
        + " "
        + (p.protocol() == null ? "-" : p.protocol())
        + " "
        + (p.appProtocol() == null ? "-" : p.appProtocol())
        + (p.setTargetPort() ? " target" : "");
  }

  @Nested
  class MultiProtocolReceivers {
    @Test
    void otlpGrpcAndHttp() {
      assertThat(receiverPorts("otlp", "{protocols: {grpc: {}, http: {}}}"))
          .containsExactly("otlp-grpc 4317 - grpc target", "otlp-http 4318 - http target");
    }

    @Test
    void protocolsWrittenAsNullStillGetTheirDefaultPort() {
      assertThat(receiverPorts("otlp", "{protocols: {grpc: null, http: }}"))
          .containsExactly("otlp-grpc 4317 - grpc target", "otlp-http 4318 - http target");
    }

    @Test
    void jaegerAllFourProtocolsIncludingUdp() {
      // jaeger-thrift_http etc. are longer than 15 characters, so they are named port-<n>.
      assertThat(
              receiverPorts(
                  "jaeger",
                  "{protocols: {grpc: {}, thrift_http: {}, thrift_compact: {}, thrift_binary: {}}}"))
          .containsExactly(
              "jaeger-grpc 14250 TCP grpc target",
              "port-14268 14268 TCP http target",
              "port-6831 6831 UDP - target",
              "port-6832 6832 UDP - target");
    }

    @Test
    void jaegerProtocolNamesAreExact() {
      CollectorConfig c = withReceiver("jaeger", "{protocols: {thrifthttp: {}}}");
      assertThat(c.problems())
          .extracting(ConfigProblem::path)
          .containsExactly("receivers.jaeger.protocols.thrifthttp");
    }

    @Test
    void skywalking() {
      assertThat(receiverPorts("skywalking", "{protocols: {grpc: {}, http: {}}}"))
          .containsExactly(
              "skywalking-grpc 11800 - grpc target", "skywalking-http 12800 - http target");
    }

    @Test
    void loki() {
      assertThat(receiverPorts("loki", "{protocols: {grpc: {}, http: {}}}"))
          .containsExactly("loki-grpc 9095 - grpc target", "loki-http 3100 - http target");
    }

    @Test
    void namedInstancesUseTheFullIdWithDashes() {
      assertThat(receiverPorts("otlp/2", "{protocols: {grpc: {}}}"))
          .containsExactly("otlp-2-grpc 4317 - grpc target");
      assertThat(receiverPorts("otlp/internal", "{protocols: {http: {}}}"))
          .containsExactly("port-4318 4318 - http target");
    }

    @Test
    void withoutProtocolsThereIsNoPort() {
      assertThat(receiverPorts("otlp", "{}")).isEmpty();
      assertThat(receiverPorts("otlp", "{protocols: {}}")).isEmpty();
    }

    @Test
    void unknownProtocolIsAProblemWithItsPath() {
      CollectorConfig c = withReceiver("otlp", "{protocols: {grpc: {}, websocket: {}}}");
      assertThat(c.problems()).hasSize(1);
      assertThat(c.problems().get(0).path()).isEqualTo("receivers.otlp.protocols.websocket");
      assertThat(c.problems().get(0).message()).contains("websocket");
      assertThat(describe(c.receiverPorts())).containsExactly("otlp-grpc 4317 - grpc target");
    }

    @Test
    void protocolEndpointOverridesTheDefaultPortAndTargetPort() {
      assertThat(receiverPorts("otlp", "{protocols: {grpc: {endpoint: \"0.0.0.0:1234\"}}}"))
          .containsExactly("otlp-grpc 1234 - grpc target");
      assertThat(receiverPorts("otlp", "{protocols: {http: {listen_address: \":5555\"}}}"))
          .containsExactly("otlp-http 5555 - http target");
    }
  }

  @Nested
  class SingleEndpointReceivers {
    @ParameterizedTest
    @CsvSource(
        delimiter = '|',
        value = {
          "awsxray        | awsxray 2000 UDP - target",
          "carbon         | carbon 2003 - - target",
          "collectd       | collectd 8081 - - target",
          "fluent_forward | fluent-forward 8006 - - target",
          "fluentforward  | fluentforward 8006 - - target",
          "influxdb       | influxdb 8086 - - target",
          "sapm           | sapm 7276 - - target",
          "signalfx       | signalfx 9943 - - target",
          "splunk_hec     | splunk-hec 8088 - - target",
          "statsd         | statsd 8125 UDP - target",
          "wavefront      | wavefront 2003 - - target",
          "zipkin         | zipkin 9411 TCP http target",
        })
    void defaultPorts(String id, String expected) {
      assertThat(receiverPorts(id, "{}")).containsExactly(expected);
    }

    @Test
    void tcpAndUdpLogHaveNoDefault() {
      assertThat(receiverPorts("tcp_log", "{}")).isEmpty();
      assertThat(receiverPorts("udp_log", "{}")).isEmpty();
      assertThat(receiverPorts("tcplog", "{}")).isEmpty();
    }

    @Test
    void tcpAndUdpLogTakeTheirPortFromListenAddress() {
      assertThat(receiverPorts("tcp_log", "{listen_address: \"0.0.0.0:54525\"}"))
          .containsExactly("tcp-log 54525 TCP -");
      assertThat(receiverPorts("udp_log", "{listen_address: \"0.0.0.0:54526\"}"))
          .containsExactly("udp-log 54526 UDP -");
      assertThat(receiverPorts("udplog/syslog", "{listen_address: \"0.0.0.0:514\"}"))
          .containsExactly("udplog-syslog 514 UDP -");
    }

    @ParameterizedTest
    @CsvSource(
        delimiter = '|',
        value = {
          "0.0.0.0:1234      | 1234",
          ":1234             | 1234",
          "localhost:1234    | 1234",
          "${env:HOST}:1234  | 1234",
          "${env:MY_POD_IP}:1234 | 1234",
          "[::1]:1234        | 1",
          "0.0.0.0:1234/path | 1234",
        })
    void endpointOverride(String endpoint, int port) {
      assertThat(receiverPorts("zipkin", "{endpoint: \"" + endpoint + "\"}"))
          .containsExactly("zipkin " + port + " TCP http target");
    }

    @Test
    void endpointWinsOverListenAddressButAnEmptyEndpointDoesNot() {
      assertThat(
              receiverPorts(
                  "zipkin", "{endpoint: \"0.0.0.0:1111\", listen_address: \"0.0.0.0:2222\"}"))
          .containsExactly("zipkin 1111 TCP http target");
      assertThat(receiverPorts("zipkin", "{endpoint: \"\", listen_address: \"0.0.0.0:2222\"}"))
          .containsExactly("zipkin 2222 TCP http target");
    }

    @Test
    void anEndpointWithoutPortKeepsTheDefault() {
      assertThat(receiverPorts("zipkin", "{endpoint: \"localhost\"}"))
          .containsExactly("zipkin 9411 TCP http target");
      assertThat(receiverPorts("zipkin", "{endpoint: \"${env:HOST}:${env:PORT}\"}"))
          .containsExactly("zipkin 9411 TCP http target");
    }

    @Test
    void aNullSingleEndpointReceiverHasNoPortUntilDefaulted() {
      // Upstream decodes null into a nil struct and infers nothing; the defaulting webhook first
      // turns it into {endpoint: 0.0.0.0:9411}.
      assertThat(receiverPorts("zipkin", "null")).isEmpty();
    }
  }

  @Nested
  class OtherReceivers {
    @Test
    void unknownReceiverWithEndpointLikeTheUnitGolden() {
      assertThat(receiverPorts("examplereceiver", "{endpoint: \"0.0.0.0:12345\"}"))
          .containsExactly("examplereceiver 12345 - -");
      assertThat(receiverPorts("examplereceiver/x", "{endpoint: \"0.0.0.0:12345\"}"))
          .as("longer than 15 characters")
          .containsExactly("port-12345 12345 - -");
    }

    @Test
    void unknownReceiverWithoutEndpointOrPort() {
      assertThat(receiverPorts("examplereceiver", "{}")).isEmpty();
      assertThat(receiverPorts("examplereceiver", "null")).isEmpty();
      assertThat(receiverPorts("examplereceiver", "{endpoint: \"localhost\"}")).isEmpty();
      assertThat(receiverPorts("examplereceiver", "{listen_address: \":9000\"}"))
          .containsExactly("examplereceiver 9000 - -");
    }

    @ParameterizedTest
    @CsvSource({
      "nginx, http://localhost:80/status",
      "redis, localhost:6379",
      "mysql, localhost:3306",
      "postgresql, localhost:5432",
      "http_check, http://localhost:8080",
      "httpcheck, http://localhost:8080",
      "docker_stats, unix:///var/run/docker.sock",
      "prometheus_simple, localhost:9090",
      "k8s_cluster, http://localhost:1",
      "kubeletstats, localhost:10250",
      "kubelet_stats, localhost:10250",
      "k8s_events, localhost:1",
      "k8sobjects, localhost:1",
      "filelog, localhost:1",
      "jmx, localhost:9999",
      "zookeeper, localhost:2181",
    })
    void scrapersWithAnEndpointYieldNoPort(String id, String endpoint) {
      assertThat(receiverPorts(id, "{endpoint: \"" + endpoint + "\"}")).isEmpty();
    }

    @Test
    void prometheusReceiverOnlyWithAnEnabledApiServer() {
      String scrape =
          "config: {scrape_configs: [{job_name: x, static_configs: [{targets: [\"localhost:9090\"]}]}]}";
      assertThat(receiverPorts("prometheus", "{" + scrape + "}")).isEmpty();
      assertThat(
              receiverPorts(
                  "prometheus",
                  "{api_server: {enabled: true, server_config: {endpoint: \"0.0.0.0:9090\"}}}"))
          .containsExactly("prometheus 9090 - -");
      assertThat(
              receiverPorts(
                  "prometheus",
                  "{api_server: {enabled: false, server_config: {endpoint: \"0.0.0.0:9090\"}}}"))
          .isEmpty();
      assertThat(receiverPorts("prometheus", "{api_server: {enabled: true}}")).isEmpty();
    }

    @Test
    void unusedReceiversYieldNoPort() {
      CollectorConfig c =
          CollectorConfig.of(
              TestYaml.config(
                  """
                  receivers:
                    otlp: {protocols: {grpc: {}}}
                    zipkin: {}
                    jaeger: {protocols: {grpc: {}}}
                  exporters: {debug: {}}
                  service: {pipelines: {traces: {receivers: [otlp], exporters: [debug]}}}
                  """));
      assertThat(describe(c.receiverPorts())).containsExactly("otlp-grpc 4317 - grpc target");
    }
  }

  @Nested
  class InvalidPorts {
    @Test
    void aPortAbove65535IsAProblemWithThePathOfTheEndpoint() {
      CollectorConfig c = withReceiver("zipkin", "{endpoint: \"0.0.0.0:70000\"}");
      assertThat(c.problems())
          .extracting(ConfigProblem::path)
          .containsExactly("receivers.zipkin.endpoint");
      assertThat(c.problems().get(0).message()).contains("70000");
      assertThat(c.receiverPorts()).isEmpty();

      CollectorConfig m =
          withReceiver("otlp", "{protocols: {grpc: {endpoint: \"0.0.0.0:70000\"}, http: {}}}");
      assertThat(m.problems())
          .extracting(ConfigProblem::path)
          .containsExactly("receivers.otlp.protocols.grpc.endpoint");
      assertThat(describe(m.receiverPorts())).containsExactly("otlp-http 4318 - http target");

      CollectorConfig l = withReceiver("tcp_log", "{listen_address: \"0.0.0.0:99999\"}");
      assertThat(l.problems())
          .extracting(ConfigProblem::path)
          .containsExactly("receivers.tcp_log.listen_address");
    }

    @Test
    void portZeroMeansNoPortWrittenAsUpstreamReadsIt() {
      // Upstream's PortFromEndpoint reports 0 as "not found", so the default port applies and the
      // webhook accepts the CR; refusing it would break drop-in compatibility.
      assertThat(receiverPorts("zipkin", "{endpoint: \"0.0.0.0:0\"}"))
          .containsExactly("zipkin 9411 TCP http target");
      assertThat(receiverPorts("otlp", "{protocols: {grpc: {endpoint: \":0\"}}}"))
          .containsExactly("otlp-grpc 4317 - grpc target");
      assertThat(receiverPorts("examplereceiver", "{endpoint: \"0.0.0.0:0\"}")).isEmpty();
    }

    @Test
    void aPortNameKubernetesRefusesIsAProblem() {
      // An unknown receiver called 12345 would get the port name "12345" (no letter).
      CollectorConfig c = withReceiver("12345", "{endpoint: \"0.0.0.0:4000\"}");
      assertThat(c.problems()).extracting(ConfigProblem::path).containsExactly("receivers.12345");
    }
  }

  @Nested
  class StaticHelpers {
    @Test
    void portOf() {
      assertThat(ComponentPorts.portOf("0.0.0.0:4317")).isEqualTo(OptionalInt.of(4317));
      assertThat(ComponentPorts.portOf(":4317")).isEqualTo(OptionalInt.of(4317));
      assertThat(ComponentPorts.portOf("localhost:4317")).isEqualTo(OptionalInt.of(4317));
      assertThat(ComponentPorts.portOf("${env:HOST}:4317")).isEqualTo(OptionalInt.of(4317));
      assertThat(ComponentPorts.portOf("0.0.0.0:70000")).isEqualTo(OptionalInt.of(70000));
      assertThat(ComponentPorts.portOf("localhost")).isEmpty();
      assertThat(ComponentPorts.portOf("0.0.0.0:0")).isEmpty();
      assertThat(ComponentPorts.portOf("0.0.0.0:99999999999")).isEmpty();
      assertThat(ComponentPorts.portOf(null)).isEmpty();
    }

    @Test
    void typesAndAliases() {
      assertThat(ComponentPorts.type("otlp/2")).isEqualTo("otlp");
      assertThat(ComponentPorts.type("otlp")).isEqualTo("otlp");
      assertThat(ComponentPorts.normalType("kubelet_stats/x")).isEqualTo("kubeletstats");
      assertThat(ComponentPorts.singleOf("fluent_forward/a").defaultPort()).isEqualTo(8006);
      assertThat(ComponentPorts.protocolsOf("jaeger/x")).containsKeys("grpc", "thrift_http");
      assertThat(ComponentPorts.singleOf("otlp")).isNull();
      assertThat(ComponentPorts.protocolsOf("zipkin")).isNull();
    }
  }

  @Nested
  class ExportersAndExtensions {
    @Test
    void onlyThePrometheusExporterListens() {
      CollectorConfig c =
          CollectorConfig.of(
              TestYaml.config(
                  """
                  receivers: {otlp: {protocols: {grpc: {}}}}
                  exporters:
                    prometheus: {}
                    prometheus/dev: {endpoint: "0.0.0.0:8885"}
                    otlp: {endpoint: "otlp:4317"}
                    otlphttp: {endpoint: "http://x:4318"}
                  service:
                    pipelines:
                      metrics: {receivers: [otlp], exporters: [prometheus, prometheus/dev, otlp, otlphttp]}
                  """));
      assertThat(c.problems()).isEmpty();
      assertThat(describe(c.exporterPorts()))
          .containsExactly("prometheus 8888 - -", "prometheus-dev 8885 - -");
    }

    @Test
    void anUnusedPrometheusExporterHasNoPort() {
      CollectorConfig c =
          CollectorConfig.of(
              TestYaml.config(
                  """
                  receivers: {otlp: {protocols: {grpc: {}}}}
                  exporters: {prometheus: {endpoint: "0.0.0.0:9090"}, debug: {}}
                  service: {pipelines: {metrics: {receivers: [otlp], exporters: [debug]}}}
                  """));
      assertThat(c.exporterPorts()).isEmpty();
    }

    @Test
    void healthCheckAndJaegerQuery() {
      CollectorConfig c =
          CollectorConfig.of(
              TestYaml.config(
                  """
                  receivers: {otlp: {protocols: {grpc: {}}}}
                  exporters: {debug: {}}
                  extensions:
                    health_check: {}
                    jaeger_query: {storage: {traces: memstore}, grpc: {endpoint: "0.0.0.0:16685"}}
                  service:
                    extensions: [health_check, jaeger_query]
                    pipelines: {traces: {receivers: [otlp], exporters: [debug]}}
                  """));
      assertThat(c.problems()).isEmpty();
      // Every endpoint the extension opens gets its port: jaeger_query's http and grpc.
      assertThat(describe(c.extensionPorts()))
          .containsExactly(
              "health-check 13133 - -",
              "jaeger-query 16686 - - target",
              "jaeger-query-2 16685 - - target");
    }

    @Test
    void extensionEndpointsOverrideThePort() {
      CollectorConfig c =
          CollectorConfig.of(
              TestYaml.config(
                  """
                  receivers: {otlp: {protocols: {grpc: {}}}}
                  exporters: {debug: {}}
                  extensions:
                    health_check/x: {endpoint: "0.0.0.0:8080"}
                    jaeger_query: {http: {endpoint: ":16000"}}
                  service:
                    extensions: [health_check/x, jaeger_query]
                    pipelines: {traces: {receivers: [otlp], exporters: [debug]}}
                  """));
      assertThat(describe(c.extensionPorts()))
          .containsExactly("health-check-x 8080 - -", "jaeger-query 16000 - - target");
    }

    @Test
    void healthCheckV2UsesItsHttpEndpoint() {
      CollectorConfig c =
          CollectorConfig.of(
              TestYaml.config(
                  """
                  receivers: {otlp: {protocols: {grpc: {}}}}
                  exporters: {debug: {}}
                  extensions:
                    healthcheckv2: {use_v2: true, http: {endpoint: "0.0.0.0:13134"}}
                    healthcheckv2/default: {use_v2: true}
                    zpages: {endpoint: "0.0.0.0:55679"}
                  service:
                    extensions: [healthcheckv2, healthcheckv2/default, zpages]
                    pipelines: {traces: {receivers: [otlp], exporters: [debug]}}
                  """));
      assertThat(describe(c.extensionPorts()))
          .containsExactly("healthcheckv2 13134 - -", "port-13133 13133 - -");
    }

    @Test
    void jaegerQueryGrpcOnTheHttpPortIsOnePort() {
      CollectorConfig c =
          CollectorConfig.of(
              TestYaml.config(
                  """
                  receivers: {otlp: {protocols: {grpc: {}}}}
                  exporters: {debug: {}}
                  extensions:
                    jaeger_query: {http: {endpoint: ":16686"}, grpc: {endpoint: ":16686"}}
                  service:
                    extensions: [jaeger_query]
                    pipelines: {traces: {receivers: [otlp], exporters: [debug]}}
                  """));
      assertThat(describe(c.extensionPorts())).containsExactly("jaeger-query 16686 - - target");
    }

    @Test
    void extensionsNotInServiceExtensionsHaveNoPort() {
      CollectorConfig c =
          CollectorConfig.of(
              TestYaml.config(
                  """
                  receivers: {otlp: {protocols: {grpc: {}}}}
                  exporters: {debug: {}}
                  extensions: {health_check: {}, jaeger_query: {}}
                  service: {pipelines: {traces: {receivers: [otlp], exporters: [debug]}}}
                  """));
      assertThat(c.extensionPorts()).isEmpty();
      assertThat(c.healthCheck()).isEmpty();
    }
  }
}
