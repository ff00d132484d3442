package dev.telescope.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;

/**
 * What a chainsaw test needs from a Kubernetes API server with the operator running against it.
 * Documents are JSON trees with apiVersion, kind and metadata (namespace already filled in by the
 * runner for namespaced kinds). Implementations: {@link RenderCluster} (in-process renderer plus an
 * emulation of the API server and the reconciler) and {@link MockApiCluster} (fabric8's mock API
 * server with the real operator and admission handlers).
 */
interface Cluster {
  /**
   * chainsaw {@code apply}: creates each object, or JSON-merge-patches an existing one with the
   * document.
   *
   * @throws Rejected when the API server (CRD schema/CEL) or an admission webhook refuses it
   */
  void apply(List<JsonNode> docs);

  /** chainsaw {@code update}: replaces each existing object (status and server fields kept). */
  void update(List<JsonNode> docs);

  /** chainsaw {@code patch}: JSON-merge-patches each existing object. */
  void patch(List<JsonNode> docs);

  /** chainsaw {@code delete}: deletes one object (and what the garbage collector then removes). */
  void delete(String apiVersion, String kind, String namespace, String name);

  /**
   * The objects of a kind in a namespace ({@code null} or empty: all namespaces, or cluster-scoped
   * kinds), served in the requested apiVersion.
   */
  List<JsonNode> list(String apiVersion, String kind, String namespace);

  /** Creates a fresh namespace for a test. */
  void createNamespace(String name);

  /**
   * How long chainsaw-style assertions keep retrying before they fail. Zero for a cluster that is
   * settled when a write returns (the in-memory one); a cluster with an asynchronous operator
   * behind it returns chainsaw's default-like bound (seconds) and the runner polls until then.
   */
  default Duration assertTimeout() {
    return Duration.ZERO;
  }

  /**
   * Whether nothing is in flight: a check that fails now would still fail after waiting, so polling
   * may stop before {@link #assertTimeout()}. Always true for a synchronous cluster.
   */
  default boolean settled() {
    return true;
  }

  /**
   * chainsaw's cleanup at the end of a test: deletes what the test created and its namespace, so a
   * cluster can be shared by the next test.
   */
  default void finishCase(String namespace) {}

  /** The API server refused a request; the message is what kubectl would print. */
  final class Rejected extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Rejected(String message) {
      super(message);
    }
  }

  /** Kinds that are cluster-scoped: their documents carry no namespace. */
  static boolean clusterScoped(String kind) {
    return switch (kind) {
      case "Namespace",
          "ClusterRole",
          "ClusterRoleBinding",
          "CustomResourceDefinition",
          "GatewayClass",
          "PersistentVolume",
          "Node",
          "StorageClass",
          "IngressClass",
          "PriorityClass",
          "MutatingWebhookConfiguration",
          "ValidatingWebhookConfiguration",
          "SecurityContextConstraints",
          "APIService" ->
          true;
      default -> false;
    };
  }
}
