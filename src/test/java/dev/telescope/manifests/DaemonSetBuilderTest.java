package dev.telescope.manifests;

import static dev.telescope.manifests.Fixtures.assertSelectsOwnPods;
import static dev.telescope.manifests.Fixtures.cr;
import static dev.telescope.manifests.Fixtures.ctx;
import static org.assertj.core.api.Assertions.assertThat;

import dev.telescope.api.common.Mode;
import dev.telescope.api.common.PortsSpec;
import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraintBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetUpdateStrategyBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

class DaemonSetBuilderTest {

  static OpenTelemetryCollector daemonset() {
    OpenTelemetryCollector cr = cr();
    cr.getSpec().mode = Mode.DAEMONSET;
    return cr;
  }

  @Test
  void metadataSelectorAndNoReplicas() {
    var ctx = ctx(daemonset());
    DaemonSet d = DaemonSetBuilder.build(ctx);
    assertThat(d.getMetadata().getName()).isEqualTo("otel-collector");
    assertThat(d.getMetadata().getNamespace()).isEqualTo("observability");
    assertThat(d.getKind()).isEqualTo("DaemonSet");
    assertThat(Fixtures.tree(d).at("/spec").has("replicas")).isFalse();
    assertThat(d.getSpec().getSelector().getMatchLabels()).isEqualTo(Labels.selector(ctx));
    assertSelectsOwnPods(
        d.getSpec().getSelector().getMatchLabels(),
        d.getSpec().getTemplate().getMetadata().getLabels());
  }

  @Test
  void updateStrategyIsEmptyUnlessGiven() {
    assertThat(
            Fixtures.tree(DaemonSetBuilder.build(ctx(daemonset())))
                .at("/spec/updateStrategy")
                .toString())
        .isEqualTo("{}");
    OpenTelemetryCollector cr = daemonset();
    cr.getSpec().daemonSetUpdateStrategy =
        new DaemonSetUpdateStrategyBuilder()
            .withType("RollingUpdate")
            .withNewRollingUpdate()
            .withMaxUnavailable(new IntOrString("10%"))
            .endRollingUpdate()
            .build();
    var s = DaemonSetBuilder.build(ctx(cr)).getSpec().getUpdateStrategy();
    assertThat(s.getType()).isEqualTo("RollingUpdate");
    assertThat(s.getRollingUpdate().getMaxUnavailable()).isEqualTo(new IntOrString("10%"));
  }

  @Test
  void hostNetworkAndHostPortsForANodeAgent() {
    OpenTelemetryCollector cr = daemonset();
    cr.getSpec().hostNetwork = true;
    PortsSpec p = new PortsSpec();
    p.name = "otlp-host";
    p.port = 4319;
    p.hostPort = 4319;
    cr.getSpec().ports = List.of(p);
    var pod = DaemonSetBuilder.build(ctx(cr)).getSpec().getTemplate().getSpec();
    assertThat(pod.getHostNetwork()).isTrue();
    assertThat(pod.getDnsPolicy()).isEqualTo("ClusterFirstWithHostNet");
    assertThat(pod.getContainers().get(0).getPorts())
        .filteredOn(c -> "otlp-host".equals(c.getName()))
        .extracting(ContainerPort::getHostPort)
        .containsExactly(4319);
  }

  @Test
  void dropsTopologySpread() {
    OpenTelemetryCollector cr = daemonset();
    cr.getSpec().topologySpreadConstraints =
        List.of(new TopologySpreadConstraintBuilder().withMaxSkew(1).build());
    assertThat(
            DaemonSetBuilder.build(ctx(cr))
                .getSpec()
                .getTemplate()
                .getSpec()
                .getTopologySpreadConstraints())
        .isNullOrEmpty();
  }
}
