package dev.telescope.webhook;

import dev.telescope.api.common.Mode;
import dev.telescope.api.instrumentation.Instrumentation;
import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the pod webhook needs to know about the cluster, answered from memory: admission runs while
 * a user waits for {@code kubectl apply}, under a 5-second webhook timeout, so the request path
 * reads caches rather than calling the API server.
 *
 * <p>Returned objects are shared with the cache: callers must not modify them.
 */
public interface CollectorLookup {

  /** The collectors in {@code spec.mode: sidecar} in a namespace, sorted by name. */
  List<OpenTelemetryCollector> sidecarCollectors(String namespace);

  /** A collector of any mode by namespace and name. */
  Optional<OpenTelemetryCollector> collector(String namespace, String name);

  /** A namespace (its annotations matter); empty when not (yet) known. */
  Optional<Namespace> namespace(String name);

  /** A namespace's annotations; empty when the namespace is unknown or has none. */
  default Map<String, String> namespaceAnnotations(String name) {
    return namespace(name)
        .map(Namespace::getMetadata)
        .map(m -> m.getAnnotations() == null ? Map.<String, String>of() : m.getAnnotations())
        .orElse(Map.of());
  }

  /**
   * A pod's ReplicaSet, for the {@code k8s.deployment.*} resource attributes; empty when it is not
   * known cheaply. Implementations must answer promptly, and may always answer empty.
   */
  default Optional<ReplicaSet> replicaSet(String namespace, String name) {
    return Optional.empty();
  }

  /**
   * A pod's Job, for the {@code k8s.cronjob.*} resource attributes of auto-instrumentation; empty
   * when not known cheaply (same rules as {@link #replicaSet}).
   */
  default Optional<Job> job(String namespace, String name) {
    return Optional.empty();
  }

  /** The Instrumentations of a namespace, sorted by name (for {@code inject-<language>: true}). */
  default List<Instrumentation> instrumentations(String namespace) {
    return List.of();
  }

  /** An Instrumentation by namespace and name. */
  default Optional<Instrumentation> instrumentation(String namespace, String name) {
    return instrumentations(namespace).stream()
        .filter(i -> Objects.equals(name, i.getMetadata().getName()))
        .findFirst();
  }

  /**
   * Whether a Secret or ConfigMap exists (the exporter TLS files of an Instrumentation); empty when
   * not known cheaply, which callers take as "exists". Same promptness rules as {@link
   * #replicaSet}.
   *
   * @param kind {@code Secret} or {@code ConfigMap}
   */
  default Optional<Boolean> exists(String kind, String namespace, String name) {
    return Optional.empty();
  }

  /** This lookup with a fixed set of Instrumentations added (tests, {@code render}). */
  default CollectorLookup withInstrumentations(Collection<Instrumentation> instrumentations) {
    List<Instrumentation> all = List.copyOf(instrumentations);
    CollectorLookup base = this;
    return new CollectorLookup() {
      @Override
      public List<OpenTelemetryCollector> sidecarCollectors(String namespace) {
        return base.sidecarCollectors(namespace);
      }

      @Override
      public Optional<OpenTelemetryCollector> collector(String namespace, String name) {
        return base.collector(namespace, name);
      }

      @Override
      public Optional<Namespace> namespace(String name) {
        return base.namespace(name);
      }

      @Override
      public Optional<ReplicaSet> replicaSet(String namespace, String name) {
        return base.replicaSet(namespace, name);
      }

      @Override
      public Optional<Job> job(String namespace, String name) {
        return base.job(namespace, name);
      }

      @Override
      public boolean hasSynced() {
        return base.hasSynced();
      }

      @Override
      public Optional<Boolean> exists(String kind, String namespace, String name) {
        return base.exists(kind, namespace, name);
      }

      @Override
      public List<Instrumentation> instrumentations(String namespace) {
        List<Instrumentation> out = new ArrayList<>();
        for (Instrumentation i : all) {
          if (Objects.equals(namespace, i.getMetadata().getNamespace())) {
            out.add(i);
          }
        }
        out.sort(Comparator.comparing(i -> i.getMetadata().getName()));
        return out;
      }
    };
  }

  /** Whether the caches hold a complete view, so that "not found" can be trusted. */
  default boolean hasSynced() {
    return true;
  }

  /**
   * A fixed in-memory lookup, for tests and for commands that have the objects at hand.
   *
   * @param collectors v1beta1 collectors, each with a namespace
   * @param namespaces namespaces by name
   * @param replicaSets ReplicaSets, each with a namespace
   */
  static CollectorLookup of(
      Collection<OpenTelemetryCollector> collectors,
      Collection<Namespace> namespaces,
      Collection<ReplicaSet> replicaSets) {
    List<OpenTelemetryCollector> cs = List.copyOf(collectors);
    List<Namespace> nss = List.copyOf(namespaces);
    List<ReplicaSet> rss = List.copyOf(replicaSets);
    return new CollectorLookup() {
      @Override
      public List<OpenTelemetryCollector> sidecarCollectors(String namespace) {
        List<OpenTelemetryCollector> out = new ArrayList<>();
        for (OpenTelemetryCollector c : cs) {
          if (Objects.equals(namespace, c.getMetadata().getNamespace()) && isSidecar(c)) {
            out.add(c);
          }
        }
        out.sort(Comparator.comparing(c -> c.getMetadata().getName()));
        return out;
      }

      @Override
      public Optional<OpenTelemetryCollector> collector(String namespace, String name) {
        return cs.stream()
            .filter(
                c ->
                    Objects.equals(namespace, c.getMetadata().getNamespace())
                        && Objects.equals(name, c.getMetadata().getName()))
            .findFirst();
      }

      @Override
      public Optional<Namespace> namespace(String name) {
        return nss.stream()
            .filter(n -> Objects.equals(name, n.getMetadata().getName()))
            .findFirst();
      }

      @Override
      public Optional<ReplicaSet> replicaSet(String namespace, String name) {
        return rss.stream()
            .filter(
                r ->
                    Objects.equals(namespace, r.getMetadata().getNamespace())
                        && Objects.equals(name, r.getMetadata().getName()))
            .findFirst();
      }
    };
  }

  /** Whether a collector runs as a sidecar (the mode defaults to deployment). */
  static boolean isSidecar(OpenTelemetryCollector c) {
    return c.getSpec() != null && c.getSpec().effectiveMode() == Mode.SIDECAR;
  }
}
