package dev.telescope.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telescope.api.common.Mode;
import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import dev.telescope.manifests.CollectorContainer;
import dev.telescope.manifests.CollectorContext;
import dev.telescope.manifests.Labels;
import dev.telescope.manifests.PodTemplates;
import dev.telescope.naming.Names;
import dev.telescope.settings.OperatorConfig;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides whether a pod gets the {@code otc-container} sidecar, and builds the mutated pod, as a
 * function of the pod, its namespace and what the caches know: no I/O of its own, so every rule of
 * the annotation contract is testable without a cluster and the webhook stays fast.
 *
 * <p>The annotation {@code sidecar.opentelemetry.io/inject} may sit on the pod and on its
 * namespace; {@link #effectiveValue} merges them as upstream does. Its value is {@code "true"} (the
 * one sidecar-mode collector of the pod's namespace), a collector name (in the pod's namespace),
 * {@code <namespace>/<name>}, or {@code "false"} (remove an existing sidecar).
 */
public final class SidecarInjector {
  /** The annotation asking for (or refusing) a sidecar, on the pod or its namespace. */
  public static final String INJECT_ANNOTATION = "sidecar.opentelemetry.io/inject";

  /** Reason when {@code "true"} finds no sidecar-mode collector. Upstream's wording. */
  public static final String NO_INSTANCES = "no OpenTelemetry Collector instances available";

  /** Reason when {@code "true"} finds several. Upstream's wording. */
  public static final String MULTIPLE_INSTANCES =
      "multiple OpenTelemetry Collector instances available, cannot determine which one to select";

  /** Reason when a named collector runs as a Deployment, DaemonSet or StatefulSet. */
  public static final String NOT_SIDECAR =
      "the OpenTelemetry Collector's mode is not set to sidecar";

  static final String POD_NAME_ENV = "OTEL_RESOURCE_ATTRIBUTES_POD_NAME";
  static final String POD_UID_ENV = "OTEL_RESOURCE_ATTRIBUTES_POD_UID";
  static final String NODE_NAME_ENV = "OTEL_RESOURCE_ATTRIBUTES_NODE_NAME";
  static final String RESOURCE_ATTRIBUTES_ENV = "OTEL_RESOURCE_ATTRIBUTES";

  private final OperatorConfig cfg;
  private final boolean nativeSidecars;

  /**
   * @param cfg the operator settings (default image, proxy env) the collector container needs
   * @param nativeSidecars inject as an init container with {@code restartPolicy: Always}
   *     (Kubernetes 1.29+), else as a regular container
   */
  public SidecarInjector(OperatorConfig cfg, boolean nativeSidecars) {
    this.cfg = Objects.requireNonNull(cfg, "cfg");
    this.nativeSidecars = nativeSidecars;
  }

  /** Native sidecars as the cluster's resolved capabilities say ({@code --native-sidecars}). */
  public SidecarInjector(OperatorConfig cfg) {
    this(cfg, cfg.capabilities().nativeSidecars());
  }

  /** Whether sidecars go into {@code initContainers} with {@code restartPolicy: Always}. */
  public boolean nativeSidecars() {
    return nativeSidecars;
  }

  /** The outcome for one pod. */
  public sealed interface Decision permits Inject, Remove, Unchanged {}

  /**
   * Add the sidecar.
   *
   * @param tree the mutated pod, as JSON; it shares the parts it did not change with the received
   *     pod and the collector's cached sidecar, so it is read-only
   * @param collector {@code <namespace>/<name>} of the injected collector
   */
  public record Inject(ObjectNode tree, String collector) implements Decision {
    /** The mutated pod as a model object. */
    public Pod pod() {
      return JsonPatches.convert(tree, Pod.class);
    }
  }

  /**
   * Remove an existing sidecar ({@code inject: "false"}); {@code tree} is the mutated pod, sharing
   * what it did not change with the received one (read-only).
   */
  public record Remove(ObjectNode tree) implements Decision {
    /** The mutated pod as a model object. */
    public Pod pod() {
      return JsonPatches.convert(tree, Pod.class);
    }
  }

