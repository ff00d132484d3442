package dev.telescope.install;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Kustomize {@code replacements} as deploy/ uses them: one source field, targets selected by kind
 * and name, field paths with {@code *}, {@code [key=value]} list selectors, {@code [a.b]} map keys
 * and list indexes, and the {@code delimiter}/{@code index} options. A path that leads nowhere
 * fails, as in kustomize without {@code create}.
 */
final class Replacements {
  private static final Set<String> SELECT_KEYS = Set.of("kind", "name", "namespace");

  private Replacements() {}

  static void apply(JsonNode replacement, List<ObjectNode> objects, String where) {
    JsonNode source = replacement.path("source");
    List<ObjectNode> sources = selected(source, objects);
    if (sources.size() != 1) {
      throw new AssertionError(where + ": replacement source matches " + sources.size());
    }
    List<JsonNode> values = resolve(sources.get(0), source.path("fieldPath").asText(), where);
    if (values.size() != 1 || !values.get(0).isValueNode()) {
      throw new AssertionError(where + ": replacement source is not one value: " + source);
    }
    String value = values.get(0).asText();
    for (JsonNode target : replacement.path("targets")) {
      List<ObjectNode> selected = selected(target.path("select"), objects);
      if (selected.isEmpty()) {
        throw new AssertionError(where + ": replacement target selects nothing: " + target);
      }
      for (ObjectNode o : selected) {
        for (JsonNode fieldPath : target.path("fieldPaths")) {
          set(o, fieldPath.asText(), value, target.path("options"), where);
        }
      }
    }
  }

  private static List<ObjectNode> selected(JsonNode select, List<ObjectNode> objects) {
    List<ObjectNode> out = new ArrayList<>();
    for (ObjectNode o : objects) {
      boolean match = true;
      for (var e : select.properties()) {
        if (!SELECT_KEYS.contains(e.getKey())) {
          continue;
        }
        JsonNode actual =
            e.getKey().equals("kind") ? o.path("kind") : o.path("metadata").path(e.getKey());
        match &= e.getValue().asText().equals(actual.asText());
      }
      if (match) {
        out.add(o);
      }
    }
    return out;
  }

  /** Splits {@code a.b.[k=v.w].c} at dots outside brackets. */
  static List<String> segments(String path) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    int depth = 0;
    for (char c : path.toCharArray()) {
      if (c == '[') {
        depth++;
      } else if (c == ']') {
        depth--;
      }
      if (c == '.' && depth == 0) {
        out.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    out.add(cur.toString());
    return out;
  }

  /** The parents of the last segment, with that segment, for every match of the path. */
  private record Slot(JsonNode parent, String segment) {}

  private static List<Slot> slots(JsonNode root, String path, String where) {
    List<String> segs = segments(path);
    List<JsonNode> current = List.of(root);
    for (int i = 0; i < segs.size() - 1; i++) {
      List<JsonNode> next = new ArrayList<>();
      for (JsonNode n : current) {
        next.addAll(step(n, segs.get(i)));
      }
      if (next.isEmpty()) {
        throw new AssertionError(where + ": " + path + " not found at " + segs.get(i));
      }
      current = next;
    }
    String last = segs.get(segs.size() - 1);
    List<Slot> out = new ArrayList<>();
    current.forEach(n -> out.add(new Slot(n, last)));
    return out;
  }

  private static List<JsonNode> step(JsonNode n, String seg) {
    List<JsonNode> out = new ArrayList<>();
    if (seg.equals("*") && n.isArray()) {
      n.forEach(out::add);
    } else if (seg.startsWith("[") && seg.endsWith("]") && seg.contains("=") && n.isArray()) {
      String kv = seg.substring(1, seg.length() - 1);
      String key = kv.substring(0, kv.indexOf('='));
      String value = kv.substring(kv.indexOf('=') + 1);
      n.forEach(
          e -> {
            if (value.equals(e.path(key).asText(null))) {
              out.add(e);
            }
          });
    } else if (n.isArray() && seg.matches("\\d+")) {
      if (n.has(Integer.parseInt(seg))) {
        out.add(n.get(Integer.parseInt(seg)));
      }
    } else if (n.isObject()) {
      String key = seg.startsWith("[") ? seg.substring(1, seg.length() - 1) : seg;
      if (n.has(key)) {
        out.add(n.get(key));
      }
    }
    return out;
  }

  private static List<JsonNode> resolve(JsonNode root, String path, String where) {
    List<JsonNode> out = new ArrayList<>();
    for (Slot s : slots(root, path, where)) {
      out.addAll(step(s.parent(), s.segment()));
    }
    return out;
  }

  private static void set(
      ObjectNode root, String path, String value, JsonNode options, String where) {
    List<Slot> slots = slots(root, path, where);
    for (Slot s : slots) {
      List<JsonNode> existing = step(s.parent(), s.segment());
      if (existing.isEmpty()) {
        throw new AssertionError(where + ": " + path + " not found in " + InstallFiles.id(root));
      }
      String replaced = value;
      if (options.has("delimiter")) {
        String delimiter = options.get("delimiter").asText();
        String[] parts =
            existing.get(0).asText().split(java.util.regex.Pattern.quote(delimiter), -1);
        parts[options.path("index").asInt(0)] = value;
        replaced = String.join(delimiter, parts);
      }
      String seg = s.segment();
      if (s.parent() instanceof ArrayNode array) {
        array.set(Integer.parseInt(seg), TextNode.valueOf(replaced));
      } else {
        ((ObjectNode) s.parent())
            .put(seg.startsWith("[") ? seg.substring(1, seg.length() - 1) : seg, replaced);
      }
    }
  }
}
