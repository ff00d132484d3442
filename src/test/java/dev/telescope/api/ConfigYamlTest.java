package dev.telescope.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telescope.TestYaml;
import dev.telescope.api.v1beta1.Config;
import dev.telescope.config.Defaults;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigYamlTest {
  static final Path UPSTREAM = TestYaml.shared().resolve("conformance/upstream");

  /** Renders a single free-form value under a receiver, and returns the rendered scalar text. */
  static String scalar(JsonNode value) {
    ObjectNode receivers = JsonNodeFactory.instance.objectNode();
    receivers.putObject("r").set("v", value);
    Config c = new Config();
    c.receivers = receivers;
    String yaml = ConfigYaml.render(c);
    String prefix = "receivers:\n  r:\n    v:";
    assertThat(yaml).startsWith(prefix);
    String rest = yaml.substring(prefix.length(), yaml.indexOf("\nexporters:"));
    return rest.startsWith(" ") ? rest.substring(1) : rest;
  }

  static String scalar(String s) {
    return scalar(JsonNodeFactory.instance.textNode(s));
  }

  static JsonNode readBack(String yaml) throws Exception {
    return Serialization.yamlMapper().readTree(yaml);
  }

  /** Numbers compared by value (Go writes 1000000 as 1e+06), everything else as is. */
  static JsonNode canonical(JsonNode n) {
    if (n.isNumber()) {
      return JsonNodeFactory.instance.textNode(
          "#" + new BigDecimal(n.asText()).stripTrailingZeros().toPlainString());
    }
    if (n.isObject()) {
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      Iterator<Map.Entry<String, JsonNode>> it = n.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        out.set(e.getKey(), canonical(e.getValue()));
      }
      return out;
    }
    if (n.isArray()) {
      var out = JsonNodeFactory.instance.arrayNode();
      n.forEach(e -> out.add(canonical(e)));
      return out;
    }
    return n;
  }

  static void assertRoundTrips(Config config) throws Exception {
    String yaml = ConfigYaml.render(config);
    assertThat(canonical(readBack(yaml)))
        .as("YAML read back:\n%s", yaml)
        .isEqualTo(canonical(ConfigYaml.toTree(config)));
  }

  @Nested
  class UpstreamBytes {
    @Test
    void unitGoldenBaseConfigMap() {
      Config input =
          TestYaml.collector(
                  TestYaml.read(
                      UPSTREAM.resolve(
                          "internal/controllers/testdata/build_collector_base.input.yaml")))
              .getSpec()
              .config;
      String golden =
          TestYaml.read(
              UPSTREAM.resolve("internal/controllers/testdata/build_collector_base.yaml"));
      String expected = null;
      for (String doc : golden.split("(?m)^---\\s*$")) {
        if (doc.contains("kind: ConfigMap")) {
          expected = Serialization.unmarshal(doc, ConfigMap.class).getData().get("collector.yaml");
        }
      }
      assertThat(expected).contains("debug: null");
      assertThat(ConfigYaml.render(input)).isEqualTo(expected);
      assertThat(ConfigYaml.render(input))
          .isEqualTo(
              """
              receivers:
                examplereceiver:
                  endpoint: 0.0.0.0:12345
              exporters:
                debug: null
              service:
                pipelines:
                  metrics:
                    exporters:
                      - debug
                    receivers:
                      - examplereceiver
              """);
    }

    @Test
    void conversionWebhookInvalidConfigV1alpha1String() throws Exception {
      Config empty = TestYaml.config("receivers: {}\nexporters: {}\nservice: {pipelines: {}}\n");
      Defaults.applyConfigDefaults(empty);
      String expected =
          readBack(
                  TestYaml.read(
                      UPSTREAM.resolve(
                          "tests/e2e/conversion-webhook-invalid-config/00-assert-created.yaml")))
              .at("/spec/config")
              .asText();
      assertThat(ConfigYaml.render(empty)).isEqualTo(expected);
      assertThat(expected)
          .isEqualTo(
              """
              receivers: {}
              exporters: {}
              service:
                telemetry:
                  metrics:
                    readers:
                      - pull:
                          exporter:
                            prometheus:
                              host: 0.0.0.0
                              port: 8888
                pipelines: {}
              """);
    }

    @Test
    void aNullConfigIsAnEmptyMap() {
      assertThat(ConfigYaml.render(null)).isEqualTo("{}\n");
    }
  }

  @Nested
  class Quoting {
    @ParameterizedTest
    @ValueSource(
        strings = {
          "",
          "123",
          "-7",
          "+5",
          "1.5",
          ".5",
          "1e5",
          "1_000",
          "0x1F",
          "0o17",
          "0b101",
          "017",
          "08",
          "true",
          "True",
          "FALSE",
          "yes",
          "No",
          "on",
          "OFF",
          "y",
          "n",
          "null",
          "Null",
          "~",
          ".inf",
          "-.Inf",
          ".nan",
          "a: b",
          "a #b",
          "a#b",
          "#x",
          "*x",
          "&x",
          "!x",
          "|x",
          ">x",
          "%x",
          "@x",
          "`x",
          "[x",
          "]x",
          "{x",
          "}x",
          ",x",
          "'x",
          "\"x",
          "x:",
          " x",
          "x ",
          "a\\b",
          "- x",
          "-",
          ":",
          "?",
          "? x",
          "2024-01-02",
          "2024-01-02T10:00:00Z",
          "2024-01-02t10:00:00.5+02:00",
          "2024-01-02 10:00:00",
          "12:30",
          "1:5",
          "1:2:3",
          "tab\there",
          "\u0001",
          "bell\u0007"
        })
    void stringsThatWouldBeReadAsSomethingElseAreQuoted(String s) throws Exception {
      String out = scalar(s);
      assertThat(out).as("[%s]", s).startsWith("\"").endsWith("\"");
      JsonNode back = readBack("v: " + out + "\n").get("v");
      assertThat(back.isTextual()).as("[%s] read back as %s", s, back).isTrue();
      assertThat(back.asText()).isEqualTo(s);
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "0.0.0.0:4317",
          "localhost:4317",
          "http://x:4318/v1/traces",
          "${env:MY_POD_IP}:4317",
          "localhost",
          "memstore",
          "a-b",
          "-x",
          "x-",
          "a:b",
          "1.2.3",
          "/var/log/*.log",
          "k8s.pod.name",
          "2024-13-45",
          "25:61",
          "10s",
          "basic",
          "Info",
          "é",
          "über-1",
          "🦄",
          "a b c",
          "x?",
          "x!y",
          "x|y",
          "x>y",
          "x&y",
          "x*y",
          "x%y",
          "x@y",
          "x'y",
          "x\"y",
          "x,y",
          "x[0]",
          "x{y}",
          "$1",
          "${POD_NAME}"
        })
    void ordinaryStringsArePlain(String s) throws Exception {
      assertThat(scalar(s)).isEqualTo(s);
      assertThat(readBack("v: " + s + "\n").get("v").asText()).isEqualTo(s);
    }

    @Test
    void quotesLikeGoStrconvQuote() {
      assertThat(scalar("")).isEqualTo("\"\"");
      assertThat(scalar("a\\b")).isEqualTo("\"a\\\\b\"");
      assertThat(scalar("tab\there")).isEqualTo("\"tab\\there\"");
      assertThat(scalar("\u0001")).isEqualTo("\"\\x01\"");
      assertThat(scalar("\u007f#")).isEqualTo("\"\\x7f#\"");
      assertThat(scalar("\u0007#")).isEqualTo("\"\\a#\"");
      assertThat(scalar("nb\u00a0sp#")).isEqualTo("\"nb\\u00a0sp#\"");
      assertThat(scalar("é #")).isEqualTo("\"é #\"");
      assertThat(scalar("say \"hi\" #")).isEqualTo("\"say \\\"hi\\\" #\"");
    }

    @Test
    void keysAreQuotedByTheSameRules() throws Exception {
      ObjectNode tree = JsonNodeFactory.instance.objectNode();
      tree.put("true", 1).put("a: b", 2).put("plain", 3).put("", 4).put("1", 5);
      String yaml = ConfigYaml.emit(tree);
      assertThat(yaml).isEqualTo("\"true\": 1\n\"a: b\": 2\nplain: 3\n\"\": 4\n\"1\": 5\n");
      assertThat(readBack(yaml)).isEqualTo(tree);
    }
  }

  @Nested
  class MultiLineStrings {
    @Test
    void literalBlocksWithTheChompingOfTheTrailingLineBreaks() {
      assertThat(scalar("line1\nline2")).isEqualTo("|-\n      line1\n      line2");
      assertThat(scalar("line1\nline2\n")).isEqualTo("|\n      line1\n      line2");
      assertThat(scalar("line1\n\n")).isEqualTo("|+\n      line1\n");
      assertThat(scalar("a\n\nb")).isEqualTo("|-\n      a\n\n      b");
      assertThat(scalar("a\n  indented\nb")).isEqualTo("|-\n      a\n        indented\n      b");
    }

    @Test
    void multiLineStringsThatNeedQuotesAreQuotedOnOneLine() {
      assertThat(scalar("key: value\nnext")).isEqualTo("\"key: value\\nnext\"");
      assertThat(scalar("# comment\nx")).isEqualTo("\"# comment\\nx\"");
      assertThat(scalar("  leading\nx")).isEqualTo("\"  leading\\nx\"");
      assertThat(scalar("\n  leading after a blank line")).startsWith("\"");
      assertThat(scalar("windows\r\nline")).isEqualTo("\"windows\\r\\nline\"");
    }

    @Test
    void everyShapeReadsBackUnchanged() throws Exception {
      for (String s :
          List.of(
              "a\nb",
              "\n",
              "\n\n",
              "a\nb\n",
              "a\n\n",
              "a\n\n\n",
              "\na",
              "a\n\nb",
              "a\n  b\n    c\n",
              "x: y\nz",
              "  lead\nx",
              "\n  lead",
              "tab\tin\nblock",
              "trailing space \nx",
              "a\r\nb",
              "set(attributes[\"x\"], \"y\")\nwhere name == \"z\"")) {
        ObjectNode receivers = JsonNodeFactory.instance.objectNode();
        receivers.putObject("r").put("v", s);
        receivers.putObject("list").putArray("items").add(s).add("x");
        Config c = new Config();
        c.receivers = receivers;
        String yaml = ConfigYaml.render(c);
        JsonNode back = readBack(yaml);
        assertThat(back.at("/receivers/r/v").asText()).as("%s\n%s", s, yaml).isEqualTo(s);
        assertThat(back.at("/receivers/list/items/0").asText()).as(yaml).isEqualTo(s);
      }
    }
  }

  @Nested
  class Numbers {
    @Test
    void numbersAreWrittenAsGoFormatsAFloat64() {
      var f = JsonNodeFactory.instance;
      assertThat(scalar(f.numberNode(8888))).isEqualTo("8888");
      assertThat(scalar(f.numberNode(123456))).isEqualTo("123456");
      assertThat(scalar(f.numberNode(1000000))).isEqualTo("1e+06");
      assertThat(scalar(f.numberNode(1234567))).isEqualTo("1.234567e+06");
      assertThat(scalar(f.numberNode(10000000000L))).isEqualTo("1e+10");
      assertThat(scalar(f.numberNode(-3))).isEqualTo("-3");
      assertThat(scalar(f.numberNode(0))).isEqualTo("0");
      assertThat(scalar(f.numberNode(0.5))).isEqualTo("0.5");
      assertThat(scalar(f.numberNode(10.0))).isEqualTo("10");
      assertThat(scalar(f.numberNode(100000.5))).isEqualTo("100000.5");
      assertThat(scalar(f.numberNode(1234567.5))).isEqualTo("1.2345675e+06");
      assertThat(scalar(f.numberNode(0.0001))).isEqualTo("0.0001");
      assertThat(scalar(f.numberNode(0.00001))).isEqualTo("1e-05");
      assertThat(scalar(f.numberNode(1.5e-7))).isEqualTo("1.5e-07");
      assertThat(scalar(f.numberNode(1e21))).isEqualTo("1e+21");
      assertThat(scalar(f.numberNode(new BigDecimal("2.50")))).isEqualTo("2.5");
    }

    @Test
    void otherScalars() {
      var f = JsonNodeFactory.instance;
      assertThat(scalar(f.booleanNode(true))).isEqualTo("true");
      assertThat(scalar(f.booleanNode(false))).isEqualTo("false");
      assertThat(scalar(f.nullNode())).isEqualTo("null");
      assertThat(scalar(f.objectNode())).isEqualTo("{}");
      assertThat(scalar(f.arrayNode())).isEqualTo("[]");
    }
  }

  @Nested
  class Layout {
    @Test
    void keyOrderFollowsUpstreamStructsAndSortsFreeFormKeys() {
      Config c =
          TestYaml.config(
              """
              service:
                pipelines:
                  traces: {receivers: [otlp], processors: [batch], exporters: [debug]}
                  metrics: {exporters: [debug], receivers: [otlp]}
                telemetry: {metrics: {level: basic}, logs: {level: info}}
                extensions: [zpages, health_check]
              extensions: {zpages: {}, health_check: {}}
              connectors: {forward: {}}
              processors: {memory_limiter: {limit_mib: 400, check_interval: 1s}, batch: {}}
              exporters: {debug: {verbosity: detailed}}
              receivers: {otlp: {protocols: {http: {}, grpc: {}}}, jaeger: {protocols: {grpc: {}}}}
              """);
      assertThat(ConfigYaml.render(c))
          .isEqualTo(
              """
              receivers:
                jaeger:
                  protocols:
                    grpc: {}
                otlp:
                  protocols:
                    grpc: {}
                    http: {}
              exporters:
                debug:
                  verbosity: detailed
              processors:
                batch: {}
                memory_limiter:
                  check_interval: 1s
                  limit_mib: 400
              connectors:
                forward: {}
              extensions:
                health_check: {}
                zpages: {}
              service:
                extensions:
                  - zpages
                  - health_check
                telemetry:
                  logs:
                    level: info
                  metrics:
                    level: basic
                pipelines:
                  metrics:
                    exporters:
                      - debug
                    receivers:
                      - otlp
                  traces:
                    exporters:
                      - debug
                    processors:
                      - batch
                    receivers:
                      - otlp
              """);
    }

    @Test
    void nestedListsAndMapsInLists() throws Exception {
      Config c =
          TestYaml.config(
              """
              receivers: {otlp: {protocols: {grpc: {}}}}
              processors:
                k8sattributes:
                  pod_association:
                    - sources:
                        - from: resource_attribute
                          name: k8s.pod.ip
                        - from: connection
                    - sources: []
                  matrix: [[1, 2], [], [[a]], [{}], [null]]
                  empty: []
              exporters: {debug: {}}
              service: {pipelines: {traces: {receivers: [otlp], processors: [k8sattributes], exporters: [debug]}}}
              """);
      String yaml = ConfigYaml.render(c);
      assertThat(yaml)
          .contains(
              """
                k8sattributes:
                  empty: []
                  matrix:
                    - - 1
                      - 2
                    - []
                    - - - a
                    - - {}
                    - - null
                  pod_association:
                    - sources:
                        - from: resource_attribute
                          name: k8s.pod.ip
                        - from: connection
                    - sources: []
              """);
      assertRoundTrips(c);
    }

    @Test
    void emptyAndNullTopLevelSections() {
      Config c = new Config();
      c.receivers = JsonNodeFactory.instance.objectNode();
      c.exporters = JsonNodeFactory.instance.nullNode();
      c.processors = JsonNodeFactory.instance.objectNode();
      assertThat(ConfigYaml.render(c))
          .isEqualTo("receivers: {}\nexporters: {}\nprocessors: {}\nservice:\n  pipelines: {}\n");
    }
  }

  @Nested
  class RoundTrip {
    @Test
    void aRichConfig() throws Exception {
      assertRoundTrips(
          TestYaml.config(
              """
              receivers:
                otlp:
                  protocols:
                    grpc: {endpoint: "0.0.0.0:4317", max_recv_msg_size_mib: 16}
                    http: {endpoint: "${env:MY_POD_IP}:4318", cors: {allowed_origins: ["http://*", "https://*.x.io"]}}
                prometheus:
                  config:
                    scrape_configs:
                      - job_name: "otel-collector"
                        scrape_interval: 10s
                        static_configs: [{targets: ["0.0.0.0:8888"]}]
                        relabel_configs:
                          - source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_port, __address__]
                            regex: '([^:]+)(?::\\d+)?;(\\d+)'
                            replacement: "$$1:$$2"
                            separator: ;
                            action: replace
                filelog:
                  include: [/var/log/pods/*/*/*.log]
                  start_at: beginning
                  operators:
                    - type: regex_parser
                      regex: '^(?P<time>[^ ]+) (?P<stream>stdout|stderr) (?P<logtag>[^ ]*) ?(?P<log>.*)$'
                      timestamp: {parse_from: attributes.time, layout: "%Y-%m-%dT%H:%M:%S.%LZ"}
              processors:
                batch: {send_batch_size: 10000, send_batch_max_size: 1000000, timeout: 10s}
                memory_limiter: {check_interval: 1s, limit_percentage: 75, spike_limit_percentage: 15.5}
                probabilistic_sampler: {sampling_percentage: 0.25}
                transform:
                  error_mode: ignore
                  trace_statements:
                    - context: span
                      statements:
                        - set(attributes["env"], "prod") where attributes["env"] == nil
                        - 'replace_pattern(name, "^GET /api/v1/(.*)$", "GET /api/v1/{id}")'
                filter:
                  spans:
                    exclude:
                      match_type: regexp
                      span_names: ["health.*", "#ignored", "yes", "08", "1e5", "12:30", "2024-01-02"]
                attributes:
                  actions:
                    - {key: "é-ünïcode 🦄", value: "tab\\tand \\"quotes\\"", action: upsert}
                    - {key: empty, value: "", action: insert}
                    - {key: nothing, value: null, action: delete}
                    - {key: flag, value: true, action: insert}
                    - {key: multi, value: "line one\\nline two\\n", action: insert}
              exporters:
                otlphttp: {endpoint: "https://backend:4318", headers: {"x-api-key": "${env:API_KEY}"}, compression: none}
                debug: {verbosity: detailed, sampling_initial: 5}
              extensions:
                health_check: {endpoint: "0.0.0.0:13133", path: "/"}
                basicauth/client: {client_auth: {username: "user", password: "p@ss: #word"}}
              service:
                extensions: [health_check, basicauth/client]
                telemetry:
                  logs: {level: debug, initial_fields: {service: "my-collector"}}
                  metrics:
                    level: detailed
                    readers: [{pull: {exporter: {prometheus: {host: "0.0.0.0", port: 8888}}}}]
                pipelines:
                  traces: {receivers: [otlp], processors: [memory_limiter, transform, filter, batch], exporters: [otlphttp, debug]}
                  metrics: {receivers: [otlp, prometheus], processors: [memory_limiter, batch], exporters: [otlphttp]}
                  logs: {receivers: [filelog], processors: [attributes], exporters: [debug]}
              """));
    }

    @Test
    void everyGoldenAndE2eConfigOfTheCorpus() throws Exception {
      List<Path> files = new ArrayList<>();
      files.add(UPSTREAM.resolve("internal/controllers/testdata/build_collector_base.input.yaml"));
      files.add(
          UPSTREAM.resolve("internal/controllers/testdata/build_collector_ta_cr_base.input.yaml"));
      files.add(
          UPSTREAM.resolve(
              "tests/e2e-prometheuscr/create-sm-prometheus-exporters/01-install.yaml"));
      files.add(UPSTREAM.resolve("tests/e2e-automatic-rbac/receiver-k8sobjects/01-install.yaml"));
      files.add(
          UPSTREAM.resolve("tests/e2e/smoke-restarting-deployment/01-install-second-config.yaml"));
      for (Path f : files) {
        assertRoundTrips(TestYaml.collector(TestYaml.read(f)).getSpec().config);
      }
      for (String f :
          List.of(
              "rbac_k8sobserver_extension.yaml",
              "rbac_k8s_objects_snake_case.yaml",
              "prometheus-exporter.yaml",
              "test.yaml")) {
        assertRoundTrips(
            TestYaml.config(
                TestYaml.read(UPSTREAM.resolve("internal/manifests/collector/testdata/" + f))));
      }
    }
  }
}
