package dev.telescope.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telescope.api.v1beta1.Config;
import dev.telescope.api.v1beta1.Pipeline;
import dev.telescope.api.v1beta1.ServiceConfig;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * Reads and writes the v1alpha1 collector config text. The collector parses its config as YAML 1.2
 * (Go yaml.v3: {@code on}/{@code yes} are strings, no timestamps, anchors and merge keys work), so
 * we parse with the YAML 1.2 core schema too, and write text that reads back to the same tree.
 */
public final class ConfigYaml {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Pattern PLAIN_NUMBER =
      Pattern.compile("^[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?$");

  /**
   * YAML 1.1 numbers and timestamps that a YAML 1.1 reader (Go's, for one) would not read as
   * strings.
   */
  private static final Pattern NUMBER_LIKE =
      Pattern.compile(
          "^([-+]?0[xXoObB][0-9a-fA-F_]*"
              + "|[-+]?[0-9][0-9_]*(\\.[0-9_]*)?([eE][-+]?[0-9]+)?"
              + "|[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\\.[0-9_]*)?"
              + "|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt ].*)?)$");

  private static final Pattern SPECIAL_WORD =
      Pattern.compile(
          "^(~|null|Null|NULL|true|True|TRUE|false|False|FALSE|y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON"
              + "|off|Off|OFF|\\.inf|\\.Inf|\\.INF|-\\.inf|-\\.Inf|-\\.INF|\\.nan|\\.NaN|\\.NAN)$");

  /** Binds a parsed tree to {@link Config} to check that its shape fits the v1beta1 schema. */
  private static final ObjectMapper BINDER =
      new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** Top-level sections whose value must be a mapping (or empty). */
  private static final String[] SECTIONS = {
    "receivers", "exporters", "processors", "connectors", "extensions", "service"
  };

  private ConfigYaml() {}

  /**
   * The outcome of reading config text: a config object, or why there is none.
   *
   * @param config the parsed config, present only when the text is usable as a v1beta1 config
   * @param error why the text cannot be used, present only when {@code config} is not
   */
  public record Parsed(Optional<ObjectNode> config, Optional<String> error) {
    public boolean valid() {
      return config.isPresent();
    }
  }

  /**
   * Parses v1alpha1 config text. Never throws: text that is not YAML, is empty or null, is not a
   * mapping, holds values JSON cannot carry (NaN, infinities) or does not fit the v1beta1 config
   * shape comes back with an error message instead.
   */
  public static Parsed parse(String text) {
    try {
      return parseUnguarded(text);
    } catch (StackOverflowError e) {
      return invalid("config is nested too deeply");
    }
  }

  /**
   * The largest config text read, in characters: the API server's own request limit. Longer text is
   * refused before parsing, so an oversized string costs nothing.
   */
  public static final int MAX_TEXT_CHARS = 3 * 1024 * 1024;

  /**
   * How deep a config may nest. Jackson refuses to write JSON nested deeper than 1000 levels, and
   * the config sits a few levels down in the CR, so a deeper tree could be read here and then fail
   * wherever the CR is written; no real collector config comes close.
   */
  public static final int MAX_DEPTH = 500;

  /**
   * How many values anchors and aliases may add to a config when they are expanded. An alias is a
   * reference in YAML but a copy in JSON, so a few hundred bytes of nested aliases ("billion
   * laughs") would expand into billions of values; Go's yaml.v3 refuses excessive aliasing too.
   */
  public static final int MAX_ALIAS_EXPANSION = 100_000;

  private static Parsed parseUnguarded(String text) {
    if (text == null) {
      return invalid("config is missing");
    }
    if (text.length() > MAX_TEXT_CHARS) {
      return invalid(
          "config is "
              + text.length()
              + " characters long, more than the limit of "
              + MAX_TEXT_CHARS);
    }
    Object loaded;
    try {
      loaded = new Load(loadSettings()).loadFromString(text);
    } catch (RuntimeException e) {
      return invalid("config is not valid YAML: " + firstLine(e.getMessage()));
    }
    if (loaded == null) {
      return invalid("config is empty (null)");
    }
    if (!(loaded instanceof Map<?, ?>)) {
      return invalid("config is not a YAML mapping but a " + kind(loaded));
    }
    JsonNode tree;
    try {
      tree = new TreeBuilder().toTree(loaded, 0, false);
    } catch (TooComplex e) {
      return invalid(e.getMessage());
    } catch (IllegalArgumentException e) {
      return invalid("config cannot be represented as JSON: " + e.getMessage());
    }
    for (String section : SECTIONS) {
      JsonNode value = tree.get(section);
      if (value != null && !value.isNull() && !value.isObject()) {
        return invalid("config section '" + section + "' is not a mapping");
      }
    }
    try {
      BINDER.treeToValue(tree, Config.class);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      return invalid("config does not fit the v1beta1 config shape: " + firstLine(e.getMessage()));
    }
    return new Parsed(Optional.of((ObjectNode) tree), Optional.empty());
  }

