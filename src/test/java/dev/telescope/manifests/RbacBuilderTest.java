package dev.telescope.manifests;

import static dev.telescope.manifests.Fixtures.allCapabilities;
import static dev.telescope.manifests.Fixtures.cr;
import static dev.telescope.manifests.Fixtures.ctx;
import static org.assertj.core.api.Assertions.assertThat;

import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RbacBuilderTest {

  static final PolicyRule PODS =
      new PolicyRuleBuilder()
          .withApiGroups("")
          .withResources("pods")
          .withVerbs("get", "list")
          .build();

  @Test
  void clusterRoleIsNamedAfterCollectorAndNamespaceAndIsClusterScoped() {
    OpenTelemetryCollector cr = cr();
    cr.getMetadata().setAnnotations(Map.of("a", "1"));
    var ctx = ctx(cr);
    ClusterRole role = RbacBuilder.clusterRole(ctx, List.of(PODS));
    assertThat(role.getMetadata().getName()).isEqualTo("otel-observability-cluster-role");
    assertThat(role.getMetadata().getNamespace()).isNull();
    assertThat(role.getMetadata().getLabels())
        .isEqualTo(Labels.common(ctx, "otel-observability-cluster-role"));
    assertThat(role.getMetadata().getAnnotations()).containsEntry("a", "1");
    assertThat(role.getRules()).containsExactly(PODS);
  }

  @Test
  void bindingTiesTheRoleToOurServiceAccount() {
    var ctx = ctx(cr());
    ClusterRoleBinding b = RbacBuilder.clusterRoleBinding(ctx);
    assertThat(b.getMetadata().getName()).isEqualTo("otel-observability-collector");
    assertThat(b.getMetadata().getNamespace()).isNull();
    assertThat(b.getMetadata().getLabels())
        .containsEntry(Labels.NAME, "otel-observability-collector");
    assertThat(b.getRoleRef().getApiGroup()).isEqualTo("rbac.authorization.k8s.io");
    assertThat(b.getRoleRef().getKind()).isEqualTo("ClusterRole");
    assertThat(b.getRoleRef().getName()).isEqualTo("otel-observability-cluster-role");
    assertThat(b.getSubjects())
        .extracting(Subject::getKind, Subject::getName, Subject::getNamespace)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "ServiceAccount", "otel-collector", "observability"));
  }

  @Test
  void bindingSubjectIsTheServiceAccountInUse() {
    OpenTelemetryCollector cr = cr();
    cr.getSpec().serviceAccount = "existing-sa";
    assertThat(RbacBuilder.clusterRoleBinding(ctx(cr)).getSubjects())
        .singleElement()
        .satisfies(s -> assertThat(s.getName()).isEqualTo("existing-sa"));
  }

  @Test
  void longNamesAreTruncatedTo63() {
    OpenTelemetryCollector cr = cr();
    cr.getMetadata().setName("c".repeat(40));
    cr.getMetadata().setNamespace("n".repeat(40));
    var ctx = ctx(cr);
    assertThat(RbacBuilder.clusterRole(ctx, List.of(PODS)).getMetadata().getName())
        .hasSizeLessThanOrEqualTo(63)
        .endsWith("-cluster-role");
    assertThat(RbacBuilder.clusterRoleBinding(ctx).getMetadata().getName())
        .hasSizeLessThanOrEqualTo(63)
        .endsWith("-collector");
  }

  /** Upstream's e2e-automatic-rbac cases render the same ClusterRole and binding. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "processor-k8sattributes/01",
        "processor-k8sattributes/02",
        "receiver-k8scluster/01",
        "receiver-k8scluster/02",
        "receiver-k8sobjects/01",
        "receiver-k8sevents/01",
        "receiver-kubeletstats/01",
        "receiver-kubeletstats/02",
        "receiver-kubeletstats/03",
        "k8s-leader-elector/01"
      })
  void matchesUpstreamsAutomaticRbacE2e(String step) {
    Path dir = Fixtures.upstream().resolve("tests/e2e-automatic-rbac");
    Path install = dir.resolve(step + "-install.yaml");
    Path assertFile = dir.resolve(step + "-assert.yaml");
    OpenTelemetryCollector cr =
        Fixtures.documents(install).stream()
            .filter(d -> "OpenTelemetryCollector".equals(d.path("kind").asText()))
            .map(dev.telescope.api.Hub::toHub)
            .findFirst()
            .orElseThrow();
    List<HasMetadata> objects =
        CollectorManifests.build(ctx(Fixtures.defaulted(cr, allCapabilities()), allCapabilities()))
            .objects();
    int compared = 0;
    for (var expected : Fixtures.documents(assertFile)) {
      String kind = expected.path("kind").asText();
      if (!kind.equals("ClusterRole") && !kind.equals("ClusterRoleBinding")) {
        continue;
      }
      compared++;
      HasMetadata actual = Fixtures.find(objects, kind, expected.at("/metadata/name").asText());
      Fixtures.assertSubset(expected, Fixtures.tree(actual));
    }
    assertThat(compared).isPositive();
  }
}
