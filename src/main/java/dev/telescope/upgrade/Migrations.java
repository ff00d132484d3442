package dev.telescope.upgrade;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The spec migrations upstream applies to collectors stored by older releases, one pure function
 * per release: each takes a collector spec (the v1beta1 JSON tree), returns a migrated copy and
 * appends a sentence per change to {@code notes}. A step that cannot migrate throws {@link
 * UpgradeException}.
 *
 * <p>Over ~450 lines on purpose: a flat table of one small pure function per upstream release, read
 * top to bottom against upstream's release notes; splitting it would scatter that order.
 */
public final class Migrations {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  static final String FEATURE_GATES = "feature-gates";

  private Migrations() {}

  /** One step: the release that introduced it and its migration. */
  public record Step(Version version, BiFunction<ObjectNode, List<String>, ObjectNode> migrate) {}

  /** Every step, oldest first (the order they must run in). */
  public static final List<Step> STEPS =
      List.of(
          new Step(Version.parse("0.2.10"), (s, n) -> s.deepCopy()),
          new Step(Version.parse("0.9.0"), Migrations::v0_9_0),
          new Step(Version.parse("0.15.0"), Migrations::v0_15_0),
          new Step(Version.parse("0.19.0"), Migrations::v0_19_0),
          new Step(Version.parse("0.24.0"), Migrations::v0_24_0),
          new Step(Version.parse("0.31.0"), Migrations::v0_31_0),
          new Step(Version.parse("0.36.0"), Migrations::v0_36_0),
          new Step(Version.parse("0.38.0"), Migrations::v0_38_0),
          new Step(Version.parse("0.39.0"), Migrations::v0_39_0),
          new Step(Version.parse("0.41.0"), Migrations::v0_41_0),
          new Step(Version.parse("0.43.0"), Migrations::v0_43_0),
          new Step(Version.parse("0.56.0"), Migrations::v0_56_0),
          new Step(Version.parse("0.57.2"), Migrations::v0_57_2),
          new Step(Version.parse("0.61.0"), Migrations::v0_61_0),
          new Step(Version.parse("0.104.0"), Migrations::v0_104_0),
          new Step(Version.parse("0.105.0"), Migrations::v0_105_0),
          new Step(Version.parse("0.110.0"), Migrations::v0_110_0),
          new Step(Version.parse("0.111.0"), Migrations::v0_111_0),
          new Step(Version.parse("0.122.0"), Migrations::v0_122_0),
          new Step(Version.parse("0.145.0"), Migrations::v0_145_0));

  /** The newest release with a step: instances newer than this need no migration. */
  public static final Version LATEST = STEPS.get(STEPS.size() - 1).version();

  // ------------------------------------------------------------------ the steps

  /** 0.9.0: the opencensus exporter lost {@code reconnection_delay}. */
  static ObjectNode v0_9_0(ObjectNode spec, List<String> notes) {
    ObjectNode out = spec.deepCopy();
    forEachOfType(
        section(out, "exporters"),
        "opencensus",
        (id, c) -> {
          if (c.remove("reconnection_delay") != null) {
            notes.add(
                "upgrade to v0.9.0 removed the property reconnection_delay for exporter " + id);
          }
        });
    return out;
  }

  /** 0.15.0: the collector dropped the {@code --new-metrics} and {@code --legacy-metrics} args. */
  static ObjectNode v0_15_0(ObjectNode spec, List<String> notes) {
    ObjectNode out = spec.deepCopy();
    if (out.get("args") instanceof ObjectNode args) {
      for (String a : List.of("--new-metrics", "--legacy-metrics")) {
        if (args.remove(a) != null) {
          notes.add("upgrade to v0.15.0 removed the argument " + a);
        }
      }
    }
    return out;
  }

