package dev.telescope.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One chainsaw test as upstream wrote it: read from {@code chainsaw-test.yaml} (a file may hold
 * several tests), or from chainsaw's file convention ({@code NN-name.yaml}: {@code assert*} files
 * assert, {@code error*} files must not match, everything else is applied) when a folder has no
 * test file.
 *
 * @param id the folder relative to the corpus root ({@code #name} appended when a file holds more
 *     than one test); {@code legacy-<commit>} is shortened to {@code legacy}
 * @param dir the folder, for resolving {@code file:} references
 * @param name the test's metadata.name
 * @param suite the upstream suite ({@code e2e}, {@code e2e-sidecar}, ...), which decides the
 *     operator's flags
 * @param namespace the namespace the test sets, or null for a fresh one
 * @param labels the test's labels ({@code sidecar: legacy|native})
 * @param bindings test-level bindings (name to raw value)
 * @param steps the steps, in order
 */
record ChainsawCase(
    String id,
    Path dir,
    String name,
    String suite,
    String namespace,
    Map<String, String> labels,
    List<Binding> bindings,
    List<Step> steps) {

  /** A binding: a literal, or an expression in parentheses. */
  record Binding(String name, JsonNode value) {}

  /** One step: its bindings and its operations ({@code try} only; catch/finally are logs). */
  record Step(String name, List<Binding> bindings, List<Op> ops) {}

  /**
   * One operation: its type (apply, assert, error, update, patch, delete, script, ...) and body.
   */
  record Op(String type, JsonNode body) {
    boolean isCheck() {
      return type.equals("assert")
          || type.equals("error")
          || ((type.equals("apply") || type.equals("update") || type.equals("patch"))
              && body.has("expect"));
    }
  }

  private static final ObjectMapper YAML = new YAMLMapper();
  private static final Pattern CONVENTION = Pattern.compile("^(\\d\\d)-(.*)\\.ya?ml$");

  /** Every case under {@code start}, in path order, with ids relative to the corpus root. */
  static List<ChainsawCase> discover(Path root, Path start) {
    List<ChainsawCase> out = new ArrayList<>();
    try (Stream<Path> dirs = Files.walk(start)) {
      for (Path dir : dirs.filter(Files::isDirectory).sorted().toList()) {
        Path test = dir.resolve("chainsaw-test.yaml");
        if (Files.exists(test)) {
          out.addAll(read(root, dir, test));
        } else {
          ChainsawCase c = convention(root, dir);
          if (c != null) {
            out.add(c);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  static String relative(Path root, Path dir) {
    return root.relativize(dir)
        .toString()
        .replace('\\', '/')
        .replaceFirst("^legacy-[0-9a-f]+", "legacy");
  }

  static String suiteOf(String id) {
    Matcher m = Pattern.compile("tests/([^/]+)/").matcher(id);
    return m.find() ? m.group(1) : "";
  }

  private static List<ChainsawCase> read(Path root, Path dir, Path file) throws IOException {
    List<JsonNode> docs = documents(file);
    List<ChainsawCase> out = new ArrayList<>();
    String rel = relative(root, dir);
    for (JsonNode doc : docs) {
      String name = doc.at("/metadata/name").asText(dir.getFileName().toString());
      Map<String, String> labels = new TreeMap<>();
      doc.at("/metadata/labels")
          .properties()
          .forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
      JsonNode spec = doc.path("spec");
      List<Step> steps = new ArrayList<>();
      int i = 0;
      for (JsonNode s : spec.path("steps")) {
        List<Op> ops = new ArrayList<>();
        for (JsonNode op : s.path("try")) {
          ops.add(op(op));
        }
        if (s.has("use")) {
          ops.add(new Op("use", s.get("use")));
        }
        steps.add(new Step(s.path("name").asText("step-" + i), bindings(s.path("bindings")), ops));
        i++;
      }
      String id = docs.size() > 1 ? rel + "#" + name : rel;
      out.add(
          new ChainsawCase(
              id,
              dir,
              name,
              suiteOf(rel + "/"),
              spec.hasNonNull("namespace") ? spec.get("namespace").asText() : null,
              labels,
              bindings(spec.path("bindings")),
              steps));
    }
    return out;
  }

  private static Op op(JsonNode op) {
    var it = op.fieldNames();
    while (it.hasNext()) {
      String type = it.next();
      if (!DESCRIPTIVE.contains(type)) {
        return new Op(type, op.get(type));
      }
    }
    return new Op("unknown", op);
  }

  /** Keys of an operation that describe it rather than being its type. */
  private static final Set<String> DESCRIPTIVE =
      Set.of("description", "timeout", "bindings", "outputs", "continueOnError");

  static List<Binding> bindings(JsonNode list) {
    List<Binding> out = new ArrayList<>();
    for (JsonNode b : list) {
      out.add(
          new Binding(
              b.path("name").asText(), b.has("value") ? b.get("value") : NullNode.instance));
    }
    return out;
  }

  private static ChainsawCase convention(Path root, Path dir) throws IOException {
    Map<String, List<Path>> byStep = new TreeMap<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.sorted().toList()) {
        Matcher m = CONVENTION.matcher(f.getFileName().toString());
        if (m.matches()) {
          byStep.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(f);
        }
      }
    }
    if (byStep.isEmpty()) {
      return null;
    }
    List<Step> steps = new ArrayList<>();
    for (Map.Entry<String, List<Path>> e : byStep.entrySet()) {
      List<Op> applies = new ArrayList<>();
      List<Op> asserts = new ArrayList<>();
      List<Op> errors = new ArrayList<>();
      for (Path f : e.getValue()) {
        Matcher m = CONVENTION.matcher(f.getFileName().toString());
        m.matches();
        String rest = m.group(2);
        ObjectNode body = YAML.createObjectNode().put("file", f.getFileName().toString());
        if (rest.equals("assert") || rest.startsWith("assert-")) {
          asserts.add(new Op("assert", body));
        } else if (rest.startsWith("error")) {
          errors.add(new Op("error", body));
        } else {
          applies.add(new Op("apply", body));
        }
      }
      List<Op> ops = new ArrayList<>(applies);
      ops.addAll(asserts);
      ops.addAll(errors);
      steps.add(new Step(e.getKey(), List.of(), ops));
    }
    String rel = relative(root, dir);
    return new ChainsawCase(
        rel,
        dir,
        dir.getFileName().toString(),
        suiteOf(rel + "/"),
        null,
        Map.of(),
        List.of(),
        steps);
  }

  /** The non-empty documents of a (multi-document) YAML file. */
  static List<JsonNode> documents(Path file) {
    try {
      List<JsonNode> out = new ArrayList<>();
      for (Object o :
          YAML.readerFor(JsonNode.class)
              .readValues(new YAMLFactory().createParser(file.toFile()))
              .readAll()) {
        JsonNode n = (JsonNode) o;
        if (n != null && !n.isNull() && !n.isMissingNode() && n.size() > 0) {
          out.add(n);
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": " + e.getMessage(), e);
    }
  }

  /** A mutable map of raw binding values, as the runner builds it up. */
  static Map<String, JsonNode> newBindings() {
    return new LinkedHashMap<>();
  }
}
