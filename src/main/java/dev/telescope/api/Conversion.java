package dev.telescope.api;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Converts OpenTelemetryCollector objects between v1alpha1 and v1beta1, for the CRD conversion
 * webhook and for code that reads either version. The work is done on JSON trees so that fields
 * this code does not know survive untouched; only the fields that differ between the versions are
 * rewritten. What one version cannot express travels in {@code telescope.dev/...} annotations,
 * which the opposite conversion consumes and removes, so both round trips are lossless. Conversion
 * never fails because of the object's content: config text that cannot be parsed becomes the empty
 * config, with the text kept in {@link #INVALID_CONFIG_ANNOTATION}.
 */
public final class Conversion {
  /** apiVersion of the deprecated, served version. */
  public static final String V1ALPHA1 =
      dev.telescope.api.v1alpha1.OpenTelemetryCollector.API_VERSION;

  /** apiVersion of the storage version and conversion hub. */
  public static final String V1BETA1 = dev.telescope.api.v1beta1.OpenTelemetryCollector.API_VERSION;

  /**
   * On v1beta1: the v1alpha1 config text that could not be parsed (the v1beta1 config is then the
   * empty config). Validation reports it; converting back to v1alpha1 restores the text.
   */
  public static final String INVALID_CONFIG_ANNOTATION = "telescope.dev/v1alpha1-invalid-config";

  /**
   * On v1beta1: the exact v1alpha1 config text (comments, layout) when it differs from what the
   * writer would produce and is at most {@value #MAX_CONFIG_TEXT_BYTES} bytes. Used only while the
   * v1beta1 config still means the same as the text.
   */
  public static final String CONFIG_TEXT_ANNOTATION = "telescope.dev/v1alpha1-config";

  /**
   * On v1beta1: the deprecated v1alpha1 {@code spec.minReplicas}/{@code maxReplicas} and which of
   * them were moved into {@code spec.autoscaler}, so converting back puts them where they were.
   */
  public static final String REPLICAS_ANNOTATION = "telescope.dev/v1alpha1-replicas";

  /**
   * On v1alpha1: v1beta1 target allocator monitor selectors that a label map cannot express (match
   * expressions, or an absent selector, which selects nothing in v1beta1).
   */
  public static final String SELECTORS_ANNOTATION = "telescope.dev/v1beta1-prometheus-cr-selectors";

  /** Every annotation conversion writes; none of them is ever left on the version it came from. */
  public static final List<String> ROUND_TRIP_ANNOTATIONS =
      List.of(
          INVALID_CONFIG_ANNOTATION,
          CONFIG_TEXT_ANNOTATION,
          REPLICAS_ANNOTATION,
          SELECTORS_ANNOTATION);

  /**
   * Config text above this size is not carried: all annotations of an object share 256 KiB, and a
   * kubectl last-applied copy may already hold the text once.
   */
  public static final int MAX_CONFIG_TEXT_BYTES = 32 * 1024;

  private static final String KIND = "OpenTelemetryCollector";
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

  // Lenient on purpose: conversion must not fail on fields an older model does not know.
  private static final ObjectMapper MAPPER =
      new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private Conversion() {}

  /** Converts a v1alpha1 collector to the storage version. */
  public static dev.telescope.api.v1beta1.OpenTelemetryCollector toV1beta1(
      dev.telescope.api.v1alpha1.OpenTelemetryCollector alpha) {
    Objects.requireNonNull(alpha, "alpha");
    ObjectNode tree = MAPPER.valueToTree(alpha);
    tree.put("apiVersion", V1ALPHA1);
    return bind(alphaToBeta(tree), dev.telescope.api.v1beta1.OpenTelemetryCollector.class);
  }

  /** Converts a storage-version collector to v1alpha1. */
  public static dev.telescope.api.v1alpha1.OpenTelemetryCollector toV1alpha1(
      dev.telescope.api.v1beta1.OpenTelemetryCollector beta) {
    Objects.requireNonNull(beta, "beta");
    ObjectNode tree = MAPPER.valueToTree(beta);
    tree.put("apiVersion", V1BETA1);
    return bind(betaToAlpha(tree), dev.telescope.api.v1alpha1.OpenTelemetryCollector.class);
  }

  /**
   * Converts one object of a ConversionReview, given as decoded JSON, to {@code desiredApiVersion}.
   * The input is not modified; unknown fields are kept.
   *
   * @throws IllegalArgumentException if the object is not an OpenTelemetryCollector of a version we
   *     serve, or {@code desiredApiVersion} is not one; never because of the object's content
   */
  public static Map<String, Object> convert(Map<String, Object> object, String desiredApiVersion) {
    Objects.requireNonNull(object, "object");
    JsonNode tree = MAPPER.valueToTree(object);
    ObjectNode converted = convert(tree, desiredApiVersion);
    return MAPPER.convertValue(converted, MAP);
  }

  /** Like {@link #convert(Map, String)}, for callers that hold a Jackson tree. */
  public static ObjectNode convert(JsonNode object, String desiredApiVersion) {
    if (!V1ALPHA1.equals(desiredApiVersion) && !V1BETA1.equals(desiredApiVersion)) {
      throw new IllegalArgumentException(
          "cannot convert to " + desiredApiVersion + ": expected " + V1ALPHA1 + " or " + V1BETA1);
    }
    if (!(object instanceof ObjectNode input)) {
      throw new IllegalArgumentException("the object to convert is not a JSON object");
    }
    JsonNode kind = input.get("kind");
    if (kind != null && !KIND.equals(kind.asText())) {
      throw new IllegalArgumentException("cannot convert kind " + kind.asText() + ", only " + KIND);
    }
    String from = input.path("apiVersion").asText("");
    ObjectNode copy = input.deepCopy();
    if (from.equals(desiredApiVersion)) {
      return copy;
    }
    if (from.equals(V1ALPHA1)) {
      return alphaToBeta(copy);
    }
    if (from.equals(V1BETA1)) {
      return betaToAlpha(copy);
    }
    throw new IllegalArgumentException(
        "cannot convert from apiVersion '" + from + "': expected " + V1ALPHA1 + " or " + V1BETA1);
  }

  // ---- v1alpha1 -> v1beta1 -------------------------------------------------------------------

  private static ObjectNode alphaToBeta(ObjectNode object) {
    object.put("apiVersion", V1BETA1);
    RoundTripAnnotations annotations = new RoundTripAnnotations(object);
    // Markers written by v1beta1 -> v1alpha1 are consumed here; v1alpha1-side ones in the input
    // can only be stale copies and are rewritten from scratch.
    ObjectNode carriedSelectors = parseObject(annotations.take(SELECTORS_ANNOTATION));
    annotations.take(INVALID_CONFIG_ANNOTATION);
    annotations.take(CONFIG_TEXT_ANNOTATION);
    annotations.take(REPLICAS_ANNOTATION);

    ObjectNode spec = child(object, "spec");
    if (spec != null) {
      configToBeta(spec, annotations);
      CarriedFields.foldReplicas(spec, annotations);
      rename(spec, "updateStrategy", "daemonSetUpdateStrategy");
      rename(
          child(child(spec, "observability"), "metrics"),
          "DisablePrometheusAnnotations",
          "disablePrometheusAnnotations");
      CarriedFields.selectorsToBeta(
          child(child(spec, "targetAllocator"), "prometheusCR"), carriedSelectors);
    }
    ObjectNode status = child(object, "status");
    if (status != null) {
      // Deprecated v1alpha1 status fields, dropped by design (see docs/adr/0001): status is only
      // written through the status subresource, which ignores metadata, so no annotation could
      // carry them; upstream never sets them.
      status.remove("messages");
      status.remove("replicas");
    }
    annotations.finish();
    return object;
  }

  private static void configToBeta(ObjectNode spec, RoundTripAnnotations annotations) {
    JsonNode config = spec.get("config");
    if (config == null || config.isNull()) {
      return;
    }
    String text = config.isTextual() ? config.asText() : ConfigYaml.write(config);
    ConfigYaml.Parsed parsed = ConfigYaml.parse(text);
    if (parsed.config().isPresent()) {
      ObjectNode tree = parsed.config().get();
      spec.set("config", tree);
      if (!ConfigYaml.write(tree).equals(text)
          && text.getBytes(StandardCharsets.UTF_8).length <= MAX_CONFIG_TEXT_BYTES) {
        annotations.put(CONFIG_TEXT_ANNOTATION, text);
      }
    } else {
      spec.set("config", ConfigYaml.emptyConfig());
      annotations.put(INVALID_CONFIG_ANNOTATION, text);
    }
  }

  // ---- v1beta1 -> v1alpha1 -------------------------------------------------------------------

  private static ObjectNode betaToAlpha(ObjectNode object) {
    object.put("apiVersion", V1ALPHA1);
    RoundTripAnnotations annotations = new RoundTripAnnotations(object);
    String invalidConfig = annotations.take(INVALID_CONFIG_ANNOTATION);
    String configText = annotations.take(CONFIG_TEXT_ANNOTATION);
    ObjectNode replicas = parseObject(annotations.take(REPLICAS_ANNOTATION));
    annotations.take(SELECTORS_ANNOTATION);

    ObjectNode spec = child(object, "spec");
    if (spec != null) {
      configToAlpha(spec, invalidConfig, configText);
      CarriedFields.unfoldReplicas(spec, replicas);
      rename(spec, "daemonSetUpdateStrategy", "updateStrategy");
      rename(
          child(child(spec, "observability"), "metrics"),
          "disablePrometheusAnnotations",
          "DisablePrometheusAnnotations");
      CarriedFields.selectorsToAlpha(
          child(child(spec, "targetAllocator"), "prometheusCR"), annotations);
    }
    annotations.finish();
    return object;
  }

  /**
   * Restores carried text only while the v1beta1 config still means what the text says; once the
   * config was changed (by a v1beta1 client or the defaulting webhook) the config itself wins.
   */
  private static void configToAlpha(ObjectNode spec, String invalidConfig, String configText) {
    JsonNode config = spec.get("config");
    if (config == null || config.isNull()) {
      return;
    }
    if (invalidConfig != null && sameConfig(config, ConfigYaml.emptyConfig())) {
      spec.put("config", invalidConfig);
      return;
    }
    if (configText != null) {
      ConfigYaml.Parsed parsed = ConfigYaml.parse(configText);
      if (parsed.config().isPresent() && sameConfig(config, parsed.config().get())) {
        spec.put("config", configText);
        return;
      }
    }
    spec.put("config", ConfigYaml.write(config));
  }

  // ---- helpers -------------------------------------------------------------------------------

  /**
   * Config equality as the API server sees it: it prunes null values of the fields the schema
   * declares (top-level sections, service fields, pipeline fields), so those compare as absent.
   */
  private static boolean sameConfig(JsonNode a, JsonNode b) {
    return ConfigYaml.sameTree(withoutDeclaredNulls(a), withoutDeclaredNulls(b));
  }

  private static JsonNode withoutDeclaredNulls(JsonNode config) {
    if (!(config instanceof ObjectNode)) {
      return config;
    }
    ObjectNode copy = ((ObjectNode) config).deepCopy();
    removeNullMembers(copy);
    ObjectNode service = child(copy, "service");
    removeNullMembers(service);
    ObjectNode pipelines = child(service, "pipelines");
    if (pipelines != null) {
      pipelines.forEach(p -> removeNullMembers(p instanceof ObjectNode o ? o : null));
    }
    return copy;
  }

  private static void removeNullMembers(ObjectNode object) {
    if (object != null) {
      object.properties().removeIf(e -> e.getValue().isNull());
    }
  }

  static ObjectNode child(ObjectNode parent, String field) {
    if (parent == null) {
      return null;
    }
    return parent.get(field) instanceof ObjectNode child ? child : null;
  }

  private static void rename(ObjectNode object, String from, String to) {
    if (object != null && object.has(from)) {
      object.set(to, object.remove(from));
    }
  }

  private static ObjectNode parseObject(String json) {
    if (json == null) {
      return null;
    }
    try {
      return MAPPER.readTree(json) instanceof ObjectNode object ? object : null;
    } catch (Exception e) {
      return null; // a mangled marker is ignored, never fatal
    }
  }

  private static <T> T bind(ObjectNode tree, Class<T> type) {
    try {
      return MAPPER.treeToValue(tree, type);
    } catch (Exception e) {
      // Unreachable for objects that came from our own model: both versions hold the same fields.
      throw new IllegalStateException("converted object does not bind to " + type.getName(), e);
    }
  }
}
