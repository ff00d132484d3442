package dev.telescope.webhook;

import dev.telescope.api.common.Mode;
import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import dev.telescope.config.OperatorConfig;
import dev.telescope.manifests.CollectorContainer;
import dev.telescope.manifests.CollectorContext;
import dev.telescope.manifests.Labels;
import dev.telescope.manifests.PodTemplates;
import dev.telescope.naming.Names;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
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
   * @param pod the mutated copy
   * @param collector {@code <namespace>/<name>} of the injected collector
   */
  public record Inject(Pod pod, String collector) implements Decision {}

  /** Remove an existing sidecar ({@code inject: "false"}); {@code pod} is the mutated copy. */
  public record Remove(Pod pod) implements Decision {}

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
    String podValue = annotation(pod);
    String nsValue = annotation(ns);
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
    return decide(pod, podNamespace, ns, lookup, null);
  }

  /**
   * As {@link #decide(Pod, String, Namespace, CollectorLookup)}, but an injection changes {@code
   * pod} itself rather than a copy, for a caller that owns the pod (the webhook decoded it from the
   * request): copying a whole pod costs as much as the injection.
   *
   * @param beforeChange called with the pod just before it is changed, e.g. to serialise it for the
   *     patch; when null the pod is never changed and a copy is returned
   */
  public Decision decide(
      Pod pod,
      String podNamespace,
      Namespace ns,
      CollectorLookup lookup,
      java.util.function.Consumer<Pod> beforeChange) {
    Target target = target(effectiveValue(pod, ns), podNamespace);
    if (target instanceof NoTarget) {
      return new Unchanged("no " + INJECT_ANNOTATION + " annotation", false);
    }
    if (target instanceof RemoveTarget) {
      return remove(pod);
    }
    if (hasSidecar(pod)) {
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
    Owners owners = owners(pod, podNamespace, lookup);
    return inject(pod, podNamespace, template(collector), owners, beforeChange);
  }

  /**
   * What a collector adds to every pod, built once per collector version: parsing the config and
   * rendering {@code OTEL_CONFIG} cost far more than the rest of an admission, and a sidecar
   * collector changes rarely while its pods are created often. Never handed out: each pod gets
   * copies.
   */
  private record Template(
      String uid,
      String resourceVersion,
      CollectorContext collector,
      Container sidecar,
      List<Container> initContainers,
      List<Volume> volumes) {

    static Template of(CollectorContext ctx) {
      var meta = ctx.cr().getMetadata();
      List<Container> init = new ArrayList<>();
      if (ctx.spec().initContainers != null) {
        for (Container c : ctx.spec().initContainers) {
          // A copy: the CR comes from a shared informer cache and must not end up aliased.
          init.add(new ContainerBuilder(c).build());
        }
      }
      List<Volume> volumes = new ArrayList<>();
      for (Volume v : PodTemplates.extraVolumes(ctx)) {
        volumes.add(new VolumeBuilder(v).build());
      }
      return new Template(
          meta == null ? null : meta.getUid(),
          meta == null ? null : meta.getResourceVersion(),
          ctx,
          CollectorContainer.sidecar(ctx),
          init,
          volumes);
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
    Template fresh = Template.of(CollectorContext.of(collector, cfg));
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
    OwnerReference rs =
        pod.getMetadata() == null
            ? null
            : owner(pod.getMetadata().getOwnerReferences(), "ReplicaSet");
    if (rs == null) {
      return Owners.NONE;
    }
    OwnerReference deployment =
        lookup
            .replicaSet(podNamespace, rs.getName())
            .filter(r -> rs.getUid() == null || rs.getUid().equals(r.getMetadata().getUid()))
            .map(r -> owner(r.getMetadata().getOwnerReferences(), "Deployment"))
            .orElse(null);
    return new Owners(rs, deployment);
  }

  /**
   * Adds the collector's sidecar to a copy of the pod: the container (as an init container with
   * {@code restartPolicy: Always} when native), its resource-attribute env, the CR's init
   * containers and volumes, and the injected label. Idempotent: a pod that already has the sidecar
   * comes back {@link Unchanged}.
   */
  public Decision inject(Pod pod, String podNamespace, CollectorContext collector, Owners owners) {
    return inject(pod, podNamespace, Template.of(collector), owners, null);
  }

  private Decision inject(
      Pod pod,
      String podNamespace,
      Template template,
      Owners owners,
      java.util.function.Consumer<Pod> beforeChange) {
    CollectorContext collector = template.collector();
    if (hasSidecar(pod)) {
      return new Unchanged("the pod already has an " + Names.CONTAINER + " container", false);
    }
    Pod out;
    if (beforeChange == null) {
      out = new PodBuilder(pod).build();
    } else {
      beforeChange.accept(pod);
      out = pod;
    }
    if (out.getMetadata() == null) {
      out.setMetadata(new ObjectMeta());
    }
    PodSpec spec = out.getSpec();
    if (spec == null) {
      spec = new PodSpec();
      out.setSpec(spec);
    }

    Container sidecar = new ContainerBuilder(template.sidecar()).build();
    List<EnvVar> env = new ArrayList<>(sidecar.getEnv());
    if (env.stream().noneMatch(e -> RESOURCE_ATTRIBUTES_ENV.equals(e.getName()))) {
      env.addAll(resourceAttributeEnv(podNamespace, owners));
    }
    sidecar.setEnv(env);

    List<Container> initContainers = mutable(spec.getInitContainers());
    for (Container c : template.initContainers()) {
      initContainers.add(new ContainerBuilder(c).build());
    }
    List<Volume> volumes = mutable(spec.getVolumes());
    Set<String> volumeNames = new HashSet<>();
    volumes.forEach(v -> volumeNames.add(v.getName()));
    for (Volume v : template.volumes()) {
      // Upstream appends blindly; a duplicate name would make the API server reject the pod.
      if (volumeNames.add(v.getName())) {
        volumes.add(new VolumeBuilder(v).build());
      }
    }

    if (nativeSidecars) {
      sidecar.setRestartPolicy("Always");
      if (sidecar.getStartupProbe() == null && sidecar.getReadinessProbe() != null) {
        sidecar.setStartupProbe(sidecar.getReadinessProbe());
      }
      initContainers.add(sidecar);
    } else {
      List<Container> containers = mutable(spec.getContainers());
      containers.add(sidecar);
      spec.setContainers(containers);
    }
    spec.setInitContainers(initContainers);
    spec.setVolumes(volumes);

    Map<String, String> labels = new LinkedHashMap<>();
    if (out.getMetadata().getLabels() != null) {
      labels.putAll(out.getMetadata().getLabels());
    }
    labels.put(Labels.SIDECAR_INJECTED, Names.instance(collector.namespace(), collector.name()));
    out.getMetadata().setLabels(labels);
    return new Inject(out, collector.namespace() + "/" + collector.name());
  }

  /**
   * Removes an existing {@code otc-container} (from {@code initContainers} too when native sidecars
   * are on) from a copy of the pod; a pod without one comes back {@link Unchanged}.
   */
  public Decision remove(Pod pod) {
    if (!hasSidecar(pod)) {
      return new Unchanged(
          INJECT_ANNOTATION + " is false and there is no sidecar to remove", false);
    }
    Pod out = new PodBuilder(pod).build();
    PodSpec spec = out.getSpec();
    spec.setContainers(withoutSidecar(spec.getContainers()));
    if (nativeSidecars && spec.getInitContainers() != null) {
      spec.setInitContainers(withoutSidecar(spec.getInitContainers()));
    }
    return new Remove(out);
  }

  /**
   * Whether the pod already has the sidecar: a container named {@code otc-container}, or (native
   * sidecars) such an init container.
   */
  public boolean hasSidecar(Pod pod) {
    PodSpec spec = pod.getSpec();
    if (spec == null) {
      return false;
    }
    return named(spec.getContainers()) || (nativeSidecars && named(spec.getInitContainers()));
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
    env.add(new EnvVar(RESOURCE_ATTRIBUTES_ENV, value.toString(), null));
    return env;
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

  private static boolean named(List<Container> containers) {
    if (containers == null) {
      return false;
    }
    for (Container c : containers) {
      if (Names.CONTAINER.equals(c.getName())) {
        return true;
      }
    }
    return false;
  }

  private static List<Container> withoutSidecar(List<Container> containers) {
    List<Container> out = new ArrayList<>();
    if (containers != null) {
      for (Container c : containers) {
        if (!Names.CONTAINER.equals(c.getName())) {
          out.add(c);
        }
      }
    }
    return out;
  }

  private static <T> List<T> mutable(List<T> list) {
    return list == null ? new ArrayList<>() : new ArrayList<>(list);
  }
}
