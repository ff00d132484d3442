package dev.telescope.manifests;

import dev.telescope.api.common.MetricSpec;
import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import dev.telescope.naming.Names;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HPAScalingPolicy;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HPAScalingRules;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HPAScalingRulesBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBehavior;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerSpecBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpecBuilder;
import java.util.ArrayList;
import java.util.List;

/**
 * The HPA of a collector. It targets the CR itself through its scale subresource, so {@code
 * spec.replicas} stays the one number everyone reads.
 */
public final class HorizontalPodAutoscalerBuilder {
  private HorizontalPodAutoscalerBuilder() {}

  public static HorizontalPodAutoscaler build(CollectorContext ctx) {
    var as = ctx.spec().autoscaler;
    List<io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec> metrics = new ArrayList<>();
    if (as.targetMemoryUtilization != null) {
      metrics.add(resource("memory", as.targetMemoryUtilization));
    }
    if (as.targetCPUUtilization != null) {
      metrics.add(resource("cpu", as.targetCPUUtilization));
    }
    if (as.metrics != null) {
      for (MetricSpec m : as.metrics) {
        if ("Pods".equals(m.type) && m.pods != null) {
          metrics.add(new MetricSpecBuilder().withType("Pods").withPods(m.pods).build());
        }
      }
    }
    int min = as.minReplicas != null ? as.minReplicas : Replicas.desired(ctx);
    HorizontalPodAutoscaler hpa = new HorizontalPodAutoscaler();
    hpa.setMetadata(Objects.meta(ctx, Names.collector(ctx.name())));
    hpa.setSpec(
        new HorizontalPodAutoscalerSpecBuilder()
            .withNewScaleTargetRef()
            .withApiVersion(OpenTelemetryCollector.API_VERSION)
            .withKind("OpenTelemetryCollector")
            .withName(ctx.name())
            .endScaleTargetRef()
            .withMinReplicas(min)
            .withMaxReplicas(as.maxReplicas == null ? min : as.maxReplicas)
            .withMetrics(metrics.isEmpty() ? null : metrics)
            .withBehavior(behavior(as.behavior))
            .build());
    return hpa;
  }

  private static io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec resource(
      String name, int utilization) {
    return new MetricSpecBuilder()
        .withType("Resource")
        .withNewResource()
        .withName(name)
        .withNewTarget()
        .withType("Utilization")
        .withAverageUtilization(utilization)
        .endTarget()
        .endResource()
        .build();
  }

  /**
   * The behavior with the API server's defaults written out, so the stored object equals what we
   * render and a steady state causes no update.
   */
  static HorizontalPodAutoscalerBehavior behavior(HorizontalPodAutoscalerBehavior in) {
    if (in == null) {
      return null;
    }
    HorizontalPodAutoscalerBehavior out = new HorizontalPodAutoscalerBehavior();
    out.setScaleUp(
        rules(
            in.getScaleUp(),
            0,
            List.of(
                new HPAScalingPolicy(15, "Pods", 4), new HPAScalingPolicy(15, "Percent", 100))));
    // The API server leaves scaleDown's window unset (the controller's
    // --horizontal-pod-autoscaler-downscale-stabilization, 300s by default, applies), so we do too.
    out.setScaleDown(
        rules(in.getScaleDown(), null, List.of(new HPAScalingPolicy(15, "Percent", 100))));
    return out;
  }

  private static HPAScalingRules rules(
      HPAScalingRules in, Integer window, List<HPAScalingPolicy> policies) {
    HPAScalingRulesBuilder b =
        in == null ? new HPAScalingRulesBuilder() : new HPAScalingRulesBuilder(in);
    if (in == null || in.getStabilizationWindowSeconds() == null) {
      b.withStabilizationWindowSeconds(window);
    }
    if (in == null || in.getSelectPolicy() == null) {
      b.withSelectPolicy("Max");
    }
    if (in == null || in.getPolicies() == null || in.getPolicies().isEmpty()) {
      b.withPolicies(policies);
    }
    return b.build();
  }
}
