package dev.telescope.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telescope.api.common.IngressSpec;
import dev.telescope.api.common.ManagementState;
import dev.telescope.api.common.Mode;
import dev.telescope.api.common.NetworkPolicySpec;
import dev.telescope.api.common.UpgradeStrategy;
import dev.telescope.api.v1beta1.Config;
import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import dev.telescope.api.v1beta1.OpenTelemetryCollectorSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The defaults upstream's mutating webhook writes into a CR. They are stored in the CR and so take
 * part in the config hash: applying them exactly as upstream does keeps ConfigMap names equal. The
 * webhook serves them; the reconciler and the conformance suite apply the same function.
 */
public final class Defaults {
  private static final com.fasterxml.jackson.databind.ObjectMapper COPIER =
      new com.fasterxml.jackson.databind.ObjectMapper();

  private Defaults() {}

  /**
   * A defaulted copy of the CR; the input is not modified.
   *
   * @return the copy and the names of the default groups applied (for events)
   */
  public static Result apply(OpenTelemetryCollector cr, OperatorConfig cfg) {
    OpenTelemetryCollector out = copy(cr);
    List<String> applied = new ArrayList<>();
    if (out.getMetadata() != null && out.getMetadata().getLabels() == null) {
      out.getMetadata().setLabels(new HashMap<>());
    }
    OpenTelemetryCollectorSpec spec = out.getSpec();
    if (spec == null) {
      return new Result(out, applied);
    }
    if (spec.mode == null) {
      spec.mode = Mode.DEPLOYMENT;
    }
    if (spec.upgradeStrategy == null) {
      spec.upgradeStrategy = UpgradeStrategy.AUTOMATIC;
    }
    if (spec.managementState == null) {
      spec.managementState = ManagementState.MANAGED;
    }
    if (spec.replicas == null) {
      spec.replicas = 1;
    }
    if (spec.targetAllocator != null
        && Boolean.TRUE.equals(spec.targetAllocator.enabled)
        && spec.targetAllocator.replicas == null) {
      spec.targetAllocator.replicas = 1;
    }
    if (spec.autoscaler != null && spec.autoscaler.maxReplicas != null) {
      if (spec.autoscaler.minReplicas == null) {
        spec.autoscaler.minReplicas = spec.replicas;
      }
      if (spec.autoscaler.targetCPUUtilization == null
          && spec.autoscaler.targetMemoryUtilization == null) {
        spec.autoscaler.targetCPUUtilization = 90;
      }
    }
    if (spec.ingress != null && spec.ingress.type == IngressSpec.Type.ROUTE) {
      if (spec.ingress.route == null) {
        spec.ingress.route = new IngressSpec.RouteSpec();
      }
      if (spec.ingress.route.termination == null) {
        spec.ingress.route.termination = IngressSpec.Termination.EDGE;
      }
    }
    if (spec.ingress != null
        && spec.ingress.type == IngressSpec.Type.INGRESS
        && spec.ingress.ruleType == null) {
      spec.ingress.ruleType = IngressSpec.RuleType.PATH;
    }
    if (cfg.networkPolicyByDefault()
        && (spec.networkPolicy == null || spec.networkPolicy.enabled == null)) {
      if (spec.networkPolicy == null) {
        spec.networkPolicy = new NetworkPolicySpec();
      }
      spec.networkPolicy.enabled = true;
    }
    if (spec.config != null && applyConfigDefaults(spec.config)) {
      applied.add("Spec.Service.Telemetry.DefaultsApplied");
    }
    return new Result(out, applied);
  }

  /** The defaulted CR and which defaults were applied. */
  public record Result(OpenTelemetryCollector collector, List<String> applied) {}

  /** A deep copy through JSON, so callers never share mutable model objects. */
  public static OpenTelemetryCollector copy(OpenTelemetryCollector cr) {
    try {
      return COPIER.treeToValue(COPIER.valueToTree(cr), OpenTelemetryCollector.class);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("a collector always copies through JSON", e);
    }
  }

