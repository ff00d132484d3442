package dev.telescope.manifests;

import static dev.telescope.manifests.Fixtures.cr;
import static dev.telescope.manifests.Fixtures.ctx;
import static org.assertj.core.api.Assertions.assertThat;

import dev.telescope.api.common.ConfigMapsSpec;
import dev.telescope.api.common.Mode;
import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.HostAliasBuilder;
import io.fabric8.kubernetes.api.model.PodDNSConfigBuilder;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraintBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PodTemplatesTest {

  static PodSpec pod(OpenTelemetryCollector cr) {
    return PodTemplates.build(ctx(cr)).getSpec();
  }

  @Test
  void templateMetadataIsCommonLabelsAndPodAnnotations() {
    var ctx = ctx(cr());
    PodTemplateSpec t = PodTemplates.build(ctx);
    assertThat(t.getMetadata().getLabels()).isEqualTo(Labels.common(ctx, "otel-collector"));
    assertThat(t.getMetadata().getAnnotations()).isEqualTo(Annotations.pod(ctx));
  }

  @Test
  void serviceAccountIsOursUnlessTheSpecNamesOne() {
    assertThat(pod(cr()).getServiceAccountName()).isEqualTo("otel-collector");
    OpenTelemetryCollector cr = cr();
    cr.getSpec().serviceAccount = "my-sa";
    assertThat(pod(cr).getServiceAccountName()).isEqualTo("my-sa");
    cr.getSpec().serviceAccount = "";
    assertThat(pod(cr).getServiceAccountName()).isEqualTo("otel-collector");
  }

  @Test
  void dnsPolicyRules() {
    OpenTelemetryCollector cr = cr();
    assertThat(pod(cr).getDnsPolicy()).isEqualTo("ClusterFirst");
    cr.getSpec().hostNetwork = true;
    assertThat(pod(cr).getDnsPolicy()).isEqualTo("ClusterFirstWithHostNet");
    cr.getSpec().dnsPolicy = "Default";
    assertThat(pod(cr).getDnsPolicy()).isEqualTo("Default");
    cr.getSpec().podDnsConfig = new PodDNSConfigBuilder().withNameservers("8.8.8.8").build();
    assertThat(pod(cr).getDnsPolicy()).isEqualTo("None");
    assertThat(pod(cr).getDnsConfig().getNameservers()).containsExactly("8.8.8.8");
  }

  @Test
  void searchesWithoutNameserversKeepTheDefaultPolicy() {
    OpenTelemetryCollector cr = cr();
    cr.getSpec().podDnsConfig = new PodDNSConfigBuilder().withSearches("my.suffix").build();
    assertThat(pod(cr).getDnsPolicy()).isEqualTo("ClusterFirst");
  }

  @Test
  void dnsConfigAndShareProcessNamespaceAreAlwaysWritten() {
    var json = Fixtures.tree(pod(cr()));
    assertThat(json.get("dnsConfig").toString()).isEqualTo("{}");
    assertThat(json.get("shareProcessNamespace").asBoolean(true)).isFalse();
    assertThat(json.has("shareProcessNamespace")).isTrue();
    assertThat(json.has("hostNetwork")).isFalse();
    assertThat(json.has("hostPID")).isFalse();

    OpenTelemetryCollector cr = cr();
    cr.getSpec().shareProcessNamespace = true;
    cr.getSpec().hostNetwork = true;
    cr.getSpec().hostPID = true;
    PodSpec p = pod(cr);
    assertThat(p.getShareProcessNamespace()).isTrue();
    assertThat(p.getHostNetwork()).isTrue();
    assertThat(p.getHostPID()).isTrue();
  }

  @Test
  void containersAreOtcContainerThenAdditionalOnes() {
    OpenTelemetryCollector cr = cr();
    cr.getSpec().additionalContainers =
        List.of(new ContainerBuilder().withName("alpine").withImage("alpine").build());
    cr.getSpec().initContainers =
        List.of(new ContainerBuilder().withName("init-test-echo").build());
    PodSpec p = pod(cr);
    assertThat(p.getContainers())
        .extracting(Container::getName)
        .containsExactly("otc-container", "alpine");
    assertThat(p.getInitContainers())
        .extracting(Container::getName)
        .containsExactly("init-test-echo");
  }

  @Test
  void volumesAreConfigThenUserThenConfigMaps() {
    OpenTelemetryCollector cr = cr();
    cr.getSpec().volumes =
        List.of(new VolumeBuilder().withName("data").withNewEmptyDir().endEmptyDir().build());
    ConfigMapsSpec cm = new ConfigMapsSpec();
    cm.name = "example-config";
    cm.mountpath = "/x";
    cr.getSpec().configmaps = List.of(cm);
    var ctx = ctx(cr);
    List<Volume> volumes = PodTemplates.build(ctx).getSpec().getVolumes();
    assertThat(volumes)
        .extracting(Volume::getName)
        .containsExactly("otc-internal", "data", "configmap-example-config");
    var config = volumes.get(0).getConfigMap();
    assertThat(config.getName()).isEqualTo("otel-collector-" + ctx.config().hash().substring(0, 8));
    assertThat(config.getItems())
        .singleElement()
        .satisfies(
            i -> {
              assertThat(i.getKey()).isEqualTo("collector.yaml");
              assertThat(i.getPath()).isEqualTo("collector.yaml");
            });
    assertThat(volumes.get(2).getConfigMap().getName()).isEqualTo("example-config");
    assertThat(PodTemplates.extraVolumes(ctx))
        .extracting(Volume::getName)
        .containsExactly("data", "configmap-example-config");
  }

  @Test
  void podFieldsAreCopied() {
    OpenTelemetryCollector cr = cr();
    cr.getSpec().tolerations =
        List.of(new TolerationBuilder().withKey("k").withOperator("Exists").build());
    cr.getSpec().nodeSelector = Map.of("kubernetes.io/os", "linux");
    cr.getSpec().affinity = new AffinityBuilder().withNewNodeAffinity().endNodeAffinity().build();
    cr.getSpec().priorityClassName = "high";
    cr.getSpec().terminationGracePeriodSeconds = 45L;
    cr.getSpec().podSecurityContext = new PodSecurityContextBuilder().withFsGroup(2000L).build();
    cr.getSpec().hostUsers = false;
    cr.getSpec().hostAliases =
        List.of(new HostAliasBuilder().withIp("10.0.0.1").withHostnames("db").build());
    PodSpec p = pod(cr);
    assertThat(p.getTolerations()).hasSize(1);
    assertThat(p.getNodeSelector()).containsEntry("kubernetes.io/os", "linux");
    assertThat(p.getAffinity().getNodeAffinity()).isNotNull();
    assertThat(p.getPriorityClassName()).isEqualTo("high");
    assertThat(p.getTerminationGracePeriodSeconds()).isEqualTo(45L);
    assertThat(p.getSecurityContext().getFsGroup()).isEqualTo(2000L);
    assertThat(p.getHostUsers()).isFalse();
    assertThat(p.getHostAliases())
        .singleElement()
        .satisfies(h -> assertThat(h.getIp()).isEqualTo("10.0.0.1"));
  }

  @ParameterizedTest
  @EnumSource(
      value = Mode.class,
      names = {"DEPLOYMENT", "STATEFULSET", "DAEMONSET"})
  void topologySpreadIsLeftOutOfDaemonSetsOnly(Mode mode) {
    OpenTelemetryCollector cr = cr();
    cr.getSpec().mode = mode;
    cr.getSpec().topologySpreadConstraints =
        List.of(
            new TopologySpreadConstraintBuilder().withMaxSkew(1).withTopologyKey("zone").build());
    if (mode == Mode.DAEMONSET) {
      assertThat(pod(cr).getTopologySpreadConstraints()).isNullOrEmpty();
    } else {
      assertThat(pod(cr).getTopologySpreadConstraints()).hasSize(1);
    }
  }
}
