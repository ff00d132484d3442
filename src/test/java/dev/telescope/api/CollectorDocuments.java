package dev.telescope.api;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Every OpenTelemetryCollector document of the upstream conformance corpus and the seed CR, so that
 * model and conversion tests run against what real users write.
 */
final class CollectorDocuments {
  static final String CORPUS_PROPERTY = "telescope.conformance";
  static final Path DEFAULT_CORPUS = Path.of("/work/shared/conformance/upstream");
  static final String SEED_RESOURCE = "/seed/otel-sidecar.yaml";

  private static final YAMLMapper YAML = new YAMLMapper();

  /** One collector document and where it came from. */
  record Doc(String source, ObjectNode node) {
    String apiVersion() {
      JsonNode v = node.get("apiVersion");
      return v == null || v.isNull() ? "opentelemetry.io/v1beta1" : v.asText();
    }

    boolean isAlpha() {
      return apiVersion().equals("opentelemetry.io/v1alpha1");
    }

    @Override
    public String toString() {
      return source;
    }
  }

  /** What the corpus walk found, including what it had to leave out. */
  record Corpus(List<Doc> docs, List<String> skipped, int strippedStatusKeys) {}

  private CollectorDocuments() {}

  static Path corpusDir() {
    return Path.of(System.getProperty(CORPUS_PROPERTY, DEFAULT_CORPUS.toString()));
  }

  /** The seed's v1alpha1 sidecar CR. */
  static Doc seed() {
    try (InputStream in = CollectorDocuments.class.getResourceAsStream(SEED_RESOURCE)) {
      return new Doc("seed" + SEED_RESOURCE, (ObjectNode) YAML.readTree(in));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Walks the corpus. Documents whose spec uses chainsaw JMESPath keys such as {@code (foo)} are
   * skipped; JMESPath keys under status (assertions, not data) are removed and counted.
   */
  static Corpus corpus() {
    Path dir = corpusDir();
    assumeTrue(
        Files.isDirectory(dir),
        "conformance corpus not found at " + dir + " (set -D" + CORPUS_PROPERTY + "=...)");
    synchronized (CollectorDocuments.class) {
      if (cached == null) {
        cached = load(dir);
      }
      return cached;
    }
  }

  /** Read once per test JVM; callers must not modify the documents (copy them first). */
  private static Corpus cached;

  private static Corpus load(Path dir) {
    List<Doc> docs = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    int[] stripped = {0};
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.filter(CollectorDocuments::isYaml).sorted().toList()) {
        boolean inputWithoutKind =
            file.getFileName().toString().endsWith(".input.yaml")
                && file.toString().contains("internal/controllers/testdata");
        int index = 0;
        for (JsonNode doc : readAll(file)) {
          String source = dir.relativize(file) + "#" + index++;
          if (!(doc instanceof ObjectNode object)) {
            continue;
          }
          boolean collector =
              "OpenTelemetryCollector".equals(object.path("kind").asText())
                  || (inputWithoutKind && !object.has("kind"));
          if (!collector) {
            continue;
          }
          if (hasJmesPathKey(object.get("spec"))) {
            skipped.add(source);
            continue;
          }
          stripped[0] += stripJmesPathKeys(object.get("status"));
          docs.add(new Doc(source, object));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Corpus(docs, skipped, stripped[0]);
  }

  /** Corpus documents plus the seed CR. */
  static List<Doc> all() {
    List<Doc> all = new ArrayList<>(corpus().docs());
    all.add(seed());
    return all;
  }

  private static boolean isYaml(Path p) {
    String name = p.getFileName().toString();
    return Files.isRegularFile(p) && (name.endsWith(".yaml") || name.endsWith(".yml"));
  }

  private static List<JsonNode> readAll(Path file) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
      while (it.hasNextValue()) {
        JsonNode n = it.nextValue();
        if (n != null) {
          out.add(n);
        }
      }
    }
    return out;
  }

  static boolean isJmesPathKey(String key) {
    return key.startsWith("(") && key.endsWith(")");
  }

  static boolean hasJmesPathKey(JsonNode node) {
    if (node == null) {
      return false;
    }
    if (node.isObject()) {
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        if (isJmesPathKey(e.getKey()) || hasJmesPathKey(e.getValue())) {
          return true;
        }
      }
    } else if (node.isArray()) {
      for (JsonNode child : node) {
        if (hasJmesPathKey(child)) {
          return true;
        }
      }
    }
    return false;
  }

  private static int stripJmesPathKeys(JsonNode node) {
    int count = 0;
    if (node instanceof ObjectNode object) {
      for (Iterator<Map.Entry<String, JsonNode>> it = object.properties().iterator();
          it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (isJmesPathKey(e.getKey())) {
          it.remove();
          count++;
        } else {
          count += stripJmesPathKeys(e.getValue());
        }
      }
    } else if (node != null && node.isArray()) {
      for (JsonNode child : node) {
        count += stripJmesPathKeys(child);
      }
    }
    return count;
  }
}
