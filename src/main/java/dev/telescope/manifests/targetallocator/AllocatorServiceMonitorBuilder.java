package dev.telescope.manifests.targetallocator;

import dev.telescope.manifests.Labels;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;
import java.util.Map;

/**
 * The ServiceMonitor scraping the allocator's own metrics (on the {@code targetallocation} port)
 * when {@code observability.metrics.enableMetrics} is set and the Prometheus-operator API exists.
 */
public final class AllocatorServiceMonitorBuilder {
  public static final String API_VERSION = "monitoring.coreos.com/v1";
  public static final String KIND = "ServiceMonitor";

  private AllocatorServiceMonitorBuilder() {}

  /** Whether the CR asks for its own metrics to be scraped. */
  public static boolean wanted(AllocatorContext ctx) {
    var o = ctx.spec().observability;
    return o != null && o.metrics != null && Boolean.TRUE.equals(o.metrics.enableMetrics);
  }

  /** The allocator's labels plus {@code observability.metrics.extraLabels} (which win). */
  static Map<String, String> labels(AllocatorContext ctx) {
    Map<String, String> m =
        new java.util.TreeMap<>(
            Labels.allocator(ctx.meta(), ctx.objectName(), ctx.spec().image, ctx.cfg()));
    var o = ctx.spec().observability;
    if (o != null && o.metrics != null && o.metrics.extraLabels != null) {
      m.putAll(o.metrics.extraLabels);
    }
    return m;
  }

  public static GenericKubernetesResource build(AllocatorContext ctx) {
    GenericKubernetesResource r = new GenericKubernetesResource();
    r.setApiVersion(API_VERSION);
    r.setKind(KIND);
    r.setMetadata(
        new ObjectMetaBuilder()
            .withName(ctx.objectName())
            .withNamespace(ctx.namespace())
            .withLabels(labels(ctx))
            .build());
    r.setAdditionalProperty(
        "spec",
        Map.of(
            "endpoints",
            List.of(Map.of("port", AllocatorServiceBuilder.PORT_NAME)),
            "namespaceSelector",
            Map.of("matchNames", List.of(ctx.namespace())),
            "selector",
            Map.of("matchLabels", Labels.allocatorSelector(ctx.meta()))));
    return r;
  }
}