  /**
   * Leave the pod alone.
   *
   * @param reason why, for logs and events
   * @param requested the pod asked for a sidecar and did not get one: worth a Warning event
   */
  public record Unchanged(String reason, boolean requested) implements Decision {}

  /** What the effective annotation asks for. */
  public sealed interface Target permits NoTarget, RemoveTarget, SingleInNamespace, Named {}

  /** No (or an empty) annotation: nothing to do. */
  public record NoTarget() implements Target {}

  /** {@code "false"}: take an existing sidecar out. */
  public record RemoveTarget() implements Target {}

  /** {@code "true"}: the only sidecar-mode collector in the pod's namespace. */
  public record SingleInNamespace() implements Target {}

  /** A collector by name; {@code namespace} is the pod's unless the value was {@code ns/name}. */
  public record Named(String namespace, String name) implements Target {}

  /**
   * The pod's owners that feed {@code k8s.replicaset.*} and {@code k8s.deployment.*} resource
   * attributes; either may be null.
   */
  public record Owners(OwnerReference replicaSet, OwnerReference deployment) {
    /** No known owner. */
    public static final Owners NONE = new Owners(null, null);
  }

  /**
   * The effective inject value from the pod and namespace annotations (upstream's precedence): a
   * missing namespace value yields the pod's; a missing pod value yields the namespace's; a pod
   * value other than {@code true} (a name, or {@code false}) wins; a pod {@code true} wins over a
   * namespace {@code false}; otherwise ({@code true} on the pod, {@code true} or a name on the
   * namespace) the namespace value wins. Never null.
   */
  public static String effectiveValue(Pod pod, Namespace ns) {
    return effectiveValue(annotation(pod), annotation(ns));
  }

