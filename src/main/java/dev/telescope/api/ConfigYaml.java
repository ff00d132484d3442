package dev.telescope.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telescope.api.v1beta1.Config;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
    return GoYamlWriter.emitExact(ConfigOrder.ordered(config));
  }

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
    return ConfigOrder.toTree(config);
  }

  /** A copy of a free-form tree with every object's keys sorted, as Go's maps marshal. */
  public static JsonNode sorted(JsonNode node) {
    return ConfigOrder.sorted(node);
  }

  /** A raw config tree in upstream's order (see {@link ConfigOrder#ordered}). */
  public static JsonNode ordered(JsonNode config) {
    return ConfigOrder.ordered(config);
  }

  /** The config as YAML text. */
  public static String render(Config config) {
    return GoYamlWriter.emit(ConfigOrder.toTree(config));
  }

  /** Writes an already ordered tree as YAML in upstream's layout (two-space indent). */
  public static String emit(JsonNode tree) {
    return GoYamlWriter.emit(tree);
  }

  /** Writes an ordered tree as YAML with {@code indent} spaces per level. */
  public static String write(JsonNode tree, int indent) {
    return GoYamlWriter.write(tree, indent);
  }

  /** Formats a float64 as Go does (see {@link GoNumbers#goFloat}). */
  public static String goFloat(double f) {
    return GoNumbers.goFloat(f);
  }
}
