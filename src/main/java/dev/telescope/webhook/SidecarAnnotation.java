package dev.telescope.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.telescope.webhook.SidecarInjector.Named;
import dev.telescope.webhook.SidecarInjector.NoTarget;
import dev.telescope.webhook.SidecarInjector.RemoveTarget;
import dev.telescope.webhook.SidecarInjector.SingleInNamespace;
import dev.telescope.webhook.SidecarInjector.Target;
import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * Reads the {@code sidecar.opentelemetry.io/inject} annotation of a pod and its namespace into a
 * {@link Target}, so the annotation contract is one small set of pure rules apart from the
 * mutation.
 */
final class SidecarAnnotation {
  private SidecarAnnotation() {}

  /**
   * As {@link SidecarInjector#effectiveValue(io.fabric8.kubernetes.api.model.Pod,
   * io.fabric8.kubernetes.api.model.Namespace)}.
   */
  static String effectiveValue(String podValue, String nsValue) {
    if (nsValue.isEmpty()) {
      return podValue;
    }
    if (podValue.isEmpty()) {
      return nsValue;
    }
    if (!podValue.equalsIgnoreCase("true")) {
      return podValue;
    }
    if (nsValue.equalsIgnoreCase("false")) {
      return podValue;
    }
    return nsValue;
  }

  /** As {@link SidecarInjector#target}. */
  static Target target(String value, String podNamespace) {
    String v = value == null ? "" : value.trim();
    if (v.isEmpty()) {
      return new NoTarget();
    }
    if (v.equalsIgnoreCase("false")) {
      return new RemoveTarget();
    }
    if (v.equalsIgnoreCase("true")) {
      return new SingleInNamespace();
    }
    int slash = v.indexOf('/');
    if (slash >= 0) {
      return new Named(v.substring(0, slash), v.substring(slash + 1));
    }
    return new Named(podNamespace == null ? "" : podNamespace, v);
  }

  /** The annotation's value on an object (a namespace, a pod), empty when absent. */
  static String annotation(HasMetadata o) {
    if (o == null || o.getMetadata() == null || o.getMetadata().getAnnotations() == null) {
      return "";
    }
    String v = o.getMetadata().getAnnotations().get(SidecarInjector.INJECT_ANNOTATION);
    return v == null ? "" : v;
  }

  /** The annotation's value on a pod as JSON, empty when absent or not a string. */
  static String annotation(JsonNode pod) {
    JsonNode v = pod.path("metadata").path("annotations").path(SidecarInjector.INJECT_ANNOTATION);
    return v.isTextual() ? v.asText() : "";
  }
}
