package dev.telescope.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The API server's ServiceAccount admission plugin, which the instrumentation suites' asserts see:
 * it mounts the token volume into every container before the webhooks run, and (reinvoked after
 * them) into the containers a webhook added. Neither emulated cluster had it; the sidecar suites
 * never assert the mount, the instrumentation suites list it first in {@code volumeMounts}.
 */
final class ServiceAccountTokens {
  static final String PATH = "/var/run/secrets/kubernetes.io/serviceaccount";
  static final String VOLUME = "kube-api-access-conf0";

  private ServiceAccountTokens() {}

  /**
   * Takes {@code spec.nodeName} off a pod about to be admitted and returns it: the scheduler binds
   * a pod after admission, so the webhook never sees a node (the emulation sets it when it creates
   * the pod).
   */
  static JsonNode unbind(ObjectNode pod) {
    return pod.path("spec") instanceof ObjectNode s ? s.remove("nodeName") : null;
  }

  /** Binds the pod to its node again after admission. */
  static void bind(ObjectNode pod, JsonNode node) {
    if (node != null && pod.path("spec") instanceof ObjectNode s) {
      s.set("nodeName", node);
    }
  }

  /** Adds the token volume and mounts it into every container lacking it (pod changed in place). */
  static void mount(ObjectNode pod) {
    JsonNode spec = pod.path("spec");
    if (!(spec instanceof ObjectNode s)
        || spec.path("automountServiceAccountToken").asBoolean(true) == false) {
      return;
    }
    ArrayNode volumes = s.has("volumes") ? (ArrayNode) s.get("volumes") : s.putArray("volumes");
    boolean has = false;
    for (JsonNode v : volumes) {
      has |= VOLUME.equals(v.path("name").asText());
    }
    if (!has) {
      ObjectNode v = volumes.addObject();
      v.put("name", VOLUME);
      ObjectNode projected = v.putObject("projected");
      projected.put("defaultMode", 420);
      projected
          .putArray("sources")
          .addObject()
          .putObject("serviceAccountToken")
          .put("expirationSeconds", 3607)
          .put("path", "token");
    }
    for (String list : new String[] {"initContainers", "containers"}) {
      for (JsonNode c : s.path(list)) {
        if (c instanceof ObjectNode container) {
          ArrayNode mounts =
              container.has("volumeMounts")
                  ? (ArrayNode) container.get("volumeMounts")
                  : container.putArray("volumeMounts");
          boolean mounted = false;
          for (JsonNode m : mounts) {
            mounted |= PATH.equals(m.path("mountPath").asText());
          }
          if (!mounted) {
            mounts.addObject().put("mountPath", PATH).put("name", VOLUME).put("readOnly", true);
          }
        }
      }
    }
  }
}