  /**
   * 0.19.0: the queued_retry processor is gone; the resource processor's {@code type} and {@code
   * labels} became {@code attributes} upserts.
   */
  static ObjectNode v0_19_0(ObjectNode spec, List<String> notes) {
    ObjectNode out = spec.deepCopy();
    ObjectNode processors = section(out, "processors");
    if (processors == null) {
      return out;
    }
    for (String id : ids(processors)) {
      if (id.startsWith("queued_retry")) {
        processors.remove(id);
        notes.add("upgrade to v0.19.0 removed the processor " + id);
      }
    }
    forEachOfType(
        processors,
        "resource",
        (id, c) -> {
          ArrayNode attributes = c.get("attributes") instanceof ArrayNode a ? a : JSON.arrayNode();
          JsonNode type = c.remove("type");
          if (type != null) {
            attributes.add(upsert("opencensus.type", type.asText()));
            notes.add("upgrade to v0.19.0 migrated the property 'type' for processor " + id);
          }
          JsonNode labels = c.remove("labels");
          if (labels != null) {
            labels
                .fields()
                .forEachRemaining(e -> attributes.add(upsert(e.getKey(), e.getValue().asText())));
            notes.add("upgrade to v0.19.0 migrated the property 'labels' for processor " + id);
          }
          if (type != null || labels != null) {
            c.set("attributes", attributes);
          }
        });
    return out;
  }

  /** 0.24.0: health_check's {@code port} became {@code endpoint}. */
  static ObjectNode v0_24_0(ObjectNode spec, List<String> notes) {
    ObjectNode out = spec.deepCopy();
    forEachOfType(
        section(out, "extensions"),
        "health_check",
        (id, c) -> {
          JsonNode port = c.remove("port");
          if (port != null) {
            c.put("endpoint", "0.0.0.0:" + port.asText());
            notes.add(
                "upgrade to v0.24.0 migrated the property 'port' to 'endpoint' for extension "
                    + id);
          }
        });
    return out;
  }

  /** 0.31.0: the influxdb receiver lost {@code metrics_schema}. */
  static ObjectNode v0_31_0(ObjectNode spec, List<String> notes) {
    ObjectNode out = spec.deepCopy();
    forEachOfType(
        section(out, "receivers"),
        "influxdb",
        (id, c) -> {
          if (c.remove("metrics_schema") != null) {
            notes.add("upgrade to v0.31.0 dropped the 'metrics_schema' field from receiver " + id);
          }
        });
    return out;
  }

  private static final List<String> TLS_KEYS =
      List.of(
          "ca_file",
          "cert_file",
          "key_file",
          "min_version",
          "max_version",
          "insecure",
          "insecure_skip_verify",
          "server_name_override");

  /**
   * 0.36.0: the otlp receiver's {@code tls_settings} became {@code tls}; the otlp exporter's TLS
   * keys moved under {@code tls}. (Upstream also writes an empty {@code tls} into otlp exporters
   * that had no TLS keys, replacing any present; we only move keys that exist.)
   */
  static ObjectNode v0_36_0(ObjectNode spec, List<String> notes) {
    ObjectNode out = spec.deepCopy();
    forEachOfType(
        section(out, "receivers"),
        "otlp",
        (id, c) -> {
          if (c.get("protocols") instanceof ObjectNode protocols) {
            for (String p : List.of("grpc", "http")) {
              if (protocols.get(p) instanceof ObjectNode proto && proto.has("tls_settings")) {
                proto.set("tls", proto.remove("tls_settings"));
                notes.add(
                    "upgrade to v0.36.0 renamed tls_settings to tls in the "
                        + p
                        + " protocol of receiver "
                        + id);
              }
            }
          }
        });
    forEachOfType(
        section(out, "exporters"),
        "otlp",
        (id, c) -> {
          ObjectNode tls = c.get("tls") instanceof ObjectNode t ? t : JSON.objectNode();
          boolean moved = false;
          for (String k : TLS_KEYS) {
            JsonNode v = c.remove(k);
            if (v != null) {
              tls.set(k, v);
              moved = true;
            }
          }
          if (moved) {
            c.set("tls", tls);
            notes.add("upgrade to v0.36.0 moved the TLS settings of exporter " + id + " under tls");
          }
        });
    return out;
  }

