package dev.telescope.webhook;

import io.fabric8.kubernetes.api.model.Pod;

/**
 * Where "sidecar not injected" news goes: a pod that asked for a sidecar and was admitted without
 * one otherwise fails silently (the pod webhook fails open), so the reason must reach the user.
 */
@FunctionalInterface
public interface SidecarEvents {
  /** The event reason users filter on ({@code kubectl get events --field-selector reason=...}). */
  String REASON = "SidecarNotInjected";

  /** The reason of "auto-instrumentation not injected" events. */
  String INSTRUMENTATION_REASON = "InstrumentationNotInjected";

  /** Discards everything. */
  SidecarEvents NONE = (pod, namespace, message) -> {};

  /**
   * Reports that a pod asking for a sidecar did not get one. Must not block or throw: it is called
   * on the admission path.
   *
   * @param pod the pod as received (it may have no name yet, only a generateName and owners)
   * @param namespace the pod's namespace
   * @param message why, in words a user can act on
   */
  void notInjected(Pod pod, String namespace, String message);

  /**
   * Reports that a pod asking for auto-instrumentation was admitted without it (same rules as
   * {@link #notInjected}); by default reported like a missing sidecar.
   */
  default void notInstrumented(Pod pod, String namespace, String message) {
    notInjected(pod, namespace, message);
  }
}
