package dev.telescope.manifests;

import static dev.telescope.manifests.Fixtures.allCapabilities;
import static dev.telescope.manifests.Fixtures.cfg;
import static dev.telescope.manifests.Fixtures.cr;
import static dev.telescope.manifests.Fixtures.ctx;
import static org.assertj.core.api.Assertions.assertThat;

import dev.telescope.api.common.AutoscalerSpec;
import dev.telescope.api.common.IngressSpec;
import dev.telescope.api.common.Mode;
import dev.telescope.api.common.NetworkPolicySpec;
import dev.telescope.api.v1beta1.ObservabilitySpec;
import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import dev.telescope.settings.OperatorConfig;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CollectorManifestsTest {

  static final String HEALTH_AND_PROMETHEUS =
      """
      receivers:
        otlp:
          protocols:
            grpc: {}
      processors:
        k8sattributes: {}
      exporters:
        prometheus:
          endpoint: 0.0.0.0:9464
      extensions:
        health_check: {}
      service:
        extensions: [health_check]
        pipelines:
          metrics:
            receivers: [otlp]
            processors: [k8sattributes]
            exporters: [prometheus]
      """;

  static final String K8SOBJECTS_SECRETS =
      """
      receivers:
        k8sobjects:
          objects:
            - name: pods
              mode: pull
            - name: secrets
              mode: watch
      exporters:
        debug: {}
      service:
        pipelines:
          logs:
            receivers: [k8sobjects]
            exporters: [debug]
      """;

  static List<String> kinds(OpenTelemetryCollector cr, OperatorConfig cfg) {
    return CollectorManifests.build(ctx(cr, cfg)).objects().stream()
        .map(o -> o.getKind() + "/" + o.getMetadata().getName())
        .toList();
  }

  static OpenTelemetryCollector mode(Mode mode) {
    OpenTelemetryCollector cr = cr();
    cr.getSpec().mode = mode;
    return cr;
  }

  static OpenTelemetryCollector everything(Mode mode) {
    OpenTelemetryCollector cr = cr(HEALTH_AND_PROMETHEUS);
    cr.getSpec().mode = mode;
    cr.getSpec().autoscaler = new AutoscalerSpec();
    cr.getSpec().autoscaler.maxReplicas = 3;
    cr.getSpec().ingress = new IngressSpec();
    cr.getSpec().ingress.type = IngressSpec.Type.ROUTE;
    cr.getSpec().networkPolicy = new NetworkPolicySpec();
    cr.getSpec().networkPolicy.enabled = true;
    cr.getSpec().observability = new ObservabilitySpec();
    cr.getSpec().observability.metrics = new ObservabilitySpec.Metrics();
    cr.getSpec().observability.metrics.enableMetrics = true;
    return cr;
  }

  @Test
  void deploymentModeObjectsInUpstreamOrder() {
    assertThat(kinds(mode(Mode.DEPLOYMENT), cfg()))
        .containsExactly(
            "Deployment/otel-collector",
            "PodDisruptionBudget/otel-collector",
            "ConfigMap/"
                + ctx(cr()).config().hash().substring(0, 8).transform(h -> "otel-collector-" + h),
            "ServiceAccount/otel-collector",
            "Service/otel-collector",
            "Service/otel-collector-headless",
            "Service/otel-collector-monitoring");
  }

  @Test
  void aModeLessCrIsADeployment() {
    assertThat(kinds(cr(), cfg())).isEqualTo(kinds(mode(Mode.DEPLOYMENT), cfg()));
  }

  @Test
  void statefulSetModeHasAStatefulSetAndAPdb() {
    assertThat(kinds(mode(Mode.STATEFULSET), cfg()))
        .startsWith("StatefulSet/otel-collector", "PodDisruptionBudget/otel-collector")
        .noneMatch(k -> k.startsWith("Deployment/") || k.startsWith("DaemonSet/"));
  }

  @Test
  void daemonSetModeHasNoPdb() {
    assertThat(kinds(mode(Mode.DAEMONSET), cfg())).first().isEqualTo("DaemonSet/otel-collector");
    assertThat(kinds(mode(Mode.DAEMONSET), cfg()))
        .noneMatch(k -> k.startsWith("PodDisruptionBudget/"));
  }

  @Test
  void sidecarModeRendersOnlyConfigMapAndServiceAccount() {
    assertThat(kinds(mode(Mode.SIDECAR), cfg()))
        .extracting(k -> k.substring(0, k.indexOf('/')))
        .containsExactly("ConfigMap", "ServiceAccount");
  }

  @Test
  void sidecarModeWithEverythingStillGetsNoServicesHpaIngressOrPolicy() {
    assertThat(kinds(everything(Mode.SIDECAR), allCapabilities()))
        .extracting(k -> k.substring(0, k.indexOf('/')))
        .containsExactly(
            "ConfigMap", "ServiceAccount", "PodMonitor", "ClusterRole", "ClusterRoleBinding");
  }

  @Test
  void deploymentWithEverythingAndEveryCapability() {
    assertThat(kinds(everything(Mode.DEPLOYMENT), allCapabilities()))
        .extracting(k -> k.substring(0, k.indexOf('/')))
        .containsExactly(
            "Deployment",
            "PodDisruptionBudget",
            "ConfigMap",
            "ServiceAccount",
            "HorizontalPodAutoscaler",
            "Service",
            "Service",
            "Service",
            "Service",
            "NetworkPolicy",
            "ServiceMonitor",
            "ServiceMonitor",
            "ClusterRole",
            "ClusterRoleBinding",
            "Route");
  }

  @Test
  void withoutCapabilitiesNoRouteServiceMonitorOrClusterRole() {
    assertThat(kinds(everything(Mode.DEPLOYMENT), cfg()))
        .extracting(k -> k.substring(0, k.indexOf('/')))
        .doesNotContain(
            "Route", "ServiceMonitor", "PodMonitor", "ClusterRole", "ClusterRoleBinding")
        .contains("HorizontalPodAutoscaler", "NetworkPolicy");
  }

  @Test
  void ingressTypeIngressRendersAnIngress() {
    OpenTelemetryCollector cr = cr();
    cr.getSpec().ingress = new IngressSpec();
    cr.getSpec().ingress.type = IngressSpec.Type.INGRESS;
    cr.getSpec().ingress.hostname = "example.com";
    assertThat(kinds(cr, allCapabilities()))
        .contains("Ingress/otel-ingress")
        .noneMatch(k -> k.startsWith("Route/"));
  }

  @Test
  void removingTheAutoscalerRemovesTheHpa() {
    OpenTelemetryCollector cr = everything(Mode.DEPLOYMENT);
    assertThat(kinds(cr, cfg())).contains("HorizontalPodAutoscaler/otel-collector");
    cr.getSpec().autoscaler.maxReplicas = null;
    assertThat(kinds(cr, cfg())).noneMatch(k -> k.startsWith("HorizontalPodAutoscaler/"));
    cr.getSpec().autoscaler = null;
    assertThat(kinds(cr, cfg())).noneMatch(k -> k.startsWith("HorizontalPodAutoscaler/"));
  }

  @Test
  void anExistingServiceAccountMeansNoneIsCreated() {
    OpenTelemetryCollector cr = cr();
    cr.getSpec().serviceAccount = "my-existing-sa";
    assertThat(kinds(cr, cfg())).noneMatch(k -> k.startsWith("ServiceAccount/"));
  }

  @Test
  void networkPolicyOnlyWhenEnabled() {
    OpenTelemetryCollector cr = cr();
    assertThat(kinds(cr, cfg())).noneMatch(k -> k.startsWith("NetworkPolicy/"));
    cr.getSpec().networkPolicy = new NetworkPolicySpec();
    cr.getSpec().networkPolicy.enabled = false;
    assertThat(kinds(cr, cfg())).noneMatch(k -> k.startsWith("NetworkPolicy/"));
    cr.getSpec().networkPolicy.enabled = true;
    assertThat(kinds(cr, cfg())).contains("NetworkPolicy/otel-collector-networkpolicy");
  }

  @Test
  void refusedRulesAreReportedAndLeftOutOfTheClusterRole() {
    var rendered = CollectorManifests.build(ctx(cr(K8SOBJECTS_SECRETS), allCapabilities()));
    assertThat(rendered.refusedRules())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getResources()).containsExactly("secrets");
              assertThat(r.getVerbs()).containsExactly("list", "watch");
            });
    ClusterRole role =
        (ClusterRole)
            Fixtures.find(rendered.objects(), "ClusterRole", "otel-observability-cluster-role");
    assertThat(role.getRules()).flatExtracting(PolicyRule::getResources).containsExactly("pods");
    assertThat(rendered.objects()).extracting(HasMetadata::getKind).contains("ClusterRoleBinding");
  }

  @Test
  void onlyRefusedRulesMeanNoClusterRoleAtAll() {
    var rendered =
        CollectorManifests.build(
            ctx(
                cr(K8SOBJECTS_SECRETS.replace("- name: pods\n        mode: pull\n      ", "")),
                allCapabilities()));
    assertThat(rendered.refusedRules()).hasSize(1);
    assertThat(rendered.objects())
        .extracting(HasMetadata::getKind)
        .doesNotContain("ClusterRole", "ClusterRoleBinding");
  }

  @Test
  void withoutRbacCapabilityNothingIsRefusedAndNothingGranted() {
    var rendered = CollectorManifests.build(ctx(cr(K8SOBJECTS_SECRETS), cfg()));
    assertThat(rendered.refusedRules()).isEmpty();
    assertThat(rendered.objects()).extracting(HasMetadata::getKind).doesNotContain("ClusterRole");
  }

  @Test
  void configProblemsAndWarningsAreReported() {
    var rendered =
        CollectorManifests.build(
            ctx(
                cr(
                    Fixtures.OTLP
                        .replace("exporters: [debug]", "exporters: [debug, missing]")
                        .replace("debug: {}", "debug:"))));
    assertThat(rendered.problems())
        .anySatisfy(p -> assertThat(p.path()).isEqualTo("service.pipelines.traces.exporters[1]"));
    assertThat(rendered.warnings())
        .anySatisfy(p -> assertThat(p.path()).isEqualTo("exporters.debug"));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void everyObjectIsNamespacedExceptClusterRbacAndEveryWorkloadSelectsItsPods(Mode mode) {
    var rendered = CollectorManifests.build(ctx(everything(mode), allCapabilities()));
    for (HasMetadata o : rendered.objects()) {
      if (o.getKind().startsWith("ClusterRole")) {
        assertThat(o.getMetadata().getNamespace()).as(o.getKind()).isNull();
      } else {
        assertThat(o.getMetadata().getNamespace()).as(o.getKind()).isEqualTo("observability");
      }
      assertThat(o.getMetadata().getName()).as(o.getKind()).hasSizeLessThanOrEqualTo(63);
      assertThat(o.getMetadata().getLabels())
          .as(o.getKind())
          .containsEntry(Labels.MANAGED_BY, Labels.OPERATOR);
      LabelSelector selector = null;
      PodTemplateSpec template = null;
      if (o instanceof Deployment d) {
        selector = d.getSpec().getSelector();
        template = d.getSpec().getTemplate();
      } else if (o instanceof StatefulSet s) {
        selector = s.getSpec().getSelector();
        template = s.getSpec().getTemplate();
      } else if (o instanceof DaemonSet d) {
        selector = d.getSpec().getSelector();
        template = d.getSpec().getTemplate();
      }
      if (selector != null) {
        Fixtures.assertSelectsOwnPods(
            selector.getMatchLabels(), template.getMetadata().getLabels());
      }
    }
  }
}