  /**
   * Writes a config tree as YAML text in upstream's layout (struct order at the top levels, sorted
   * component keys), which {@link #parse} reads back to an equal tree.
   */
  public static String write(JsonNode config) {
    // A v1alpha1 view must read back to the very same numbers, so integers are written in full
    // here rather than through the float64 formatting upstream's ConfigMap text uses.
    EXACT_INTEGERS.set(true);
    try {
      return emit(ordered(config));
    } finally {
      EXACT_INTEGERS.remove();
    }
  }

  private static final ThreadLocal<Boolean> EXACT_INTEGERS = ThreadLocal.withInitial(() -> false);

  /**
   * The smallest config the v1beta1 schema accepts: {@code receivers: {}}, {@code exporters: {}},
   * {@code service: {pipelines: {}}}. Stands in for config text that cannot be parsed.
   */
  public static ObjectNode emptyConfig() {
    ObjectNode config = NODES.objectNode();
    config.putObject("receivers");
    config.putObject("exporters");
    config.putObject("service").putObject("pipelines");
    return config;
  }

  /**
   * Whether two JSON trees mean the same: like {@code equals}, but numbers compare by value (the
   * API server turns {@code 1.0} into {@code 1}) and object key order does not matter.
   */
  public static boolean sameTree(JsonNode a, JsonNode b) {
    if (a == null || b == null) {
      return a == b;
    }
    if (a.isNumber() && b.isNumber()) {
      return a.decimalValue().compareTo(b.decimalValue()) == 0;
    }
    if (a.isObject() && b.isObject()) {
      if (a.size() != b.size()) {
        return false;
      }
      for (Map.Entry<String, JsonNode> e : a.properties()) {
        if (!sameTree(e.getValue(), b.get(e.getKey()))) {
          return false;
        }
      }
      return true;
    }
    if (a.isArray() && b.isArray()) {
      if (a.size() != b.size()) {
        return false;
      }
      for (int i = 0; i < a.size(); i++) {
        if (!sameTree(a.get(i), b.get(i))) {
          return false;
        }
      }
      return true;
    }
    return a.equals(b);
  }

  private static LoadSettings loadSettings() {
    return LoadSettings.builder()
        .setSchema(new CoreSchema())
        // yaml.v3 rejects duplicate keys; so do we, rather than silently keeping the last one.
        .setAllowDuplicateKeys(false)
        .setAllowRecursiveKeys(false)
        .setMaxAliasesForCollections(100)
        .setCodePointLimit(MAX_TEXT_CHARS)
        .build();
  }

  private static Parsed invalid(String why) {
    return new Parsed(Optional.empty(), Optional.of(why));
  }

  /** A loaded document too deep or too alias-heavy to turn into JSON; the message says which. */
  private static final class TooComplex extends RuntimeException {
    TooComplex(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * Turns what the YAML loader built into a JSON tree. The loader shares one Java object between an
   * anchor and its aliases; here each use becomes a copy, so copies made through a shared object
   * are counted against {@link #MAX_ALIAS_EXPANSION}, and an object that contains itself is
   * refused.
   */
  private static final class TreeBuilder {
    private final Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Set<Object> open = Collections.newSetFromMap(new IdentityHashMap<>());
    private long expanded;

    JsonNode toTree(Object value, int depth, boolean aliased) {
      if (aliased && ++expanded > MAX_ALIAS_EXPANSION) {
        throw new TooComplex(
            "config uses anchors and aliases that expand to more than "
                + MAX_ALIAS_EXPANSION
                + " values");
      }
      if (value instanceof Map<?, ?> || value instanceof Collection<?>) {
        if (depth >= MAX_DEPTH) {
          throw new TooComplex(
              "config is nested too deeply: nested more than " + MAX_DEPTH + " levels");
        }
        if (!open.add(value)) {
          throw new TooComplex("config contains an alias to a mapping or list that contains it");
        }
        boolean shared = aliased || !seen.add(value);
        try {
          if (value instanceof Map<?, ?> map) {
            ObjectNode object = NODES.objectNode();
            for (Map.Entry<?, ?> e : map.entrySet()) {
              object.set(String.valueOf(e.getKey()), toTree(e.getValue(), depth + 1, shared));
            }
            return object;
          }
          ArrayNode array = NODES.arrayNode();
          for (Object item : (Collection<?>) value) {
            array.add(toTree(item, depth + 1, shared));
          }
          return array;
        } finally {
          open.remove(value);
        }
      }
      return scalar(value);
    }
  }

  private static JsonNode scalar(Object value) {
    if (value == null) {
      return NODES.nullNode();
    }
    if (value instanceof String s) {
      return NODES.textNode(s);
    }
    if (value instanceof Boolean b) {
      return NODES.booleanNode(b);
    }
    if (value instanceof Integer i) {
      return NODES.numberNode(i);
    }
    if (value instanceof Long l) {
      return NODES.numberNode(l);
    }
    if (value instanceof BigInteger big) {
      return NODES.numberNode(big);
    }
    if (value instanceof Double d) {
      if (d.isNaN() || d.isInfinite()) {
        throw new IllegalArgumentException("the number " + d + " has no JSON form");
      }
      return NODES.numberNode(d);
    }
    if (value instanceof BigDecimal dec) {
      return NODES.numberNode(dec);
    }
    if (value instanceof byte[] bytes) {
      return NODES.textNode(Base64.getEncoder().encodeToString(bytes));
    }
    if (value instanceof Optional<?> opt) {
      return scalar(opt.orElse(null));
    }
    return NODES.textNode(String.valueOf(value));
  }

  private static String kind(Object value) {
    if (value instanceof Collection<?>) {
      return "sequence";
    }
    return "scalar (" + value + ")";
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unknown error";
    }
    return message.lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst().orElse("");
  }

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
    return emit(toTree(config));
  }

