package dev.telescope.manifests;

import dev.telescope.naming.Names;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The only place labels and selectors are made. The selector holds just the four labels that never
 * change for a CR: selectors are immutable on workloads, so a version or image in them would force
 * a delete-and-recreate on every upgrade.
 */
public final class Labels {
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String INSTANCE = "app.kubernetes.io/instance";
  public static final String PART_OF = "app.kubernetes.io/part-of";
  public static final String COMPONENT = "app.kubernetes.io/component";
  public static final String NAME = "app.kubernetes.io/name";
  public static final String VERSION = "app.kubernetes.io/version";

  /** The managed-by value; upstream's, so existing selectors and dashboards keep working. */
  public static final String OPERATOR = "opentelemetry-operator";

  /** The label selector an informer uses to cache only objects we manage. */
  public static final String MANAGED_SELECTOR = MANAGED_BY + "=" + OPERATOR;

  public static final String SERVICE_TYPE = "operator.opentelemetry.io/collector-service-type";
  public static final String HEADLESS = "operator.opentelemetry.io/collector-headless-service";
  public static final String MONITORING = "operator.opentelemetry.io/collector-monitoring-service";

  /** Put on pods the webhook injected a sidecar into: {@code <collector-ns>.<collector-name>}. */
  public static final String SIDECAR_INJECTED = "sidecar.opentelemetry.io/injected";

  private Labels() {}

  /** The immutable selector labels of a collector's pods. */
  public static Map<String, String> selector(CollectorContext ctx) {
    Map<String, String> m = new TreeMap<>();
    m.put(MANAGED_BY, OPERATOR);
    m.put(INSTANCE, Names.instance(ctx.namespace(), ctx.name()));
    m.put(PART_OF, "opentelemetry");
    m.put(COMPONENT, "opentelemetry-collector");
    return m;
  }

  /**
   * The labels of every object of a collector: the CR's labels (minus {@code --labels-filter}),
   * overridden by the selector labels, plus the name label (the CR's own wins) and the version.
   */
  public static Map<String, String> common(CollectorContext ctx, String objectName) {
    Map<String, String> m = new TreeMap<>();
    Map<String, String> crLabels = ctx.cr().getMetadata().getLabels();
    if (crLabels != null) {
      crLabels.forEach(
          (k, v) -> {
            if (!ctx.cfg().labelFiltered(k)) {
              m.put(k, v);
            }
          });
    }
    m.putAll(selector(ctx));
    m.put(VERSION, version(ctx.spec().image));
    if (crLabels == null || !crLabels.containsKey(NAME)) {
      m.put(NAME, objectName);
    }
    return m;
  }

  /** Common labels plus extra ones (which win). */
  public static Map<String, String> common(
      CollectorContext ctx, String objectName, Map<String, String> extra) {
    Map<String, String> m = common(ctx, objectName);
    m.putAll(extra);
    return m;
  }

  /**
   * The version label from {@code spec.image}: the tag, or {@code latest}. Computed from the CR's
   * image, not the defaulted one, as upstream does.
   */
  public static String version(String image) {
    if (image == null || image.isEmpty()) {
      return "latest";
    }
    String[] parts = image.split(":", -1);
    if (parts.length == 2) {
      return Names.truncate("%s", Names.MAX, parts[1]);
    }
    if (parts.length == 3) {
      return Names.truncate("%s", Names.MAX, parts[1].split("@", -1)[0]);
    }
    return "latest";
  }

  /** A label selector as the string form {@code k=v,k=v} (sorted). */
  public static String asString(Map<String, String> labels) {
    StringBuilder b = new StringBuilder();
    new TreeMap<>(labels)
        .forEach(
            (k, v) -> {
              if (b.length() > 0) {
                b.append(',');
              }
              b.append(k).append('=').append(v);
            });
    return b.toString();
  }

  /** A mutable copy, for builders that hand maps to fabric8. */
  static Map<String, String> copy(Map<String, String> m) {
    return new LinkedHashMap<>(m);
  }
}
