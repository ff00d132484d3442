package dev.telescope.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The defaults the Kubernetes API server writes into the built-in objects upstream's assertions
 * look at (a Service port's protocol and targetPort, a container port's protocol, a DaemonSet's
 * rolling update, a claim template's kind and volume mode, an empty volume becoming an emptyDir,
 * ...). Only fields the fixtures rely on, or that make an emulated object read like a stored one.
 */
final class ServerDefaults {
  private ServerDefaults() {}

  static void apply(ObjectNode obj) {
    String kind = obj.path("kind").asText();
    switch (kind) {
      case "Service" -> service(obj);
      case "Deployment" -> {
        ObjectNode spec = object(obj, "spec");
        putIfAbsent(spec, "replicas", 1);
        putIfAbsent(spec, "revisionHistoryLimit", 10);
        putIfAbsent(spec, "progressDeadlineSeconds", 600);
        ObjectNode strategy = object(spec, "strategy");
        putIfAbsent(strategy, "type", "RollingUpdate");
        if ("RollingUpdate".equals(strategy.path("type").asText())) {
          ObjectNode ru = object(strategy, "rollingUpdate");
          putIfAbsent(ru, "maxUnavailable", "25%");
          putIfAbsent(ru, "maxSurge", "25%");
        }
        podTemplate(spec);
      }
      case "StatefulSet" -> {
        ObjectNode spec = object(obj, "spec");
        putIfAbsent(spec, "replicas", 1);
        putIfAbsent(spec, "revisionHistoryLimit", 10);
        putIfAbsent(spec, "podManagementPolicy", "OrderedReady");
        ObjectNode strategy = object(spec, "updateStrategy");
        putIfAbsent(strategy, "type", "RollingUpdate");
        if ("RollingUpdate".equals(strategy.path("type").asText())) {
          putIfAbsent(object(strategy, "rollingUpdate"), "partition", 0);
        }
        ObjectNode retention = object(spec, "persistentVolumeClaimRetentionPolicy");
        putIfAbsent(retention, "whenDeleted", "Retain");
        putIfAbsent(retention, "whenScaled", "Retain");
        if (spec.path("volumeClaimTemplates").isArray()) {
          for (JsonNode t : spec.get("volumeClaimTemplates")) {
            if (t instanceof ObjectNode pvc) {
              // The API server stores embedded claim templates with their type meta.
              putIfAbsent(pvc, "apiVersion", "v1");
              putIfAbsent(pvc, "kind", "PersistentVolumeClaim");
              putIfAbsent(object(pvc, "spec"), "volumeMode", "Filesystem");
            }
          }
        }
        podTemplate(spec);
      }
      case "DaemonSet" -> {
        ObjectNode spec = object(obj, "spec");
        putIfAbsent(spec, "revisionHistoryLimit", 10);
        ObjectNode strategy = object(spec, "updateStrategy");
        putIfAbsent(strategy, "type", "RollingUpdate");
        if ("RollingUpdate".equals(strategy.path("type").asText())) {
          ObjectNode ru = object(strategy, "rollingUpdate");
          putIfAbsent(ru, "maxUnavailable", 1);
          putIfAbsent(ru, "maxSurge", 0);
        }
        podTemplate(spec);
      }
      case "Job" -> podTemplate(object(obj, "spec"));
      case "Pod" -> podSpec(object(obj, "spec"));
      case "NetworkPolicy" -> {
        ObjectNode spec = object(obj, "spec");
        for (String dir : new String[] {"ingress", "egress"}) {
          for (JsonNode rule : spec.path(dir)) {
            for (JsonNode p : rule.path("ports")) {
              if (p instanceof ObjectNode port) {
                putIfAbsent(port, "protocol", "TCP");
              }
            }
          }
        }
      }
      case "PersistentVolumeClaim" -> putIfAbsent(object(obj, "spec"), "volumeMode", "Filesystem");
      default -> {}
    }
  }