  /** 0.38.0: the logging args moved to {@code service.telemetry.logs}. */
  static ObjectNode v0_38_0(ObjectNode spec, List<String> notes) {
    ObjectNode out = spec.deepCopy();
    Map<String, String> found = takeArgs(out, "--log-level", "--log-profile", "--log-format");
    if (found.isEmpty()) {
      return out;
    }
    ObjectNode logs = telemetry(out, "logs");
    if (logs.isEmpty()) {
      if (found.containsKey("--log-level")) {
        logs.put("level", found.get("--log-level"));
      }
      if (found.containsKey("--log-profile")) {
        logs.put("development", true);
      }
      if (found.containsKey("--log-format")) {
        logs.put("encoding", found.get("--log-format"));
      }
    }
    notes.add(
        "upgrade to v0.38.0 moved the deprecated arguments "
            + found.keySet()
            + " to service.telemetry.logs (unless logging was configured there already)");
    return out;
  }

  /**
   * 0.39.0: memory_limiter lost {@code ballast_size_mib}; the httpd receiver was renamed apache
   * (also in the pipelines that use it).
   */
  static ObjectNode v0_39_0(ObjectNode spec, List<String> notes) {
    ObjectNode out = spec.deepCopy();
    forEachOfType(
        section(out, "processors"),
        "memory_limiter",
        (id, c) -> {
          if (c.remove("ballast_size_mib") != null) {
            notes.add("upgrade to v0.39.0 dropped the ballast_size_mib field from processor " + id);
          }
        });
    ObjectNode receivers = section(out, "receivers");
    if (receivers != null) {
      Map<String, String> renamed = new LinkedHashMap<>();
      for (String id : ids(receivers)) {
        if (typeOf(id).equals("httpd")) {
          renamed.put(id, "apache" + id.substring("httpd".length()));
        }
      }
      renameComponents(out, receivers, "receivers", renamed);
      renamed.forEach(
          (from, to) -> notes.add("upgrade to v0.39.0 renamed the receiver " + from + " to " + to));
    }
    return out;
  }

  /** 0.41.0: the otlp receiver's {@code cors_allowed_*} moved under {@code cors}. */
  static ObjectNode v0_41_0(ObjectNode spec, List<String> notes) {
    ObjectNode out = spec.deepCopy();
    forEachOfType(
        section(out, "receivers"),
        "otlp",
        (id, c) -> {
          for (String k : List.of("cors_allowed_origins", "cors_allowed_headers")) {
            JsonNode v = c.remove(k);
            if (v != null) {
              ObjectNode cors = c.get("cors") instanceof ObjectNode o ? o : c.putObject("cors");
              cors.set(k.substring("cors_".length()), v);
              notes.add("upgrade to v0.41.0 moved " + k + " of receiver " + id + " under cors");
            }
          }
        });
    return out;
  }

  /** 0.43.0: the metrics args moved to {@code service.telemetry.metrics}. */
  static ObjectNode v0_43_0(ObjectNode spec, List<String> notes) {
    ObjectNode out = spec.deepCopy();
    Map<String, String> found = takeArgs(out, "--metrics-addr", "--metrics-level");
    if (found.isEmpty()) {
      return out;
    }
    ObjectNode metrics = telemetry(out, "metrics");
    if (metrics.isEmpty()) {
      if (found.containsKey("--metrics-addr")) {
        metrics.put("address", found.get("--metrics-addr"));
      }
      if (found.containsKey("--metrics-level")) {
        metrics.put("level", found.get("--metrics-level"));
      }
    }
    notes.add(
        "upgrade to v0.43.0 moved the deprecated arguments "
            + found.keySet()
            + " to service.telemetry.metrics (unless metrics were configured there already)");
    return out;
  }

