package dev.telescope.manifests;

import java.util.Map;
import java.util.TreeMap;

/** Object and pod-template annotations, with the filter and the rollout-triggering config hash. */
public final class Annotations {
  /** Changes with the config, so a config edit rolls the pods. */
  public static final String CONFIG_HASH = "opentelemetry-operator-config/sha256";

  /** Marks that the prometheus.io annotations were added by us (and may be removed by us). */
  public static final String PROMETHEUS_ADDED =
      "operator.opentelemetry.io/prometheus-annotations-added";

  public static final String SCRAPE = "prometheus.io/scrape";
  public static final String PORT = "prometheus.io/port";
  public static final String PATH = "prometheus.io/path";

  /** Set on the headless Service so OpenShift's service-ca issues a serving certificate. */
  public static final String SERVING_CERT = "service.beta.openshift.io/serving-cert-secret-name";

  private Annotations() {}

  /** The CR's annotations minus {@code --annotations-filter}; null when none remain. */
  public static Map<String, String> object(CollectorContext ctx) {
    Map<String, String> m = filtered(ctx, ctx.cr().getMetadata().getAnnotations());
    return m.isEmpty() ? null : m;
  }

  private static Map<String, String> filtered(CollectorContext ctx, Map<String, String> source) {
    Map<String, String> m = new TreeMap<>();
    if (source != null) {
      source.forEach(
          (k, v) -> {
            if (!ctx.cfg().annotationFiltered(k)) {
              m.put(k, v);
            }
          });
    }
    return m;
  }

  /**
   * Pod-template annotations: {@code podAnnotations}, then CR annotations not already set, then the
   * prometheus.io scrape hints (unless disabled; the port is the literal 8888 as upstream writes
   * it), then the config hash.
   */
  public static Map<String, String> pod(CollectorContext ctx) {
    Map<String, String> m = filtered(ctx, ctx.spec().podAnnotations);
    filtered(ctx, ctx.cr().getMetadata().getAnnotations()).forEach(m::putIfAbsent);
    var obs = ctx.spec().observability;
    boolean disabled =
        obs != null
            && obs.metrics != null
            && Boolean.TRUE.equals(obs.metrics.disablePrometheusAnnotations);
    if (!disabled) {
      boolean added = false;
      for (Map.Entry<String, String> e :
          Map.of(SCRAPE, "true", PORT, "8888", PATH, "/metrics").entrySet()) {
        if (!m.containsKey(e.getKey())) {
          m.put(e.getKey(), e.getValue());
          added = true;
        }
      }
      if (added) {
        m.put(PROMETHEUS_ADDED, "true");
      }
    }
    m.put(CONFIG_HASH, ctx.config().hash());
    return m;
  }
}
