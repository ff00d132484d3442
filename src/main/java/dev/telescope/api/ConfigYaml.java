package dev.telescope.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.util.StringQuotingChecker;
import dev.telescope.api.v1beta1.Config;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.resolver.CoreScalarResolver;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * Reads and writes the v1alpha1 collector config text. The collector parses its config as YAML 1.2
 * (Go yaml.v3: {@code on}/{@code yes} are strings, no timestamps, anchors and merge keys work), so
 * we parse with the YAML 1.2 core schema too, and write text that reads back to the same tree.
 */
public final class ConfigYaml {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** Binds a parsed tree to {@link Config} to check that its shape fits the v1beta1 schema. */
  private static final ObjectMapper BINDER =
      new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private static final YAMLMapper WRITER =
      new YAMLMapper(
          YAMLFactory.builder()
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .disable(YAMLGenerator.Feature.SPLIT_LINES)
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
              .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
              .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
              .stringQuotingChecker(new CoreSchemaQuoting())
              .build());

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

  private static Parsed parseUnguarded(String text) {
    if (text == null) {
      return invalid("config is missing");
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
      tree = toTree(loaded);
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

  /** Writes a config tree as YAML text that {@link #parse} reads back to an equal tree. */
  public static String write(JsonNode config) {
    try {
      return WRITER.writeValueAsString(config);
    } catch (JsonProcessingException e) {
      // Trees built from JSON always serialise; this would be a bug in the writer setup.
      throw new IllegalStateException("cannot write config as YAML", e);
    }
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
        .setCodePointLimit(3 * 1024 * 1024)
        .build();
  }

  private static Parsed invalid(String why) {
    return new Parsed(Optional.empty(), Optional.of(why));
  }

  private static JsonNode toTree(Object value) {
    if (value == null) {
      return NODES.nullNode();
    }
    if (value instanceof Map<?, ?> map) {
      ObjectNode object = NODES.objectNode();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        object.set(String.valueOf(e.getKey()), toTree(e.getValue()));
      }
      return object;
    }
    if (value instanceof Collection<?> items) {
      ArrayNode array = NODES.arrayNode();
      for (Object item : items) {
        array.add(toTree(item));
      }
      return array;
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
      return toTree(opt.orElse(null));
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

  /**
   * Quotes every string the YAML 1.2 core schema would otherwise read as something else (for
   * example {@code 0o17}, {@code .inf} or {@code <<}), on top of Jackson's own rules.
   */
  private static final class CoreSchemaQuoting extends StringQuotingChecker {
    private static final long serialVersionUID = 1L;
    private static final CoreScalarResolver RESOLVER = new CoreScalarResolver(true);

    @Override
    public boolean needToQuoteName(String name) {
      return Default.instance().needToQuoteName(name) || !isPlainString(name);
    }

    @Override
    public boolean needToQuoteValue(String value) {
      return Default.instance().needToQuoteValue(value) || !isPlainString(value);
    }

    private static boolean isPlainString(String s) {
      return Tag.STR.equals(RESOLVER.resolve(s, true));
    }
  }
}
