package dev.telescope.reconciler.coverage;

import dev.telescope.api.common.Mode;
import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import java.util.List;
import java.util.Map;

/**
 * Which sidecar collector a pod's {@code sidecar.opentelemetry.io/inject} annotations ask for, as
 * the webhook reads them (upstream's precedence between pod and namespace). The reconciler may not
 * use the webhook package, so the few rules are restated here; {@code PodCoverageTest} pins them to
 * the webhook's cases.
 */
final class InjectTarget {
  static final String ANNOTATION = "sidecar.opentelemetry.io/inject";

  private InjectTarget() {}

  /**
   * The effective value: the pod's unless empty; the namespace's when the pod says nothing or says
   * {@code true} against a namespace that names a collector or says {@code true}.
   */
  static String effective(String podValue, String nsValue) {
    String pod = podValue == null ? "" : podValue.trim();
    String ns = nsValue == null ? "" : nsValue.trim();
    if (ns.isEmpty()) {
      return pod;
    }
    if (pod.isEmpty()) {
      return ns;
    }
    if (!pod.equalsIgnoreCase("true") || ns.equalsIgnoreCase("false")) {
      return pod;
    }
    return ns;
  }

  /**
   * The {@code namespace/name} of the sidecar-mode collector the value selects, or null when it
   * selects none (no annotation, {@code false}, no or several candidates, not in sidecar mode).
   *
   * @param sidecarsInNamespace the pod's namespace's sidecar-mode collectors
   * @param byKey every known collector by {@code namespace/name}
   */
  static String resolve(
      String value,
      String podNamespace,
      List<OpenTelemetryCollector> sidecarsInNamespace,
      Map<String, OpenTelemetryCollector> byKey) {
    if (value.isEmpty() || value.equalsIgnoreCase("false")) {
      return null;
    }
    if (value.equalsIgnoreCase("true")) {
      return sidecarsInNamespace != null && sidecarsInNamespace.size() == 1
          ? key(sidecarsInNamespace.get(0))
          : null;
    }
    int slash = value.indexOf('/');
    String key = slash >= 0 ? value : podNamespace + "/" + value;
    OpenTelemetryCollector c = byKey.get(key);
    return c != null && isSidecar(c) ? key : null;
  }

  static boolean isSidecar(OpenTelemetryCollector c) {
    return c.getSpec() != null && c.getSpec().effectiveMode() == Mode.SIDECAR;
  }

  static String key(OpenTelemetryCollector c) {
    return c.getMetadata().getNamespace() + "/" + c.getMetadata().getName();
  }
}
