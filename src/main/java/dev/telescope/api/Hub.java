package dev.telescope.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telescope.api.v1beta1.OpenTelemetryCollector;

/** Reads a CR of either served version into the hub (v1beta1) type the operator works on. */
public final class Hub {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper LENIENT =
      new ObjectMapper()
          .disable(
              com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private Hub() {}

  /**
   * The v1beta1 form of a CR given as a JSON/YAML tree; a document without apiVersion is taken as
   * v1beta1.
   */
  public static OpenTelemetryCollector toHub(JsonNode doc) {
    return toHub(doc, JSON);
  }

  /**
   * As {@link #toHub(JsonNode)}, ignoring fields the model does not know, as the Go operator's
   * decoder does: for objects that come from the API server, which has already applied the CRD
   * schema.
   *
   * @throws IllegalArgumentException when a field has the wrong type; {@link
   *     #describeDecodingError} turns it into words
   */
  public static OpenTelemetryCollector toHubIgnoringUnknownFields(JsonNode doc) {
    return toHub(doc, LENIENT);
  }

  private static OpenTelemetryCollector toHub(JsonNode doc, ObjectMapper mapper) {
    String apiVersion = doc.path("apiVersion").asText("");
    if (apiVersion.endsWith("/v1alpha1")) {
      dev.telescope.api.v1alpha1.OpenTelemetryCollector alpha =
          mapper.convertValue(doc, dev.telescope.api.v1alpha1.OpenTelemetryCollector.class);
      return Conversion.toV1beta1(alpha);
    }
    OpenTelemetryCollector cr = mapper.convertValue(doc, OpenTelemetryCollector.class);
    if (cr.getMetadata() == null) {
      cr.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMeta());
    }
    return cr;
  }

  /**
   * Why a document could not be read into the model, in words a user can act on: the path of the
   * offending field, what was expected there and what was found, instead of Jackson's message with
   * Java class names.
   *
   * @param e what {@link #toHub} threw
   * @param doc the document it was given
   */
  public static String describeDecodingError(RuntimeException e, JsonNode doc) {
    com.fasterxml.jackson.databind.JsonMappingException m = null;
    for (Throwable t = e; t != null && m == null; t = t.getCause()) {
      if (t instanceof com.fasterxml.jackson.databind.JsonMappingException j) {
        m = j;
      }
    }
    if (m == null) {
      return sanitize(e.getMessage());
    }
    StringBuilder path = new StringBuilder();
    JsonNode actual = doc;
    for (com.fasterxml.jackson.databind.JsonMappingException.Reference r : m.getPath()) {
      if (r.getFieldName() != null) {
        path.append(path.length() == 0 ? "" : ".").append(r.getFieldName());
        actual = actual == null ? null : actual.get(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        path.append('[').append(r.getIndex()).append(']');
        actual = actual == null ? null : actual.get(r.getIndex());
      }
    }
    String where = path.length() == 0 ? "the object" : path.toString();
    Class<?> target =
        m instanceof com.fasterxml.jackson.databind.exc.MismatchedInputException mi
            ? mi.getTargetType()
            : null;
    String expected = target == null ? null : expected(target);
    if (expected != null) {
      return where + ": expected " + expected + ", got " + kind(actual);
    }
    return where + ": " + sanitize(m.getOriginalMessage());
  }

  private static String expected(Class<?> type) {
    if (type.isEnum()) {
      java.util.List<String> values = new java.util.ArrayList<>();
      for (Object c : type.getEnumConstants()) {
        values.add(JSON.valueToTree(c).asText());
      }
      return "one of " + String.join(", ", values);
    }
    if (java.util.Collection.class.isAssignableFrom(type) || type.isArray()) {
      return "a list";
    }
    if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
      return "a whole number";
    }
    if (Number.class.isAssignableFrom(type) || type.isPrimitive() && type != boolean.class) {
      return "a number";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (type == String.class) {
      return "a string";
    }
    if (JsonNode.class.isAssignableFrom(type)) {
      return null;
    }
    return "a map";
  }

  private static String kind(JsonNode n) {
    if (n == null || n.isMissingNode()) {
      return "nothing";
    }
    if (n.isNull()) {
      return "null";
    }
    if (n.isTextual()) {
      String t = n.asText();
      return "the string '" + (t.length() > 40 ? t.substring(0, 40) + "..." : t) + "'";
    }
    if (n.isNumber()) {
      return "the number " + n.asText();
    }
    if (n.isBoolean()) {
      return n.asText();
    }
    if (n.isArray()) {
      return "a list";
    }
    return "a map";
  }

  /** Jackson's message without source locations, reference chains and Java class names. */
  private static String sanitize(String message) {
    if (message == null) {
      return "cannot be read";
    }
    String s = message.replace('\n', ' ').replace('\r', ' ');
    int at = s.indexOf(" at [Source");
    if (at >= 0) {
      s = s.substring(0, at);
    }
    at = s.indexOf(" (through reference chain");
    if (at >= 0) {
      s = s.substring(0, at);
    }
    s = s.replaceAll("`(?:[a-z_$][\\w$]*\\.)+([A-Za-z_$][\\w$<>,. ]*)`", "$1").strip();
    return s.length() > 200 ? s.substring(0, 197) + "..." : s;
  }
}
