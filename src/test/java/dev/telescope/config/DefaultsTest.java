package dev.telescope.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.telescope.TestYaml;
import dev.telescope.api.common.IngressSpec;
import dev.telescope.api.common.ManagementState;
import dev.telescope.api.common.Mode;
import dev.telescope.api.common.UpgradeStrategy;
import dev.telescope.api.v1beta1.Config;
import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import dev.telescope.settings.OperatorConfig;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class DefaultsTest {
  static final OperatorConfig CFG = OperatorConfig.defaults();

  static final String MINIMAL_CONFIG =
      """
      config:
        receivers: {otlp: {protocols: {grpc: {}}}}
        exporters: {debug: {}}
        service: {pipelines: {traces: {receivers: [otlp], exporters: [debug]}}}
      """;

  static OpenTelemetryCollector cr(String specYaml) {
    return TestYaml.collector(
        """
        apiVersion: opentelemetry.io/v1beta1
        kind: OpenTelemetryCollector
        metadata:
          name: simplest
          namespace: default
        spec:
        %s
        """
            .formatted(specYaml.indent(2)));
  }

  static OpenTelemetryCollector defaulted(String specYaml) {
    return Defaults.apply(cr(specYaml), CFG).collector();
  }

  @Nested
  class CrDefaults {
    @Test
    void anEmptySpecGetsEveryDefault() {
      OpenTelemetryCollector out = defaulted(MINIMAL_CONFIG);
      assertThat(out.getSpec().mode).isEqualTo(Mode.DEPLOYMENT);
      assertThat(out.getSpec().upgradeStrategy).isEqualTo(UpgradeStrategy.AUTOMATIC);
      assertThat(out.getSpec().managementState).isEqualTo(ManagementState.MANAGED);
      assertThat(out.getSpec().replicas).isEqualTo(1);
      assertThat(out.getMetadata().getLabels()).isNotNull().isEmpty();
      assertThat(out.getSpec().networkPolicy.enabled).isTrue();
      assertThat(out.getSpec().autoscaler).isNull();
      assertThat(out.getSpec().ingress).isNull();
      assertThat(out.getSpec().targetAllocator).isNull();
    }

    @Test
    void valuesTheUserSetAreKept() {
      OpenTelemetryCollector out =
          defaulted(
              """
              mode: statefulset
              upgradeStrategy: none
              managementState: unmanaged
              replicas: 3
              networkPolicy: {enabled: false}
              """
                  + MINIMAL_CONFIG);
      assertThat(out.getSpec().mode).isEqualTo(Mode.STATEFULSET);
      assertThat(out.getSpec().upgradeStrategy).isEqualTo(UpgradeStrategy.NONE);
      assertThat(out.getSpec().managementState).isEqualTo(ManagementState.UNMANAGED);
      assertThat(out.getSpec().replicas).isEqualTo(3);
      assertThat(out.getSpec().networkPolicy.enabled).isFalse();
    }

    @Test
    void existingLabelsAreKept() {
      OpenTelemetryCollector in = cr(MINIMAL_CONFIG);
      in.getMetadata().setLabels(Map.of("team", "a"));
      assertThat(Defaults.apply(in, CFG).collector().getMetadata().getLabels())
          .containsExactly(Map.entry("team", "a"));
    }

    @Test
    void networkPolicyIsNotDefaultedWhenTheGateIsOff() {
      OperatorConfig off =
          OperatorConfig.parse(List.of("--network-policy-default=false"), Map.of());
      OpenTelemetryCollector out = Defaults.apply(cr(MINIMAL_CONFIG), off).collector();
      assertThat(out.getSpec().networkPolicy == null || out.getSpec().networkPolicy.enabled == null)
          .isTrue();
      OpenTelemetryCollector partial =
          Defaults.apply(cr("networkPolicy: {}\n" + MINIMAL_CONFIG), CFG).collector();
      assertThat(partial.getSpec().networkPolicy.enabled).isTrue();
    }

    @Test
    void targetAllocatorReplicasOnlyWhenEnabled() {
      assertThat(
              defaulted("targetAllocator: {enabled: true}\n" + MINIMAL_CONFIG)
                  .getSpec()
                  .targetAllocator
                  .replicas)
          .isEqualTo(1);
      assertThat(
              defaulted("targetAllocator: {enabled: false}\n" + MINIMAL_CONFIG)
                  .getSpec()
                  .targetAllocator
                  .replicas)
          .isNull();
      assertThat(
              defaulted("targetAllocator: {enabled: true, replicas: 2}\n" + MINIMAL_CONFIG)
                  .getSpec()
                  .targetAllocator
                  .replicas)
          .isEqualTo(2);
    }

    @Test
    void autoscalerOnlyWhenMaxReplicasIsSet() {
      var a =
          defaulted("replicas: 2\nautoscaler: {maxReplicas: 5}\n" + MINIMAL_CONFIG)
              .getSpec()
              .autoscaler;
      assertThat(a.minReplicas).isEqualTo(2);
      assertThat(a.targetCPUUtilization).isEqualTo(90);
      assertThat(a.targetMemoryUtilization).isNull();

      var noReplicas =
          defaulted("autoscaler: {maxReplicas: 5}\n" + MINIMAL_CONFIG).getSpec().autoscaler;
      assertThat(noReplicas.minReplicas).as("replicas defaulted to 1 first").isEqualTo(1);

      var memory =
          defaulted(
                  "autoscaler: {maxReplicas: 5, minReplicas: 3, targetMemoryUtilization: 80}\n"
                      + MINIMAL_CONFIG)
              .getSpec()
              .autoscaler;
      assertThat(memory.minReplicas).isEqualTo(3);
      assertThat(memory.targetCPUUtilization).isNull();
      assertThat(memory.targetMemoryUtilization).isEqualTo(80);

      var cpu =
          defaulted("autoscaler: {maxReplicas: 5, targetCPUUtilization: 50}\n" + MINIMAL_CONFIG)
              .getSpec()
              .autoscaler;
      assertThat(cpu.targetCPUUtilization).isEqualTo(50);

      var noMax = defaulted("autoscaler: {minReplicas: 2}\n" + MINIMAL_CONFIG).getSpec().autoscaler;
      assertThat(noMax.minReplicas).isEqualTo(2);
      assertThat(noMax.targetCPUUtilization).isNull();
      assertThat(noMax.maxReplicas).isNull();
    }

    @Test
    void routeTerminationEdgeAndIngressRuleTypePath() {
      var route = defaulted("ingress: {type: route}\n" + MINIMAL_CONFIG).getSpec().ingress;
      assertThat(route.route.termination).isEqualTo(IngressSpec.Termination.EDGE);
      assertThat(route.ruleType).isNull();

      var keptRoute =
          defaulted("ingress: {type: route, route: {termination: passthrough}}\n" + MINIMAL_CONFIG)
              .getSpec()
              .ingress;
      assertThat(keptRoute.route.termination).isEqualTo(IngressSpec.Termination.PASSTHROUGH);

      var ingress =
          defaulted("ingress: {type: ingress, hostname: example.com}\n" + MINIMAL_CONFIG)
              .getSpec()
              .ingress;
      assertThat(ingress.ruleType).isEqualTo(IngressSpec.RuleType.PATH);
      assertThat(ingress.route).isNull();

      var subdomain =
          defaulted(
                  "ingress: {type: ingress, ruleType: subdomain, hostname: x.io}\n"
                      + MINIMAL_CONFIG)
              .getSpec()
              .ingress;
      assertThat(subdomain.ruleType).isEqualTo(IngressSpec.RuleType.SUBDOMAIN);

      var untyped = defaulted("ingress: {hostname: x.io}\n" + MINIMAL_CONFIG).getSpec().ingress;
      assertThat(untyped.ruleType).isNull();
      assertThat(untyped.route).isNull();
    }

    @Test
    void theInputIsNotMutated() {
      OpenTelemetryCollector in =
          cr(
              """
              autoscaler: {maxReplicas: 5}
              ingress: {type: route}
              targetAllocator: {enabled: true}
              config:
                receivers: {otlp: {protocols: {grpc: {}}}, zipkin: }
                exporters: {debug: {}, prometheus: {}}
                extensions: {health_check: {}}
                service:
                  extensions: [health_check]
                  pipelines: {traces: {receivers: [otlp, zipkin], exporters: [debug, prometheus]}}
              """);
      String before = Serialization.asJson(in);
      Defaults.Result result = Defaults.apply(in, CFG);
      assertThat(Serialization.asJson(in)).isEqualTo(before);
      assertThat(result.collector()).isNotSameAs(in);
      assertThat(Serialization.asJson(result.collector())).isNotEqualTo(before);
    }

    @Test
    void aCrWithoutSpecIsReturnedAsIs() {
      OpenTelemetryCollector in = new OpenTelemetryCollector();
      in.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("x").build());
      Defaults.Result r = Defaults.apply(in, CFG);
      assertThat(r.collector().getSpec()).isNull();
      assertThat(r.applied()).isEmpty();
      assertThat(r.collector().getMetadata().getLabels()).isEmpty();
    }
  }

  @Nested
  class ConfigDefaults {
    static Config apply(String configYaml) {
      Config c = TestYaml.config(configYaml);
      Defaults.applyConfigDefaults(c);
      return c;
    }

    static Config applyToReceivers(String receivers, String used) {
      return apply(
          """
          receivers: %s
          exporters: {debug: {}}
          service: {pipelines: {traces: {receivers: %s, exporters: [debug]}}}
          """
              .formatted(receivers, used));
    }

    static String at(Config c, String pointer) {
      JsonNode n = Serialization.jsonMapper().valueToTree(c).at(pointer);
      return n.isMissingNode() ? "<missing>" : n.isTextual() ? n.asText() : n.toString();
    }

    @Test
    void emptyProtocolsGetTheAnyAddressAndDefaultPort() {
      Config c = applyToReceivers("{otlp: {protocols: {grpc: {}, http: {}}}}", "[otlp]");
      assertThat(at(c, "/receivers/otlp/protocols/grpc/endpoint")).isEqualTo("0.0.0.0:4317");
      assertThat(at(c, "/receivers/otlp/protocols/http/endpoint")).isEqualTo("0.0.0.0:4318");
    }

    @Test
    void nullProtocolEntriesAreFilledToo() {
      Config c = applyToReceivers("{otlp: {protocols: {grpc: , http: null}}}", "[otlp]");
      assertThat(at(c, "/receivers/otlp/protocols"))
          .isEqualTo(
              "{\"grpc\":{\"endpoint\":\"0.0.0.0:4317\"},\"http\":{\"endpoint\":\"0.0.0.0:4318\"}}");
    }

    @Test
    void aHostlessEndpointGetsTheAnyAddress() {
      Config c = applyToReceivers("{otlp: {protocols: {grpc: {endpoint: \":4317\"}}}}", "[otlp]");
      assertThat(at(c, "/receivers/otlp/protocols/grpc/endpoint")).isEqualTo("0.0.0.0:4317");
    }

    @Test
    void anExplicitHostIsKept() {
      for (String ep :
          List.of("localhost:4317", "127.0.0.1:1234", "${env:MY_POD_IP}:4317", "[::]:4317")) {
        Config c =
            applyToReceivers("{otlp: {protocols: {grpc: {endpoint: \"" + ep + "\"}}}}", "[otlp]");
        assertThat(at(c, "/receivers/otlp/protocols/grpc/endpoint")).isEqualTo(ep);
      }
    }

    @Test
    void anEndpointWithoutColonGetsTheAnyAddressPrefixedAsUpstreamDoes() {
      // Upstream splits on ':' and prefixes 0.0.0.0 when there is only one part.
      Config c = applyToReceivers("{zipkin: {endpoint: localhost}}", "[zipkin]");
      assertThat(at(c, "/receivers/zipkin/endpoint")).isEqualTo("0.0.0.0:localhost");
    }

    @Test
    void aListenAddressPortIsCarriedIntoTheEndpointOfAProtocol() {
      Config c =
          applyToReceivers(
              "{otlp: {protocols: {grpc: {listen_address: \"0.0.0.0:5555\", max_recv_msg_size_mib: 8}}}}",
              "[otlp]");
      assertThat(at(c, "/receivers/otlp/protocols/grpc"))
          .isEqualTo(
              "{\"listen_address\":\"0.0.0.0:5555\",\"max_recv_msg_size_mib\":8,\"endpoint\":\"0.0.0.0:5555\"}");
    }

    @Test
    void otherSettingsAreKept() {
      Config c =
          applyToReceivers(
              "{otlp: {protocols: {grpc: {max_recv_msg_size_mib: 8, tls: {cert_file: /a}}},"
                  + " include_metadata: true}}",
              "[otlp]");
      assertThat(at(c, "/receivers/otlp/protocols/grpc/max_recv_msg_size_mib")).isEqualTo("8");
      assertThat(at(c, "/receivers/otlp/protocols/grpc/tls/cert_file")).isEqualTo("/a");
      assertThat(at(c, "/receivers/otlp/include_metadata")).isEqualTo("true");
    }

    @Test
    void singleEndpointReceiversIncludingNull() {
      Config c =
          applyToReceivers(
              "{zipkin: , jaeger: {protocols: {thrift_compact: {}}}, statsd: {}}",
              "[zipkin, jaeger, statsd]");
      assertThat(at(c, "/receivers/zipkin")).isEqualTo("{\"endpoint\":\"0.0.0.0:9411\"}");
      assertThat(at(c, "/receivers/jaeger/protocols/thrift_compact/endpoint"))
          .isEqualTo("0.0.0.0:6831");
      assertThat(at(c, "/receivers/statsd/endpoint")).isEqualTo("0.0.0.0:8125");
    }

    @Test
    void receiversWithoutDefaultPortUnusedReceiversAndProcessorsAreUntouched() {
      Config c =
          apply(
              """
              receivers:
                examplereceiver: {}
                tcp_log: {}
                nginx: {endpoint: "http://localhost/status"}
                zipkin: {}
                otlp: {protocols: {grpc: {}}}
              processors: {batch: {}, memory_limiter: {endpoint: ":1"}}
              exporters: {debug: {}, otlp: {endpoint: ":4317"}}
              service:
                pipelines:
                  traces: {receivers: [examplereceiver, tcp_log, nginx], processors: [batch, memory_limiter], exporters: [debug, otlp]}
              """);
      assertThat(at(c, "/receivers/examplereceiver")).isEqualTo("{}");
      assertThat(at(c, "/receivers/tcp_log")).isEqualTo("{}");
      assertThat(at(c, "/receivers/nginx/endpoint")).isEqualTo("http://localhost/status");
      assertThat(at(c, "/receivers/zipkin")).as("unused").isEqualTo("{}");
      assertThat(at(c, "/receivers/otlp/protocols/grpc")).as("unused").isEqualTo("{}");
      assertThat(at(c, "/processors"))
          .isEqualTo("{\"batch\":{},\"memory_limiter\":{\"endpoint\":\":1\"}}");
      assertThat(at(c, "/exporters/otlp/endpoint"))
          .as("only prometheus exporters")
          .isEqualTo(":4317");
    }

    @Test
    void prometheusExporterEndpoint() {
      Config c =
          apply(
              """
              receivers: {otlp: {protocols: {grpc: {}}}}
              exporters: {prometheus: {}, prometheus/b: {endpoint: ":9090"}, prometheus/unused: {}}
              service: {pipelines: {metrics: {receivers: [otlp], exporters: [prometheus, prometheus/b]}}}
              """);
      assertThat(at(c, "/exporters/prometheus/endpoint")).isEqualTo("0.0.0.0:8888");
      assertThat(at(c, "/exporters/prometheus~1b/endpoint")).isEqualTo("0.0.0.0:9090");
      assertThat(at(c, "/exporters/prometheus~1unused")).isEqualTo("{}");
    }

    @Test
    void healthCheckGetsEndpointAndPath() {
      Config c =
          apply(
              """
              receivers: {otlp: {protocols: {grpc: {}}}}
              exporters: {debug: {}}
              extensions:
                health_check: {}
                health_check/null:
                health_check/port: {endpoint: ":8080", path: /live}
                health_check/host: {endpoint: localhost}
                health_check/off: {}
              service:
                extensions: [health_check, health_check/null, health_check/port, health_check/host]
                pipelines: {traces: {receivers: [otlp], exporters: [debug]}}
              """);
      assertThat(at(c, "/extensions/health_check"))
          .isEqualTo("{\"endpoint\":\"0.0.0.0:13133\",\"path\":\"/\"}");
      assertThat(at(c, "/extensions/health_check~1null"))
          .isEqualTo("{\"endpoint\":\"0.0.0.0:13133\",\"path\":\"/\"}");
      assertThat(at(c, "/extensions/health_check~1port"))
          .isEqualTo("{\"endpoint\":\"0.0.0.0:8080\",\"path\":\"/live\"}");
      // Go's SplitHostPort refuses "localhost", so upstream keeps it.
      assertThat(at(c, "/extensions/health_check~1host/endpoint")).isEqualTo("localhost");
      assertThat(at(c, "/extensions/health_check~1off")).as("not enabled").isEqualTo("{}");
    }

    @Test
    void jaegerQueryGetsAnHttpEndpoint() {
      Config c =
          apply(
              """
              receivers: {otlp: {protocols: {grpc: {}}}}
              exporters: {debug: {}}
              extensions: {jaeger_query: {storage: {traces: memstore}}}
              service:
                extensions: [jaeger_query]
                pipelines: {traces: {receivers: [otlp], exporters: [debug]}}
              """);
      assertThat(at(c, "/extensions/jaeger_query/http/endpoint")).isEqualTo("0.0.0.0:16686");
      assertThat(at(c, "/extensions/jaeger_query/storage/traces")).isEqualTo("memstore");
    }

    @Test
    void telemetryReaderAddedOnlyWhenNoMetricsEndpointIsNamed() {
      String reader =
          "[{\"pull\":{\"exporter\":{\"prometheus\":{\"host\":\"0.0.0.0\",\"port\":8888}}}}]";
      for (String telemetry :
          List.of(
              "",
              "telemetry: {}",
              "telemetry: {logs: {level: debug}}",
              "telemetry: {metrics: {level: detailed}}",
              "telemetry: {metrics: {readers: []}}",
              "telemetry: {metrics: {address: \"\"}}")) {
        Config c =
            TestYaml.config(
                """
            receivers: {otlp: {protocols: {grpc: {}}}}
            exporters: {debug: {}}
            service:
              %s
              pipelines: {traces: {receivers: [otlp], exporters: [debug]}}
            """
                    .formatted(telemetry));
        assertThat(Defaults.applyConfigDefaults(c)).as(telemetry).isTrue();
        assertThat(at(c, "/service/telemetry/metrics/readers")).as(telemetry).isEqualTo(reader);
      }
      Config withLogs =
          TestYaml.config(
              """
          receivers: {}
          exporters: {}
          service: {telemetry: {logs: {level: debug}, metrics: {level: detailed}}, pipelines: {}}
          """);
      Defaults.applyConfigDefaults(withLogs);
      assertThat(at(withLogs, "/service/telemetry/logs/level")).isEqualTo("debug");
      assertThat(at(withLogs, "/service/telemetry/metrics/level")).isEqualTo("detailed");
    }

    @Test
    void telemetryLeftAloneWhenAddressOrReadersExist() {
      for (String telemetry :
          List.of(
              "{metrics: {address: \"0.0.0.0:8888\"}}",
              "{metrics: {readers: [{periodic: {exporter: {otlp: {endpoint: x}}}}]}}")) {
        Config c =
            TestYaml.config(
                """
            receivers: {}
            exporters: {}
            service: {telemetry: %s, pipelines: {}}
            """
                    .formatted(telemetry));
        String before = Serialization.asJson(c);
        assertThat(Defaults.applyConfigDefaults(c)).isFalse();
        assertThat(Serialization.asJson(c)).isEqualTo(before);
      }
    }

    @Test
    void theAppliedEventIsReportedByApply() {
      Defaults.Result r = Defaults.apply(cr(MINIMAL_CONFIG), CFG);
      assertThat(r.applied()).containsExactly("Spec.Service.Telemetry.DefaultsApplied");
      Defaults.Result none =
          Defaults.apply(
              cr(
                  """
                  config:
                    receivers: {}
                    exporters: {}
                    service: {telemetry: {metrics: {address: ":8888"}}, pipelines: {}}
                  """),
              CFG);
      assertThat(none.applied()).isEmpty();
    }

    @Test
    void conversionWebhookInvalidConfigExpectation() {
      // The empty config a failed v1alpha1 parse turns into gets the telemetry reader.
      Config c = TestYaml.config("receivers: {}\nexporters: {}\nservice: {pipelines: {}}\n");
      assertThat(Defaults.applyConfigDefaults(c)).isTrue();
      assertThat(Serialization.jsonMapper().valueToTree(c).toString())
          .isEqualTo(
              "{\"receivers\":{},\"exporters\":{},\"service\":{\"telemetry\":{\"metrics\":{\"readers\":"
                  + "[{\"pull\":{\"exporter\":{\"prometheus\":{\"host\":\"0.0.0.0\",\"port\":8888}}}}]}},"
                  + "\"pipelines\":{}}}");
    }
  }
}
