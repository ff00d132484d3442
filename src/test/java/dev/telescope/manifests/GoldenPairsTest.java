package dev.telescope.manifests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.telescope.TestYaml;
import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import dev.telescope.settings.OperatorConfig;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Upstream's unit golden pairs: the same input CR must render to the same objects. Inputs are not
 * defaulted (upstream's test calls the builder directly).
 */
class GoldenPairsTest {
  private static final ObjectMapper YAML = new YAMLMapper();

  static OperatorConfig unitConfig() {
    OperatorConfig d = OperatorConfig.defaults();
    return OperatorConfig.parse(List.of("--collector-image=default-collector"), java.util.Map.of());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "build_collector_base",
        "build_collector_ingress",
        "build_collector_service_account",
        "build_collector_ta_cr_base",
        "build_collector_ta_cr_enable_metrics"
      })
  void rendersExactlyLikeUpstream(String name) throws Exception {
    Path dir = TestYaml.shared().resolve("conformance/upstream/internal/controllers/testdata");
    OpenTelemetryCollector cr =
        TestYaml.collector(TestYaml.read(dir.resolve(name + ".input.yaml")));
    List<HasMetadata> objects =
        CollectorManifests.build(CollectorContext.of(cr, unitConfig())).objects();
    List<JsonNode> expected = new ArrayList<>();
    for (JsonNode doc :
        YAML
            .readerFor(JsonNode.class)
            .readValues(new YAMLFactory().createParser(dir.resolve(name + ".yaml").toFile()))
            .readAll()
            .stream()
            .map(JsonNode.class::cast)
            .toList()) {
      expected.add(normalise(doc));
    }
    List<JsonNode> actual = objects.stream().map(o -> normalise(YAML.valueToTree(o))).toList();
    assertThat(actual.stream().map(JsonNode::toPrettyString).toList())
        .containsExactlyElementsOf(expected.stream().map(JsonNode::toPrettyString).toList());
  }

  /** Go writes zero-valued IntOrString targetPorts as 0; that means "unset". */
  static JsonNode normalise(JsonNode n) {
    if (n.isObject()) {
      ObjectNode o = (ObjectNode) n;
      if (o.has("targetPort") && o.get("targetPort").isInt() && o.get("targetPort").asInt() == 0) {
        o.remove("targetPort");
      }
      o.remove("status");
      o.fields().forEachRemaining(e -> normalise(e.getValue()));
      if (o.has("metadata") && o.get("metadata").isObject()) {
        ((ObjectNode) o.get("metadata")).remove("creationTimestamp");
      }
    } else if (n.isArray()) {
      n.forEach(GoldenPairsTest::normalise);
    }
    return sortKeys(n);
  }

  static JsonNode sortKeys(JsonNode n) {
    return dev.telescope.api.ConfigYaml.sorted(n);
  }
}
