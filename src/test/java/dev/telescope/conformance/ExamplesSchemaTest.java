package dev.telescope.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.telescope.api.Hub;
import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import dev.telescope.config.Defaults;
import dev.telescope.config.Validation;
import dev.telescope.manifests.CollectorContext;
import dev.telescope.manifests.CollectorManifests;
import dev.telescope.settings.Capabilities;
import dev.telescope.settings.OperatorConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every collector in {@code examples/} is accepted by our CRD schema (pruning, defaults, CEL
 * rules), passes the admission webhook's validation and renders without problems.
 */
class ExamplesSchemaTest {
  static final YAMLMapper YAML = new YAMLMapper();

  static List<ObjectNode> collectors() throws IOException {
    return examples("OpenTelemetryCollector");
  }

  static List<ObjectNode> examples(String kind) throws IOException {
    List<ObjectNode> out = new ArrayList<>();
    try (Stream<Path> files = Files.walk(Path.of("examples"))) {
      for (Path p : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        for (Object o :
            YAML.readerFor(JsonNode.class)
                .readValues(new YAMLFactory().createParser(p.toFile()))
                .readAll()) {
          JsonNode n = (JsonNode) o;
          if (n != null
              && n.path("apiVersion").asText().startsWith("opentelemetry.io/")
              && kind.equals(n.path("kind").asText())) {
            out.add((ObjectNode) n);
          }
        }
      }
    }
    return out;
  }

  @TestFactory
  Stream<DynamicTest> everyExampleIsAcceptedAndRenders() throws IOException {
    CrdSchema schema = CrdSchema.load();
    OperatorConfig cfg =
        OperatorConfig.parse(List.of(), Map.of())
            .withCapabilities(new Capabilities(true, true, true, true));
    List<ObjectNode> collectors = collectors();
    assertThat(collectors).hasSizeGreaterThanOrEqualTo(10);
    return collectors.stream()
        .map(
            doc ->
                DynamicTest.dynamicTest(
                    doc.path("metadata").path("name").asText(),
                    () -> {
                      ObjectNode copy = doc.deepCopy();
                      String version = copy.path("apiVersion").asText().split("/")[1];
                      schema.pruneAndDefault(copy, version);
                      assertThat(schema.violations(copy, version)).isEmpty();
                      OpenTelemetryCollector cr = Hub.toHub(copy);
                      if (cr.getMetadata().getNamespace() == null) {
                        cr.getMetadata().setNamespace("default");
                      }
                      OpenTelemetryCollector defaulted = Defaults.apply(cr, cfg).collector();
                      assertThat(Validation.validate(defaulted, null, cfg).errors()).isEmpty();
                      var rendered = CollectorManifests.build(CollectorContext.of(defaulted, cfg));
                      assertThat(rendered.problems()).isEmpty();
                      assertThat(rendered.refusedRules()).isEmpty();
                      assertThat(rendered.objects()).isNotEmpty();
                    }));
  }

  @TestFactory
  Stream<DynamicTest> everyInstrumentationExampleIsAcceptedByItsCrd() throws IOException {
    CrdSchema schema = CrdSchema.load(CrdSchema.INSTRUMENTATION);
    List<ObjectNode> instrumentations = examples("Instrumentation");
    assertThat(instrumentations).hasSizeGreaterThanOrEqualTo(7);
    return instrumentations.stream()
        .map(
            doc ->
                DynamicTest.dynamicTest(
                    doc.path("metadata").path("name").asText(),
                    () -> {
                      ObjectNode copy = doc.deepCopy();
                      schema.pruneAndDefault(copy, "v1alpha1");
                      // Pruning drops what the schema does not know: nothing may go.
                      assertThat(copy).isEqualTo(doc);
                      assertThat(schema.violations(copy, "v1alpha1")).isEmpty();
                    }));
  }
}
