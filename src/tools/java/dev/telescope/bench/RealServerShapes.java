package dev.telescope.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Makes the mock API server's objects as big as a real one's: what a v1.28 kube-apiserver adds to
 * an object we create (its defaults, the controllers' status, {@code metadata.managedFields}, 40–50
 * % of the JSON), taken from the objects such a server returned in a real run
 * ({@code src/test/resources/real-apiserver-v1.28}). Only fields the object lacks are added, so
 * everything the operator wrote reads back unchanged, as on a real server.
 */
final class RealServerShapes {
  static final List<Path> FIXTURE_DIRS =
      List.of(
          Path.of("src/test/resources/real-apiserver-v1.28"),
          Path.of("/work/shared/fixtures/real-apiserver-v1.28"));

  /** Maps whose keys are data, not schema: a server never defaults into them. */
  private static final Set<String> OPAQUE =
      Set.of(
          "metadata",
          "labels",
          "annotations",
          "selector",
          "matchLabels",
          "podSelector",
          "nodeSelector",
          "data",
          "binaryData",
          "config",
          "limits",
          "requests",
          "args",
          "command",
          "subjects",
          "roleRef");

  private static final ObjectMapper JSON = new ObjectMapper();
  private final Map<String, ObjectNode> byKind = new HashMap<>();
  private final Map<String, java.util.concurrent.atomic.LongAdder[]> sizes =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final boolean enabled;

  private RealServerShapes(boolean enabled) {
    this.enabled = enabled;
  }

  /** Loads the fixtures; with {@code enabled=false} objects are stored as sent (the old mock). */
  static RealServerShapes load(boolean enabled) {
    RealServerShapes s = new RealServerShapes(enabled);
    if (!enabled) {
      return s;
    }
    Path dir =
        FIXTURE_DIRS.stream()
            .filter(Files::isDirectory)
            .findFirst()
            .orElseThrow(
                () -> new IllegalStateException("no real API server fixtures in " + FIXTURE_DIRS));
    try (var files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".json")).toList()) {
        ObjectNode o = (ObjectNode) JSON.readTree(f.toFile());
        String name = f.getFileName().toString().replace(".json", "");
        String kind = o.path("kind").asText();
        String key =
            switch (name) {
              case "service-headless", "service-monitoring", "service-extension" -> name;
              case "opentelemetrycollector-sidecar" -> null;
              default -> kind;
            };
        if (key != null) {
          s.byKind.put(key, o);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return s;
  }

  /** The body to store for a create or update, with what a real server would add. */
  String enrich(String body) {
    if (!enabled || body == null || body.isEmpty()) {
      return body;
    }
    JsonNode parsed;
    try {
      parsed = JSON.readTree(body);
    } catch (IOException e) {
      return body; // let the mock answer the bad request
    }
    if (!(parsed instanceof ObjectNode obj)) {
      return body;
    }
    ObjectNode fixture = byKind.get(fixtureKey(obj));
    if (fixture == null) {
      return body;
    }
    ObjectNode meta = obj.with("metadata");
    JsonNode managed = meta.path("managedFields");
    if (!managed.isArray() || managed.isEmpty()) {
      meta.set("managedFields", fixture.path("metadata").path("managedFields").deepCopy());
    }
    if (!"OpenTelemetryCollector".equals(obj.path("kind").asText())) {
      // A collector's spec and status are ours (the webhook defaults it, we write its status).
      for (String part : List.of("spec", "status", "rules")) {
        JsonNode from = fixture.get(part);
        if (from != null) {
          JsonNode to = obj.get(part);
          if (to == null || to.isNull()) {
            obj.set(part, from.deepCopy());
          } else {
            fill(to, from);
          }
        }
      }
    }
    String out = obj.toString();
    var sum =
        sizes.computeIfAbsent(
            obj.path("kind").asText(),
            k ->
                new java.util.concurrent.atomic.LongAdder[] {
                  new java.util.concurrent.atomic.LongAdder(),
                  new java.util.concurrent.atomic.LongAdder(),
                  new java.util.concurrent.atomic.LongAdder()
                });
    sum[0].increment();
    sum[1].add(out.length());
    sum[2].add(obj.path("metadata").path("managedFields").toString().length());
    return out;
  }

  /** Per kind: {@code <kind> <objects stored> <mean JSON bytes> <mean managedFields bytes>}. */
  String sizes() {
    StringBuilder b = new StringBuilder();
    new java.util.TreeMap<>(sizes)
        .forEach(
            (k, v) -> {
              long n = Math.max(1, v[0].sum());
              b.append(k)
                  .append(' ')
                  .append(v[0].sum())
                  .append(' ')
                  .append(v[1].sum() / n)
                  .append(' ')
                  .append(v[2].sum() / n)
                  .append('\n');
            });
    return b.toString();
  }

  private static String fixtureKey(ObjectNode obj) {
    String kind = obj.path("kind").asText();
    if (kind.equals("Service")) {
      String name = obj.path("metadata").path("name").asText();
      for (String suffix : List.of("headless", "monitoring", "extension")) {
        if (name.endsWith("-" + suffix)) {
          return "service-" + suffix;
        }
      }
    }
    return kind;
  }

  /** Adds what {@code from} has and {@code to} lacks: objects by key, lists by name or index. */
  static void fill(JsonNode to, JsonNode from) {
    if (to instanceof ObjectNode t && from.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> it = from.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        JsonNode mine = t.get(e.getKey());
        if (mine == null) {
          t.set(e.getKey(), e.getValue().deepCopy());
        } else if (!OPAQUE.contains(e.getKey())) {
          fill(mine, e.getValue());
        }
      }
    } else if (to instanceof ArrayNode t && from instanceof ArrayNode f) {
      for (int i = 0; i < t.size(); i++) {
        JsonNode mine = t.get(i);
        if (!mine.isObject()) {
          return;
        }
        JsonNode match = null;
        String name = mine.path("name").asText(null);
        for (JsonNode candidate : f) {
          if (name != null && name.equals(candidate.path("name").asText(null))) {
            match = candidate;
          }
        }
        if (match == null && name == null && t.size() == f.size()) {
          match = f.get(i);
        }
        if (match != null) {
          fill(mine, match);
        }
      }
    }
  }
}
