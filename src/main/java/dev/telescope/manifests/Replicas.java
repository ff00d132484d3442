package dev.telescope.manifests;

/** How many collector pods a Deployment or StatefulSet asks for. */
public final class Replicas {
  private Replicas() {}

  /**
   * {@code spec.replicas} (default 1), raised to the autoscaler's minimum so a freshly created
   * workload never starts below what the HPA would immediately demand.
   */
  public static int desired(CollectorContext ctx) {
    int replicas = ctx.spec().replicas == null ? 1 : ctx.spec().replicas;
    var as = ctx.spec().autoscaler;
    if (as != null && as.minReplicas != null) {
      return Math.max(as.minReplicas, replicas);
    }
    return replicas;
  }
}