  /**
   * 0.56.0: autoscaled collectors got a minimum of 1 replica (their HPA, which the reconciler
   * renders, scales the collector itself).
   */
  static ObjectNode v0_56_0(ObjectNode spec, List<String> notes) {
    ObjectNode out = spec.deepCopy();
    if (out.get("autoscaler") instanceof ObjectNode a
        && a.hasNonNull("maxReplicas")
        && !a.hasNonNull("minReplicas")) {
      a.put("minReplicas", 1);
      notes.add("upgrade to v0.56.0 set autoscaler.minReplicas to 1");
    }
    return out;
  }

  /** 0.57.2: health_check's {@code port} is folded into {@code endpoint}. */
  static ObjectNode v0_57_2(ObjectNode spec, List<String> notes) {
    ObjectNode out = spec.deepCopy();
    forEachOfType(
        section(out, "extensions"),
        "health_check",
        (id, c) -> {
          JsonNode port = c.remove("port");
          if (port != null) {
            String host = c.hasNonNull("endpoint") ? c.get("endpoint").asText() : "";
            c.put("endpoint", host + ":" + port.asText());
            notes.add(
                "upgrade to v0.57.2 folded the deprecated port of extension "
                    + id
                    + " into endpoint");
          }
        });
    return out;
  }

  /** 0.61.0: jaeger remote sampling left the receiver: no automatic migration exists. */
  static ObjectNode v0_61_0(ObjectNode spec, List<String> notes) {
    forEachOfType(
        section(spec, "receivers"),
        "jaeger",
        (id, c) -> {
          if (c.has("remote_sampling")) {
            throw new UpgradeException(
                "receiver "
                    + id
                    + " configures remote_sampling, which the jaeger receiver no longer offers: use the"
                    + " jaegerremotesampling extension with a different port (see"
                    + " https://github.com/open-telemetry/opentelemetry-collector-contrib/issues/14707)");
          }
        });
    return spec.deepCopy();
  }

  /**
   * 0.104.0: collectors with a prometheus receiver got {@code -confmap.unifyEnvVarExpansion}, and
   * every collector {@code -component.UseLocalHostAsDefaultHost} (components began to listen on
   * localhost by default).
   */
  static ObjectNode v0_104_0(ObjectNode spec, List<String> notes) {
    ObjectNode out = spec.deepCopy();
    if (hasPrometheusReceiver(out)) {
      addFeatureGate(out, "-confmap.unifyEnvVarExpansion");
    }
    addFeatureGate(out, "-component.UseLocalHostAsDefaultHost");
    notes.add(
        "upgrade to v0.104.0: receivers no longer listen on 0.0.0.0 by default but on localhost;"
            + " revisit the endpoints of this collector (see"
            + " https://github.com/open-telemetry/opentelemetry-collector/issues/8510)");
    return out;
  }

  /** 0.105.0: the env-var expansion gate added by 0.104.0 is no longer needed. */
  static ObjectNode v0_105_0(ObjectNode spec, List<String> notes) {
    ObjectNode out = spec.deepCopy();
    if (hasPrometheusReceiver(out)) {
      removeFeatureGate(out, "-confmap.unifyEnvVarExpansion");
    }
    return out;
  }

  /** 0.110.0: the localhost gate added by 0.104.0 is gone. */
  static ObjectNode v0_110_0(ObjectNode spec, List<String> notes) {
    ObjectNode out = spec.deepCopy();
    removeFeatureGate(out, "-component.UseLocalHostAsDefaultHost");
    return out;
  }

  /**
   * 0.111.0: the collector's own metrics endpoint is written out ({@code
   * service.telemetry.metrics.address}, default {@code 0.0.0.0:8888}) unless telemetry sets it.
   */
  static ObjectNode v0_111_0(ObjectNode spec, List<String> notes) {
    ObjectNode out = spec.deepCopy();
    ObjectNode service = service(out);
    if (service == null) {
      return out;
    }
    ObjectNode metrics = telemetry(out, "metrics");
    if (!metrics.has("address") && !metrics.has("readers")) {
      metrics.put("address", "0.0.0.0:8888");
    }
    return out;
  }

