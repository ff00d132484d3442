package dev.telescope.install;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/** Where the install files live and how to read them, shared by the install tests. */
final class InstallFiles {
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  static final ObjectMapper JSON = new ObjectMapper();

  static final String NAMESPACE = "telescope-system";
  static final String IMAGE = "ghcr.io/telescope-dev/telescope:0.1.0";
  static final String CRD_NAME = "opentelemetrycollectors.opentelemetry.io";
  static final String CRD_FILE = CRD_NAME + ".yaml";
  static final String CERT_DIR = "/tmp/k8s-webhook-server/serving-certs";

  private InstallFiles() {}

  /** The repository root (surefire runs tests in the project directory). */
  static Path root() {
    return Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize();
  }

  static Path deploy() {
    return root().resolve("deploy");
  }

  static Path bundle() {
    return root().resolve("operator/bundle");
  }

  static Path examples() {
    return root().resolve("examples");
  }

  /** Every YAML document in a file, as objects; empty documents (a leading ---) are skipped. */
  static List<ObjectNode> readObjects(Path file) {
    List<ObjectNode> out = new ArrayList<>();
    for (JsonNode doc : readDocuments(file)) {
      if (doc == null || doc.isNull() || doc.isMissingNode()) {
        continue;
      }
      if (!doc.isObject()) {
        throw new AssertionError(file + ": a document is not a YAML mapping: " + doc);
      }
      out.add((ObjectNode) doc);
    }
    return out;
  }

  private static final Map<Path, List<JsonNode>> PARSED = new ConcurrentHashMap<>();

  /** Every YAML document in a file, whatever its shape (parsed once; callers get copies). */
  static List<JsonNode> readDocuments(Path file) {
    List<JsonNode> parsed =
        PARSED.computeIfAbsent(file.toAbsolutePath().normalize(), InstallFiles::parse);
    List<JsonNode> copies = new ArrayList<>();
    parsed.forEach(d -> copies.add(d == null ? null : d.deepCopy()));
    return copies;
  }

  private static List<JsonNode> parse(Path file) {
    try (JsonParser parser = YAML.getFactory().createParser(file.toFile());
        MappingIterator<JsonNode> it = YAML.readValues(parser, JsonNode.class)) {
      List<JsonNode> docs = new ArrayList<>();
      while (it.hasNextValue()) {
        docs.add(it.nextValue());
      }
      return docs;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot parse " + file, e);
    }
  }

  static ObjectNode readObject(Path file) {
    List<ObjectNode> docs = readObjects(file);
    if (docs.size() != 1) {
      throw new AssertionError(file + ": expected one document, found " + docs.size());
    }
    return docs.get(0);
  }

  /** All *.yaml and *.yml files below a directory, sorted. */
  static List<Path> yamlFiles(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile)
          .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String text(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A short id for messages: kind/namespace/name. */
  static String id(JsonNode obj) {
    String ns = obj.path("metadata").path("namespace").asText("");
    return obj.path("kind").asText()
        + "/"
        + (ns.isEmpty() ? "" : ns + "/")
        + obj.path("metadata").path("name").asText();
  }
}
