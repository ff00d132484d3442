package dev.telescope.reconciler;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import java.util.Comparator;
import java.util.List;

/**
 * The order in which desired objects are written: what a pod template refers to (its ConfigMap and
 * ServiceAccount) before the workload, so that a rollout never starts pods that reference an object
 * not created yet (the kubelet would hold them in ContainerCreating, then retry).
 */
final class ApplyOrder {
  private ApplyOrder() {}

  /** 0 for objects pods refer to, 1 for everything else; the sort is stable otherwise. */
  static int rank(HasMetadata o) {
    return o instanceof ConfigMap || o instanceof ServiceAccount ? 0 : 1;
  }

  /** Sorts in place, keeping the builder order within each rank. */
  static void sort(List<HasMetadata> desired) {
    desired.sort(Comparator.comparingInt(ApplyOrder::rank));
  }
}