  /**
   * Fills the config in place: empty or host-less endpoints of used components with a known default
   * port become {@code 0.0.0.0:<port>}, health_check gets {@code path: /}, and a Prometheus pull
   * reader on 0.0.0.0:8888 is added when telemetry names no metrics endpoint.
   *
   * @return whether the telemetry default was added
   */
  public static boolean applyConfigDefaults(Config config) {
    CollectorConfig view = CollectorConfig.of(config);
    if (config.receivers != null && config.receivers.isObject()) {
      ObjectNode receivers = (ObjectNode) config.receivers;
      for (String id : view.used(ComponentKind.RECEIVERS)) {
        defaultReceiver(receivers, id);
      }
    }
    if (config.extensions != null && config.extensions.isObject()) {
      ObjectNode extensions = (ObjectNode) config.extensions;
      for (String id : view.used(ComponentKind.EXTENSIONS)) {
        if (ComponentPorts.normalType(id).equals("healthcheck")) {
          ObjectNode settings = objectAt(extensions, id);
          defaultEndpoint(settings, ComponentPorts.DEFAULT_HEALTH_PORT);
          if (!settings.has("path")) {
            settings.put("path", "/");
          }
        }
      }
    }
    return defaultTelemetry(config);
  }

  private static void defaultReceiver(ObjectNode receivers, String id) {
    Map<String, ComponentPorts.Protocol> protocols = ComponentPorts.protocolsOf(id);
    if (protocols != null) {
      JsonNode settings = receivers.get(id);
      if (settings == null || !settings.isObject()) {
        return;
      }
      JsonNode ps = settings.get("protocols");
      if (ps == null || !ps.isObject()) {
        return;
      }
      ObjectNode protocolsNode = (ObjectNode) ps;
      List<String> names = new ArrayList<>();
      protocolsNode.fieldNames().forEachRemaining(names::add);
      for (String proto : names) {
        ComponentPorts.Protocol p = protocols.get(proto.replace("_", ""));
        if (p != null && p.defaultPort() > 0) {
          defaultEndpoint(objectAt(protocolsNode, proto), p.defaultPort());
        }
      }
      return;
    }
    ComponentPorts.Protocol single = ComponentPorts.singleOf(id);
    if (single != null && single.defaultPort() > 0) {
      defaultEndpoint(objectAt(receivers, id), single.defaultPort());
    }
  }

  private static ObjectNode objectAt(ObjectNode parent, String key) {
    JsonNode n = parent.get(key);
    if (n instanceof ObjectNode o) {
      return o;
    }
    return parent.putObject(key);
  }

  private static void defaultEndpoint(ObjectNode settings, int port) {
    JsonNode ep = settings.get("endpoint");
    if (ep == null || ep.isNull() || (ep.isTextual() && ep.asText().isEmpty())) {
      settings.put("endpoint", "0.0.0.0:" + port);
    } else if (ep.isTextual() && ep.asText().startsWith(":")) {
      settings.put("endpoint", "0.0.0.0" + ep.asText());
    }
  }

  private static boolean defaultTelemetry(Config config) {
    if (config.service == null) {
      return false;
    }
    JsonNode telemetry = config.service.telemetry;
    if (telemetry != null && !telemetry.isObject() && !telemetry.isNull()) {
      return false;
    }
    ObjectNode t = telemetry instanceof ObjectNode o ? o : JsonNodeFactory.instance.objectNode();
    JsonNode metrics = t.get("metrics");
    if (metrics != null && !metrics.isNull() && !metrics.isObject()) {
      return false;
    }
    ObjectNode m = metrics instanceof ObjectNode o ? o : t.putObject("metrics");
    if (m.hasNonNull("address") || m.hasNonNull("readers")) {
      return false;
    }
    ObjectNode prometheus =
        m.putArray("readers")
            .addObject()
            .putObject("pull")
            .putObject("exporter")
            .putObject("prometheus");
    prometheus.put("host", "0.0.0.0");
    prometheus.put("port", ComponentPorts.DEFAULT_METRICS_PORT);
    config.service.telemetry = t;
    return true;
  }
}
