package dev.telescope.instrumentation;

import java.util.List;
import java.util.Map;

/**
 * What the mutators know about a pod besides the pod itself: its namespace (a pod created by a
 * controller has none in its metadata yet) and its owner chain as resolved by the caller.
 *
 * @param namespace the namespace the pod is created in
 * @param namespaceAnnotations the namespace's annotations (inject annotations may sit there)
 * @param owners the pod's owners and their owners (ReplicaSet then Deployment, Job then CronJob,
 *     StatefulSet, DaemonSet), nearest first
 */
public record PodContext(
    String namespace, Map<String, String> namespaceAnnotations, List<Owner> owners) {
  public PodContext {
    namespaceAnnotations =
        namespaceAnnotations == null ? Map.of() : Map.copyOf(namespaceAnnotations);
    owners = owners == null ? List.of() : List.copyOf(owners);
  }

  /** An owner of the pod (directly or through its ReplicaSet or Job). */
  public record Owner(String kind, String name, String uid) {}

  /** The first owner of a kind (case-insensitive), or null. */
  Owner owner(String kind) {
    for (Owner o : owners) {
      if (kind.equalsIgnoreCase(o.kind()) && o.name() != null && !o.name().isEmpty()) {
        return o;
      }
    }
    return null;
  }
}