  private static void service(ObjectNode obj) {
    ObjectNode spec = object(obj, "spec");
    putIfAbsent(spec, "type", "ClusterIP");
    putIfAbsent(spec, "sessionAffinity", "None");
    if (!spec.has("ipFamilies")) {
      spec.putArray("ipFamilies").add("IPv4");
    }
    putIfAbsent(spec, "ipFamilyPolicy", "SingleStack");
    putIfAbsent(spec, "internalTrafficPolicy", "Cluster");
    for (JsonNode p : spec.path("ports")) {
      if (p instanceof ObjectNode port) {
        putIfAbsent(port, "protocol", "TCP");
        JsonNode target = port.get("targetPort");
        // An unset (or Go zero-valued) targetPort means "same as port".
        if (target == null || target.isNull() || (target.isInt() && target.asInt() == 0)) {
          port.set("targetPort", port.get("port"));
        }
      }
    }
  }

  private static void podTemplate(ObjectNode workloadSpec) {
    podSpec(object(object(workloadSpec, "template"), "spec"));
  }

  static void podSpec(ObjectNode spec) {
    putIfAbsent(spec, "restartPolicy", "Always");
    putIfAbsent(spec, "dnsPolicy", "ClusterFirst");
    putIfAbsent(spec, "schedulerName", "default-scheduler");
    putIfAbsent(spec, "terminationGracePeriodSeconds", 30);
    object(spec, "securityContext");
    for (String list : new String[] {"containers", "initContainers"}) {
      for (JsonNode c : spec.path(list)) {
        if (c instanceof ObjectNode container) {
          container(container);
        }
      }
    }
    for (JsonNode v : spec.path("volumes")) {
      if (v instanceof ObjectNode volume) {
        boolean hasSource = false;
        var it = volume.fieldNames();
        while (it.hasNext()) {
          if (!"name".equals(it.next())) {
            hasSource = true;
          }
        }
        if (!hasSource) {
          volume.putObject("emptyDir");
        }
        if (volume.path("configMap").isObject()) {
          putIfAbsent((ObjectNode) volume.get("configMap"), "defaultMode", 420);
        }
      }
    }
  }

  private static void container(ObjectNode c) {
    putIfAbsent(c, "terminationMessagePath", "/dev/termination-log");
    putIfAbsent(c, "terminationMessagePolicy", "File");
    String image = c.path("image").asText("");
    String tag = image.contains("@") ? "digest" : tagOf(image);
    putIfAbsent(
        c, "imagePullPolicy", tag.isEmpty() || tag.equals("latest") ? "Always" : "IfNotPresent");
    for (JsonNode p : c.path("ports")) {
      if (p instanceof ObjectNode port) {
        putIfAbsent(port, "protocol", "TCP");
      }
    }
    for (JsonNode e : c.path("env")) {
      JsonNode fieldRef = e.at("/valueFrom/fieldRef");
      if (fieldRef instanceof ObjectNode f) {
        putIfAbsent(f, "apiVersion", "v1");
      }
    }
    for (String probe : new String[] {"livenessProbe", "readinessProbe", "startupProbe"}) {
      if (c.get(probe) instanceof ObjectNode p) {
        putIfAbsent(p, "timeoutSeconds", 1);
        putIfAbsent(p, "periodSeconds", 10);
        putIfAbsent(p, "successThreshold", 1);
        putIfAbsent(p, "failureThreshold", 3);
        if (p.get("httpGet") instanceof ObjectNode h) {
          putIfAbsent(h, "scheme", "HTTP");
        }
      }
    }
  }

  private static String tagOf(String image) {
    int slash = image.lastIndexOf('/');
    int colon = image.lastIndexOf(':');
    return colon > slash ? image.substring(colon + 1) : "";
  }

  static ObjectNode object(ObjectNode parent, String key) {
    JsonNode n = parent.get(key);
    if (n instanceof ObjectNode o) {
      return o;
    }
    return parent.putObject(key);
  }

  private static void putIfAbsent(ObjectNode o, String key, String value) {
    if (!o.hasNonNull(key)) {
      o.put(key, value);
    }
  }

  private static void putIfAbsent(ObjectNode o, String key, int value) {
    if (!o.hasNonNull(key)) {
      o.put(key, value);
    }
  }
}
