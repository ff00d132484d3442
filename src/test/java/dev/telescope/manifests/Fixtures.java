package dev.telescope.manifests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.telescope.TestYaml;
import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import dev.telescope.api.v1beta1.OpenTelemetryCollectorSpec;
import dev.telescope.config.Defaults;
import dev.telescope.settings.Capabilities;
import dev.telescope.settings.OperatorConfig;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** Collectors built in Java for builder tests, and chainsaw-style subset matching of fixtures. */
final class Fixtures {
  static final String NAME = "otel";
  static final String NS = "observability";

  /** otlp grpc+http into debug: the smallest config upstream's e2e tests use. */
  static final String OTLP =
      """
      receivers:
        otlp:
          protocols:
            grpc: {}
            http: {}
      exporters:
        debug: {}
      service:
        pipelines:
          traces:
            receivers: [otlp]
            exporters: [debug]
      """;

  private static final ObjectMapper YAML = new YAMLMapper();

  private Fixtures() {}

  /** A collector {@code otel} in {@code observability} with the OTLP config and nothing else. */
  static OpenTelemetryCollector cr() {
    return cr(OTLP);
  }

  /** A collector {@code otel} in {@code observability} with the given config. */
  static OpenTelemetryCollector cr(String configYaml) {
    OpenTelemetryCollector cr = new OpenTelemetryCollector();
    ObjectMeta meta = new ObjectMeta();
    meta.setName(NAME);
    meta.setNamespace(NS);
    cr.setMetadata(meta);
    OpenTelemetryCollectorSpec spec = new OpenTelemetryCollectorSpec();
    spec.config = TestYaml.config(configYaml);
    cr.setSpec(spec);
    return cr;
  }

  /** The operator settings of upstream's unit tests: default image {@code default-collector}. */
  static OperatorConfig cfg() {
    return cfg(List.of(), Map.of());
  }

  static OperatorConfig cfg(List<String> flags, Map<String, String> env) {
    List<String> all = new ArrayList<>();
    all.add("--collector-image=default-collector");
    all.addAll(flags);
    return OperatorConfig.parse(all, env);
  }

  /** Default settings with every optional capability on (RBAC, Routes, Prometheus CRDs). */
  static OperatorConfig allCapabilities() {
    return cfg().withCapabilities(new Capabilities(true, true, true, true));
  }

  static CollectorContext ctx(OpenTelemetryCollector cr) {
    return CollectorContext.of(cr, cfg());
  }

  static CollectorContext ctx(OpenTelemetryCollector cr, OperatorConfig cfg) {
    return CollectorContext.of(cr, cfg);
  }

  /** The CR the webhook would store: defaults applied. */
  static OpenTelemetryCollector defaulted(OpenTelemetryCollector cr, OperatorConfig cfg) {
    return Defaults.apply(cr, cfg).collector();
  }

  /** A v1beta1 CR read from a YAML file (upstream fixtures). */
  static OpenTelemetryCollector crFromFile(Path file) {
    return TestYaml.collector(TestYaml.read(file));
  }

  /** The upstream conformance corpus. */
  static Path upstream() {
    return TestYaml.shared().resolve("conformance/upstream");
  }

  /** Every YAML document of a file, as trees. */
  static List<JsonNode> documents(Path file) {
    try {
      List<JsonNode> out = new ArrayList<>();
      for (Object doc :
          YAML.readerFor(JsonNode.class)
              .readValues(new YAMLFactory().createParser(file.toFile()))
              .readAll()) {
        if (doc != null && !((JsonNode) doc).isNull() && !((JsonNode) doc).isMissingNode()) {
          out.add((JsonNode) doc);
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The document of a kind and name in a fixture file. */
  static JsonNode document(Path file, String kind, String name) {
    return documents(file).stream()
        .filter(d -> kind.equals(d.path("kind").asText()))
        .filter(d -> name.equals(d.path("metadata").path("name").asText()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in " + file));
  }

  /** An object as the JSON tree the API server would receive. */
  static JsonNode tree(Object o) {
    return Serialization.jsonMapper().valueToTree(o);
  }

  /** The object of a kind and name among rendered ones. */
  static HasMetadata find(List<HasMetadata> objects, String kind, String name) {
    return objects.stream()
        .filter(o -> kind.equals(o.getKind()) && name.equals(o.getMetadata().getName()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " " + name + " rendered"));
  }

  /**
   * Chainsaw's assertion semantics: every key of an expected map must be present with a matching
   * value (extra keys allowed), lists must match in length and order, and keys written in
   * parentheses (JMESPath expressions) are skipped, as are {@code status} and owner references
   * (they come from the API server and the reconciler, not from the builders).
   */
  static void assertSubset(JsonNode expected, JsonNode actual) {
    List<String> errors = new ArrayList<>();
    subset(expected, actual, "", errors);
    if (!errors.isEmpty()) {
      fail(String.join("\n", errors) + "\nactual:\n" + actual.toPrettyString());
    }
  }

  private static void subset(JsonNode exp, JsonNode act, String path, List<String> errors) {
    if (exp.isObject()) {
      if (act == null || !act.isObject()) {
        errors.add(path + ": expected an object, got " + act);
        return;
      }
      Iterator<Map.Entry<String, JsonNode>> it = exp.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        String key = e.getKey();
        if (key.startsWith("(")
            || (path.isEmpty() && key.equals("status"))
            || key.equals("ownerReferences")) {
          continue;
        }
        subset(e.getValue(), act.get(key), path + "." + key, errors);
      }
    } else if (exp.isArray()) {
      if (act == null || !act.isArray() || act.size() != exp.size()) {
        errors.add(path + ": expected a list of " + exp.size() + ", got " + act);
        return;
      }
      for (int i = 0; i < exp.size(); i++) {
        subset(exp.get(i), act.get(i), path + "[" + i + "]", errors);
      }
    } else if (act == null || !exp.asText().equals(act.asText())) {
      errors.add(path + ": expected " + exp + ", got " + act);
    }
  }

  /** A workload's selector must select its own pods. */
  static void assertSelectsOwnPods(Map<String, String> selector, Map<String, String> podLabels) {
    assertThat(podLabels).containsAllEntriesOf(selector);
    assertThat(selector).doesNotContainKeys(Labels.VERSION, Labels.NAME);
  }
}
