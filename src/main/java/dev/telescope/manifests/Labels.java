package dev.telescope.manifests;

import dev.telescope.naming.Names;
import dev.telescope.settings.OperatorConfig;
import io.fabric8.kubernetes.api.model.ObjectMeta;
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

  /** The component label of everything a target allocator owns. */
  public static final String TA_COMPONENT = "opentelemetry-targetallocator";

  /**
   * The immutable selector of an allocator's pods: the four collector-style labels plus the name
   * label (the allocator CR's own {@code app.kubernetes.io/name}, else {@code
   * <ta>-targetallocator}), as upstream selects them.
   */
  public static Map<String, String> allocatorSelector(ObjectMeta ta) {
    Map<String, String> m = new TreeMap<>();
    m.put(MANAGED_BY, OPERATOR);
    m.put(INSTANCE, Names.instance(ta.getNamespace(), ta.getName()));
    m.put(PART_OF, "opentelemetry");
    m.put(COMPONENT, TA_COMPONENT);
    Map<String, String> own = ta.getLabels();
    m.put(
        NAME,
        own != null && own.containsKey(NAME) ? own.get(NAME) : Names.targetAllocator(ta.getName()));
    return m;
  }

  /**
   * The labels of every object an allocator owns: the allocator CR's labels (minus {@code
   * --labels-filter}), the four selector labels, the version from the allocator image, and the name
   * label unless the CR sets one.
   */
  public static Map<String, String> allocator(
      ObjectMeta ta, String objectName, String image, OperatorConfig cfg) {
    Map<String, String> m = new TreeMap<>();
    Map<String, String> own = ta.getLabels();
    if (own != null) {
      own.forEach(
          (k, v) -> {
            if (!cfg.labelFiltered(k)) {
              m.put(k, v);
            }
          });
    }
    m.put(MANAGED_BY, OPERATOR);
    m.put(INSTANCE, Names.instance(ta.getNamespace(), ta.getName()));
    m.put(PART_OF, "opentelemetry");
    m.put(COMPONENT, TA_COMPONENT);
    m.put(VERSION, version(image));
    if (own == null || !own.containsKey(NAME)) {
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
   * The version label from {@code spec.image}, split on {@code :} as upstream does: two parts give
   * the tag ({@code img:1.2}, or the digest hex of {@code img@sha256:...}); three parts give the
   * segment that ends in {@code @sha256} without that suffix ({@code img:1.2@sha256:...} -> 1.2),
   * or the empty string when no segment does ({@code registry:5000/img:1.2}); anything else gives
   * {@code latest}. Computed from the CR's image, not the defaulted one. Where upstream's rule
   * would yield a value the API server rejects as a label (e.g. {@code 5000/img} for {@code
   * registry:5000/img}), {@code latest} is used instead so the object can still be created.
   */
  public static String version(String image) {
    if (image == null || image.isEmpty()) {
      return "latest";
    }
    String[] parts = image.split(":", -1);
    String beforeDigest = "";
    for (String part : parts) {
      if (part.endsWith("@sha256")) {
        beforeDigest = part.substring(0, part.length() - "@sha256".length());
      }
    }
    String v;
    if (parts.length == 3) {
      v = beforeDigest;
    } else if (parts.length == 2) {
      v = Names.truncate("%s", Names.MAX, parts[1]);
    } else {
      v = "latest";
    }
    return isValidValue(v) ? v : "latest";
  }

  private static final java.util.regex.Pattern LABEL_VALUE =
      java.util.regex.Pattern.compile("^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$");

  /**
   * Whether a string is a valid label value: empty, or at most 63 of [-A-Za-z0-9_.] framed by
   * alphanumerics.
   */
  public static boolean isValidValue(String v) {
    return v != null && v.length() <= Names.MAX && LABEL_VALUE.matcher(v).matches();
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
