package dev.telescope.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telescope.manifests.Labels;
import dev.telescope.naming.Names;
import dev.telescope.webhook.SidecarInjector.Owners;
import java.util.HashSet;
import java.util.Set;

/**
 * Adds the sidecar to, or takes it out of, a pod as JSON by copy on write, so a mutation copies
 * only the paths it changes and the diff against the received pod stays cheap.
 */
final class SidecarPodTree {
  private static final ArrayNode EMPTY = JsonNodeFactory.instance.arrayNode();

  private SidecarPodTree() {}

  /**
   * The pod with the template's sidecar, init containers, volumes and injected label; shares all it
   * did not change with {@code pod}.
   */
  static ObjectNode inject(
      ObjectNode pod,
      String podNamespace,
      SidecarTemplates.Template template,
      Owners owners,
      boolean nativeSidecars) {
    // Copy on write: only the objects and lists on the changed paths are copied, everything else
    // is shared with the received pod. That keeps an admission cheap, and the diff fast, since
    // shared subtrees compare equal by identity.
    ObjectNode out = shallow(pod);
    ObjectNode metadata = copyOfObject(out, "metadata");
    ObjectNode spec = copyOfObject(out, "spec");

    ObjectNode sidecar = template.sidecar();
    if (!template.hasResourceAttributes()) {
      sidecar = shallow(sidecar);
      ArrayNode env = copyOfArray(sidecar, "env");
      env.addAll(ResourceAttributes.POD_IDENTITY_ENV);
      env.addObject()
          .put("name", ResourceAttributes.RESOURCE_ATTRIBUTES_ENV)
          .put("value", ResourceAttributes.resourceAttributes(podNamespace, owners));
    }

    if (!template.initContainers().isEmpty()) {
      ArrayNode init = copyOfArray(spec, "initContainers");
      template.initContainers().forEach(init::add);
    }
    if (!template.volumes().isEmpty()) {
      ArrayNode volumes = copyOfArray(spec, "volumes");
      Set<String> names = new HashSet<>();
      volumes.forEach(v -> names.add(v.path("name").asText()));
      for (ObjectNode v : template.volumes()) {
        // Upstream appends blindly; a duplicate name would make the API server reject the pod.
        if (names.add(v.path("name").asText())) {
          volumes.add(v);
        }
      }
    }
    copyOfArray(spec, nativeSidecars ? "initContainers" : "containers").add(sidecar);
    copyOfObject(metadata, "labels").put(Labels.SIDECAR_INJECTED, template.injectedLabel());
    return out;
  }

  /** The pod without any {@code otc-container}; shares all it did not change with {@code pod}. */
  static ObjectNode remove(ObjectNode pod, boolean nativeSidecars) {
    ObjectNode out = shallow(pod);
    ObjectNode spec = copyOfObject(out, "spec");
    withoutSidecar(copyOfArray(spec, "containers"));
    if (nativeSidecars && spec.get("initContainers") instanceof ArrayNode) {
      withoutSidecar(copyOfArray(spec, "initContainers"));
    }
    return out;
  }

  /** Whether the pod has an {@code otc-container} (or, native, such an init container). */
  static boolean hasSidecar(JsonNode pod, boolean nativeSidecars) {
    JsonNode spec = pod.path("spec");
    return named(array(spec, "containers"))
        || (nativeSidecars && named(array(spec, "initContainers")));
  }

  private static boolean named(ArrayNode containers) {
    for (JsonNode c : containers) {
      if (Names.CONTAINER.equals(c.path("name").asText())) {
        return true;
      }
    }
    return false;
  }

  private static void withoutSidecar(ArrayNode containers) {
    for (int i = containers.size() - 1; i >= 0; i--) {
      if (Names.CONTAINER.equals(containers.get(i).path("name").asText())) {
        containers.remove(i);
      }
    }
  }

  /** The array at {@code field} for reading: empty when absent or null; wrong types are errors. */
  static ArrayNode array(JsonNode parent, String field) {
    JsonNode v = parent.get(field);
    if (v == null || v.isNull() || v.isMissingNode()) {
      return EMPTY;
    }
    if (v instanceof ArrayNode a) {
      return a;
    }
    throw new IllegalArgumentException("the pod's " + field + " is not a list");
  }

  /**
   * Replaces {@code parent.field} by a shallow copy of that list (a new empty one when absent) and
   * returns it: the elements stay shared, so they must not be changed through it.
   */
  private static ArrayNode copyOfArray(ObjectNode parent, String field) {
    JsonNode v = parent.get(field);
    ArrayNode copy = parent.putArray(field);
    if (v instanceof ArrayNode a) {
      copy.addAll(a);
    } else if (v != null && !v.isNull()) {
      throw new IllegalArgumentException("the pod's " + field + " is not a list");
    }
    return copy;
  }

  /** As {@link #copyOfArray} for an object. */
  private static ObjectNode copyOfObject(ObjectNode parent, String field) {
    JsonNode v = parent.get(field);
    if (v != null && !v.isNull() && !(v instanceof ObjectNode)) {
      throw new IllegalArgumentException("the pod's " + field + " is not an object");
    }
    ObjectNode copy = v == null || v.isNull() ? parent.objectNode() : shallow((ObjectNode) v);
    parent.set(field, copy);
    return copy;
  }

  private static ObjectNode shallow(ObjectNode o) {
    ObjectNode copy = o.objectNode();
    copy.setAll(o);
    return copy;
  }
}
