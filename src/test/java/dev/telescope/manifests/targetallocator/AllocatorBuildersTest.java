package dev.telescope.manifests.targetallocator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.telescope.TestYaml;
import dev.telescope.api.v1alpha1.TargetAllocator;
import dev.telescope.manifests.CollectorContext;
import dev.telescope.settings.Capabilities;
import dev.telescope.settings.OperatorConfig;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The allocator's objects, field by field, for the standalone and the collector-spawned form. */
class AllocatorBuildersTest {
  static final OperatorConfig CFG =
      OperatorConfig.parse(List.of("--target-allocator-image=ta:1.2"), Map.of())
          .withCapabilities(new Capabilities(false, true, false, true, true));

  static TargetAllocator ta(String yaml) {
    try {
      return new ObjectMapper()
          .convertValue(new YAMLMapper().readTree(yaml), TargetAllocator.class);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static AllocatorContext standalone(String spec) {
    return AllocatorContext.of(
        ta(
            """
            apiVersion: opentelemetry.io/v1alpha1
            kind: TargetAllocator
            metadata:
              name: cr
              namespace: ns
              labels: {team: a}
              annotations: {example.com/propagated: "true"}
            spec:
            """
                + spec.indent(2)),
        null,
        CFG);
  }

  static final Map<String, String> SELECTOR =
      Map.of(
          "app.kubernetes.io/managed-by", "opentelemetry-operator",
          "app.kubernetes.io/instance", "ns.cr",
          "app.kubernetes.io/part-of", "opentelemetry",
          "app.kubernetes.io/component", "opentelemetry-targetallocator",
          "app.kubernetes.io/name", "cr-targetallocator");

  @Nested
  class ConfigMapTest {
    @Test
    void standaloneWithScrapeConfigsAndDefaults() {
      ConfigMap cm =
          AllocatorConfigMapBuilder.build(
              standalone(
                  """
                  scrapeConfigs:
                    - job_name: prometheus
                      static_configs:
                      - targets: ["localhost:9090"]
                  """));
      assertThat(cm.getMetadata().getName()).isEqualTo("cr-targetallocator");
      assertThat(cm.getMetadata().getNamespace()).isEqualTo("ns");
      assertThat(cm.getMetadata().getLabels()).containsAllEntriesOf(SELECTOR);
      assertThat(cm.getMetadata().getLabels())
          .containsEntry("team", "a")
          .containsEntry("app.kubernetes.io/version", "latest");
      assertThat(cm.getMetadata().getAnnotations())
          .containsExactly(Map.entry("example.com/propagated", "true"));
      assertThat(cm.getData().get("targetallocator.yaml"))
          .isEqualTo(
              """
              allocation_strategy: consistent-hashing
              collector_not_ready_grace_period: 30s
              collector_selector: null
              config:
                scrape_configs:
                - job_name: prometheus
                  static_configs:
                  - targets:
                    - localhost:9090
              filter_strategy: relabel-config
              """);
    }

    @Test
    void nullSpecGetsNoCrdDefaults() {
      TargetAllocator t = ta("metadata: {name: ta, namespace: ns}\nspec:\n");
      String yaml = AllocatorConfigMapBuilder.content(AllocatorContext.of(t, null, CFG));
      assertThat(yaml)
          .isEqualTo(
              "allocation_strategy: consistent-hashing\n"
                  + "collector_selector: null\n"
                  + "filter_strategy: \"\"\n");
    }

    @Test
    void prometheusCrWithSelectorsIntervalsAndNamespaces() {
      String yaml =
          AllocatorConfigMapBuilder.content(
              standalone(
                  """
                  prometheusCR:
                    enabled: true
                    evaluationInterval: 2m
                    scrapeProtocols: [PrometheusText1.0.0]
                    allowNamespaces: [a]
                    denyNamespaces: [b]
                    secretNamespaces: [c]
                    denyFSAccessThroughSMs: true
                    serviceMonitorSelector: {}
                    podMonitorNamespaceSelector:
                      matchLabels: {ns-label: targetallocator-e2e}
                  """));
      assertThat(yaml)
          .contains(
              """
              prometheus_cr:
                allow_namespaces:
                - a
                deny_fs_access_through_sms: true
                deny_namespaces:
                - b
                enabled: true
                evaluation_interval: 2m0s
                pod_monitor_namespace_selector:
                  matchlabels:
                    ns-label: targetallocator-e2e
                  matchexpressions: []
                pod_monitor_selector: null
                probe_namespace_selector:
                  matchlabels: {}
                  matchexpressions: []
                probe_selector: null
                scrape_config_namespace_selector:
                  matchlabels: {}
                  matchexpressions: []
                scrape_config_selector: null
                scrape_interval: 30s
                scrape_protocols:
                - PrometheusText1.0.0
                secret_namespaces:
                - c
                service_monitor_namespace_selector:
                  matchlabels: {}
                  matchexpressions: []
                service_monitor_selector:
                  matchlabels: {}
                  matchexpressions: []
              """);
    }

    @Test
    void collectorScrapeConfigsAndGlobalMoveToTheAllocator() {
      var col =
          TestYaml.collector(
              """
              apiVersion: opentelemetry.io/v1beta1
              kind: OpenTelemetryCollector
              metadata: {name: cr, namespace: ns}
              spec:
                mode: statefulset
                targetAllocator: {enabled: true}
                config:
                  receivers:
                    prometheus:
                      config:
                        global: {scrape_interval: 30s}
                        scrape_configs:
                        - job_name: otel
                          metric_relabel_configs:
                          - {action: labelmap, regex: label_(.+), replacement: $$1}
                  exporters: {debug: {}}
                  service:
                    pipelines:
                      metrics: {receivers: [prometheus], exporters: [debug]}
              """);
      AllocatorContext ctx =
          AllocatorContext.of(
              ta("metadata: {name: cr, namespace: ns}\nspec: {}\n"),
              CollectorContext.of(col, CFG),
              CFG);
      String yaml = AllocatorConfigMapBuilder.content(ctx);
      assertThat(yaml)
          .contains(
              """
              collector_selector:
                matchlabels:
                  app.kubernetes.io/component: opentelemetry-collector
                  app.kubernetes.io/instance: ns.cr
                  app.kubernetes.io/managed-by: opentelemetry-operator
                  app.kubernetes.io/part-of: opentelemetry
                matchexpressions: []
              config:
                global:
                  scrape_interval: 30s
                scrape_configs:
                - job_name: otel
                  metric_relabel_configs:
                  - action: labelmap
                    regex: label_(.+)
                    replacement: $1
              """);
    }
  }

  @Nested
  class DeploymentTest {
    @Test
    void everyField() {
      Deployment d =
          AllocatorDeploymentBuilder.build(
              standalone(
                  """
                  env: [{name: TEST_ENV, value: test}]
                  args: {b: "2", a: "1"}
                  podAnnotations: {example.com/pod-only: "true"}
                  nodeSelector: {disk: ssd}
                  priorityClassName: high
                  """));
      assertThat(d.getMetadata().getName()).isEqualTo("cr-targetallocator");
      assertThat(d.getMetadata().getAnnotations())
          .containsExactly(Map.entry("example.com/propagated", "true"));
      assertThat(d.getSpec().getReplicas()).isEqualTo(1);
      assertThat(d.getSpec().getSelector().getMatchLabels()).isEqualTo(SELECTOR);
      var pod = d.getSpec().getTemplate();
      assertThat(pod.getMetadata().getLabels()).containsAllEntriesOf(SELECTOR);
      assertThat(pod.getMetadata().getAnnotations())
          .containsEntry("example.com/pod-only", "true")
          .containsEntry("example.com/propagated", "true")
          .containsKey(AllocatorAnnotations.CONFIG_HASH);
      assertThat(pod.getSpec().getServiceAccountName()).isEqualTo("cr-targetallocator");
      assertThat(pod.getSpec().getNodeSelector()).containsEntry("disk", "ssd");
      assertThat(pod.getSpec().getPriorityClassName()).isEqualTo("high");
      assertThat(pod.getSpec().getShareProcessNamespace()).isFalse();
      assertThat(pod.getSpec().getDnsPolicy()).isEqualTo("ClusterFirst");
      assertThat(pod.getSpec().getVolumes()).hasSize(1);
      var vol = pod.getSpec().getVolumes().get(0);
      assertThat(vol.getName()).isEqualTo("ta-internal");
      assertThat(vol.getConfigMap().getName()).isEqualTo("cr-targetallocator");
      assertThat(vol.getConfigMap().getItems().get(0).getKey()).isEqualTo("targetallocator.yaml");
      assertThat(vol.getConfigMap().getItems().get(0).getPath()).isEqualTo("targetallocator.yaml");

      Container c = pod.getSpec().getContainers().get(0);
      assertThat(c.getName()).isEqualTo("ta-container");
      assertThat(c.getImage()).isEqualTo("ta:1.2");
      assertThat(c.getArgs()).containsExactly("--a=1", "--b=2");
      assertThat(c.getPorts()).hasSize(1);
      assertThat(c.getPorts().get(0).getName()).isEqualTo("http");
      assertThat(c.getPorts().get(0).getContainerPort()).isEqualTo(8080);
      assertThat(c.getPorts().get(0).getProtocol()).isEqualTo("TCP");
      assertThat(c.getVolumeMounts().get(0).getMountPath()).isEqualTo("/conf");
      assertThat(c.getEnv().stream().map(EnvVar::getName))
          .containsExactly("TEST_ENV", "OTELCOL_NAMESPACE", "GOMEMLIMIT", "GOMAXPROCS");
      assertThat(c.getEnv().get(1).getValueFrom().getFieldRef().getFieldPath())
          .isEqualTo("metadata.namespace");
      assertThat(c.getEnv().get(2).getValueFrom().getResourceFieldRef().getResource())
          .isEqualTo("limits.memory");
      assertThat(c.getEnv().get(3).getValueFrom().getResourceFieldRef().getContainerName())
          .isEqualTo("ta-container");
      assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/livez");
      assertThat(c.getLivenessProbe().getHttpGet().getPort()).isEqualTo(new IntOrString(8080));
      assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
    }

    @Test
    void ownNamespaceEnvIsKeptAndHashFollowsTheConfig() {
      Deployment a =
          AllocatorDeploymentBuilder.build(
              standalone("env: [{name: OTELCOL_NAMESPACE, value: x}]\n"));
      assertThat(
              a.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                  .filter(e -> e.getName().equals("OTELCOL_NAMESPACE")))
          .hasSize(1);
      Deployment b = AllocatorDeploymentBuilder.build(standalone("allocationStrategy: per-node\n"));
      assertThat(
              b.getSpec()
                  .getTemplate()
                  .getMetadata()
                  .getAnnotations()
                  .get(AllocatorAnnotations.CONFIG_HASH))
          .isNotEqualTo(
              a.getSpec()
                  .getTemplate()
                  .getMetadata()
                  .getAnnotations()
                  .get(AllocatorAnnotations.CONFIG_HASH));
    }
  }

  @Test
  void service() {
    Service s = AllocatorServiceBuilder.build(standalone("{}"));
    assertThat(s.getMetadata().getName()).isEqualTo("cr-targetallocator");
    assertThat(s.getSpec().getSelector()).isEqualTo(SELECTOR);
    assertThat(s.getSpec().getPorts()).hasSize(1);
    assertThat(s.getSpec().getPorts().get(0).getName()).isEqualTo("targetallocation");
    assertThat(s.getSpec().getPorts().get(0).getPort()).isEqualTo(80);
    assertThat(s.getSpec().getPorts().get(0).getTargetPort()).isEqualTo(new IntOrString("http"));
  }

  @Test
  void serviceAccountUnlessTheCrNamesAnother() {
    ServiceAccount sa = AllocatorServiceAccountBuilder.build(standalone("{}"));
    assertThat(sa.getMetadata().getName()).isEqualTo("cr-targetallocator");
    assertThat(sa.getMetadata().getLabels()).containsAllEntriesOf(SELECTOR);
    assertThat(kinds(standalone("serviceAccount: ta\n"))).doesNotContain("ServiceAccount");
    assertThat(kinds(standalone("{}"))).contains("ServiceAccount");
    // Naming the allocator's own account keeps it rendered (never pruned from under its pods).
    assertThat(kinds(standalone("serviceAccount: cr-targetallocator\n")))
        .contains("ServiceAccount");
  }

  @Test
  void emptyStringsAreDoubleQuotedLikeGo() {
    assertThat(GoYaml.scalar("")).isEqualTo("\"\"");
    assertThat(GoYaml.scalar("true")).isEqualTo("\"true\"");
    assertThat(GoYaml.scalar("relabel-config")).isEqualTo("relabel-config");
  }

  @Test
  void podDisruptionBudget() {
    PodDisruptionBudget d = AllocatorPodDisruptionBudgetBuilder.build(standalone("{}"));
    assertThat(d.getSpec().getMaxUnavailable()).isEqualTo(new IntOrString(1));
    assertThat(d.getSpec().getMinAvailable()).isNull();
    assertThat(d.getSpec().getSelector().getMatchLabels()).isEqualTo(SELECTOR);
    PodDisruptionBudget own =
        AllocatorPodDisruptionBudgetBuilder.build(
            standalone("podDisruptionBudget: {minAvailable: 1}\n"));
    assertThat(own.getSpec().getMinAvailable()).isEqualTo(new IntOrString(1));
    assertThat(own.getSpec().getMaxUnavailable()).isNull();
    assertThat(kinds(standalone("allocationStrategy: least-weighted\n")))
        .doesNotContain("PodDisruptionBudget");
  }

  @Test
  void networkPolicyWhenEnabled() {
    assertThat(kinds(standalone("{}"))).doesNotContain("NetworkPolicy");
    NetworkPolicy np =
        AllocatorNetworkPolicyBuilder.build(standalone("networkPolicy: {enabled: true}\n"));
    assertThat(np.getMetadata().getName()).isEqualTo("cr-targetallocator-networkpolicy");
    assertThat(np.getSpec().getPodSelector().getMatchLabels())
        .doesNotContainKey("app.kubernetes.io/name")
        .containsEntry("app.kubernetes.io/component", "opentelemetry-targetallocator");
    assertThat(np.getSpec().getIngress().get(0).getPorts().get(0).getPort())
        .isEqualTo(new IntOrString(8080));
    assertThat(np.getSpec().getPolicyTypes()).containsExactly("Ingress", "Egress");
  }

  @Test
  void serviceMonitorWithExtraLabels() {
    AllocatorContext ctx =
        standalone(
            "observability: {metrics: {enableMetrics: true, extraLabels: {team: platform}}}\n");
    GenericKubernetesResource sm = AllocatorServiceMonitorBuilder.build(ctx);
    assertThat(sm.getMetadata().getName()).isEqualTo("cr-targetallocator");
    assertThat(sm.getMetadata().getLabels()).containsEntry("team", "platform");
    @SuppressWarnings("unchecked")
    Map<String, Object> spec = (Map<String, Object>) sm.getAdditionalProperties().get("spec");
    assertThat(spec.get("endpoints")).isEqualTo(List.of(Map.of("port", "targetallocation")));
    assertThat(spec.get("namespaceSelector")).isEqualTo(Map.of("matchNames", List.of("ns")));
    assertThat(spec.get("selector")).isEqualTo(Map.of("matchLabels", SELECTOR));
    assertThat(kinds(ctx)).contains("ServiceMonitor");
    assertThat(kinds(standalone("{}"))).doesNotContain("ServiceMonitor");
  }

  @Test
  void goDurationsAreSpelledLikeGo() {
    assertThat(GoDuration.normalise("30s")).isEqualTo("30s");
    assertThat(GoDuration.normalise("2m")).isEqualTo("2m0s");
    assertThat(GoDuration.normalise("1h30m")).isEqualTo("1h30m0s");
    assertThat(GoDuration.normalise("1.5s")).isEqualTo("1.5s");
    assertThat(GoDuration.normalise("500ms")).isEqualTo("500ms");
  }

  static List<String> kinds(AllocatorContext ctx) {
    return AllocatorManifests.build(ctx).stream().map(HasMetadata::getKind).toList();
  }
}
