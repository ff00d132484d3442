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
import java.util.regex.Matcher;
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
    StringBuilder out = new StringBuilder();
    if (tree.isObject() && tree.size() > 0) {
      writeMap(out, tree, 0);
    } else {
      out.append(scalarOrFlow(tree)).append('\n');
    }
    return out.toString();
  }

  private static void writeMap(StringBuilder out, JsonNode map, int indent) {
    Iterator<Map.Entry<String, JsonNode>> it = map.fields();
    boolean first = true;
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!first) {
        pad(out, indent);
      }
      first = false;
      out.append(key(e.getKey())).append(':');
      writeValueAfterKey(out, e.getValue(), indent);
    }
  }

  private static void writeValueAfterKey(StringBuilder out, JsonNode v, int indent) {
    if (v.isObject() && v.size() > 0) {
      out.append('\n');
      pad(out, indent + 2);
      writeMap(out, v, indent + 2);
    } else if (v.isArray() && v.size() > 0) {
      out.append('\n');
      pad(out, indent + 2);
      writeList(out, v, indent + 2);
    } else if (v.isTextual() && isBlock(v.asText())) {
      block(out, v.asText(), indent + 2);
    } else {
      out.append(' ').append(scalarOrFlow(v)).append('\n');
    }
  }

  private static void writeList(StringBuilder out, JsonNode list, int indent) {
    boolean first = true;
    for (JsonNode item : list) {
      if (!first) {
        pad(out, indent);
      }
      first = false;
      out.append('-');
      if (item.isObject() && item.size() > 0) {
        out.append(' ');
        writeMap(out, item, indent + 2);
      } else if (item.isArray() && item.size() > 0) {
        out.append(' ');
        writeList(out, item, indent + 2);
      } else if (item.isTextual() && isBlock(item.asText())) {
        block(out, item.asText(), indent + 2);
      } else {
        out.append(' ').append(scalarOrFlow(item)).append('\n');
      }
    }
  }

  /**
   * Whether a string is written as a literal block: it has a line break and nothing that would make
   * upstream's encoder quote it; a block cannot hold a carriage return or other control characters,
   * nor start (after empty lines) with a space, so those are quoted instead.
   */
  private static boolean isBlock(String s) {
    if (!s.contains("\n") || needsQuotes(s)) {
      return false;
    }
    for (String line : s.split("\n", -1)) {
      if (!line.isEmpty()) {
        return !line.startsWith(" ");
      }
    }
    // Only line breaks: a block would read back as "".
    return false;
  }

  private static void block(StringBuilder out, String text, int indent) {
    boolean trailingNewline = text.endsWith("\n");
    // Chomping as upstream's encoder picks it: keep (|+) for several trailing line breaks, clip
    // (|) for one, strip (|-) for none.
    out.append(text.endsWith("\n\n") ? " |+\n" : trailingNewline ? " |\n" : " |-\n");
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
    return needsQuotes(k) || k.contains("\n") ? quote(k) : k;
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
      return needsQuotes(s) || s.contains("\n") ? quote(s) : s;
    }
    if (v.isBoolean()) {
      return v.asBoolean() ? "true" : "false";
    }
    if (v.isNumber()) {
      // Upstream holds every number as a Go float64 (the config comes from JSON) and writes it with
      // FormatFloat(f, 'g', -1): 8888 stays 8888, but 1000000 becomes 1e+06.
      double d = v.doubleValue();
      if (Double.isNaN(d)) {
        return ".nan";
      }
      if (Double.isInfinite(d)) {
        return d > 0 ? ".inf" : "-.inf";
      }
      return goShortestG(d);
    }
    return v.asText();
  }

  /** Go's {@code strconv.FormatFloat(f, 'g', -1, 64)}. */
  static String goShortestG(double f) {
    if (f == 0) {
      return (1 / f < 0) ? "-0" : "0";
    }
    String sign = f < 0 ? "-" : "";
    BigDecimal d = new BigDecimal(Double.toString(Math.abs(f))).stripTrailingZeros();
    String digits = d.unscaledValue().toString();
    int exp = digits.length() - d.scale() - 1;
    // With the shortest representation Go switches to exponent form below 1e-4 and from 1e6 on.
    if (exp < -4 || exp >= 6) {
      String mantissa =
          digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
      return sign
          + mantissa
          + "e"
          + (exp < 0 ? "-" : "+")
          + (Math.abs(exp) < 10 ? "0" : "")
          + Math.abs(exp);
    }
    return sign + d.toPlainString();
  }

  /**
   * Whether a plain scalar would be read back as something else (or not at all). This is upstream's
   * encoder rule (goccy/go-yaml {@code IsNeedQuoted}: empty, null/bool words including YAML 1.1's
   * yes/no/on/off, anything numeric including hex/octal/binary and {@code _} separators,
   * timestamps, an indicator first, {@code :} or space last, {@code #}, {@code \\} or {@code ": "}
   * anywhere), plus cases where that encoder would write invalid or ambiguous YAML ({@code
   * .inf}/{@code .nan}, {@code "- x"}, control characters, leading/trailing whitespace). Line
   * breaks are left to the caller (literal block or quotes).
   */
  static boolean needsQuotes(String s) {
    if (s.isEmpty()) {
      return true;
    }
    if (SPECIAL_WORD.matcher(s).matches()
        || PLAIN_NUMBER.matcher(s).matches()
        || GO_NUMBER.matcher(s).matches()
        || looksLikeTimestamp(s)) {
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
    char last = s.charAt(s.length() - 1);
    // A trailing line break is fine: it is what the block's chomping indicator carries.
    if (first == ' ' || last == ' ' || last == ':') {
      return true;
    }
    if (SEXAGESIMAL.matcher(s).matches()) {
      // 1:2:3 is a base-60 number to YAML 1.1 readers (kubectl, SnakeYAML).
      return true;
    }
    if (s.contains(": ") || s.indexOf('#') >= 0 || s.indexOf('\\') >= 0) {
      return true;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if ((c < 0x20 && c != '\n') || c == 0x7f) {
        return true;
      }
    }
    return false;
  }

  private static final Pattern SEXAGESIMAL =
      Pattern.compile("^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\\.[0-9_]*)?$");

  /** Numbers only Go's YAML reader sees: hex, octal, binary, {@code _} separators, a sign. */
  private static final Pattern GO_NUMBER =
      Pattern.compile(
          "^[-+]?(0x[0-9a-fA-F_]+|0o[0-7_]+|0b[01_]+|[0-9][0-9_]*(\\.[0-9_]*)?([eE][-+]?[0-9]+)?"
              + "|\\.[0-9][0-9_]*([eE][-+]?[0-9]+)?)$");

  private static final Pattern DATE = Pattern.compile("^(\\d{4})-(\\d{2})-(\\d{2})");
  private static final Pattern DATE_TIME =
      Pattern.compile(
          "^\\d{4}-\\d{2}-\\d{2}([Tt]\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[-+]\\d{2}:\\d{2})"
              + "| \\d{2}:\\d{2}:\\d{2})?$");
  private static final Pattern CLOCK = Pattern.compile("^(\\d{1,2}):(\\d{1,2})$");

  /**
   * The timestamp shapes upstream's encoder quotes: RFC 3339 (with {@code T} or {@code t}), {@code
   * 2006-01-02 15:04:05}, {@code 2006-01-02}, and {@code H:M} clock times (which YAML 1.1 readers
   * would otherwise take as base-60 numbers).
   */
  static boolean looksLikeTimestamp(String s) {
    Matcher clock = CLOCK.matcher(s);
    if (clock.matches()) {
      return Integer.parseInt(clock.group(1)) < 24 && Integer.parseInt(clock.group(2)) < 60;
    }
    if (!DATE_TIME.matcher(s).matches()) {
      return false;
    }
    Matcher d = DATE.matcher(s);
    if (!d.find()) {
      return false;
    }
    try {
      java.time.LocalDate.of(
          Integer.parseInt(d.group(1)), Integer.parseInt(d.group(2)), Integer.parseInt(d.group(3)));
      return true;
    } catch (java.time.DateTimeException e) {
      return false;
    }
  }

  /** Go's {@code strconv.Quote}: printable characters kept, everything else escaped. */
  static String quote(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); ) {
      int c = s.codePointAt(i);
      i += Character.charCount(c);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case 0x07 -> b.append("\\a");
        case '\b' -> b.append("\\b");
        case '\f' -> b.append("\\f");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        case 0x0b -> b.append("\\v");
        default -> {
          if (isGoPrintable(c)) {
            b.appendCodePoint(c);
          } else if (c < 0x80) {
            b.append(String.format("\\x%02x", c));
          } else if (c < 0x10000) {
            b.append(String.format("\\u%04x", c));
          } else {
            b.append(String.format("\\U%08x", c));
          }
        }
      }
    }
    return b.append('"').toString();
  }

  /**
   * Go's {@code unicode.IsPrint}: letters, marks, numbers, punctuation, symbols and ASCII space.
   */
  private static boolean isGoPrintable(int c) {
    if (c == ' ') {
      return true;
    }
    switch (Character.getType(c)) {
      case Character.UPPERCASE_LETTER,
          Character.LOWERCASE_LETTER,
          Character.TITLECASE_LETTER,
          Character.MODIFIER_LETTER,
          Character.OTHER_LETTER,
          Character.NON_SPACING_MARK,
          Character.ENCLOSING_MARK,
          Character.COMBINING_SPACING_MARK,
          Character.DECIMAL_DIGIT_NUMBER,
          Character.LETTER_NUMBER,
          Character.OTHER_NUMBER,
          Character.CONNECTOR_PUNCTUATION,
          Character.DASH_PUNCTUATION,
          Character.START_PUNCTUATION,
          Character.END_PUNCTUATION,
          Character.INITIAL_QUOTE_PUNCTUATION,
          Character.FINAL_QUOTE_PUNCTUATION,
          Character.OTHER_PUNCTUATION,
          Character.MATH_SYMBOL,
          Character.CURRENCY_SYMBOL,
          Character.MODIFIER_SYMBOL,
          Character.OTHER_SYMBOL -> {
        return true;
      }
      default -> {
        return false;
      }
    }
  }
}
