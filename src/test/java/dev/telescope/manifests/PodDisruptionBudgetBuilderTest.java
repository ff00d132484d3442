package dev.telescope.manifests;

import static dev.telescope.manifests.Fixtures.cr;
import static dev.telescope.manifests.Fixtures.ctx;
import static org.assertj.core.api.Assertions.assertThat;

import dev.telescope.api.common.PodDisruptionBudgetSpec;
import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import org.junit.jupiter.api.Test;

class PodDisruptionBudgetBuilderTest {

  @Test
  void defaultAllowsOnePodDown() {
    var ctx = ctx(cr());
    PodDisruptionBudget pdb = PodDisruptionBudgetBuilder.build(ctx);
    assertThat(pdb.getApiVersion()).isEqualTo("policy/v1");
    assertThat(pdb.getMetadata().getName()).isEqualTo("otel-collector");
    assertThat(pdb.getMetadata().getNamespace()).isEqualTo("observability");
    assertThat(pdb.getMetadata().getLabels()).isEqualTo(Labels.common(ctx, "otel-collector"));
    assertThat(pdb.getSpec().getMaxUnavailable()).isEqualTo(new IntOrString(1));
    assertThat(pdb.getSpec().getMinAvailable()).isNull();
    assertThat(pdb.getSpec().getSelector().getMatchLabels()).isEqualTo(Labels.selector(ctx));
  }

  @Test
  void minAvailableReplacesTheDefault() {
    OpenTelemetryCollector cr = cr();
    cr.getSpec().podDisruptionBudget = new PodDisruptionBudgetSpec();
    cr.getSpec().podDisruptionBudget.minAvailable = new IntOrString("50%");
    PodDisruptionBudget pdb = PodDisruptionBudgetBuilder.build(ctx(cr));
    assertThat(pdb.getSpec().getMinAvailable()).isEqualTo(new IntOrString("50%"));
    assertThat(pdb.getSpec().getMaxUnavailable()).isNull();
  }

  @Test
  void maxUnavailableIsCopied() {
    OpenTelemetryCollector cr = cr();
    cr.getSpec().podDisruptionBudget = new PodDisruptionBudgetSpec();
    cr.getSpec().podDisruptionBudget.maxUnavailable = new IntOrString(2);
    assertThat(PodDisruptionBudgetBuilder.build(ctx(cr)).getSpec().getMaxUnavailable())
        .isEqualTo(new IntOrString(2));
  }

  @Test
  void anEmptyBudgetGetsTheDefault() {
    OpenTelemetryCollector cr = cr();
    cr.getSpec().podDisruptionBudget = new PodDisruptionBudgetSpec();
    assertThat(PodDisruptionBudgetBuilder.build(ctx(cr)).getSpec().getMaxUnavailable())
        .isEqualTo(new IntOrString(1));
  }
}
