package dev.telescope.naming;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The names of everything the operator creates. They are an API: users, dashboards and upstream's
 * e2e tests refer to them, so they are computed here only, truncated to 63 characters and made
 * DNS-safe exactly as upstream does.
 */
public final class Names {
  /** Kubernetes object names and label values are limited to 63 characters. */
  public static final int MAX = 63;

  /** The collector container, in workloads and as the injected sidecar. */
  public static final String CONTAINER = "otc-container";

  /** The volume holding the rendered collector config. */
  public static final String CONFIG_VOLUME = "otc-internal";

  /** Where the config volume is mounted. */
  public static final String CONFIG_MOUNT_PATH = "/conf";

  /** The data key of the collector ConfigMap. */
  public static final String CONFIG_KEY = "collector.yaml";

  private static final Pattern EDGE_NON_ALNUM = Pattern.compile("^[^a-zA-Z0-9]+|[^a-zA-Z0-9]+$");
  private static final Pattern DNS_LABEL = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");
  private static final int MAX_PORT_NAME = 15;

  private Names() {}

  /** Workload, ServiceAccount, base Service, PDB, HPA, ServiceMonitor and PodMonitor name. */
  public static String collector(String cr) {
    return dns(truncate("%s-collector", MAX, cr));
  }

  /** The headless Service (also the StatefulSet's default governing Service). */
  public static String headlessService(String cr) {
    return dns(truncate("%s-headless", MAX, collector(cr)));
  }

  /** The Service exposing only the collector's own metrics port. */
  public static String monitoringService(String cr) {
    return dns(truncate("%s-monitoring", MAX, collector(cr)));
  }

  /** The Service exposing extension ports (health_check, jaeger_query). */
  public static String extensionService(String cr) {
    return dns(truncate("%s-extension", MAX, collector(cr)));
  }

  /** The collector ConfigMap, versioned by the first 8 hex digits of the config hash. */
  public static String configMap(String cr, String configHash) {
    String suffix = configHash.length() > 8 ? configHash.substring(0, 8) : configHash;
    return dns(truncate("%s-collector-%s", MAX, cr, suffix));
  }

  /** The Ingress exposing receiver ports. */
  public static String ingress(String cr) {
    return dns(truncate("%s-ingress", MAX, cr));
  }

  /** One OpenShift Route per exposed port. */
  public static String route(String cr, String portName) {
    return dns(truncate("%s-%s-route", MAX, portName, cr));
  }

  /** One Gateway API HTTPRoute per exposed port. */
  public static String httpRoute(String cr, String portName) {
    return dns(truncate("%s-%s-httproute", MAX, cr, portName));
  }

  /** The NetworkPolicy admitting traffic to the collector's ports. */
  public static String networkPolicy(String cr) {
    return dns(truncate("%s-collector-networkpolicy", MAX, cr));
  }

  /** The ClusterRole granting what the config's components need; cluster-scoped, so namespaced. */
  public static String clusterRole(String cr, String namespace) {
    return dns(truncate("%s-%s-cluster-role", MAX, cr, namespace));
  }

  /** The ClusterRoleBinding of {@link #clusterRole} to the collector's ServiceAccount. */
  public static String clusterRoleBinding(String cr, String namespace) {
    return dns(truncate("%s-%s-collector", MAX, cr, namespace));
  }

  /** The ServiceMonitor scraping the monitoring Service. */
  public static String monitoringServiceMonitor(String cr) {
    return dns(truncate("%s-monitoring-collector", MAX, cr));
  }

  /** The allocator's NetworkPolicy. */
  public static String targetAllocatorNetworkPolicy(String ta) {
    return dns(truncate("%s-targetallocator-networkpolicy", MAX, ta));
  }

  /** The allocator's cert-manager objects: {@code <ta>-<suffix>}, e.g. ca-cert, ta-client-cert. */
  public static String targetAllocatorCertificate(String ta, String suffix) {
    return dns(truncate("%s-" + suffix, MAX, ta));
  }

  /** The volume that holds the allocator's ConfigMap in its pod. */
  public static final String TA_CONFIG_VOLUME = "ta-internal";

  /** The allocator's container. */
  public static final String TA_CONTAINER = "ta-container";

  /** The TargetAllocator's objects. */
  public static String targetAllocator(String cr) {
    return dns(truncate("%s-targetallocator", MAX, cr));
  }

  /** The volume mounting an extra ConfigMap listed in {@code spec.configmaps}. */
  public static String configMapVolume(String configMapName) {
    return dns(truncate("configmap-%s", MAX, configMapName));
  }

  /**
   * The value of {@code app.kubernetes.io/instance} and of the sidecar's injected label: {@code
   * <namespace>.<name>}. Dots are legal in label values, so no DNS rewriting.
   */
  public static String instance(String namespace, String cr) {
    return truncate("%s.%s", MAX, namespace, cr);
  }

  /**
   * A container/Service port name from a component id: {@code /} and {@code _} become {@code -};
   * anything longer than 15 characters or not a DNS label falls back to {@code port-<number>}.
   */
  public static String portName(String componentName, int port) {
    if (componentName == null || componentName.length() > MAX_PORT_NAME) {
      return "port-" + port;
    }
    String candidate = componentName.replace('/', '-').replace('_', '-');
    if (!DNS_LABEL.matcher(candidate).matches()) {
      return "port-" + port;
    }
    return candidate;
  }

  /** Whether a string is a valid port name (a DNS label of at most 15 characters). */
  public static boolean isValidPortName(String name) {
    // Kubernetes' IANA_SVC_NAME rule: also no two hyphens in a row.
    return name != null
        && name.length() <= MAX_PORT_NAME
        && DNS_LABEL.matcher(name).matches()
        && !name.contains("--")
        && name.chars().anyMatch(c -> c >= 'a' && c <= 'z');
  }

  /**
   * Formats {@code format} with string {@code values}, shortening the first values (from their end)
   * until the result fits {@code max}, then trims non-alphanumerics from both ends. When the fixed
   * part of the format alone is longer than {@code max}, the result is cut at {@code max} and, as
   * upstream does, not trimmed.
   */
  public static String truncate(String format, int max, String... values) {
    String result = String.format(format, (Object[]) values);
    int excess = result.length() - max;
    if (excess > 0) {
      List<String> shortened = new ArrayList<>(values.length);
      for (String value : values) {
        String s = value == null ? "" : value;
        if (excess > 0) {
          if (s.length() > excess) {
            s = s.substring(0, s.length() - excess);
            excess = 0;
          } else {
            excess -= s.length();
            s = "";
          }
        }
        shortened.add(s);
      }
      result = String.format(format, shortened.toArray());
    }
    if (result.length() > max) {
      return result.substring(0, max);
    }
    return EDGE_NON_ALNUM.matcher(result).replaceAll("");
  }

  /**
   * Lower-cases and replaces every character outside {@code [a-z0-9]} with {@code -}, or with
   * {@code a} at the first and last position, where a DNS label may not have a dash. Works on code
   * points, so an emoji becomes one character, as in upstream ({@code Service🦄} gives {@code
   * servicea}); the length in code points is kept.
   */
  public static String dns(String name) {
    int[] cps = name.toLowerCase(Locale.ROOT).codePoints().toArray();
    StringBuilder out = new StringBuilder(cps.length);
    int last = cps.length - 1;
    for (int i = 0; i < cps.length; i++) {
      int c = cps[i];
      boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
      if (ok) {
        out.append((char) c);
      } else {
        out.append(i == 0 || i == last ? 'a' : '-');
      }
    }
    return out.toString();
  }
}
