package dev.telescope.manifests;

import static dev.telescope.manifests.Fixtures.assertSelectsOwnPods;
import static dev.telescope.manifests.Fixtures.cr;
import static dev.telescope.manifests.Fixtures.ctx;
import static org.assertj.core.api.Assertions.assertThat;

import dev.telescope.api.common.AutoscalerSpec;
import dev.telescope.api.common.Mode;
import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraintBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetPersistentVolumeClaimRetentionPolicyBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatefulSetBuilderTest {

  static OpenTelemetryCollector statefulset() {
    OpenTelemetryCollector cr = cr();
    cr.getSpec().mode = Mode.STATEFULSET;
    return cr;
  }

  @Test
  void metadataAndSelector() {
    var ctx = ctx(statefulset());
    StatefulSet s = StatefulSetBuilder.build(ctx);
    assertThat(s.getMetadata().getName()).isEqualTo("otel-collector");
    assertThat(s.getMetadata().getNamespace()).isEqualTo("observability");
    assertThat(s.getKind()).isEqualTo("StatefulSet");
    assertThat(s.getSpec().getSelector().getMatchLabels()).isEqualTo(Labels.selector(ctx));
    assertSelectsOwnPods(
        s.getSpec().getSelector().getMatchLabels(),
        s.getSpec().getTemplate().getMetadata().getLabels());
  }

  @Test
  void serviceNameDefaultsToTheHeadlessService() {
    assertThat(StatefulSetBuilder.build(ctx(statefulset())).getSpec().getServiceName())
        .isEqualTo("otel-collector-headless");
    OpenTelemetryCollector cr = statefulset();
    cr.getSpec().serviceName = "my-governing";
    assertThat(StatefulSetBuilder.build(ctx(cr)).getSpec().getServiceName())
        .isEqualTo("my-governing");
  }

  @Test
  void podManagementPolicyDefaultsToParallel() {
    assertThat(StatefulSetBuilder.build(ctx(statefulset())).getSpec().getPodManagementPolicy())
        .isEqualTo("Parallel");
    OpenTelemetryCollector cr = statefulset();
    cr.getSpec().podManagementPolicy = "OrderedReady";
    assertThat(StatefulSetBuilder.build(ctx(cr)).getSpec().getPodManagementPolicy())
        .isEqualTo("OrderedReady");
  }

  @Test
  void claimTemplatesAndRetentionAreCopied() {
    OpenTelemetryCollector cr = statefulset();
    cr.getSpec().volumeClaimTemplates =
        List.of(
            new PersistentVolumeClaimBuilder()
                .withNewMetadata()
                .withName("testvolume")
                .endMetadata()
                .withNewSpec()
                .withAccessModes("ReadWriteOnce")
                .withNewResources()
                .addToRequests("storage", new Quantity("1Gi"))
                .endResources()
                .endSpec()
                .build());
    cr.getSpec().persistentVolumeClaimRetentionPolicy =
        new StatefulSetPersistentVolumeClaimRetentionPolicyBuilder()
            .withWhenDeleted("Delete")
            .withWhenScaled("Retain")
            .build();
    StatefulSet s = StatefulSetBuilder.build(ctx(cr));
    assertThat(s.getSpec().getVolumeClaimTemplates())
        .singleElement()
        .satisfies(p -> assertThat(p.getMetadata().getName()).isEqualTo("testvolume"));
    assertThat(s.getSpec().getPersistentVolumeClaimRetentionPolicy().getWhenDeleted())
        .isEqualTo("Delete");
    assertThat(s.getSpec().getPersistentVolumeClaimRetentionPolicy().getWhenScaled())
        .isEqualTo("Retain");
  }

  @Test
  void noClaimTemplatesByDefault() {
    StatefulSet s = StatefulSetBuilder.build(ctx(statefulset()));
    assertThat(s.getSpec().getVolumeClaimTemplates()).isNullOrEmpty();
    assertThat(s.getSpec().getPersistentVolumeClaimRetentionPolicy()).isNull();
  }

  @Test
  void replicasFollowTheSpecAndTheAutoscalerMinimum() {
    OpenTelemetryCollector cr = statefulset();
    cr.getSpec().replicas = 3;
    assertThat(StatefulSetBuilder.build(ctx(cr)).getSpec().getReplicas()).isEqualTo(3);
    cr.getSpec().autoscaler = new AutoscalerSpec();
    cr.getSpec().autoscaler.minReplicas = 4;
    cr.getSpec().autoscaler.maxReplicas = 6;
    assertThat(StatefulSetBuilder.build(ctx(cr)).getSpec().getReplicas()).isEqualTo(4);
  }

  @Test
  void keepsTopologySpread() {
    OpenTelemetryCollector cr = statefulset();
    cr.getSpec().topologySpreadConstraints =
        List.of(new TopologySpreadConstraintBuilder().withMaxSkew(1).build());
    assertThat(
            StatefulSetBuilder.build(ctx(cr))
                .getSpec()
                .getTemplate()
                .getSpec()
                .getTopologySpreadConstraints())
        .hasSize(1);
  }
}