  /**
   * A raw config tree in upstream's order: known top-level sections first, service as extensions,
   * telemetry, pipelines; pipelines as exporters, processors, receivers; other maps sorted.
   */
  public static JsonNode ordered(JsonNode config) {
    if (config == null || !config.isObject()) {
      return config;
    }
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    List<String> top =
        List.of("receivers", "exporters", "processors", "connectors", "extensions", "service");
    for (String k : top) {
      if (config.has(k)) {
        out.set(k, k.equals("service") ? orderedService(config.get(k)) : sorted(config.get(k)));
      }
    }
    List<String> rest = new ArrayList<>();
    config
        .fieldNames()
        .forEachRemaining(
            n -> {
              if (!top.contains(n)) {
                rest.add(n);
              }
            });
    Collections.sort(rest);
    for (String k : rest) {
      out.set(k, sorted(config.get(k)));
    }
    return out;
  }

  private static JsonNode orderedService(JsonNode service) {
    if (service == null || !service.isObject()) {
      return service;
    }
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    List<String> order = List.of("extensions", "telemetry", "pipelines");
    for (String k : order) {
      if (!service.has(k)) {
        continue;
      }
      JsonNode v = service.get(k);
      if (k.equals("pipelines") && v.isObject()) {
        ObjectNode pipelines = JsonNodeFactory.instance.objectNode();
        List<String> ids = new ArrayList<>();
        v.fieldNames().forEachRemaining(ids::add);
        Collections.sort(ids);
        for (String id : ids) {
          JsonNode p = v.get(id);
          if (!p.isObject()) {
            pipelines.set(id, p);
            continue;
          }
          ObjectNode po = JsonNodeFactory.instance.objectNode();
          for (String f : List.of("exporters", "processors", "receivers")) {
            if (p.has(f)) {
              po.set(f, p.get(f));
            }
          }
          List<String> other = new ArrayList<>();
          p.fieldNames()
              .forEachRemaining(
                  n -> {
                    if (!po.has(n)) {
                      other.add(n);
                    }
                  });
          Collections.sort(other);
          for (String f : other) {
            po.set(f, sorted(p.get(f)));
          }
          pipelines.set(id, po);
        }
        out.set(k, pipelines);
      } else {
        out.set(k, sorted(v));
      }
    }
    List<String> rest = new ArrayList<>();
    service
        .fieldNames()
        .forEachRemaining(
            n -> {
              if (!order.contains(n)) {
                rest.add(n);
              }
            });
    Collections.sort(rest);
    for (String k : rest) {
      out.set(k, sorted(service.get(k)));
    }
    return out;
  }

  /** Writes an already ordered tree as YAML in upstream's layout (two-space indent). */
  public static String emit(JsonNode tree) {
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
    } else if (v.isTextual() && isBlock(v.asText())) {
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
      } else if (item.isTextual() && isBlock(item.asText())) {
        block(out, item.asText(), indent + step);
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
    if (v.isIntegralNumber() && EXACT_INTEGERS.get()) {
      return v.bigIntegerValue().toString();
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

  /**
   * Formats a float64 as Go does ({@code strconv} 'g'-like with -1 precision): plain digits within
   * [1e-6, 1e21), an exponent with at least two digits outside, as in {@code 1e+21}.
   */
  public static String goFloat(double f) {
    if (f == 0) {
      return "0";
    }
    double abs = Math.abs(f);
    BigDecimal d = new BigDecimal(Double.toString(f)).stripTrailingZeros();
    if (abs >= 1e-6 && abs < 1e21) {
      return d.toPlainString();
    }
    String unscaled = d.unscaledValue().abs().toString();
    int exponent = unscaled.length() - 1 - d.scale();
    String mantissa =
        unscaled.length() == 1 ? unscaled : unscaled.charAt(0) + "." + unscaled.substring(1);
    String exp = String.format("%02d", Math.abs(exponent));
    return (f < 0 ? "-" : "") + mantissa + "e" + (exponent < 0 ? "-" : "+") + exp;
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
        || looksLikeTimestamp(s)
        || s.equals("<<")
        || s.equals("=")) {
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