  /** 0.122.0: {@code metrics.address} became a pull Prometheus reader. */
  static ObjectNode v0_122_0(ObjectNode spec, List<String> notes) {
    ObjectNode out = spec.deepCopy();
    ObjectNode service = service(out);
    if (service == null
        || !(service.get("telemetry") instanceof ObjectNode tel)
        || !(tel.get("metrics") instanceof ObjectNode metrics)
        || !metrics.hasNonNull("address")
        || metrics.get("address").asText().isEmpty()) {
      return out;
    }
    String address = metrics.remove("address").asText();
    int colon = address.lastIndexOf(':');
    String host = colon < 0 ? address : address.substring(0, colon);
    int port;
    try {
      port = colon < 0 ? 8888 : Integer.parseInt(address.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new UpgradeException(
          "service.telemetry.metrics.address " + address + " has no numeric port");
    }
    ObjectNode prometheus = JSON.objectNode();
    prometheus.put("host", host.isEmpty() ? "0.0.0.0" : host);
    prometheus.put("port", port);
    ObjectNode reader = JSON.objectNode();
    reader.putObject("pull").putObject("exporter").set("prometheus", prometheus);
    ArrayNode readers =
        metrics.get("readers") instanceof ArrayNode r ? r : metrics.putArray("readers");
    readers.add(reader);
    notes.add(
        "upgrade to v0.122.0 replaced service.telemetry.metrics.address "
            + address
            + " with a pull Prometheus reader");
    return out;
  }

  /** 0.145.0: the otlp exporter is now otlp_grpc, otlphttp is otlp_http (also in pipelines). */
  static ObjectNode v0_145_0(ObjectNode spec, List<String> notes) {
    ObjectNode out = spec.deepCopy();
    ObjectNode exporters = section(out, "exporters");
    if (exporters == null) {
      return out;
    }
    Map<String, String> renamed = new LinkedHashMap<>();
    for (String id : ids(exporters)) {
      String type = typeOf(id);
      String rest = id.substring(type.length());
      if (type.equals("otlp")) {
        renamed.put(id, "otlp_grpc" + rest);
      } else if (type.equals("otlphttp")) {
        renamed.put(id, "otlp_http" + rest);
      }
    }
    renameComponents(out, exporters, "exporters", renamed);
    renamed.forEach(
        (from, to) -> notes.add("upgrade to v0.145.0 renamed the exporter " + from + " to " + to));
    return out;
  }

  // ------------------------------------------------------------------ helpers

  /** A component section of the config ({@code receivers}, ...), or null. */
  static ObjectNode section(ObjectNode spec, String name) {
    return spec.get("config") instanceof ObjectNode c && c.get(name) instanceof ObjectNode s
        ? s
        : null;
  }

  private static ObjectNode service(ObjectNode spec) {
    if (!(spec.get("config") instanceof ObjectNode c)) {
      return null;
    }
    return c.get("service") instanceof ObjectNode s ? s : c.putObject("service");
  }

  /** {@code service.telemetry.<part>}, created when absent. */
  private static ObjectNode telemetry(ObjectNode spec, String part) {
    ObjectNode config = spec.get("config") instanceof ObjectNode c ? c : spec.putObject("config");
    ObjectNode service =
        config.get("service") instanceof ObjectNode s ? s : config.putObject("service");
    ObjectNode tel =
        service.get("telemetry") instanceof ObjectNode t ? t : service.putObject("telemetry");
    return tel.get(part) instanceof ObjectNode p ? p : tel.putObject(part);
  }

  private static List<String> ids(ObjectNode section) {
    List<String> out = new ArrayList<>();
    section.fieldNames().forEachRemaining(out::add);
    return out;
  }

  /** The component type of an id: {@code otlp/2} is an {@code otlp}. */
  static String typeOf(String id) {
    int slash = id.indexOf('/');
    return slash < 0 ? id : id.substring(0, slash);
  }

  private interface ComponentEdit {
    void edit(String id, ObjectNode config);
  }

  /** Runs {@code edit} on every component of {@code type} whose config is an object. */
  private static void forEachOfType(ObjectNode section, String type, ComponentEdit edit) {
    if (section == null) {
      return;
    }
    for (String id : ids(section)) {
      if (typeOf(id).equals(type) && section.get(id) instanceof ObjectNode c) {
        edit.edit(id, c);
      }
    }
  }

  private static ObjectNode upsert(String key, String value) {
    ObjectNode o = JSON.objectNode();
    o.put("key", key);
    o.put("value", value);
    o.put("action", "upsert");
    return o;
  }

  /** Removes the named args and returns them (in the order asked). */
  private static Map<String, String> takeArgs(ObjectNode spec, String... names) {
    Map<String, String> found = new LinkedHashMap<>();
    if (spec.get("args") instanceof ObjectNode args) {
      for (String n : names) {
        JsonNode v = args.remove(n);
        if (v != null) {
          found.put(n, v.asText());
        }
      }
    }
    return found;
  }

  /** Renames components in their section (keeping order) and in every pipeline's list. */
  private static void renameComponents(
      ObjectNode spec, ObjectNode section, String kind, Map<String, String> renamed) {
    if (renamed.isEmpty()) {
      return;
    }
    List<Map.Entry<String, JsonNode>> entries = new ArrayList<>();
    section.fields().forEachRemaining(entries::add);
    section.removeAll();
    for (Map.Entry<String, JsonNode> e : entries) {
      section.set(renamed.getOrDefault(e.getKey(), e.getKey()), e.getValue());
    }
    ObjectNode service = service(spec);
    if (service != null && service.get("pipelines") instanceof ObjectNode pipelines) {
      for (Iterator<JsonNode> it = pipelines.elements(); it.hasNext(); ) {
        if (it.next() instanceof ObjectNode p && p.get(kind) instanceof ArrayNode list) {
          for (int i = 0; i < list.size(); i++) {
            String id = list.get(i).asText();
            if (renamed.containsKey(id)) {
              list.set(i, JSON.textNode(renamed.get(id)));
            }
          }
        }
      }
    }
  }

  private static boolean hasPrometheusReceiver(ObjectNode spec) {
    ObjectNode receivers = section(spec, "receivers");
    return receivers != null && ids(receivers).stream().anyMatch(id -> id.contains("prometheus"));
  }

  /** Adds a gate to the {@code feature-gates} arg unless it is named there already. */
  static void addFeatureGate(ObjectNode spec, String gate) {
    ObjectNode args = spec.get("args") instanceof ObjectNode a ? a : spec.putObject("args");
    String current = args.path(FEATURE_GATES).asText("");
    if (current.isEmpty()) {
      args.put(FEATURE_GATES, gate);
    } else if (!current.contains(gate.substring(1))) {
      args.put(FEATURE_GATES, current + "," + gate);
    }
  }

  /** Removes exactly {@code gate} from the {@code feature-gates} arg (and the arg when empty). */
  static void removeFeatureGate(ObjectNode spec, String gate) {
    if (!(spec.get("args") instanceof ObjectNode args) || !args.has(FEATURE_GATES)) {
      return;
    }
    List<String> kept = new ArrayList<>();
    for (String g : args.get(FEATURE_GATES).asText().split(",")) {
      if (!g.equals(gate) && !g.isEmpty()) {
        kept.add(g);
      }
    }
    if (kept.isEmpty()) {
      args.remove(FEATURE_GATES);
      if (args.isEmpty()) {
        spec.remove("args");
      }
    } else {
      args.put(FEATURE_GATES, String.join(",", kept));
    }
  }
}
