package dev.telescope.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telescope.api.v1beta1.Config;
import dev.telescope.api.v1beta1.Pipeline;
import dev.telescope.api.v1beta1.ServiceConfig;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Puts a collector config tree in the key order upstream's Go structs and maps marshal to, so that
 * the text we write (and hash) matches upstream's byte for byte.
 */
public final class ConfigOrder {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private ConfigOrder() {}

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
}
