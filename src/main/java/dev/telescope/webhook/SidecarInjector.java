package dev.telescope.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telescope.api.common.Mode;
import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import dev.telescope.manifests.CollectorContext;
import dev.telescope.naming.Names;
import dev.telescope.settings.OperatorConfig;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides whether a pod gets the {@code otc-container} sidecar, and builds the mutated pod, as a
 * function of the pod, its namespace and what the caches know: no I/O of its own, so every rule of
 * the annotation contract is testable without a cluster and the webhook stays fast.
 *
 * <p>The annotation {@code sidecar.opentelemetry.io/inject} may sit on the pod and on its
 * namespace; {@link #effectiveValue} merges them as upstream does. Its value is {@code "true"} (the
 * one sidecar-mode collector of the pod's namespace), a collector name (in the pod's namespace),
 * {@code <namespace>/<name>}, or {@code "false"} (remove an existing sidecar).
 *
 * <p>The jobs stand apart as upstream's sidecar package keeps them: {@link SidecarAnnotation} reads
 * the annotation, {@link SidecarTemplates} caches what a collector adds, {@link SidecarPodTree}
 * mutates the pod, {@link ResourceAttributes} names the pod to its collector; this class decides.
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

  private final boolean nativeSidecars;
  private final SidecarTemplates templates;

  /**
   * @param cfg the operator settings (default image, proxy env) the collector container needs
   * @param nativeSidecars inject as an init container with {@code restartPolicy: Always}
   *     (Kubernetes 1.29+), else as a regular container
   */
  public SidecarInjector(OperatorConfig cfg, boolean nativeSidecars) {
    this.nativeSidecars = nativeSidecars;
    this.templates = new SidecarTemplates(Objects.requireNonNull(cfg, "cfg"), nativeSidecars);
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
    return SidecarAnnotation.effectiveValue(
        SidecarAnnotation.annotation(pod), SidecarAnnotation.annotation(ns));
  }

  /** Parses an effective inject value; {@code podNamespace} completes a bare collector name. */
  public static Target target(String value, String podNamespace) {
    return SidecarAnnotation.target(value, podNamespace);
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
    Target target =
        target(
            SidecarAnnotation.effectiveValue(
                SidecarAnnotation.annotation(podObject), SidecarAnnotation.annotation(ns)),
            podNamespace);
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
    Owners owners = ResourceAttributes.owners(podObject, podNamespace, lookup);
    return inject(podObject, podNamespace, templates.template(collector), owners);
  }

  /**
   * The pod's ReplicaSet (from its own owner references, so no lookup is needed) and that
   * ReplicaSet's Deployment (only if the lookup knows the ReplicaSet).
   */
  public static Owners owners(Pod pod, String podNamespace, CollectorLookup lookup) {
    return ResourceAttributes.owners(JsonPatches.tree(pod), podNamespace, lookup);
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
    return inject(
        tree, podNamespace, SidecarTemplates.Template.of(collector, nativeSidecars), owners);
  }

  private Decision inject(
      ObjectNode pod, String podNamespace, SidecarTemplates.Template template, Owners owners) {
    return new Inject(
        SidecarPodTree.inject(pod, podNamespace, template, owners, nativeSidecars),
        template.collector());
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
    return new Remove(SidecarPodTree.remove(pod, nativeSidecars));
  }

  /**
   * Whether the pod already has the sidecar: a container named {@code otc-container}, or (native
   * sidecars) such an init container.
   */
  public boolean hasSidecar(Pod pod) {
    return hasSidecar(JsonPatches.tree(pod));
  }

  private boolean hasSidecar(JsonNode pod) {
    return SidecarPodTree.hasSidecar(pod, nativeSidecars);
  }
}
