package dev.telescope.manifests.targetallocator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Free-form configuration as the allocator's YAML writer takes it: sorted maps, lists, scalars. */
final class GoValues {
  private static final ObjectMapper JSON = new ObjectMapper();

  private GoValues() {}

  /** A sorted-map copy of a free-form object; null stays null. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> of(Object o) {
    if (o == null) {
      return null;
    }
    JsonNode n = o instanceof JsonNode j ? j : JSON.valueToTree(o);
    Object v = value(n);
    return v instanceof Map<?, ?> ? (Map<String, Object>) v : null;
  }

  static Object value(JsonNode n) {
    if (n == null || n.isNull() || n.isMissingNode()) {
      return null;
    }
    if (n.isObject()) {
      Map<String, Object> m = new TreeMap<>();
      n.properties().forEach(e -> m.put(e.getKey(), value(e.getValue())));
      return m;
    }
    if (n.isArray()) {
      List<Object> l = new ArrayList<>();
      n.forEach(x -> l.add(value(x)));
      return l;
    }
    if (n.isBoolean()) {
      return n.booleanValue();
    }
    if (n.isNumber()) {
      return n.numberValue();
    }
    return n.asText();
  }

  /**
   * The collector expands {@code $VAR} and reads {@code $$} as a literal dollar; the allocator does
   * no expansion, so scrape configs moved to it get single dollars back.
   */
  @SuppressWarnings("unchecked")
  static <T> T unescapeDollars(T v) {
    if (v instanceof String s) {
      return (T) s.replace("$$", "$");
    }
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> out = new TreeMap<>();
      m.forEach((k, x) -> out.put(String.valueOf(k), unescapeDollars(x)));
      return (T) out;
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      l.forEach(x -> out.add(unescapeDollars(x)));
      return (T) out;
    }
    return v;
  }
}