  private static String effectiveValue(String podValue, String nsValue) {
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

  /** Parses an effective inject value; {@code podNamespace} completes a bare collector name. */
  public static Target target(String value, String podNamespace) {
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

  /**
   * The whole decision for a pod being created.
   *
   * @param pod the pod as received (not modified)
   * @param podNamespace the namespace the pod is created in (the admission request's: a pod created
   *     by a controller often has no {@code metadata.namespace} yet)
   * @param ns that namespace, for its annotation; null when unknown
   * @param lookup the collector cache
   */
  public Decision decide(Pod pod, String podNamespace, Namespace ns, CollectorLookup lookup) {
    return decide(JsonPatches.tree(pod), podNamespace, ns, lookup);
  }

  /**
   * As {@link #decide(Pod, String, Namespace, CollectorLookup)}, for the pod as the JSON the API
   * server sent: the webhook works on that tree, because binding a pod to the model and writing it
   * back twice for the diff cost more than the whole rest of an admission.
   *
   * @param pod the pod object; never modified (the mutated pod is a copy)
   * @throws IllegalArgumentException when {@code pod} is not a JSON object or its fields have the
   *     wrong JSON types
   */
  public Decision decide(JsonNode pod, String podNamespace, Namespace ns, CollectorLookup lookup) {
    if (!(pod instanceof ObjectNode podObject)) {
      throw new IllegalArgumentException("the admission request carries no pod object");
    }
    Target target = target(effectiveValue(annotation(podObject), annotation(ns)), podNamespace);
    if (target instanceof NoTarget) {
      return new Unchanged("no " + INJECT_ANNOTATION + " annotation", false);
    }
    if (target instanceof RemoveTarget) {
      return remove(podObject);
    }
    if (hasSidecar(podObject)) {
      return new Unchanged("the pod already has an " + Names.CONTAINER + " container", false);
    }
    OpenTelemetryCollector collector;
    if (target instanceof SingleInNamespace) {
      List<OpenTelemetryCollector> candidates = lookup.sidecarCollectors(podNamespace);
      if (candidates.isEmpty()) {
        return new Unchanged(NO_INSTANCES, true);
      }
      if (candidates.size() > 1) {
        return new Unchanged(MULTIPLE_INSTANCES, true);
      }
      collector = candidates.get(0);
    } else {
      Named named = (Named) target;
      if (named.namespace().isEmpty() || named.name().isEmpty()) {
        return new Unchanged(
            "the "
                + INJECT_ANNOTATION
                + " value '"
                + named.namespace()
                + "/"
                + named.name()
                + "' is not <namespace>/<name>",
            true);
      }
      Optional<OpenTelemetryCollector> found = lookup.collector(named.namespace(), named.name());
      if (found.isEmpty()) {
        return new Unchanged(
            "the OpenTelemetry Collector "
                + named.namespace()
                + "/"
                + named.name()
                + " does not exist",
            true);
      }
      collector = found.get();
      if (collector.getSpec() == null || collector.getSpec().effectiveMode() != Mode.SIDECAR) {
        return new Unchanged(NOT_SIDECAR, true);
      }
    }
    Owners owners = owners(podObject, podNamespace, lookup);
    return inject(podObject, podNamespace, template(collector), owners);
  }

  /**
   * What a collector adds to every pod, built once per collector version and kept as JSON: parsing
   * the config and rendering {@code OTEL_CONFIG} cost far more than the rest of an admission, and a
   * sidecar collector changes rarely while its pods are created often. Never handed out: each pod
   * gets deep copies.
   *
   * @param sidecar the {@code otc-container} as JSON, native-sidecar settings applied
   * @param hasResourceAttributes the CR sets {@code OTEL_RESOURCE_ATTRIBUTES} itself, so the pod
   *     identity env is not added
   */
  private record Template(
      String uid,
      String resourceVersion,
      String collector,
      String injectedLabel,
      ObjectNode sidecar,
      boolean hasResourceAttributes,
      List<ObjectNode> initContainers,
      List<ObjectNode> volumes) {

    static Template of(CollectorContext ctx, boolean nativeSidecars) {
      var meta = ctx.cr().getMetadata();
      Container container = CollectorContainer.sidecar(ctx);
      if (nativeSidecars) {
        container.setRestartPolicy("Always");
        // A native sidecar delays the app containers until it has started; without a startup
        // probe "started" means "running", so the readiness probe stands in for one.
        if (container.getStartupProbe() == null && container.getReadinessProbe() != null) {
          container.setStartupProbe(container.getReadinessProbe());
        }
      }
      boolean hasAttributes =
          container.getEnv() != null
              && container.getEnv().stream()
                  .anyMatch(e -> RESOURCE_ATTRIBUTES_ENV.equals(e.getName()));
      List<ObjectNode> init = new ArrayList<>();
      if (ctx.spec().initContainers != null) {
        for (Container c : ctx.spec().initContainers) {
          init.add((ObjectNode) JsonPatches.tree(c));
        }
      }
      List<ObjectNode> volumes = new ArrayList<>();
      for (Volume v : PodTemplates.extraVolumes(ctx)) {
        volumes.add((ObjectNode) JsonPatches.tree(v));
      }
      return new Template(
          meta == null ? null : meta.getUid(),
          meta == null ? null : meta.getResourceVersion(),
          ctx.namespace() + "/" + ctx.name(),
          Names.instance(ctx.namespace(), ctx.name()),
          (ObjectNode) JsonPatches.tree(container),
          hasAttributes,
          List.copyOf(init),
          List.copyOf(volumes));
    }

    /** Same object version: the API server gives every change a new resourceVersion. */
    boolean isFor(OpenTelemetryCollector cr) {
      return cr.getMetadata() != null
          && uid != null
          && resourceVersion != null
          && uid.equals(cr.getMetadata().getUid())
          && resourceVersion.equals(cr.getMetadata().getResourceVersion());
    }
  }

  /** Sidecar collectors seen, by namespace/name; a cluster has few, so no eviction policy. */
  private final Map<String, Template> templates = new ConcurrentHashMap<>();

  private static final int MAX_TEMPLATES = 4096;

  private Template template(OpenTelemetryCollector collector) {
    ObjectMeta meta = collector.getMetadata();
    String key = meta == null ? null : meta.getNamespace() + "/" + meta.getName();
    Template cached = key == null ? null : templates.get(key);
    if (cached != null && cached.isFor(collector)) {
      return cached;
    }
    Template fresh = Template.of(CollectorContext.of(collector, cfg), nativeSidecars);
    // Objects without a uid and resourceVersion (built in memory) cannot be told apart: no cache.
    if (key != null && fresh.uid() != null && fresh.resourceVersion() != null) {
      if (templates.size() >= MAX_TEMPLATES) {
        templates.clear();
      }
      templates.put(key, fresh);
    }
    return fresh;
  }

  /**
   * The pod's ReplicaSet (from its own owner references, so no lookup is needed) and that
   * ReplicaSet's Deployment (only if the lookup knows the ReplicaSet).
   */
  public static Owners owners(Pod pod, String podNamespace, CollectorLookup lookup) {
    return owners(JsonPatches.tree(pod), podNamespace, lookup);
  }

  private static Owners owners(JsonNode pod, String podNamespace, CollectorLookup lookup) {
    OwnerReference rs = null;
    for (JsonNode ref : array(pod.path("metadata"), "ownerReferences")) {
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
   * Adds the collector's sidecar to a copy of the pod: the container (as an init container with
   * {@code restartPolicy: Always} when native), its resource-attribute env, the CR's init
   * containers and volumes, and the injected label. Idempotent: a pod that already has the sidecar
   * comes back {@link Unchanged}.
   */
  public Decision inject(Pod pod, String podNamespace, CollectorContext collector, Owners owners) {
    ObjectNode tree = (ObjectNode) JsonPatches.tree(pod);
    if (hasSidecar(tree)) {
      return new Unchanged("the pod already has an " + Names.CONTAINER + " container", false);
    }
    return inject(tree, podNamespace, Template.of(collector, nativeSidecars), owners);
  }

  private Decision inject(ObjectNode pod, String podNamespace, Template template, Owners owners) {
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
      env.addAll(POD_IDENTITY_ENV);
      env.addObject()
          .put("name", RESOURCE_ATTRIBUTES_ENV)
          .put("value", resourceAttributes(podNamespace, owners));
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
    return new Inject(out, template.collector());
  }

  /**
   * Removes an existing {@code otc-container} (from {@code initContainers} too when native sidecars
   * are on) from a copy of the pod; a pod without one comes back {@link Unchanged}.
   */
  public Decision remove(Pod pod) {
    return remove((ObjectNode) JsonPatches.tree(pod));
  }

  private Decision remove(ObjectNode pod) {
    if (!hasSidecar(pod)) {
      return new Unchanged(
          INJECT_ANNOTATION + " is false and there is no sidecar to remove", false);
    }
    ObjectNode out = shallow(pod);
    ObjectNode spec = copyOfObject(out, "spec");
    withoutSidecar(copyOfArray(spec, "containers"));
    if (nativeSidecars && spec.get("initContainers") instanceof ArrayNode) {
      withoutSidecar(copyOfArray(spec, "initContainers"));
    }
    return new Remove(out);
  }

  /**
   * Whether the pod already has the sidecar: a container named {@code otc-container}, or (native
   * sidecars) such an init container.
   */
  public boolean hasSidecar(Pod pod) {
    return hasSidecar(JsonPatches.tree(pod));
  }

  private boolean hasSidecar(JsonNode pod) {
    JsonNode spec = pod.path("spec");
    return named(array(spec, "containers"))
        || (nativeSidecars && named(array(spec, "initContainers")));
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
  private static String resourceAttributes(String podNamespace, Owners owners) {
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

  private static String annotation(HasMetadata o) {
    if (o == null || o.getMetadata() == null || o.getMetadata().getAnnotations() == null) {
      return "";
    }
    String v = o.getMetadata().getAnnotations().get(INJECT_ANNOTATION);
    return v == null ? "" : v;
  }

  private static String annotation(JsonNode pod) {
    JsonNode v = pod.path("metadata").path("annotations").path(INJECT_ANNOTATION);
    return v.isTextual() ? v.asText() : "";
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
  private static ArrayNode array(JsonNode parent, String field) {
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

  /** The downward-API env the resource attributes refer to, the same for every pod. */
  private static final List<JsonNode> POD_IDENTITY_ENV =
      List.of(
          JsonPatches.tree(fieldRef(POD_NAME_ENV, "metadata.name")),
          JsonPatches.tree(fieldRef(POD_UID_ENV, "metadata.uid")),
          JsonPatches.tree(fieldRef(NODE_NAME_ENV, "spec.nodeName")));

  private static final ArrayNode EMPTY = JsonNodeFactory.instance.arrayNode();
}
