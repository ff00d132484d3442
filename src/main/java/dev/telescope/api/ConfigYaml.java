package dev.telescope.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telescope.api.v1beta1.Config;
import dev.telescope.api.v1beta1.Pipeline;
import dev.telescope.api.v1beta1.ServiceConfig;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Writes a collector config as YAML text the way upstream does (struct order at the top levels,
 * sorted keys inside components, two-space indent with indented sequences, nulls kept). The same
 * text appears in the collector ConfigMap and in a v1alpha1 view of a v1beta1 CR, and upstream's
 * tests compare it byte for byte.
 */
public final class ConfigYaml {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Pattern PLAIN_NUMBER =
      Pattern.compile("^[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?$");
  private static final Pattern SPECIAL_WORD =
      Pattern.compile(
          "^(~|null|Null|NULL|true|True|TRUE|false|False|FALSE|y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON"
              + "|off|Off|OFF|\\.inf|\\.Inf|\\.INF|-\\.inf|-\\.Inf|-\\.INF|\\.nan|\\.NaN|\\.NAN)$");

  private ConfigYaml() {}

  /** The config as an ordered JSON tree: struct order where upstream has structs. */
  public static ObjectNode toTree(Config config) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    if (config == null) {
      return root;
    }
    putComponent(root, "receivers", config.receivers, true);
    putComponent(root, "exporters", config.exporters, true);
    putComponent(root, "processors", config.processors, false);
    putComponent(root, "connectors", config.connectors, false);
    putComponent(root, "extensions", config.extensions, false);
    ObjectNode service = root.putObject("service");
    ServiceConfig s = config.service;
    if (s != null) {
      if (s.extensions != null && !s.extensions.isEmpty()) {
        service.set("extensions", MAPPER.valueToTree(s.extensions));
      }
      if (s.telemetry != null && !s.telemetry.isNull()) {
        service.set("telemetry", sorted(s.telemetry));
      }
    }
    ObjectNode pipelines = service.putObject("pipelines");
    if (s != null && s.pipelines != null) {
      List<String> ids = new ArrayList<>(s.pipelines.keySet());
      Collections.sort(ids);
      for (String id : ids) {
        Pipeline p = s.pipelines.get(id);
        if (p == null) {
          pipelines.putNull(id);
          continue;
        }
        ObjectNode pn = pipelines.putObject(id);
        list(pn, "exporters", p.exporters, true);
        list(pn, "processors", p.processors, false);
        list(pn, "receivers", p.receivers, true);
      }
    }
    return root;
  }

  private static void putComponent(ObjectNode root, String key, JsonNode value, boolean required) {
    if (value == null || value.isNull()) {
      if (required) {
        root.putObject(key);
      }
      return;
    }
    root.set(key, sorted(value));
  }

  private static void list(ObjectNode parent, String key, List<String> values, boolean required) {
    if (values == null || values.isEmpty()) {
      if (required) {
        parent.putArray(key);
      }
      return;
    }
    parent.set(key, MAPPER.valueToTree(values));
  }

  /** A copy of a free-form tree with every object's keys sorted, as Go's maps marshal. */
  public static JsonNode sorted(JsonNode node) {
    if (node.isObject()) {
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      List<String> names = new ArrayList<>();
      node.fieldNames().forEachRemaining(names::add);
      Collections.sort(names);
      for (String n : names) {
        out.set(n, sorted(node.get(n)));
      }
      return out;
    }
    if (node.isArray()) {
      var out = JsonNodeFactory.instance.arrayNode();
      node.forEach(e -> out.add(sorted(e)));
      return out;
    }
    return node;
  }

  /** The config as YAML text. */
  public static String render(Config config) {
    return write(toTree(config));
  }

  /** Writes an ordered tree as YAML in upstream's layout. */
  public static String write(JsonNode tree) {
    return write(tree, 2);
  }

  /**
   * Writes an ordered tree as YAML with {@code indent} spaces per nesting level (sequences indented
   * under their key, {@code "- "} before an item's content). Upstream writes the collector config
   * with 2; the target-allocator rewrite of it goes through a YAML library that uses 4.
   */
  public static String write(JsonNode tree, int indent) {
    StringBuilder out = new StringBuilder();
    if (tree.isObject() && tree.size() > 0) {
      writeMap(out, tree, 0, indent);
    } else {
      out.append(scalarOrFlow(tree)).append('\n');
    }
    return out.toString();
  }

  private static void writeMap(StringBuilder out, JsonNode map, int indent, int step) {
    Iterator<Map.Entry<String, JsonNode>> it = map.fields();
    boolean first = true;
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!first) {
        pad(out, indent);
      }
      first = false;
      out.append(key(e.getKey())).append(':');
      writeValueAfterKey(out, e.getValue(), indent, step);
    }
  }

  private static void writeValueAfterKey(StringBuilder out, JsonNode v, int indent, int step) {
    if (v.isObject() && v.size() > 0) {
      out.append('\n');
      pad(out, indent + step);
      writeMap(out, v, indent + step, step);
    } else if (v.isArray() && v.size() > 0) {
      out.append('\n');
      pad(out, indent + step);
      writeList(out, v, indent + step, step);
    } else if (v.isTextual() && v.asText().contains("\n")) {
      block(out, v.asText(), indent + step);
    } else {
      out.append(' ').append(scalarOrFlow(v)).append('\n');
    }
  }

  private static void writeList(StringBuilder out, JsonNode list, int indent, int step) {
    boolean first = true;
    for (JsonNode item : list) {
      if (!first) {
        pad(out, indent);
      }
      first = false;
      out.append('-');
      if (item.isObject() && item.size() > 0) {
        out.append(' ');
        writeMap(out, item, indent + 2, step);
      } else if (item.isArray() && item.size() > 0) {
        out.append(' ');
        writeList(out, item, indent + 2, step);
      } else if (item.isTextual() && item.asText().contains("\n")) {
        block(out, item.asText(), indent + step);
      } else {
        out.append(' ').append(scalarOrFlow(item)).append('\n');
      }
    }
  }

  private static void block(StringBuilder out, String text, int indent) {
    boolean trailingNewline = text.endsWith("\n");
    out.append(trailingNewline ? " |\n" : " |-\n");
    String body = trailingNewline ? text.substring(0, text.length() - 1) : text;
    for (String line : body.split("\n", -1)) {
      if (!line.isEmpty()) {
        pad(out, indent);
        out.append(line);
      }
      out.append('\n');
    }
  }

  private static void pad(StringBuilder out, int n) {
    for (int i = 0; i < n; i++) {
      out.append(' ');
    }
  }

  private static String key(String k) {
    return needsQuotes(k) ? quote(k) : k;
  }

  private static String scalarOrFlow(JsonNode v) {
    if (v == null || v.isNull() || v.isMissingNode()) {
      return "null";
    }
    if (v.isObject()) {
      return "{}";
    }
    if (v.isArray()) {
      return "[]";
    }
    if (v.isTextual()) {
      String s = v.asText();
      return needsQuotes(s) ? quote(s) : s;
    }
    if (v.isBoolean()) {
      return v.asBoolean() ? "true" : "false";
    }
    if (v.isIntegralNumber()) {
      return v.bigIntegerValue().toString();
    }
    if (v.isNumber()) {
      double d = v.doubleValue();
      if (Double.isNaN(d)) {
        return ".nan";
      }
      if (Double.isInfinite(d)) {
        return d > 0 ? ".inf" : "-.inf";
      }
      if (d == Math.rint(d) && Math.abs(d) < 1e21) {
        return new BigDecimal(d).toBigInteger().toString();
      }
      return new BigDecimal(Double.toString(d)).stripTrailingZeros().toPlainString();
    }
    return v.asText();
  }

  static boolean needsQuotes(String s) {
    if (s.isEmpty()) {
      return true;
    }
    if (SPECIAL_WORD.matcher(s).matches() || PLAIN_NUMBER.matcher(s).matches()) {
      return true;
    }
    char first = s.charAt(0);
    if ("?:-".indexOf(first) >= 0) {
      if (s.length() == 1 || s.charAt(1) == ' ') {
        return true;
      }
    } else if (",[]{}#&*!|>'\"%@`".indexOf(first) >= 0) {
      return true;
    }
    if (Character.isWhitespace(first) || Character.isWhitespace(s.charAt(s.length() - 1))) {
      return true;
    }
    if (s.contains(": ") || s.contains(" #") || s.endsWith(":")) {
      return true;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        return true;
      }
    }
    return false;
  }

  private static String quote(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\t' -> b.append("\\t");
        case '\r' -> b.append("\\r");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            b.append(String.format("\\x%02X", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }
}
