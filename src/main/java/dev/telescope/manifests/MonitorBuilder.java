package dev.telescope.manifests;

import dev.telescope.api.v1beta1.ObservabilitySpec;
import dev.telescope.config.ComponentPort;
import dev.telescope.naming.Names;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Prometheus-operator ServiceMonitors and PodMonitors scraping the collector, as generic objects
 * (the CRDs exist only where the Prometheus operator is installed).
 */
public final class MonitorBuilder {
  public static final String API_VERSION = "monitoring.coreos.com/v1";

  private MonitorBuilder() {}

  /** Whether {@code observability.metrics.enableMetrics} is on. */
  public static boolean enabled(CollectorContext ctx) {
    ObservabilitySpec o = ctx.spec().observability;
    return o != null && o.metrics != null && Boolean.TRUE.equals(o.metrics.enableMetrics);
  }

  /** The ServiceMonitor of the prometheus-exporter ports on the base Service, if any. */
  public static Optional<GenericKubernetesResource> exporters(CollectorContext ctx) {
    List<Map<String, Object>> endpoints = exporterEndpoints(ctx);
    if (endpoints.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(serviceMonitor(ctx, Names.collector(ctx.name()), "base", endpoints));
  }

  /** The ServiceMonitor of the monitoring Service's metrics port. */
  public static GenericKubernetesResource monitoring(CollectorContext ctx) {
    return serviceMonitor(
        ctx,
        Names.monitoringServiceMonitor(ctx.name()),
        "monitoring",
        List.of(Map.of("port", Ports.MONITORING)));
  }

  /** The PodMonitor for sidecar mode, where there is no Service to select. */
  public static GenericKubernetesResource podMonitor(CollectorContext ctx) {
    List<Map<String, Object>> endpoints = new ArrayList<>();
    endpoints.add(Map.of("port", Ports.MONITORING));
    endpoints.addAll(exporterEndpoints(ctx));
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("jobLabel", Labels.INSTANCE);
    spec.put("podTargetLabels", List.of(Labels.NAME, Labels.INSTANCE, Labels.MANAGED_BY));
    spec.put("podMetricsEndpoints", endpoints);
    spec.put("namespaceSelector", Map.of("matchNames", List.of(ctx.namespace())));
    spec.put("selector", Map.of("matchLabels", Labels.selector(ctx)));
    return generic(ctx, "PodMonitor", Names.collector(ctx.name()), spec);
  }

  /**
   * One endpoint per prometheus exporter port, as upstream selects them: by a port name containing
   * {@code prometheus}. A prometheus exporter whose id is too long for a port name gets {@code
   * port-<n>} and is therefore not scraped, exactly as upstream behaves.
   */
  private static List<Map<String, Object>> exporterEndpoints(CollectorContext ctx) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (ComponentPort p : ctx.config().exporterPorts()) {
      if (p.name().contains("prometheus")) {
        out.add(Map.of("port", p.name()));
      }
    }
    return out;
  }

  private static GenericKubernetesResource serviceMonitor(
      CollectorContext ctx, String name, String serviceType, List<Map<String, Object>> endpoints) {
    Map<String, String> selector = new TreeMap<>(Labels.selector(ctx));
    selector.put(Labels.SERVICE_TYPE, serviceType);
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("endpoints", endpoints);
    spec.put("namespaceSelector", Map.of("matchNames", List.of(ctx.namespace())));
    spec.put("selector", Map.of("matchLabels", selector));
    return generic(ctx, "ServiceMonitor", name, spec);
  }

  private static GenericKubernetesResource generic(
      CollectorContext ctx, String kind, String name, Map<String, Object> spec) {
    Map<String, String> labels = Labels.common(ctx, name);
    ObservabilitySpec o = ctx.spec().observability;
    if (o != null && o.metrics != null && o.metrics.extraLabels != null) {
      labels.putAll(o.metrics.extraLabels);
    }
    GenericKubernetesResource r = new GenericKubernetesResource();
    r.setApiVersion(API_VERSION);
    r.setKind(kind);
    r.setMetadata(Objects.meta(ctx, name, labels));
    r.setAdditionalProperty("spec", spec);
    return r;
  }
}
