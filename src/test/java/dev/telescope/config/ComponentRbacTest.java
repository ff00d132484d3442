package dev.telescope.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.telescope.TestYaml;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ComponentRbacTest {
  static final Path UPSTREAM = TestYaml.shared().resolve("conformance/upstream");
  static final Path E2E = UPSTREAM.resolve("tests/e2e-automatic-rbac");
  static final Path UNIT = UPSTREAM.resolve("internal/manifests/collector/testdata");

  /** A rule as {@code group|resource,resource|verb,verb}. */
  static String show(PolicyRule r) {
    return String.join(",", r.getApiGroups())
        + "|"
        + String.join(",", r.getResources())
        + "|"
        + String.join(",", r.getVerbs());
  }

  static List<String> show(List<PolicyRule> rules) {
    return rules.stream().map(ComponentRbacTest::show).toList();
  }

  static List<String> rulesOfCr(Path install) {
    CollectorConfig c =
        CollectorConfig.of(TestYaml.collector(TestYaml.read(install)).getSpec().config);
    assertThat(c.problems()).isEmpty();
    return show(c.rbacRules());
  }

  static List<String> rulesOfConfig(String yaml) {
    CollectorConfig c = CollectorConfig.of(TestYaml.config(yaml));
    assertThat(c.problems()).isEmpty();
    return show(c.rbacRules());
  }

  /** The rules of the ClusterRole in a chainsaw assert file. */
  static List<String> assertedRules(Path assertFile) {
    for (String doc : TestYaml.read(assertFile).split("(?m)^---\\s*$")) {
      if (doc.contains("kind: ClusterRole\n")) {
        return show(Serialization.unmarshal(doc, ClusterRole.class).getRules());
      }
    }
    throw new AssertionError("no ClusterRole in " + assertFile);
  }

  @Nested
  class AsTheE2eTestsAssert {
    @ParameterizedTest
    @CsvSource({
      "processor-k8sattributes/01-install.yaml, processor-k8sattributes/01-assert.yaml",
      "processor-k8sattributes/02-install.yaml, processor-k8sattributes/02-assert.yaml",
      "receiver-k8scluster/01-install.yaml, receiver-k8scluster/01-assert.yaml",
      "receiver-k8scluster/02-install.yaml, receiver-k8scluster/02-assert.yaml",
      "receiver-k8sevents/01-install.yaml, receiver-k8sevents/01-assert.yaml",
      "receiver-k8sobjects/01-install.yaml, receiver-k8sobjects/01-assert.yaml",
      "receiver-kubeletstats/01-install.yaml, receiver-kubeletstats/01-assert.yaml",
      "receiver-kubeletstats/02-install.yaml, receiver-kubeletstats/02-assert.yaml",
      "receiver-kubeletstats/03-install.yaml, receiver-kubeletstats/03-assert.yaml",
      "k8s-leader-elector/01-install.yaml, k8s-leader-elector/01-assert.yaml",
    })
    void exactlyTheAssertedRulesInOrder(String install, String expected) {
      assertThat(rulesOfCr(E2E.resolve(install)))
          .containsExactlyElementsOf(assertedRules(E2E.resolve(expected)));
    }

    @Test
    void spotCheckTheParsedExpectations() {
      assertThat(assertedRules(E2E.resolve("processor-k8sattributes/01-assert.yaml")))
          .containsExactly("|pods,namespaces|get,watch,list", "apps|replicasets|get,watch,list");
      assertThat(assertedRules(E2E.resolve("k8s-leader-elector/01-assert.yaml")))
          .containsExactly("coordination.k8s.io|leases|get,list,watch,create,update,patch,delete");
      assertThat(assertedRules(E2E.resolve("receiver-k8scluster/02-assert.yaml")))
          .hasSize(6)
          .last()
          .isEqualTo("quota.openshift.io|clusterresourcequotas|get,list,watch");
    }
  }

  @Nested
  class AsTheUnitFixturesImply {
    static List<String> rules(String file) {
      return rulesOfConfig(TestYaml.read(UNIT.resolve(file)));
    }

    @Test
    void k8sAttributesWithServiceName() {
      List<String> expected =
          List.of("|pods,namespaces|get,watch,list", "apps|replicasets|get,watch,list");
      assertThat(rules("rbac_k8sattributes_service_name.yaml")).isEqualTo(expected);
      assertThat(rules("rbac_k8s_attributes_snake_case.yaml")).isEqualTo(expected);
    }

    @Test
    void resourceDetection() {
      assertThat(rules("rbac_resourcedetectionprocessor_k8s.yaml"))
          .containsExactly("|nodes|get,list");
      assertThat(rules("rbac_resource_detection_snake_case.yaml"))
          .containsExactly("|nodes|get,list");
      assertThat(rules("rbac_resourcedetectionprocessor_openshift.yaml"))
          .containsExactly(
              "config.openshift.io|infrastructures,infrastructures/status|get,watch,list");
    }

    @Test
    void kubeletStatsSnakeCase() {
      assertThat(rules("rbac_kubelet_stats_snake_case.yaml")).containsExactly("|nodes/stats|get");
    }

    @Test
    void k8sObjectsSnakeCaseKeepsTheGroupAsWritten() {
      assertThat(rules("rbac_k8s_objects_snake_case.yaml")).containsExactly("v1|pods|list,get");
    }

    @Test
    void k8sObserver() {
      assertThat(rules("rbac_k8sobserver_extension.yaml"))
          .containsExactly("|pods|list,watch", "|services|list,watch", "|nodes|list,watch");
      assertThat(rules("rbac_k8sobserver_partial.yaml")).containsExactly("|pods|list,watch");
    }

    @Test
    void k8sLeaderElector() {
      assertThat(rules("rbac_k8sleaderelector_extension.yaml"))
          .containsExactly("coordination.k8s.io|leases|get,list,watch,create,update,patch,delete");
    }
  }

  @Nested
  class PerComponent {
    static List<String> processor(String id, String settings) {
      return rulesOfConfig(
          """
          receivers: {otlp: {protocols: {grpc: {}}}}
          processors: {"%s": %s}
          exporters: {debug: {}}
          service: {pipelines: {traces: {receivers: [otlp], processors: ["%s"], exporters: [debug]}}}
          """
              .formatted(id, settings, id));
    }

    static List<String> receiver(String id, String settings) {
      return rulesOfConfig(
          """
          receivers: {"%s": %s}
          exporters: {debug: {}}
          service: {pipelines: {logs: {receivers: ["%s"], exporters: [debug]}}}
          """
              .formatted(id, settings, id));
    }

    static List<String> extension(String id, String settings) {
      return rulesOfConfig(
          """
          receivers: {otlp: {protocols: {grpc: {}}}}
          exporters: {debug: {}}
          extensions: {"%s": %s}
          service:
            extensions: ["%s"]
            pipelines: {traces: {receivers: [otlp], exporters: [debug]}}
          """
              .formatted(id, settings, id));
    }

    @Test
    void k8sAttributesEmptyOrNull() {
      List<String> base =
          List.of("|pods,namespaces|get,watch,list", "apps|replicasets|get,watch,list");
      assertThat(processor("k8sattributes", "{}")).isEqualTo(base);
      assertThat(processor("k8sattributes", "null")).isEqualTo(base);
      assertThat(processor("k8s_attributes/x", "{}")).isEqualTo(base);
      assertThat(processor("k8sattributes", "{extract: {metadata: []}}")).isEqualTo(base);
    }

    @Test
    void k8sAttributesMetadata() {
      assertThat(processor("k8sattributes", "{extract: {metadata: [k8s.pod.name]}}"))
          .containsExactly("|pods,namespaces|get,watch,list");
      assertThat(processor("k8sattributes", "{extract: {metadata: [k8s.deployment.name]}}"))
          .containsExactly("|pods,namespaces|get,watch,list", "apps|replicasets|get,watch,list");
      assertThat(processor("k8sattributes", "{extract: {metadata: [k8s.deployment.uid]}}"))
          .containsExactly("|pods,namespaces|get,watch,list", "apps|replicasets|get,watch,list");
      assertThat(
              processor(
                  "k8sattributes",
                  "{extract: {metadata: [k8s.node.name, k8s.node.uid, service.name]}}"))
          .containsExactly(
              "|pods,namespaces|get,watch,list",
              "apps|replicasets|get,watch,list",
              "|nodes|get,watch,list");
    }

    @Test
    void k8sAttributesJobsAndCronJobs() {
      assertThat(processor("k8sattributes", "{extract: {metadata: [k8s.cronjob.uid]}}"))
          .containsExactly("|pods,namespaces|get,watch,list", "batch|jobs|get,watch,list");
      assertThat(
              processor(
                  "k8sattributes",
                  "{extract: {metadata: [k8s.pod.name], labels: [{from: cronjob, key: app}]}}"))
          .containsExactly(
              "|pods,namespaces|get,watch,list",
              "batch|jobs|get,watch,list",
              "batch|cronjobs|get,watch,list");
      assertThat(
              processor(
                  "k8sattributes",
                  "{extract: {metadata: [k8s.pod.name], annotations: [{from: job, key: a}]}}"))
          .containsExactly("|pods,namespaces|get,watch,list", "batch|jobs|get,watch,list");
      assertThat(
              processor(
                  "k8sattributes",
                  "{extract: {metadata: [k8s.pod.name], labels: [{from: pod, key: app}]}}"))
          .containsExactly("|pods,namespaces|get,watch,list");
    }

    @Test
    void resourceDetectionBothDetectorsOrNone() {
      assertThat(processor("resourcedetection", "{detectors: [env, k8snode, openshift]}"))
          .containsExactly(
              "|nodes|get,list",
              "config.openshift.io|infrastructures,infrastructures/status|get,watch,list");
      assertThat(processor("resource_detection", "{detectors: [env, system]}")).isEmpty();
    }

    @Test
    void otherProcessorsNeedNothing() {
      assertThat(processor("batch", "{}")).isEmpty();
      assertThat(processor("memory_limiter", "{check_interval: 1s}")).isEmpty();
    }

    @Test
    void k8sClusterDefaultAndOpenshift() {
      List<String> base = receiver("k8s_cluster", "{}");
      assertThat(base)
          .containsExactly(
              "|events,namespaces,namespaces/status,nodes,nodes/spec,persistentvolumeclaims,"
                  + "persistentvolumes,pods,pods/status,replicationcontrollers,"
                  + "replicationcontrollers/status,resourcequotas,services|get,list,watch",
              "apps|daemonsets,deployments,replicasets,statefulsets|get,list,watch",
              "extensions|daemonsets,deployments,replicasets|get,list,watch",
              "batch|jobs,cronjobs|get,list,watch",
              "autoscaling|horizontalpodautoscalers|get,list,watch");
      assertThat(receiver("k8scluster", "{distribution: kubernetes}")).isEqualTo(base);
      assertThat(receiver("k8s_cluster", "{distribution: openshift}"))
          .hasSize(6)
          .endsWith("quota.openshift.io|clusterresourcequotas|get,list,watch");
    }

    @Test
    void k8sEvents() {
      assertThat(receiver("k8s_events", "{}")).containsExactly("|events|get,list,watch");
      assertThat(receiver("k8sevents", "{namespaces: [a]}"))
          .containsExactly("|events|get,list,watch");
    }

    @Test
    void k8sObjectsPullWatchAndGroups() {
      assertThat(
              receiver(
                  "k8sobjects",
                  "{objects: [{name: pods, mode: pull}, {name: events, mode: watch, group:"
                      + " events.k8s.io}, {name: deployments, mode: pull, group: apps}]}"))
          .containsExactly(
              "|pods|list,get", "events.k8s.io|events|list,watch", "apps|deployments|list,get");
      assertThat(receiver("k8s_objects", "{objects: [{name: events, mode: pull}]}"))
          .as("events are only listed in pull mode")
          .containsExactly("|events|list");
      assertThat(receiver("k8sobjects", "{objects: [{name: pods}]}"))
          .as("no mode: list only, as upstream")
          .containsExactly("|pods|list");
      assertThat(receiver("k8sobjects", "{}")).isEmpty();
    }

    @Test
    void kubeletStatsProxyOnlyWhenNeeded() {
      assertThat(receiver("kubeletstats", "{}")).containsExactly("|nodes/stats|get");
      assertThat(receiver("kubelet_stats", "{extra_metadata_labels: []}"))
          .containsExactly("|nodes/stats|get");
      assertThat(receiver("kubeletstats", "{extra_metadata_labels: [container.id]}"))
          .containsExactly("|nodes/stats|get", "|nodes/proxy|get");
      assertThat(
              receiver(
                  "kubeletstats", "{metrics: {k8s.pod.cpu_limit_utilization: {enabled: true}}}"))
          .containsExactly("|nodes/stats|get", "|nodes/proxy|get");
      assertThat(
              receiver(
                  "kubeletstats",
                  "{metrics: {k8s.container.memory_request_utilization: {enabled: false},"
                      + " k8s.pod.cpu.usage: {enabled: true}}}"))
          .containsExactly("|nodes/stats|get");
    }

    @Test
    void otherReceiversNeedNothing() {
      assertThat(receiver("filelog", "{include: [/var/log/*.log]}")).isEmpty();
      assertThat(receiver("prometheus", "{config: {scrape_configs: []}}")).isEmpty();
    }

    @Test
    void k8sObserverPartialAndUnset() {
      assertThat(extension("k8s_observer", "{observe_pods: true}"))
          .containsExactly("|pods|list,watch");
      assertThat(extension("k8sobserver", "{observe_nodes: true, observe_pods: false}"))
          .containsExactly("|nodes|list,watch");
      assertThat(extension("k8s_observer", "{}")).as("nothing switched on").isEmpty();
      assertThat(extension("k8s_observer", "null")).isEmpty();
    }

    @Test
    void k8sLeaderElectorSevenVerbs() {
      assertThat(extension("k8s_leader_elector", "{lease_name: x}"))
          .containsExactly("coordination.k8s.io|leases|get,list,watch,create,update,patch,delete");
    }
  }

  @Nested
  class OnlyUsedComponents {
    @Test
    void unusedProcessorsReceiversAndExtensionsGrantNothing() {
      assertThat(
              rulesOfConfig(
                  """
                  receivers:
                    otlp: {protocols: {grpc: {}}}
                    k8s_cluster: {}
                    kubeletstats: {}
                  processors: {k8sattributes: {}, resourcedetection: {detectors: [k8snode]}}
                  exporters: {debug: {}}
                  extensions: {k8s_observer: {observe_pods: true}, k8s_leader_elector: {}}
                  service:
                    extensions: []
                    pipelines: {traces: {receivers: [otlp], exporters: [debug]}}
                  """))
          .isEmpty();
    }

    @Test
    void rulesAreDeduplicatedAcrossComponents() {
      assertThat(
              rulesOfConfig(
                  """
                  receivers: {otlp: {protocols: {grpc: {}}}}
                  processors: {k8sattributes: {}, k8sattributes/2: {}}
                  exporters: {debug: {}}
                  service:
                    pipelines:
                      traces: {receivers: [otlp], processors: [k8sattributes], exporters: [debug]}
                      logs: {receivers: [otlp], processors: [k8sattributes/2], exporters: [debug]}
                  """))
          .containsExactly("|pods,namespaces|get,watch,list", "apps|replicasets|get,watch,list");
    }

    @Test
    void receiversThenProcessorsThenExtensions() {
      assertThat(
              rulesOfConfig(
                  """
                  receivers: {k8s_events: {}}
                  processors: {resourcedetection: {detectors: [k8snode]}}
                  exporters: {debug: {}}
                  extensions: {k8s_leader_elector: {}}
                  service:
                    extensions: [k8s_leader_elector]
                    pipelines: {logs: {receivers: [k8s_events], processors: [resourcedetection], exporters: [debug]}}
                  """))
          .containsExactly(
              "|events|get,list,watch",
              "|nodes|get,list",
              "coordination.k8s.io|leases|get,list,watch,create,update,patch,delete");
    }
  }

  @Nested
  class Allowlist {
    static PolicyRule rule(String group, List<String> resources, List<String> verbs) {
      return new PolicyRuleBuilder()
          .withApiGroups(group)
          .withResources(resources)
          .withVerbs(verbs)
          .build();
    }

    @Test
    void everyFixedRuleIsAllowed() {
      List<PolicyRule> all = new ArrayList<>();
      for (String f :
          List.of(
              "rbac_k8sattributes_service_name.yaml",
              "rbac_resourcedetectionprocessor_k8s.yaml",
              "rbac_resourcedetectionprocessor_openshift.yaml",
              "rbac_kubelet_stats_snake_case.yaml",
              "rbac_k8sobserver_extension.yaml",
              "rbac_k8sleaderelector_extension.yaml")) {
        all.addAll(CollectorConfig.of(TestYaml.config(TestYaml.read(UNIT.resolve(f)))).rbacRules());
      }
      for (String f :
          List.of(
              "processor-k8sattributes/01-install.yaml",
              "processor-k8sattributes/02-install.yaml",
              "receiver-k8scluster/02-install.yaml",
              "receiver-k8sevents/01-install.yaml",
              "receiver-k8sobjects/01-install.yaml",
              "receiver-kubeletstats/02-install.yaml")) {
        all.addAll(
            CollectorConfig.of(TestYaml.collector(TestYaml.read(E2E.resolve(f))).getSpec().config)
                .rbacRules());
      }
      all.addAll(
          CollectorConfig.of(
                  TestYaml.config(
                      """
                      receivers: {otlp: {protocols: {grpc: {}}}}
                      processors: {k8sattributes: {extract: {metadata: [k8s.cronjob.uid], labels: [{from: cronjob}]}}}
                      exporters: {debug: {}}
                      service: {pipelines: {traces: {receivers: [otlp], processors: [k8sattributes], exporters: [debug]}}}
                      """))
              .rbacRules());
      assertThat(all).hasSizeGreaterThan(15);
      assertThat(all).allSatisfy(r -> assertThat(ComponentRbac.allowed(r)).as(show(r)).isTrue());
    }

    @Test
    void k8sObjectsForOrdinaryResourcesIsAllowed() {
      assertThat(ComponentRbac.allowed(rule("", List.of("pods"), List.of("list", "get")))).isTrue();
      assertThat(ComponentRbac.allowed(rule("", List.of("events"), List.of("list", "watch"))))
          .isTrue();
    }

    @Test
    void secretsWildcardsAndOddRulesAreRefused() {
      assertThat(ComponentRbac.allowed(rule("", List.of("secrets"), List.of("list", "get"))))
          .isFalse();
      assertThat(ComponentRbac.allowed(rule("", List.of("pods"), List.of("*")))).isFalse();
      assertThat(ComponentRbac.allowed(rule("", List.of("*"), List.of("get")))).isFalse();
      assertThat(ComponentRbac.allowed(rule("*", List.of("pods"), List.of("get")))).isFalse();
      assertThat(ComponentRbac.allowed(rule("", List.of("pods"), List.of("delete")))).isFalse();
      assertThat(
              ComponentRbac.allowed(
                  new PolicyRuleBuilder()
                      .withApiGroups("")
                      .withResources("pods")
                      .withResourceNames("one")
                      .withVerbs("get")
                      .build()))
          .as("resourceNames")
          .isFalse();
      assertThat(
              ComponentRbac.allowed(
                  new PolicyRuleBuilder().withNonResourceURLs("/metrics").withVerbs("get").build()))
          .as("nonResourceURLs")
          .isFalse();
      assertThat(ComponentRbac.allowed(new PolicyRuleBuilder().withVerbs("get").build())).isFalse();
    }

    @Test
    void aK8sObjectsRuleForSecretsComesOutOfTheConfigButIsRefused() {
      CollectorConfig c =
          CollectorConfig.of(
              TestYaml.config(
                  """
                  receivers: {k8sobjects: {objects: [{name: secrets, mode: pull}]}}
                  exporters: {debug: {}}
                  service: {pipelines: {logs: {receivers: [k8sobjects], exporters: [debug]}}}
                  """));
      assertThat(show(c.rbacRules())).containsExactly("|secrets|list,get");
      assertThat(ComponentRbac.allowed(c.rbacRules().get(0))).isFalse();
    }

    @Test
    void triples() {
      assertThat(ComponentRbac.triples(rule("apps", List.of("a", "b"), List.of("get", "list"))))
          .containsExactly("apps/a:get", "apps/a:list", "apps/b:get", "apps/b:list");
    }
  }
}
