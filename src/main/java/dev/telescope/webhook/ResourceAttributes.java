package dev.telescope.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.telescope.webhook.SidecarInjector.Owners;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds the {@code OTEL_RESOURCE_ATTRIBUTES} a sidecar gets from its pod and the pod's owners, so
 * the collector stamps its own telemetry with where it runs, kept apart from the pod mutation.
 */
final class ResourceAttributes {
  static final String POD_NAME_ENV = "OTEL_RESOURCE_ATTRIBUTES_POD_NAME";
  static final String POD_UID_ENV = "OTEL_RESOURCE_ATTRIBUTES_POD_UID";
  static final String NODE_NAME_ENV = "OTEL_RESOURCE_ATTRIBUTES_NODE_NAME";
  static final String RESOURCE_ATTRIBUTES_ENV = "OTEL_RESOURCE_ATTRIBUTES";

  /** The downward-API env the resource attributes refer to, the same for every pod. */
  static final List<JsonNode> POD_IDENTITY_ENV =
      List.of(
          JsonPatches.tree(fieldRef(POD_NAME_ENV, "metadata.name")),
          JsonPatches.tree(fieldRef(POD_UID_ENV, "metadata.uid")),
          JsonPatches.tree(fieldRef(NODE_NAME_ENV, "spec.nodeName")));

  private ResourceAttributes() {}

  /** As {@link SidecarInjector#owners}, for the pod as JSON. */
  static Owners owners(JsonNode pod, String podNamespace, CollectorLookup lookup) {
    OwnerReference rs = null;
    for (JsonNode ref : SidecarPodTree.array(pod.path("metadata"), "ownerReferences")) {
      String name = ref.path("name").asText("");
      if ("ReplicaSet".equals(ref.path("kind").asText()) && !name.isEmpty()) {
        rs = new OwnerReference();
        rs.setKind("ReplicaSet");
        rs.setName(name);
        rs.setUid(ref.hasNonNull("uid") ? ref.get("uid").asText() : null);
        rs.setApiVersion(ref.hasNonNull("apiVersion") ? ref.get("apiVersion").asText() : null);
        break;
      }
    }
    if (rs == null) {
      return Owners.NONE;
    }
    OwnerReference replicaSet = rs;
    OwnerReference deployment =
        lookup
            .replicaSet(podNamespace, replicaSet.getName())
            .filter(
                r ->
                    replicaSet.getUid() == null
                        || replicaSet.getUid().equals(r.getMetadata().getUid()))
            .map(r -> owner(r.getMetadata().getOwnerReferences(), "Deployment"))
            .orElse(null);
    return new Owners(replicaSet, deployment);
  }

  /**
   * The downward-API env for the pod identity, and {@code OTEL_RESOURCE_ATTRIBUTES} built from it:
   * the collector then stamps its own telemetry with the pod it runs in.
   */
  static List<EnvVar> resourceAttributeEnv(String podNamespace, Owners owners) {
    List<EnvVar> env = new ArrayList<>();
    env.add(fieldRef(POD_NAME_ENV, "metadata.name"));
    env.add(fieldRef(POD_UID_ENV, "metadata.uid"));
    env.add(fieldRef(NODE_NAME_ENV, "spec.nodeName"));
    env.add(new EnvVar(RESOURCE_ATTRIBUTES_ENV, resourceAttributes(podNamespace, owners), null));
    return env;
  }

  /** The value of {@code OTEL_RESOURCE_ATTRIBUTES}: sorted {@code key=value} pairs. */
  static String resourceAttributes(String podNamespace, Owners owners) {
    Map<String, String> attributes = new TreeMap<>();
    attributes.put("k8s.namespace.name", podNamespace);
    attributes.put("k8s.node.name", "$(" + NODE_NAME_ENV + ")");
    attributes.put("k8s.pod.name", "$(" + POD_NAME_ENV + ")");
    attributes.put("k8s.pod.uid", "$(" + POD_UID_ENV + ")");
    if (owners.replicaSet() != null) {
      attributes.put("k8s.replicaset.name", owners.replicaSet().getName());
      attributes.put("k8s.replicaset.uid", owners.replicaSet().getUid());
    }
    if (owners.deployment() != null) {
      attributes.put("k8s.deployment.name", owners.deployment().getName());
      attributes.put("k8s.deployment.uid", owners.deployment().getUid());
    }
    StringBuilder value = new StringBuilder();
    attributes.forEach(
        (k, v) -> {
          if (v != null && !v.isEmpty()) {
            if (value.length() > 0) {
              value.append(',');
            }
            value.append(k).append('=').append(v);
          }
        });
    return value.toString();
  }

  private static EnvVar fieldRef(String name, String path) {
    return new EnvVarBuilder()
        .withName(name)
        .withNewValueFrom()
        .withNewFieldRef()
        .withFieldPath(path)
        .endFieldRef()
        .endValueFrom()
        .build();
  }

  static OwnerReference owner(List<OwnerReference> refs, String kind) {
    if (refs == null) {
      return null;
    }
    for (OwnerReference r : refs) {
      if (kind.equals(r.getKind()) && r.getName() != null && !r.getName().isEmpty()) {
        return r;
      }
    }
    return null;
  }
}
