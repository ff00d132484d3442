package dev.telescope.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.telescope.settings.OperatorConfig;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequestBuilder;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Admission of the embedded and the standalone allocator: paths, mTLS, prometheusCR grants. */
class AllocatorAdmissionTest {
  static final OperatorConfig CFG = OperatorConfig.parse(List.of(), Map.of());

  /** Who was asked about what; denies the monitoring.coreos.com group. */
  final List<String> asked = new ArrayList<>();

  final AllocatorPermissions noMonitors =
      new AllocatorPermissions(
          (user, groups, ns, need) -> {
            asked.add(user + " " + ns);
            return Optional.of(!"monitoring.coreos.com".equals(need.group()));
          });

  static AdmissionRequest request(String yaml) throws Exception {
    Object object = new ObjectMapper().convertValue(new YAMLMapper().readTree(yaml), Map.class);
    return new AdmissionRequestBuilder()
        .withOperation("CREATE")
        .withNamespace("ns")
        .withObject(object)
        .build();
  }

  static final String COLLECTOR =
      """
      apiVersion: opentelemetry.io/v1beta1
      kind: OpenTelemetryCollector
      metadata: {name: c, namespace: ns}
      spec:
        mode: statefulset
        targetAllocator: %s
        config:
          receivers:
            prometheus: {config: {scrape_configs: []}}
          exporters:
            debug: {}
          service:
            pipelines:
              metrics:
                receivers: [prometheus]
                exporters: [debug]
      """;

  @Test
  void embeddedPrometheusCrWarnsAboutTheMissingGrantsOfItsAccount() throws Exception {
    AdmissionResponse r =
        new CollectorAdmission(CFG, noMonitors)
            .validate(
                request(COLLECTOR.formatted("{enabled: true, prometheusCR: {enabled: true}}")));
    assertThat(r.getAllowed()).isTrue();
    assertThat(r.getWarnings())
        .singleElement()
        .asString()
        .startsWith("spec.targetAllocator.serviceAccount: ServiceAccount ns/c-targetallocator ")
        .contains("apiGroups [monitoring.coreos.com] resources [servicemonitors] verbs [list]")
        .doesNotContain("resources [pods]");
    assertThat(asked).allMatch(a -> a.equals("system:serviceaccount:ns:c-targetallocator ns"));
  }

  @Test
  void aNamedAccountIsTheOneReviewed() throws Exception {
    new CollectorAdmission(CFG, noMonitors)
        .validate(
            request(
                COLLECTOR.formatted(
                    "{enabled: true, serviceAccount: ta, prometheusCR: {enabled: true}}")));
    assertThat(asked).isNotEmpty().allMatch(a -> a.startsWith("system:serviceaccount:ns:ta "));
  }

  @Test
  void withoutPrometheusCrNothingIsReviewedAndBadConfigIsRefused() throws Exception {
    AdmissionResponse r =
        new CollectorAdmission(CFG, noMonitors)
            .validate(request(COLLECTOR.formatted("{enabled: true}")));
    assertThat(asked).isEmpty();
    assertThat(r.getAllowed()).isFalse();
    assertThat(r.getStatus().getMessage())
        .contains("spec.config.receivers.prometheus.config.scrape_configs: ");
  }

  @Test
  void anUnansweredReviewIsNoWarning() throws Exception {
    AdmissionResponse r =
        new CollectorAdmission(CFG, new AllocatorPermissions((u, g, ns, n) -> Optional.empty()))
            .validate(
                request(COLLECTOR.formatted("{enabled: true, prometheusCR: {enabled: true}}")));
    assertThat(r.getAllowed()).isTrue();
    assertThat(r.getWarnings()).isNullOrEmpty();
  }

  static final String STANDALONE =
      """
      apiVersion: opentelemetry.io/v1alpha1
      kind: TargetAllocator
      metadata: {name: t}
      spec:
        mtls: {enabled: true}
        prometheusCR: {enabled: true}
      """;

  @Test
  void standaloneAllocatorGetsTheSameChecksUnderSpec() throws Exception {
    OperatorConfig withCertManager =
        CFG.withCapabilities(
            new dev.telescope.settings.Capabilities(false, true, false, true, true, false, true));
    AdmissionResponse r =
        new TargetAllocatorAdmission(withCertManager, noMonitors).validate(request(STANDALONE));
    assertThat(r.getAllowed()).isTrue();
    assertThat(r.getWarnings())
        .singleElement()
        .asString()
        .startsWith("spec.serviceAccount: ServiceAccount ns/t-targetallocator ")
        .contains("monitoring.coreos.com");
    AdmissionResponse refused =
        new TargetAllocatorAdmission(CFG, noMonitors).validate(request(STANDALONE));
    assertThat(refused.getAllowed()).isFalse();
    assertThat(refused.getStatus().getMessage()).startsWith("spec.mtls.enabled: ");
  }
}
