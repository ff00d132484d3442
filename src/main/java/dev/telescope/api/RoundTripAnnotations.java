package dev.telescope.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The object's {@code metadata.annotations} as conversion reads and writes its markers, created
 * only when something is written, so an object without markers converts without gaining an empty
 * map.
 */
final class RoundTripAnnotations {
  private final ObjectNode object;
  private boolean removed;

  RoundTripAnnotations(ObjectNode object) {
    this.object = object;
  }

  private ObjectNode existing() {
    return Conversion.child(Conversion.child(object, "metadata"), "annotations");
  }

  /** Removes and returns a round-trip annotation; null when absent or not a string. */
  String take(String name) {
    ObjectNode annotations = existing();
    JsonNode value = annotations == null ? null : annotations.remove(name);
    if (value == null) {
      return null;
    }
    removed = true;
    return value.isTextual() ? value.asText() : null;
  }

  void put(String name, String value) {
    JsonNode metadata = object.get("metadata");
    if (metadata == null || metadata.isNull()) {
      metadata = object.putObject("metadata");
    }
    if (!(metadata instanceof ObjectNode meta)) {
      return; // malformed metadata: nowhere to carry the value
    }
    JsonNode annotations = meta.get("annotations");
    if (annotations == null || annotations.isNull()) {
      annotations = meta.putObject("annotations");
    }
    if (annotations instanceof ObjectNode target) {
      target.put(name, value);
    }
  }

  /**
   * Drops an annotations map (and metadata) that only our markers had filled; the API server omits
   * empty maps too.
   */
  void finish() {
    ObjectNode annotations = existing();
    if (removed && annotations != null && annotations.isEmpty()) {
      ObjectNode metadata = Conversion.child(object, "metadata");
      metadata.remove("annotations");
      if (metadata.isEmpty()) {
        object.remove("metadata");
      }
    }
  }
}
