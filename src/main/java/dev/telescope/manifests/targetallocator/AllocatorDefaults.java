package dev.telescope.manifests.targetallocator;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telescope.api.v1alpha1.TargetAllocator;
import dev.telescope.api.v1alpha1.TargetAllocatorSpec;
import dev.telescope.api.v1beta1.TargetAllocatorEmbedded;
import io.fabric8.kubernetes.api.model.LabelSelector;

/**
 * The defaults a TargetAllocator gets from its CRD and upstream's defaulting webhook, applied again
 * here so that rendering does not depend on which of them ran (a CR stored before our CRD, or an
 * API server that did not default, renders the same). Like the API server, CRD defaults reach only
 * into a {@code spec} that exists: an allocator stored with {@code spec: null} keeps empty
 * strategies; the webhook's {@code replicas: 1} applies always.
 */
public final class AllocatorDefaults {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String THIRTY_SECONDS = "30s";

  private AllocatorDefaults() {}

  /** A defaulted copy; the input is not changed. */
  public static TargetAllocator apply(TargetAllocator in) {
    TargetAllocator ta = JSON.convertValue(in, TargetAllocator.class);
    ta.setMetadata(in.getMetadata());
    boolean stored = ta.getSpec() != null;
    TargetAllocatorSpec s = stored ? ta.getSpec() : new TargetAllocatorSpec();
    ta.setSpec(s);
    if (s.replicas == null) {
      s.replicas = 1;
    }
    if (!stored) {
      return ta;
    }
    if (s.allocationStrategy == null || s.allocationStrategy.isEmpty()) {
      s.allocationStrategy = "consistent-hashing";
    }
    if (s.filterStrategy == null) {
      s.filterStrategy = "relabel-config";
    }
    if (s.collectorNotReadyGracePeriod == null) {
      s.collectorNotReadyGracePeriod = THIRTY_SECONDS;
    }
    if (s.collectorTargetReloadInterval == null) {
      s.collectorTargetReloadInterval = THIRTY_SECONDS;
    }
    TargetAllocatorEmbedded.PrometheusCR p = s.prometheusCR;
    if (p != null) {
      if (p.scrapeInterval == null) {
        p.scrapeInterval = THIRTY_SECONDS;
      }
      if (p.evaluationInterval == null) {
        p.evaluationInterval = THIRTY_SECONDS;
      }
      if (p.podMonitorNamespaceSelector == null) {
        p.podMonitorNamespaceSelector = new LabelSelector();
      }
      if (p.serviceMonitorNamespaceSelector == null) {
        p.serviceMonitorNamespaceSelector = new LabelSelector();
      }
      if (p.scrapeConfigNamespaceSelector == null) {
        p.scrapeConfigNamespaceSelector = new LabelSelector();
      }
      if (p.probeNamespaceSelector == null) {
        p.probeNamespaceSelector = new LabelSelector();
      }
    }
    return ta;
  }
}
