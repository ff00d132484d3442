package dev.telescope.manifests;

import static dev.telescope.manifests.Fixtures.cfg;
import static dev.telescope.manifests.Fixtures.cr;
import static dev.telescope.manifests.Fixtures.ctx;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.telescope.api.common.AutoscalerSpec;
import dev.telescope.api.common.MetricSpec;
import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HPAScalingPolicy;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBehavior;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBehaviorBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.PodsMetricSourceBuilder;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HorizontalPodAutoscalerBuilderTest {

  static OpenTelemetryCollector autoscaled() {
    OpenTelemetryCollector cr = cr();
    cr.getSpec().autoscaler = new AutoscalerSpec();
    cr.getSpec().autoscaler.minReplicas = 2;
    cr.getSpec().autoscaler.maxReplicas = 5;
    return cr;
  }

  @Test
  void scalesTheCollectorItself() {
    var ctx = ctx(autoscaled());
    HorizontalPodAutoscaler hpa = HorizontalPodAutoscalerBuilder.build(ctx);
    assertThat(hpa.getApiVersion()).isEqualTo("autoscaling/v2");
    assertThat(hpa.getMetadata().getName()).isEqualTo("otel-collector");
    assertThat(hpa.getMetadata().getNamespace()).isEqualTo("observability");
    assertThat(hpa.getMetadata().getLabels()).isEqualTo(Labels.common(ctx, "otel-collector"));
    var ref = hpa.getSpec().getScaleTargetRef();
    assertThat(List.of(ref.getApiVersion(), ref.getKind(), ref.getName()))
        .containsExactly("opentelemetry.io/v1beta1", "OpenTelemetryCollector", "otel");
    assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(2);
    assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(5);
    assertThat(hpa.getSpec().getMetrics()).isNullOrEmpty();
    assertThat(hpa.getSpec().getBehavior()).isNull();
  }

  @Test
  void memoryComesBeforeCpuThenPodsMetrics() {
    OpenTelemetryCollector cr = autoscaled();
    cr.getSpec().autoscaler.targetCPUUtilization = 70;
    cr.getSpec().autoscaler.targetMemoryUtilization = 80;
    MetricSpec pods = new MetricSpec();
    pods.type = "Pods";
    pods.pods =
        new PodsMetricSourceBuilder()
            .withNewMetric()
            .withName("queue_size")
            .endMetric()
            .withNewTarget()
            .withType("AverageValue")
            .withAverageValue(new Quantity("100"))
            .endTarget()
            .build();
    MetricSpec external = new MetricSpec();
    external.type = "External";
    cr.getSpec().autoscaler.metrics = List.of(external, pods);
    var metrics = HorizontalPodAutoscalerBuilder.build(ctx(cr)).getSpec().getMetrics();
    assertThat(metrics)
        .extracting(
            m -> m.getType(),
            m -> m.getResource() == null ? null : m.getResource().getName(),
            m ->
                m.getResource() == null
                    ? null
                    : m.getResource().getTarget().getAverageUtilization())
        .containsExactly(
            tuple("Resource", "memory", 80),
            tuple("Resource", "cpu", 70),
            tuple("Pods", null, null));
    assertThat(metrics.get(0).getResource().getTarget().getType()).isEqualTo("Utilization");
    assertThat(metrics.get(2).getPods().getMetric().getName()).isEqualTo("queue_size");
  }

  @Test
  void minReplicasFallBackToTheDesiredReplicas() {
    OpenTelemetryCollector cr = autoscaled();
    cr.getSpec().autoscaler.minReplicas = null;
    cr.getSpec().replicas = 3;
    assertThat(HorizontalPodAutoscalerBuilder.build(ctx(cr)).getSpec().getMinReplicas())
        .isEqualTo(3);
  }

  @Test
  void behaviorGetsTheApiServerDefaultsWrittenOut() {
    HorizontalPodAutoscalerBehavior in =
        new HorizontalPodAutoscalerBehaviorBuilder()
            .withNewScaleUp()
            .withStabilizationWindowSeconds(10)
            .endScaleUp()
            .build();
    HorizontalPodAutoscalerBehavior out = HorizontalPodAutoscalerBuilder.behavior(in);
    assertThat(out.getScaleUp().getStabilizationWindowSeconds()).isEqualTo(10);
    assertThat(out.getScaleUp().getSelectPolicy()).isEqualTo("Max");
    assertThat(out.getScaleUp().getPolicies())
        .extracting(
            HPAScalingPolicy::getType,
            HPAScalingPolicy::getValue,
            HPAScalingPolicy::getPeriodSeconds)
        .containsExactly(tuple("Pods", 4, 15), tuple("Percent", 100, 15));
    assertThat(out.getScaleDown().getStabilizationWindowSeconds()).isNull();
    assertThat(out.getScaleDown().getSelectPolicy()).isEqualTo("Max");
    assertThat(out.getScaleDown().getPolicies())
        .extracting(
            HPAScalingPolicy::getType,
            HPAScalingPolicy::getValue,
            HPAScalingPolicy::getPeriodSeconds)
        .containsExactly(tuple("Percent", 100, 15));
  }

  @Test
  void userPoliciesAndSelectPolicyAreKept() {
    HorizontalPodAutoscalerBehavior in =
        new HorizontalPodAutoscalerBehaviorBuilder()
            .withNewScaleDown()
            .withSelectPolicy("Min")
            .addNewPolicy(60, "Pods", 1)
            .endScaleDown()
            .build();
    HorizontalPodAutoscalerBehavior out = HorizontalPodAutoscalerBuilder.behavior(in);
    assertThat(out.getScaleDown().getSelectPolicy()).isEqualTo("Min");
    assertThat(out.getScaleDown().getPolicies())
        .containsExactly(new HPAScalingPolicy(60, "Pods", 1));
    assertThat(out.getScaleUp().getStabilizationWindowSeconds()).isZero();
  }

  @Test
  void noBehaviorStaysUnset() {
    assertThat(HorizontalPodAutoscalerBuilder.behavior(null)).isNull();
  }

  /** The two HPAs of upstream's e2e-autoscale steps, after webhook defaulting. */
  @ParameterizedTest
  @ValueSource(strings = {"00", "01"})
  void matchesUpstreamsAutoscaleE2e(String step) {
    Path dir = Fixtures.upstream().resolve("tests/e2e-autoscale/autoscale");
    var install = Fixtures.documents(dir.resolve(step + "-install.yaml"));
    for (var doc : install) {
      OpenTelemetryCollector cr = dev.telescope.api.Hub.toHub(doc);
      cr.getMetadata().setNamespace("chainsaw");
      cr = Fixtures.defaulted(cr, cfg());
      HorizontalPodAutoscaler hpa = HorizontalPodAutoscalerBuilder.build(ctx(cr));
      var expected =
          Fixtures.document(
              dir.resolve(step + "-assert.yaml"),
              "HorizontalPodAutoscaler",
              cr.getMetadata().getName() + "-collector");
      Fixtures.assertSubset(expected, Fixtures.tree(hpa));
    }
  }
}
