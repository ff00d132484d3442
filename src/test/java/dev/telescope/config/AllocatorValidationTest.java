package dev.telescope.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.telescope.TestYaml;
import dev.telescope.api.v1alpha1.TargetAllocator;
import dev.telescope.api.v1beta1.OpenTelemetryCollectorSpec;
import dev.telescope.settings.Capabilities;
import dev.telescope.settings.OperatorConfig;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AllocatorValidationTest {
  static OpenTelemetryCollectorSpec spec(String targetAllocator, String prometheus) {
    return TestYaml.collector(
            """
            apiVersion: opentelemetry.io/v1beta1
            kind: OpenTelemetryCollector
            metadata: {name: c, namespace: ns}
            spec:
              mode: statefulset
              targetAllocator: %s
              config:
                receivers:
                  prometheus: %s
                exporters:
                  debug: {}
                service:
                  pipelines:
                    metrics:
                      receivers: [prometheus]
                      exporters: [debug]
            """
                .formatted(targetAllocator, prometheus))
        .getSpec();
  }

  static final String SCRAPE =
      "{config: {scrape_configs: [{job_name: self, static_configs: [{targets: ['0.0.0.0:8888']}]}]}}";

  @Test
  void withoutAnAllocatorThePrometheusReceiverNeedsItsConfig() {
    var r = collector(spec("{enabled: false}", "{}"));
    assertThat(r.errors())
        .singleElement()
        .asString()
        .startsWith("spec.config.receivers.prometheus.config: ")
        .contains("spec.targetAllocator.enabled");
    assertThat(collector(spec("{enabled: false}", SCRAPE)).errors()).isEmpty();
  }

  @Test
  void anAllocatorNeedsScrapeConfigsOrPrometheusCr() {
    var r = collector(spec("{enabled: true}", "{config: {scrape_configs: []}}"));
    assertThat(r.errors())
        .singleElement()
        .asString()
        .startsWith("spec.config.receivers.prometheus.config.scrape_configs: ")
        .contains("spec.targetAllocator.prometheusCR.enabled");
    // Without config: at all, too.
    assertThat(collector(spec("{enabled: true}", "{}")).errors()).hasSize(1);
    assertThat(collector(spec("{enabled: true}", SCRAPE)).errors()).isEmpty();
    assertThat(collector(spec("{enabled: true, prometheusCR: {enabled: true}}", "{}")).errors())
        .isEmpty();
  }

  static AllocatorValidation.Result collector(OpenTelemetryCollectorSpec spec) {
    return AllocatorValidation.collector(spec, Capabilities.NONE);
  }

  static final Capabilities CERT_MANAGER =
      new Capabilities(false, false, false, false, true, false, true);

  @Test
  void mtlsWithCertManagerNeedsCertManagerAndSaysWhere() {
    var spec = spec("{enabled: true, mtls: {enabled: true}}", SCRAPE);
    assertThat(AllocatorValidation.collector(spec, Capabilities.NONE).errors())
        .singleElement()
        .asString()
        .startsWith("spec.targetAllocator.mtls.enabled: ")
        .contains("spec.targetAllocator.mtls.useCertManager");
    assertThat(AllocatorValidation.collector(spec, CERT_MANAGER).errors()).isEmpty();
    // User-provided certificates need no cert-manager.
    var own = spec("{enabled: true, mtls: {enabled: true, useCertManager: false}}", SCRAPE);
    assertThat(AllocatorValidation.collector(own, Capabilities.NONE).errors()).isEmpty();
    TargetAllocator ta =
        Serialization.unmarshal(
            "apiVersion: opentelemetry.io/v1alpha1\nkind: TargetAllocator\n"
                + "metadata: {name: t}\nspec: {mtls: {enabled: true}}\n",
            TargetAllocator.class);
    assertThat(AllocatorValidation.standalone(ta.getSpec(), Capabilities.NONE).errors())
        .singleElement()
        .asString()
        .startsWith("spec.mtls.enabled: ");
    assertThat(AllocatorValidation.standalone(ta.getSpec(), CERT_MANAGER).errors()).isEmpty();
  }

  @Test
  void theCollectorValidationCarriesTheAllocatorRules() {
    var cr =
        TestYaml.collector(
            """
            apiVersion: opentelemetry.io/v1beta1
            kind: OpenTelemetryCollector
            metadata: {name: c, namespace: ns}
            spec:
              mode: statefulset
              targetAllocator: {enabled: true}
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
            """);
    var r = Validation.validate(cr, null, OperatorConfig.parse(List.of(), Map.of()));
    assertThat(r.allowed()).isFalse();
    assertThat(r.errors()).anyMatch(e -> e.startsWith("spec.config.receivers.prometheus.config"));
  }
}
