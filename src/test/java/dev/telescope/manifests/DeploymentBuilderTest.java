package dev.telescope.manifests;

import static dev.telescope.manifests.Fixtures.assertSelectsOwnPods;
import static dev.telescope.manifests.Fixtures.cr;
import static dev.telescope.manifests.Fixtures.ctx;
import static org.assertj.core.api.Assertions.assertThat;

import dev.telescope.api.common.AutoscalerSpec;
import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStrategyBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DeploymentBuilderTest {

  @Test
  void metadata() {
    OpenTelemetryCollector cr = cr();
    cr.getMetadata().setAnnotations(Map.of("regular-annotation", "regular-value"));
    cr.getMetadata().setLabels(Map.of("team", "a"));
    cr.getSpec().image = "img:0.158.0";
    Deployment d = DeploymentBuilder.build(ctx(cr));
    assertThat(d.getMetadata().getName()).isEqualTo("otel-collector");
    assertThat(d.getMetadata().getNamespace()).isEqualTo("observability");
    assertThat(d.getMetadata().getLabels())
        .containsEntry("team", "a")
        .containsEntry(Labels.NAME, "otel-collector")
        .containsEntry(Labels.VERSION, "0.158.0")
        .containsAllEntriesOf(Labels.selector(ctx(cr)));
    assertThat(d.getMetadata().getAnnotations())
        .containsExactlyEntriesOf(Map.of("regular-annotation", "regular-value"));
    assertThat(d.getApiVersion()).isEqualTo("apps/v1");
    assertThat(d.getKind()).isEqualTo("Deployment");
  }

  @Test
  void podAnnotationsStayOffTheDeploymentItself() {
    Deployment d = DeploymentBuilder.build(ctx(cr()));
    assertThat(d.getMetadata().getAnnotations()).isNull();
    assertThat(d.getSpec().getTemplate().getMetadata().getAnnotations())
        .containsKey(Annotations.CONFIG_HASH);
  }

  @Test
  void selectorSelectsTheTemplateAndNeverTheVersionOrName() {
    OpenTelemetryCollector cr = cr();
    cr.getSpec().image = "img:1";
    cr.getMetadata().setLabels(Map.of(Labels.NAME, "custom", "x", "y"));
    Deployment d = DeploymentBuilder.build(ctx(cr));
    assertThat(d.getSpec().getSelector().getMatchLabels()).isEqualTo(Labels.selector(ctx(cr)));
    assertSelectsOwnPods(
        d.getSpec().getSelector().getMatchLabels(),
        d.getSpec().getTemplate().getMetadata().getLabels());
    assertThat(d.getSpec().getTemplate().getMetadata().getLabels())
        .isEqualTo(d.getMetadata().getLabels());
  }

  @ParameterizedTest(name = "replicas={0} minReplicas={1} -> {2}")
  @CsvSource({",,1", "3,,3", "2,5,5", "3,1,3", ",4,4"})
  void replicasAreRaisedToTheAutoscalerMinimum(Integer replicas, Integer min, int expected) {
    OpenTelemetryCollector cr = cr();
    cr.getSpec().replicas = replicas;
    if (min != null) {
      cr.getSpec().autoscaler = new AutoscalerSpec();
      cr.getSpec().autoscaler.minReplicas = min;
      cr.getSpec().autoscaler.maxReplicas = 10;
    }
    assertThat(DeploymentBuilder.build(ctx(cr)).getSpec().getReplicas()).isEqualTo(expected);
  }

  @Test
  void strategyIsEmptyUnlessGiven() {
    assertThat(Fixtures.tree(DeploymentBuilder.build(ctx(cr()))).at("/spec/strategy").toString())
        .isEqualTo("{}");
    OpenTelemetryCollector cr = cr();
    cr.getSpec().deploymentUpdateStrategy =
        new DeploymentStrategyBuilder()
            .withType("RollingUpdate")
            .withNewRollingUpdate()
            .withMaxSurge(new IntOrString(0))
            .withMaxUnavailable(new IntOrString(1))
            .endRollingUpdate()
            .build();
    var s = DeploymentBuilder.build(ctx(cr)).getSpec().getStrategy();
    assertThat(s.getType()).isEqualTo("RollingUpdate");
    assertThat(s.getRollingUpdate().getMaxSurge()).isEqualTo(new IntOrString(0));
  }

  @Test
  void templateIsTheSharedPodTemplate() {
    var ctx = ctx(cr());
    assertThat(DeploymentBuilder.build(ctx).getSpec().getTemplate())
        .isEqualTo(PodTemplates.build(ctx));
  }
}
