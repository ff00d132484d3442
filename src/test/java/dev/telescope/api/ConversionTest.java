package dev.telescope.api;

import static dev.telescope.api.Conversion.CONFIG_TEXT_ANNOTATION;
import static dev.telescope.api.Conversion.INVALID_CONFIG_ANNOTATION;
import static dev.telescope.api.Conversion.REPLICAS_ANNOTATION;
import static dev.telescope.api.Conversion.SELECTORS_ANNOTATION;
import static dev.telescope.api.Conversion.V1ALPHA1;
import static dev.telescope.api.Conversion.V1BETA1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.telescope.api.CollectorDocuments.Doc;
import dev.telescope.api.common.CommonSpec;
import io.fabric8.kubernetes.api.model.Condition;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The v1alpha1 <-> v1beta1 conversion rules, its round trips and its refusal to fail. */
class ConversionTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final YAMLMapper YAML = new YAMLMapper();

  // ---- corpus round trips ------------------------------------------------------------------

  @Test
  void everyCorpusDocumentRoundTripsLosslessly() {
    List<Doc> docs = CollectorDocuments.all();
    List<String> failures = new ArrayList<>();
    int alpha = 0;
    for (Doc doc : docs) {
      ObjectNode original = withApiVersion(doc);
      try {
        if (doc.isAlpha()) {
          alpha++;
          ObjectNode beta = Conversion.convert(original, V1BETA1);
          check(
              failures, doc + " alpha->beta->alpha", original, Conversion.convert(beta, V1ALPHA1));
          check(failures, doc + " (as beta) beta->alpha->beta", beta, roundTrip(beta, V1ALPHA1));
        } else {
          ObjectNode alphaView = Conversion.convert(original, V1ALPHA1);
          check(
              failures,
              doc + " beta->alpha->beta",
              original,
              Conversion.convert(alphaView, V1BETA1));
          check(
              failures,
              doc + " (as alpha) alpha->beta->alpha",
              alphaView,
              roundTrip(alphaView, V1BETA1));
        }
      } catch (RuntimeException e) {
        failures.add(doc + " threw " + e);
      }
    }
    assertThat(failures).isEmpty();
    assertThat(alpha).as("v1alpha1 documents, including the seed").isGreaterThanOrEqualTo(3);
  }

  @Test
  void everyCorpusDocumentRoundTripsThroughTheTypedModel() {
    List<String> failures = new ArrayList<>();
    for (Doc doc : CollectorDocuments.all()) {
      ObjectNode original = withApiVersion(doc);
      if (doc.isAlpha()) {
        var alpha = bind(original, dev.telescope.api.v1alpha1.OpenTelemetryCollector.class);
        var back = Conversion.toV1alpha1(Conversion.toV1beta1(alpha));
        check(
            failures,
            doc + " typed alpha round trip",
            JSON.valueToTree(alpha),
            JSON.valueToTree(back));
      } else {
        var beta = bind(original, dev.telescope.api.v1beta1.OpenTelemetryCollector.class);
        var back = Conversion.toV1beta1(Conversion.toV1alpha1(beta));
        check(
            failures,
            doc + " typed beta round trip",
            JSON.valueToTree(beta),
            JSON.valueToTree(back));
      }
    }
    assertThat(failures).isEmpty();
  }

  @Test
  void seedSidecarCollectorConvertsToTheConfigItMeans() {
    var alpha =
        bind(
            withApiVersion(CollectorDocuments.seed()),
            dev.telescope.api.v1alpha1.OpenTelemetryCollector.class);

    var beta = Conversion.toV1beta1(alpha);

    assertThat(beta.getApiVersion()).isEqualTo(V1BETA1);
    assertThat(beta.getMetadata().getName()).isEqualTo("otel");
    assertThat(beta.getMetadata().getNamespace()).isEqualTo("otel-sample");
    assertThat(beta.getSpec().mode).hasToString("sidecar");
    assertThat(beta.getSpec().serviceAccount).isEqualTo("otel-collector-sidecar");
    assertThat(beta.getSpec().config.receivers.at("/otlp/protocols").has("grpc")).isTrue();
    assertThat(beta.getSpec().config.receivers.at("/otlp/protocols/grpc").isNull()).isTrue();
    assertThat(beta.getSpec().config.processors.at("/memory_limiter/limit_percentage").asInt())
        .isEqualTo(50);
    assertThat(beta.getSpec().config.processors.at("/resourcedetection/detectors/0").asText())
        .isEqualTo("openshift");
    assertThat(beta.getSpec().config.service.pipelines.get("traces").processors)
        .containsExactly("memory_limiter", "resourcedetection", "batch");
    // "grpc:" reads back as "grpc: null", so the exact text travels along for the way back.
    assertThat(beta.getMetadata().getAnnotations())
        .containsEntry(CONFIG_TEXT_ANNOTATION, alpha.getSpec().config);
    assertThat(Conversion.toV1alpha1(beta).getSpec().config).isEqualTo(alpha.getSpec().config);
    assertThat(Conversion.toV1alpha1(beta).getMetadata().getAnnotations()).isNullOrEmpty();
  }

  // ---- config --------------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(
      strings = {
        "null",
        "~",
        "",
        "   \n",
        "{{{",
        "- a\n- b",
        "42",
        "just text",
        "receivers: [otlp]\nexporters: {}\nservice: {}",
        "receivers: {}\nexporters: {}\nservice: []",
        "service:\n  pipelines:\n    traces:\n      receivers: otlp",
        "a: 1\na: 2",
        "x: .nan",
        "x: *undefined",
        "\0\1\2\u00ff\ufffe binary",
        "key: [unclosed",
        "\t- tab indented"
      })
  void unusableConfigTextConvertsToTheEmptyConfigAndBackToTheSameText(String text) {
    ObjectNode alpha = alpha("spec", Map.of("mode", "deployment", "config", text));

    ObjectNode beta = Conversion.convert(alpha, V1BETA1);

    assertThat(beta.at("/spec/config")).isEqualTo(ConfigYaml.emptyConfig());
    assertThat(beta.at("/metadata/annotations").get(INVALID_CONFIG_ANNOTATION).asText())
        .isEqualTo(text);
    assertThat(ConfigYaml.parse(text).error()).isPresent();
    ObjectNode back = Conversion.convert(beta, V1ALPHA1);
    assertThat(back).isEqualTo(alpha);
    assertThat(back.at("/spec/config").asText()).isEqualTo(text);
  }

  @Test
  void deeplyNestedConfigTextIsRefusedWithoutCrashing() {
    String text = "receivers: " + "[".repeat(200_000) + "]".repeat(200_000);

    ObjectNode beta = Conversion.convert(alpha("spec", Map.of("config", text)), V1BETA1);

    assertThat(beta.at("/spec/config")).isEqualTo(ConfigYaml.emptyConfig());
    assertThat(ConfigYaml.parse(text).error()).isPresent();
  }

  @Test
  void unusableConfigTextAlsoConvertsThroughTheTypedModel() {
    var alpha = new dev.telescope.api.v1alpha1.OpenTelemetryCollector();
    alpha.setMetadata(
        new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("x").build());
    alpha.setSpec(new dev.telescope.api.v1alpha1.OpenTelemetryCollectorSpec());
    alpha.getSpec().config = "null";

    var beta = Conversion.toV1beta1(alpha);

    assertThat(beta.getSpec().config.receivers.isEmpty()).isTrue();
    assertThat(beta.getSpec().config.exporters.isEmpty()).isTrue();
    assertThat(beta.getSpec().config.service.pipelines).isEmpty();
    assertThat(beta.getMetadata().getAnnotations())
        .containsEntry(INVALID_CONFIG_ANNOTATION, "null");
    assertThat(Conversion.toV1alpha1(beta).getSpec().config).isEqualTo("null");
  }

  @Test
  void placeholderChangedInV1beta1IsWhatV1alpha1Sees() {
    ObjectNode beta = Conversion.convert(alpha("spec", Map.of("config", "{{{")), V1BETA1);
    // What the defaulting webhook does to the placeholder, as in upstream's e2e test.
    beta.withObject("/spec/config/service").putObject("telemetry").putObject("metrics");

    ObjectNode back = Conversion.convert(beta, V1ALPHA1);

    assertThat(back.at("/spec/config").asText())
        .isEqualTo(
            "receivers: {}\nexporters: {}\nservice:\n  telemetry:\n    metrics: {}\n  pipelines: {}\n");
    assertThat(back.has("metadata") && back.get("metadata").has("annotations")).isFalse();
  }

  @Test
  void configChangedInV1beta1WinsOverTheCarriedText() {
    String text =
        "# comment\nreceivers: {otlp: {}}\nexporters: {debug: {}}\nservice: {pipelines: {}}\n";
    ObjectNode beta = Conversion.convert(alpha("spec", Map.of("config", text)), V1BETA1);
    assertThat(beta.at("/metadata/annotations/" + esc(CONFIG_TEXT_ANNOTATION)).asText())
        .isEqualTo(text);
    beta.withObject("/spec/config/exporters").putObject("otlp");

    ObjectNode back = Conversion.convert(beta, V1ALPHA1);

    assertThat(back.at("/spec/config").asText())
        .isEqualTo(
            "receivers:\n  otlp: {}\nexporters:\n  debug: {}\n  otlp: {}\nservice:\n  pipelines: {}\n");
    assertThat(back.at("/metadata/annotations").isMissingNode()).isTrue();
  }

  @Test
  void carriedTextSurvivesTheApiServerPruningDeclaredNulls() {
    String text =
        "receivers: {otlp: }\nprocessors:\nexporters: {debug: }\nservice:\n  pipelines: {}\n";
    ObjectNode beta = Conversion.convert(alpha("spec", Map.of("config", text)), V1BETA1);
    // The API server drops null values of declared properties such as config.processors.
    ((ObjectNode) beta.at("/spec/config")).remove("processors");

    assertThat(Conversion.convert(beta, V1ALPHA1).at("/spec/config").asText()).isEqualTo(text);
  }

  @Test
  void canonicalTextNeedsNoCarriedCopy() {
    String text = "receivers:\n  otlp: {}\nexporters:\n  debug: {}\nservice:\n  pipelines: {}\n";
    ObjectNode beta = Conversion.convert(alpha("spec", Map.of("config", text)), V1BETA1);

    assertThat(beta.at("/metadata/annotations").isMissingNode()).isTrue();
    assertThat(Conversion.convert(beta, V1ALPHA1).at("/spec/config").asText()).isEqualTo(text);
  }

  @Test
  void largeConfigTextIsNotCarriedButStillMeansTheSame() {
    StringBuilder text = new StringBuilder("# big\nreceivers:\n");
    for (int i = 0; text.length() <= Conversion.MAX_CONFIG_TEXT_BYTES; i++) {
      text.append("  otlp/").append(i).append(": {protocols: {grpc: }}\n");
    }
    text.append("exporters: {debug: }\nservice: {pipelines: {}}\n");
    ObjectNode beta = Conversion.convert(alpha("spec", Map.of("config", text.toString())), V1BETA1);

    assertThat(beta.at("/metadata/annotations").isMissingNode()).isTrue();
    String back = Conversion.convert(beta, V1ALPHA1).at("/spec/config").asText();
    assertThat(back).isNotEqualTo(text.toString());
    assertThat(ConfigYaml.parse(back).config()).contains((ObjectNode) beta.at("/spec/config"));
  }

  @Test
  void v1beta1ConfigBecomesYamlTextInUpstreamsStructOrder() {
    ObjectNode beta = beta();
    ObjectNode config = beta.withObject("/spec").putObject("config");
    config
        .putObject("service")
        .putObject("pipelines")
        .putObject("traces")
        .putArray("receivers")
        .add("otlp");
    config.putObject("receivers").putObject("otlp");
    config.putObject("exporters").putNull("debug");

    String text = Conversion.convert(beta, V1ALPHA1).at("/spec/config").asText();

    assertThat(text)
        .isEqualTo(
            "receivers:\n  otlp: {}\nexporters:\n  debug: null\n"
                + "service:\n  pipelines:\n    traces:\n      receivers:\n        - otlp\n");
  }

  @Test
  void configScalarsSurviveTheTripThroughText() throws Exception {
    ObjectNode beta = beta();
    ObjectNode config = beta.withObject("/spec").putObject("config");
    config.putObject("receivers").putObject("otlp");
    config.putObject("exporters").putObject("debug");
    config.putObject("service").putObject("pipelines");
    ObjectNode odd = config.withObject("/processors").putObject("attributes");
    for (String s :
        List.of(
            "0o17",
            "0x1F",
            "1e3",
            ".inf",
            "-.Inf",
            ".NaN",
            "<<",
            "yes",
            "on",
            "off",
            "y",
            "012",
            "2001-12-14",
            "null",
            "Null",
            "~",
            "",
            " lead",
            "trail ",
            "true",
            "True",
            "1_000",
            "a: b",
            "#hash",
            "- dash",
            "${env:HOME}",
            "multi\nline\n",
            "no newline\nat end",
            "tab\there",
            "quote\"s",
            "'single'",
            "@at",
            "`tick",
            "%p",
            "!tag",
            "&anchor",
            "*alias",
            "[x]",
            "{x}",
            "ümlaut",
            "1:2",
            "+1",
            ".5",
            "-0")) {
      odd.put("s" + odd.size(), s);
    }
    odd.put("int", 42).put("long", 12345678901234L).put("neg", -7).put("float", 1.5);
    odd.put("exp", 1e300).put("big", new java.math.BigInteger("123456789012345678901234567890"));
    odd.put("bool", false).putNull("nothing");
    odd.putArray("list").add(1).add("1").add(true).add("true").addNull().addObject().put("k", "v");
    odd.putObject("<<").put("literal", "merge-looking key");
    odd.putObject("0x10").put("k", "hex-looking key");

    ObjectNode alphaView = Conversion.convert(beta, V1ALPHA1);
    ObjectNode back = Conversion.convert(alphaView, V1BETA1);

    assertThat(back).isEqualTo(beta);
    assertThat(alphaView.at("/metadata/annotations").isMissingNode()).isTrue();
  }

  @Test
  void configTextIsReadAsYaml12LikeTheCollectorDoes() {
    String text =
        "receivers:\n  otlp: &otlp\n    protocols: {grpc: {endpoint: 0.0.0.0:4317}}\n"
            + "  otlp/2:\n    <<: *otlp\n    extra: on\n"
            + "exporters:\n  debug: {verbosity: yes, when: 2001-12-14, octal: 0o17, lead0: 012}\n"
            + "service: {pipelines: {}}\n";

    ObjectNode config = ConfigYaml.parse(text).config().orElseThrow();

    assertThat(config.at("/receivers/otlp~12/protocols/grpc/endpoint").asText())
        .isEqualTo("0.0.0.0:4317");
    assertThat(config.at("/receivers/otlp~12/extra").asText()).isEqualTo("on");
    assertThat(config.at("/exporters/debug/verbosity").isTextual()).isTrue();
    assertThat(config.at("/exporters/debug/when").isTextual()).isTrue();
    assertThat(config.at("/exporters/debug/octal").asInt()).isEqualTo(15);
    assertThat(config.at("/exporters/debug/lead0").asInt()).isEqualTo(12);
  }

  // ---- replicas, update strategy, observability -----------------------------------------------

  @Test
  void deprecatedReplicasFoldIntoAnEmptyAutoscalerAndComeBack() {
    ObjectNode alpha =
        alpha("spec", Map.of("config", "receivers: {}\nexporters: {}\nservice: {}\n"));
    ((ObjectNode) alpha.get("spec")).put("minReplicas", 2).put("maxReplicas", 5);

    ObjectNode beta = Conversion.convert(alpha, V1BETA1);

    assertThat(beta.at("/spec/autoscaler"))
        .isEqualTo(json("{\"minReplicas\":2,\"maxReplicas\":5}"));
    assertThat(beta.at("/spec").has("minReplicas") || beta.at("/spec").has("maxReplicas"))
        .isFalse();
    assertThat(beta.at("/metadata/annotations").has(REPLICAS_ANNOTATION)).isTrue();
    assertThat(Conversion.convert(beta, V1ALPHA1)).isEqualTo(alpha);
  }

  @Test
  void autoscalerValuesWinOverDeprecatedReplicasAndBothComeBack() {
    ObjectNode alpha = alpha("spec", Map.of());
    ((ObjectNode) alpha.get("spec")).put("minReplicas", 2).put("maxReplicas", 5);
    alpha.withObject("/spec/autoscaler").put("maxReplicas", 9).put("targetCPUUtilization", 50);

    ObjectNode beta = Conversion.convert(alpha, V1BETA1);

    assertThat(beta.at("/spec/autoscaler"))
        .isEqualTo(json("{\"maxReplicas\":9,\"targetCPUUtilization\":50,\"minReplicas\":2}"));
    assertThat(Conversion.convert(beta, V1ALPHA1)).isEqualTo(alpha);
  }

  @Test
  void autoscalerChangedInV1beta1IsNotUndoneByTheMarker() {
    ObjectNode alpha = alpha("spec", Map.of());
    ((ObjectNode) alpha.get("spec")).put("minReplicas", 2).put("maxReplicas", 5);
    ObjectNode beta = Conversion.convert(alpha, V1BETA1);
    beta.withObject("/spec/autoscaler").put("maxReplicas", 8).put("targetCPUUtilization", 90);

    ObjectNode back = Conversion.convert(beta, V1ALPHA1);

    assertThat(back.at("/spec/minReplicas").asInt()).isEqualTo(2);
    assertThat(back.at("/spec").has("maxReplicas")).isFalse();
    assertThat(back.at("/spec/autoscaler"))
        .isEqualTo(json("{\"maxReplicas\":8,\"targetCPUUtilization\":90}"));
  }

  @Test
  void v1beta1AutoscalerWithoutMarkerStaysAnAutoscaler() {
    ObjectNode beta = beta();
    beta.withObject("/spec/autoscaler").put("minReplicas", 1).put("maxReplicas", 3);

    ObjectNode alpha = Conversion.convert(beta, V1ALPHA1);

    assertThat(alpha.at("/spec/autoscaler")).isEqualTo(beta.at("/spec/autoscaler"));
    assertThat(alpha.at("/spec").has("maxReplicas")).isFalse();
  }

  @Test
  void updateStrategyIsRenamedBothWays() {
    ObjectNode alpha = alpha("spec", Map.of());
    alpha.withObject("/spec/updateStrategy").put("type", "OnDelete");

    ObjectNode beta = Conversion.convert(alpha, V1BETA1);

    assertThat(beta.at("/spec/daemonSetUpdateStrategy/type").asText()).isEqualTo("OnDelete");
    assertThat(beta.at("/spec").has("updateStrategy")).isFalse();
    assertThat(Conversion.convert(beta, V1ALPHA1)).isEqualTo(alpha);
    var typed =
        Conversion.toV1beta1(bind(alpha, dev.telescope.api.v1alpha1.OpenTelemetryCollector.class));
    assertThat(typed.getSpec().daemonSetUpdateStrategy.getType()).isEqualTo("OnDelete");
  }

  @Test
  void prometheusAnnotationSwitchChangesItsSpelling() {
    ObjectNode alpha = alpha("spec", Map.of());
    alpha
        .withObject("/spec/observability/metrics")
        .put("DisablePrometheusAnnotations", true)
        .put("enableMetrics", true);

    ObjectNode beta = Conversion.convert(alpha, V1BETA1);

    assertThat(beta.at("/spec/observability/metrics"))
        .isEqualTo(json("{\"enableMetrics\":true,\"disablePrometheusAnnotations\":true}"));
    assertThat(Conversion.convert(beta, V1ALPHA1)).isEqualTo(alpha);
    var typed =
        Conversion.toV1beta1(bind(alpha, dev.telescope.api.v1alpha1.OpenTelemetryCollector.class));
    assertThat(typed.getSpec().observability.metrics.disablePrometheusAnnotations).isTrue();
  }

  // ---- target allocator selectors ------------------------------------------------------------

  @Test
  void alphaLabelMapsBecomeMatchLabelsAndAbsentMapsSelectAll() {
    ObjectNode alpha = alpha("spec", Map.of());
    alpha
        .withObject("/spec/targetAllocator/prometheusCR")
        .put("enabled", true)
        .putObject("podMonitorSelector")
        .put("team", "a");

    ObjectNode beta = Conversion.convert(alpha, V1BETA1);

    assertThat(beta.at("/spec/targetAllocator/prometheusCR"))
        .isEqualTo(
            json(
                "{\"enabled\":true,\"podMonitorSelector\":{\"matchLabels\":{\"team\":\"a\"}},"
                    + "\"serviceMonitorSelector\":{}}"));
    assertThat(beta.at("/metadata/annotations").isMissingNode()).isTrue();
    assertThat(Conversion.convert(beta, V1ALPHA1)).isEqualTo(alpha);
  }

  @Test
  void selectorsAlphaCannotExpressTravelInAnAnnotation() {
    ObjectNode beta = beta();
    ObjectNode cr = beta.withObject("/spec/targetAllocator/prometheusCR");
    cr.put("enabled", true);
    ObjectNode selector = cr.putObject("serviceMonitorSelector");
    selector.putObject("matchLabels").put("team", "a");
    selector.putArray("matchExpressions").addObject().put("key", "env").put("operator", "Exists");

    ObjectNode alpha = Conversion.convert(beta, V1ALPHA1);

    // v1alpha1 readers see the label part; the whole selector, and the absent (select-nothing)
    // podMonitorSelector, are carried.
    assertThat(alpha.at("/spec/targetAllocator/prometheusCR"))
        .isEqualTo(json("{\"enabled\":true,\"serviceMonitorSelector\":{\"team\":\"a\"}}"));
    JsonNode carried = json(alpha.at("/metadata/annotations").get(SELECTORS_ANNOTATION).asText());
    assertThat(carried.get("serviceMonitorSelector")).isEqualTo(selector);
    assertThat(carried.get("podMonitorSelector").isNull()).isTrue();
    assertThat(Conversion.convert(alpha, V1BETA1)).isEqualTo(beta);
  }

  @Test
  void selectorChangedInV1alpha1WinsOverTheCarriedOne() {
    ObjectNode beta = beta();
    ObjectNode selector =
        beta.withObject("/spec/targetAllocator/prometheusCR").putObject("podMonitorSelector");
    selector.putArray("matchExpressions").addObject().put("key", "env").put("operator", "Exists");
    ObjectNode alpha = Conversion.convert(beta, V1ALPHA1);
    alpha.withObject("/spec/targetAllocator/prometheusCR/podMonitorSelector").put("team", "b");

    ObjectNode back = Conversion.convert(alpha, V1BETA1);

    assertThat(back.at("/spec/targetAllocator/prometheusCR/podMonitorSelector"))
        .isEqualTo(json("{\"matchLabels\":{\"team\":\"b\"}}"));
    assertThat(back.at("/spec/targetAllocator/prometheusCR").has("serviceMonitorSelector"))
        .isFalse();
  }

  // ---- status, metadata, unknown fields --------------------------------------------------------

  @Test
  void statusIsCopiedExceptTheDeprecatedAlphaFields() {
    var alpha = new dev.telescope.api.v1alpha1.OpenTelemetryCollector();
    alpha.setSpec(new dev.telescope.api.v1alpha1.OpenTelemetryCollectorSpec());
    var status = new dev.telescope.api.v1alpha1.OpenTelemetryCollectorStatus();
    status.version = "0.158.0";
    status.image = "img:1";
    status.observedGeneration = 4L;
    status.scale = new dev.telescope.api.common.ScaleStatus();
    status.scale.replicas = 2;
    status.scale.statusReplicas = "2/2";
    status.scale.selector = "a=b";
    Condition ready = new Condition();
    ready.setType("Ready");
    ready.setStatus("True");
    status.conditions = List.of(ready);
    status.messages = List.of("old");
    status.replicas = 2;
    alpha.setStatus(status);

    var beta = Conversion.toV1beta1(alpha);

    ObjectNode betaStatus = JSON.valueToTree(beta.getStatus());
    ObjectNode expected = JSON.valueToTree(status);
    expected.remove(List.of("messages", "replicas"));
    assertThat(betaStatus).isEqualTo(expected);
    JsonNode alphaStatus = JSON.valueToTree(Conversion.toV1alpha1(beta).getStatus());
    assertThat(alphaStatus).isEqualTo(expected);
  }

  @Test
  void metadataIsCopiedAsIs() {
    ObjectNode alpha =
        alpha("spec", Map.of("config", "receivers: {}\nexporters: {}\nservice: {}\n"));
    ObjectNode metadata = (ObjectNode) alpha.get("metadata");
    metadata.put("uid", "u-1").put("resourceVersion", "7").put("generation", 3);
    metadata.putObject("labels").put("app", "x");
    metadata.putObject("annotations").put("user", "kept");
    metadata.putArray("finalizers").add("f");

    ObjectNode beta = Conversion.convert(alpha, V1BETA1);

    ObjectNode expected = metadata.deepCopy();
    assertThat(beta.get("metadata")).isEqualTo(expected);
    assertThat(Conversion.convert(beta, V1ALPHA1)).isEqualTo(alpha);
  }

  @Test
  void unknownFieldsSurviveTheMapLevelConversion() {
    Map<String, Object> alpha =
        JSON.convertValue(
            json(
                "{\"apiVersion\":\"opentelemetry.io/v1alpha1\",\"kind\":\"OpenTelemetryCollector\","
                    + "\"metadata\":{\"name\":\"x\",\"futureMeta\":1},\"futureTop\":{\"a\":[1]},"
                    + "\"spec\":{\"futureField\":{\"deep\":true},\"config\":\"receivers: {}\\n"
                    + "exporters: {}\\nservice: {}\\nnotASection: 1\\n\","
                    + "\"targetAllocator\":{\"futureTa\":\"y\",\"prometheusCR\":{\"futureCr\":2}}},"
                    + "\"status\":{\"futureStatus\":\"z\"}}"),
            new TypeReference<Map<String, Object>>() {});
    Map<String, Object> before =
        JSON.convertValue(alpha, new TypeReference<Map<String, Object>>() {});

    Map<String, Object> beta = Conversion.convert(alpha, V1BETA1);

    JsonNode tree = JSON.valueToTree(beta);
    assertThat(tree.at("/metadata/futureMeta").asInt()).isEqualTo(1);
    assertThat(tree.at("/futureTop/a/0").asInt()).isEqualTo(1);
    assertThat(tree.at("/spec/futureField/deep").asBoolean()).isTrue();
    assertThat(tree.at("/spec/config/notASection").asInt()).isEqualTo(1);
    assertThat(tree.at("/spec/targetAllocator/futureTa").asText()).isEqualTo("y");
    assertThat(tree.at("/spec/targetAllocator/prometheusCR/futureCr").asInt()).isEqualTo(2);
    assertThat(tree.at("/status/futureStatus").asText()).isEqualTo("z");
    assertThat(alpha).as("input untouched").isEqualTo(before);
    assertThat(Conversion.convert(beta, V1ALPHA1)).isEqualTo(alpha);
  }

  @Test
  void sameVersionIsACopyAndUnknownVersionsAreRefused() {
    ObjectNode beta = beta();
    ObjectNode same = Conversion.convert(beta, V1BETA1);
    assertThat(same).isEqualTo(beta).isNotSameAs(beta);

    assertThatThrownBy(() -> Conversion.convert(beta, "opentelemetry.io/v2"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("opentelemetry.io/v2");
    ObjectNode unknown = beta.deepCopy().put("apiVersion", "other.io/v1");
    assertThatThrownBy(() -> Conversion.convert(unknown, V1ALPHA1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("other.io/v1");
    ObjectNode otherKind = beta.deepCopy().put("kind", "Instrumentation");
    assertThatThrownBy(() -> Conversion.convert(otherKind, V1ALPHA1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"spec\":\"text\"}",
        "{\"spec\":null,\"status\":[1]}",
        "{\"metadata\":[1],\"spec\":{\"config\":\"{{{\"}}",
        "{\"metadata\":{\"annotations\":\"x\"},\"spec\":{\"config\":\"null\"}}",
        "{\"metadata\":{\"annotations\":{\"telescope.dev/v1alpha1-replicas\":\"{bad\"}},\"spec\":{}}",
        "{\"metadata\":{\"annotations\":{\"telescope.dev/v1beta1-prometheus-cr-selectors\":\"[1]\"}}}",
        "{\"spec\":{\"minReplicas\":\"two\",\"autoscaler\":\"x\",\"config\":{\"receivers\":1}}}",
        "{\"spec\":{\"maxReplicas\":3,\"autoscaler\":[1]}}",
        "{\"spec\":{\"targetAllocator\":{\"prometheusCR\":{\"podMonitorSelector\":\"x\"}}}}",
        "{\"spec\":{\"targetAllocator\":{\"prometheusCR\":{\"podMonitorSelector\":{\"matchLabels\":1}}}}}",
        "{\"spec\":{\"observability\":{\"metrics\":[]},\"config\":123}}"
      })
  void malformedObjectsNeverMakeConversionThrow(String body) {
    for (String from : List.of(V1ALPHA1, V1BETA1)) {
      ObjectNode object = (ObjectNode) json(body);
      object.put("apiVersion", from).put("kind", "OpenTelemetryCollector");
      String to = from.equals(V1ALPHA1) ? V1BETA1 : V1ALPHA1;
      assertThatCode(() -> Conversion.convert(Conversion.convert(object, to), from))
          .doesNotThrowAnyException();
    }
  }

  @Test
  void roundTripAnnotationsNeverStayOnTheVersionTheyCameFrom() {
    ObjectNode alpha = alpha("spec", Map.of("config", "{{{"));
    ((ObjectNode) alpha.get("spec")).put("maxReplicas", 3);
    alpha.withObject("/spec/targetAllocator/prometheusCR").put("enabled", true);

    ObjectNode beta = Conversion.convert(alpha, V1BETA1);
    ObjectNode back = Conversion.convert(beta, V1ALPHA1);

    assertThat(beta.at("/metadata/annotations").has(INVALID_CONFIG_ANNOTATION)).isTrue();
    assertThat(beta.at("/metadata/annotations").has(REPLICAS_ANNOTATION)).isTrue();
    assertThat(back).isEqualTo(alpha);
    assertThat(back.get("metadata").has("annotations")).isFalse();
  }

  // ---- superset model ------------------------------------------------------------------------

  @Test
  void everyCommonSpecFieldIsCopiedBothWays() throws Exception {
    var alpha = new dev.telescope.api.v1alpha1.OpenTelemetryCollector();
    alpha.setSpec(new dev.telescope.api.v1alpha1.OpenTelemetryCollectorSpec());
    List<String> fields = SampleValues.fillPublicFields(alpha.getSpec(), CommonSpec.class);
    alpha.getSpec().config = "receivers: {}\nexporters: {}\nservice: {}\n";

    var beta = Conversion.toV1beta1(alpha);
    var back = Conversion.toV1alpha1(beta);

    assertThat(fields).hasSizeGreaterThan(50);
    JsonNode in = JSON.valueToTree(alpha.getSpec());
    JsonNode mid = JSON.valueToTree(beta.getSpec());
    JsonNode out = JSON.valueToTree(back.getSpec());
    for (String field : fields) {
      assertThat(in.get(field)).as("sample for %s", field).isNotNull();
      assertThat(mid.get(field)).as("v1beta1 %s", field).isEqualTo(in.get(field));
      assertThat(out.get(field))
          .as("v1alpha1 %s after the round trip", field)
          .isEqualTo(in.get(field));
    }
  }

  @Test
  void v1alpha1ModelHoldsEveryV1beta1Field() {
    // The API server prunes what the v1alpha1 schema lacks from v1alpha1 reads; a v1beta1-only
    // field would then be lost by any v1alpha1 client that writes the object back.
    assertThat(
            SampleValues.propertyTypes(dev.telescope.api.v1beta1.OpenTelemetryCollectorSpec.class))
        .containsAllEntriesOf(
            without(
                SampleValues.propertyTypes(
                    dev.telescope.api.v1alpha1.OpenTelemetryCollectorSpec.class),
                "config",
                "minReplicas",
                "maxReplicas",
                "updateStrategy",
                "targetAllocator",
                "observability"));
    assertThat(
            SampleValues.propertyTypes(dev.telescope.api.v1alpha1.OpenTelemetryCollectorSpec.class)
                .keySet())
        .containsAll(
            without(
                    SampleValues.propertyTypes(
                        dev.telescope.api.v1beta1.OpenTelemetryCollectorSpec.class),
                    "daemonSetUpdateStrategy")
                .keySet());
    assertThat(
            SampleValues.propertyTypes(
                dev.telescope.api.v1alpha1.OpenTelemetryCollectorStatus.class))
        .containsAllEntriesOf(
            SampleValues.propertyTypes(
                dev.telescope.api.v1beta1.OpenTelemetryCollectorStatus.class));
    assertThat(
            SampleValues.propertyTypes(
                    dev.telescope.api.v1alpha1.TargetAllocatorEmbedded.PrometheusCR.class)
                .keySet())
        .isEqualTo(
            SampleValues.propertyTypes(
                    dev.telescope.api.v1beta1.TargetAllocatorEmbedded.PrometheusCR.class)
                .keySet());
    assertThat(
            SampleValues.propertyTypes(dev.telescope.api.v1alpha1.ObservabilitySpec.Metrics.class)
                .keySet())
        .containsExactlyInAnyOrder("enableMetrics", "extraLabels", "DisablePrometheusAnnotations");
    assertThat(
            SampleValues.propertyTypes(dev.telescope.api.v1beta1.ObservabilitySpec.Metrics.class)
                .keySet())
        .containsExactlyInAnyOrder("enableMetrics", "extraLabels", "disablePrometheusAnnotations");
  }

  // ---- helpers -------------------------------------------------------------------------------

  private static Map<String, String> without(Map<String, String> map, String... keys) {
    Map<String, String> copy = new java.util.HashMap<>(map);
    for (String k : keys) {
      copy.remove(k);
    }
    return copy;
  }

  private static ObjectNode roundTrip(ObjectNode object, String via) {
    String from = object.get("apiVersion").asText();
    return Conversion.convert(Conversion.convert(object, via), from);
  }

  private static void check(
      List<String> failures, String what, JsonNode expected, JsonNode actual) {
    if (!expected.equals(actual)) {
      failures.add(what + ":\n  expected " + expected + "\n  actual   " + actual);
    }
  }

  private static ObjectNode withApiVersion(Doc doc) {
    ObjectNode node = doc.node().deepCopy();
    if (!node.has("apiVersion")) {
      node.put("apiVersion", V1BETA1);
    }
    if (!node.has("kind")) {
      node.put("kind", "OpenTelemetryCollector");
    }
    return node;
  }

  private static <T> T bind(JsonNode node, Class<T> type) {
    try {
      return JSON.treeToValue(node, type);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static ObjectNode alpha(String field, Map<String, Object> spec) {
    ObjectNode node = JSON.createObjectNode();
    node.put("apiVersion", V1ALPHA1).put("kind", "OpenTelemetryCollector");
    node.putObject("metadata").put("name", "c").put("namespace", "ns");
    node.set(field, JSON.valueToTree(spec));
    return node;
  }

  private static ObjectNode beta() {
    ObjectNode node = JSON.createObjectNode();
    node.put("apiVersion", V1BETA1).put("kind", "OpenTelemetryCollector");
    node.putObject("metadata").put("name", "c").put("namespace", "ns");
    node.putObject("spec").put("mode", "statefulset");
    return node;
  }

  private static JsonNode json(String text) {
    try {
      return JSON.readTree(text.getBytes(StandardCharsets.UTF_8));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static String esc(String pointerSegment) {
    return pointerSegment.replace("~", "~0").replace("/", "~1");
  }
}
