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
import dev.telescope.settings.OperatorConfig;
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
   * Fills the config in place, as upstream's mutating webhook does: for used receivers, the used
   * Prometheus exporter and the enabled health_check / jaeger_query extensions, an empty endpoint
   * becomes {@code 0.0.0.0:<port>} and a host-less one gets host {@code 0.0.0.0}; health_check gets
   * {@code path: /}; and a Prometheus pull reader on 0.0.0.0:8888 is added when telemetry names no
   * metrics endpoint. Processors and unused components are left alone.
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
    if (config.exporters != null && config.exporters.isObject()) {
      ObjectNode exporters = (ObjectNode) config.exporters;
      for (String id : view.used(ComponentKind.EXPORTERS)) {
        if (ComponentPorts.normalType(id).equals("prometheus")) {
          defaultAddress(objectAt(exporters, id), ComponentPorts.DEFAULT_METRICS_PORT);
        }
      }
    }
    if (config.extensions != null && config.extensions.isObject()) {
      ObjectNode extensions = (ObjectNode) config.extensions;
      for (String id : view.used(ComponentKind.EXTENSIONS)) {
        String type = ComponentPorts.normalType(id);
        if (type.equals("healthcheck")) {
          ObjectNode settings = objectAt(extensions, id);
          defaultHealthCheckEndpoint(settings);
          JsonNode path = settings.get("path");
          if (path == null || path.isNull() || (path.isTextual() && path.asText().isEmpty())) {
            settings.put("path", "/");
          }
        } else if (type.equals("jaegerquery")) {
          ObjectNode http = objectAt(objectAt(extensions, id), "http");
          defaultAddress(http, ComponentPorts.DEFAULT_JAEGER_QUERY_PORT);
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
        ComponentPorts.Protocol p = protocols.get(proto);
        if (p != null && p.defaultPort() > 0) {
          // The port a protocol listens on may come from listen_address; keep it.
          JsonNode current = protocolsNode.get(proto);
          int port =
              ComponentPorts.portOf(ComponentPorts.endpointOf(current)).orElse(p.defaultPort());
          defaultAddress(objectAt(protocolsNode, proto), port);
        }
      }
      return;
    }
    ComponentPorts.Protocol single = ComponentPorts.singleOf(id);
    if (single != null && single.defaultPort() > 0) {
      defaultAddress(objectAt(receivers, id), single.defaultPort());
    }
  }

  private static ObjectNode objectAt(ObjectNode parent, String key) {
    JsonNode n = parent.get(key);
    if (n instanceof ObjectNode o) {
      return o;
    }
    return parent.putObject(key);
  }

  /**
   * Upstream's address defaulting: an empty endpoint becomes {@code 0.0.0.0:<port>}; an endpoint
   * split on {@code :} into fewer than two parts, or with an empty first part, becomes {@code
   * 0.0.0.0:<last part>} (so {@code :4317} gives {@code 0.0.0.0:4317}, and, as upstream, {@code
   * localhost} gives {@code 0.0.0.0:localhost}); anything else is kept.
   */
  static void defaultAddress(ObjectNode settings, int port) {
    JsonNode ep = settings.get("endpoint");
    if (ep == null || ep.isNull() || (ep.isTextual() && ep.asText().isEmpty())) {
      settings.put("endpoint", DEFAULT_HOST + ":" + port);
      return;
    }
    if (!ep.isTextual()) {
      return;
    }
    String[] parts = ep.asText().split(":", -1);
    if (parts.length < 2 || parts[0].isEmpty()) {
      settings.put("endpoint", DEFAULT_HOST + ":" + parts[parts.length - 1]);
    }
  }

  /**
   * The health_check variant: only a {@code :<port>} endpoint (empty host, non-empty port, as Go's
   * {@code net.SplitHostPort} reads it) gets the host; an empty one gets {@code 0.0.0.0:13133}.
   */
  private static void defaultHealthCheckEndpoint(ObjectNode settings) {
    JsonNode ep = settings.get("endpoint");
    if (ep == null || ep.isNull() || (ep.isTextual() && ep.asText().isEmpty())) {
      settings.put("endpoint", DEFAULT_HOST + ":" + ComponentPorts.DEFAULT_HEALTH_PORT);
      return;
    }
    if (!ep.isTextual()) {
      return;
    }
    String e = ep.asText();
    if (e.startsWith(":") && e.length() > 1 && e.indexOf(':', 1) < 0) {
      settings.put("endpoint", DEFAULT_HOST + e);
    }
  }

  /** The host receivers and extensions are defaulted to listen on. */
  public static final String DEFAULT_HOST = "0.0.0.0";

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
    // An empty address or an empty readers list counts as unset, as upstream reads them.
    JsonNode address = m.get("address");
    JsonNode readers = m.get("readers");
    boolean hasAddress =
        address != null
            && !address.isNull()
            && !(address.isTextual() && address.asText().isEmpty());
    boolean hasReaders =
        readers != null && !readers.isNull() && !(readers.isArray() && readers.isEmpty());
    if (hasAddress || hasReaders) {
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
