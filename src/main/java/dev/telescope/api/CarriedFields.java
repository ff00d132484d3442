package dev.telescope.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The fields v1alpha1 and v1beta1 place differently (top-level replicas, monitor selectors), moved
 * each way with what the other version cannot say kept in an annotation, apart from {@link
 * Conversion}'s walk over the object.
 */
final class CarriedFields {
  private static final List<String> REPLICA_FIELDS = List.of("minReplicas", "maxReplicas");
  private static final List<String> MONITOR_SELECTORS =
      List.of("podMonitorSelector", "serviceMonitorSelector");
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private CarriedFields() {}

  /**
   * Moves v1alpha1 top-level min/maxReplicas into the autoscaler where it has no value of its own,
   * as upstream does, and records what was where.
   */
  static void foldReplicas(ObjectNode spec, RoundTripAnnotations annotations) {
    ObjectNode record = NODES.objectNode();
    ArrayNode moved = NODES.arrayNode();
    ObjectNode shadowed = NODES.objectNode();
    boolean created = false;
    for (String field : REPLICA_FIELDS) {
      JsonNode value = spec.remove(field);
      if (value == null || value.isNull()) {
        continue;
      }
      record.set(field, value);
      JsonNode existing = spec.get("autoscaler");
      if (existing == null || existing.isNull()) {
        spec.set("autoscaler", NODES.objectNode());
        created = true;
      }
      if (!(spec.get("autoscaler") instanceof ObjectNode autoscaler)) {
        continue; // not an object: the value stays in the record only
      }
      JsonNode current = autoscaler.get(field);
      if (current == null || current.isNull()) {
        autoscaler.set(field, value);
        moved.add(field);
      } else {
        shadowed.set(field, current);
      }
    }
    if (record.isEmpty()) {
      return;
    }
    record.set("moved", moved);
    if (!shadowed.isEmpty()) {
      record.set("shadowed", shadowed);
    }
    if (created) {
      record.put("createdAutoscaler", true);
    }
    annotations.put(Conversion.REPLICAS_ANNOTATION, record.toString());
  }

  /**
   * A v1alpha1 label map becomes {@code matchLabels}; an absent map (which selects all monitors in
   * v1alpha1) becomes the empty selector, which selects all in v1beta1 too.
   */
  static void selectorsToBeta(ObjectNode prometheusCR, ObjectNode carried) {
    if (prometheusCR == null) {
      return;
    }
    for (String field : MONITOR_SELECTORS) {
      JsonNode labels = prometheusCR.get(field);
      if (labels != null && labels.isNull()) {
        labels = null;
      }
      if (carried != null && carried.has(field)) {
        JsonNode selector = carried.get(field);
        if (ConfigYaml.sameTree(alphaView(selector), labels)) {
          if (selector.isNull()) {
            prometheusCR.remove(field);
          } else {
            prometheusCR.set(field, selector);
          }
          continue;
        }
      }
      ObjectNode selector = NODES.objectNode();
      if (labels != null) {
        selector.set("matchLabels", labels);
      }
      prometheusCR.set(field, selector);
    }
  }

  static void unfoldReplicas(ObjectNode spec, ObjectNode record) {
    if (record == null) {
      return;
    }
    ObjectNode autoscaler = Conversion.child(spec, "autoscaler");
    Set<String> moved = new HashSet<>();
    record.path("moved").forEach(n -> moved.add(n.asText()));
    JsonNode shadowed = record.path("shadowed");
    for (String field : REPLICA_FIELDS) {
      JsonNode value = record.get(field);
      if (value == null || value.isNull()) {
        continue;
      }
      if (moved.contains(field)) {
        if (autoscaler != null && ConfigYaml.sameTree(autoscaler.get(field), value)) {
          autoscaler.remove(field);
          spec.set(field, value);
        }
      } else if (autoscaler != null
          ? ConfigYaml.sameTree(autoscaler.get(field), shadowed.get(field))
          : !shadowed.has(field)) {
        spec.set(field, value);
      }
    }
    if (record.path("createdAutoscaler").asBoolean(false)
        && autoscaler != null
        && autoscaler.isEmpty()) {
      spec.remove("autoscaler");
    }
  }

  static void selectorsToAlpha(ObjectNode prometheusCR, RoundTripAnnotations annotations) {
    if (prometheusCR == null) {
      return;
    }
    ObjectNode carried = NODES.objectNode();
    for (String field : MONITOR_SELECTORS) {
      JsonNode selector = prometheusCR.remove(field);
      if (selector == null) {
        carried.putNull(field); // "select nothing" has no v1alpha1 spelling
        continue;
      }
      if (selector.isObject() && selector.isEmpty()) {
        continue; // selects all, like an absent v1alpha1 map
      }
      JsonNode labels = selector.get("matchLabels");
      boolean onlyLabels = selector.size() == 1 && labels != null && labels.isObject();
      if (!onlyLabels) {
        carried.set(field, selector);
      }
      if (labels != null && labels.isObject()) {
        prometheusCR.set(field, labels);
      }
    }
    if (!carried.isEmpty()) {
      annotations.put(Conversion.SELECTORS_ANNOTATION, carried.toString());
    }
  }

  /** What {@link #selectorsToAlpha} shows in v1alpha1 for a carried v1beta1 selector. */
  private static JsonNode alphaView(JsonNode selector) {
    if (selector == null || !selector.isObject()) {
      return null;
    }
    JsonNode labels = selector.get("matchLabels");
    return labels != null && labels.isObject() ? labels : null;
  }
}
