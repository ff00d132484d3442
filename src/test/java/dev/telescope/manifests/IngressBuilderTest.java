package dev.telescope.manifests;

import static dev.telescope.manifests.Fixtures.cr;
import static dev.telescope.manifests.Fixtures.ctx;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.telescope.api.common.IngressSpec;
import dev.telescope.api.common.PortsSpec;
import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.IngressTLSBuilder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IngressBuilderTest {

  static final String OTLP_AND_PROMETHEUS =
      """
      receivers:
        otlp:
          protocols:
            grpc: {}
            http: {}
      exporters:
        prometheus:
          endpoint: 0.0.0.0:9464
      service:
        pipelines:
          metrics:
            receivers: [otlp]
            exporters: [prometheus]
      """;

  static OpenTelemetryCollector withIngress(
      String config, IngressSpec.RuleType ruleType, String host) {
    OpenTelemetryCollector cr = cr(config);
    cr.getSpec().ingress = new IngressSpec();
    cr.getSpec().ingress.type = IngressSpec.Type.INGRESS;
    cr.getSpec().ingress.ruleType = ruleType;
    cr.getSpec().ingress.hostname = host;
    return cr;
  }

  static List<String> backendPorts(IngressRule rule) {
    return rule.getHttp().getPaths().stream()
        .map(p -> p.getBackend().getService().getPort().getName())
        .toList();
  }

  @Test
  void nothingWithoutAnIngressOfTypeIngress() {
    assertThat(IngressBuilder.build(ctx(cr()))).isEmpty();
    OpenTelemetryCollector route = withIngress(Fixtures.OTLP, null, "example.com");
    route.getSpec().ingress.type = IngressSpec.Type.ROUTE;
    assertThat(IngressBuilder.build(ctx(route))).isEmpty();
  }

  @Test
  void nothingWithoutReceiverPorts() {
    OpenTelemetryCollector cr = withIngress(ServiceBuilderTest.FILELOG_ONLY, null, "example.com");
    assertThat(IngressBuilder.build(ctx(cr))).isEmpty();
  }

  @Test
  void pathRulesOneHostOnePathPerReceiverPort() {
    OpenTelemetryCollector cr =
        withIngress(OTLP_AND_PROMETHEUS, IngressSpec.RuleType.PATH, "example.com");
    Ingress ing = IngressBuilder.build(ctx(cr)).orElseThrow();
    assertThat(ing.getMetadata().getName()).isEqualTo("otel-ingress");
    assertThat(ing.getMetadata().getNamespace()).isEqualTo("observability");
    assertThat(ing.getMetadata().getLabels()).containsEntry(Labels.NAME, "otel-ingress");
    assertThat(ing.getSpec().getRules()).singleElement();
    IngressRule rule = ing.getSpec().getRules().get(0);
    assertThat(rule.getHost()).isEqualTo("example.com");
    assertThat(rule.getHttp().getPaths())
        .extracting(
            HTTPIngressPath::getPath,
            HTTPIngressPath::getPathType,
            p -> p.getBackend().getService().getName(),
            p -> p.getBackend().getService().getPort().getName())
        .containsExactly(
            tuple("/otlp-grpc", "Prefix", "otel-collector", "otlp-grpc"),
            tuple("/otlp-http", "Prefix", "otel-collector", "otlp-http"));
  }

  @Test
  void ruleTypeDefaultsToPathAndHostMayBeOmitted() {
    OpenTelemetryCollector cr = withIngress(Fixtures.OTLP, null, null);
    IngressRule rule = IngressBuilder.build(ctx(cr)).orElseThrow().getSpec().getRules().get(0);
    assertThat(rule.getHost()).isNull();
    assertThat(backendPorts(rule)).containsExactly("otlp-grpc", "otlp-http");
  }

  @Test
  void subdomainRulesOneHostPerPort() {
    OpenTelemetryCollector cr =
        withIngress(OTLP_AND_PROMETHEUS, IngressSpec.RuleType.SUBDOMAIN, "example.com");
    List<IngressRule> rules = IngressBuilder.build(ctx(cr)).orElseThrow().getSpec().getRules();
    assertThat(rules)
        .extracting(
            IngressRule::getHost,
            r -> r.getHttp().getPaths().get(0).getPath(),
            r -> r.getHttp().getPaths().get(0).getPathType())
        .containsExactly(
            tuple("otlp-grpc.example.com", "/", "Prefix"),
            tuple("otlp-http.example.com", "/", "Prefix"));
    assertThat(rules)
        .flatExtracting(IngressBuilderTest::backendPorts)
        .containsExactly("otlp-grpc", "otlp-http");
  }

  @Test
  void subdomainWithoutAUsableHostnameFallsBackToThePortName() {
    for (String host : new String[] {null, "", "*"}) {
      OpenTelemetryCollector cr = withIngress(Fixtures.OTLP, IngressSpec.RuleType.SUBDOMAIN, host);
      assertThat(IngressBuilder.build(ctx(cr)).orElseThrow().getSpec().getRules())
          .extracting(IngressRule::getHost)
          .containsExactly("otlp-grpc", "otlp-http");
    }
  }

  @Test
  void userPortsAreExposedFirst() {
    OpenTelemetryCollector cr = withIngress(Fixtures.OTLP, null, "example.com");
    PortsSpec p = new PortsSpec();
    p.name = "extra";
    p.port = 9090;
    cr.getSpec().ports = List.of(p);
    IngressRule rule = IngressBuilder.build(ctx(cr)).orElseThrow().getSpec().getRules().get(0);
    assertThat(backendPorts(rule)).containsExactly("extra", "otlp-grpc", "otlp-http");
  }

  @Test
  void annotationsClassAndTlsComeFromTheIngressSpecOnly() {
    OpenTelemetryCollector cr = withIngress(Fixtures.OTLP, null, "example.com");
    cr.getMetadata().setAnnotations(Map.of("cr-annotation", "x"));
    cr.getSpec().ingress.annotations = Map.of("something.com", "true");
    cr.getSpec().ingress.ingressClassName = "nginx";
    cr.getSpec().ingress.tls =
        List.of(new IngressTLSBuilder().withHosts("example.com").withSecretName("tls").build());
    Ingress ing = IngressBuilder.build(ctx(cr)).orElseThrow();
    assertThat(ing.getMetadata().getAnnotations())
        .containsExactlyEntriesOf(Map.of("something.com", "true"));
    assertThat(ing.getSpec().getIngressClassName()).isEqualTo("nginx");
    assertThat(ing.getSpec().getTls())
        .singleElement()
        .satisfies(t -> assertThat(t.getSecretName()).isEqualTo("tls"));
  }

  @Test
  void matchesUpstreamsIngressE2e() {
    Path dir = Fixtures.upstream().resolve("tests/e2e/ingress");
    OpenTelemetryCollector cr = Fixtures.crFromFile(dir.resolve("00-install.yaml"));
    cr.getMetadata().setNamespace("chainsaw");
    cr = Fixtures.defaulted(cr, Fixtures.cfg());
    Ingress ing = IngressBuilder.build(ctx(cr)).orElseThrow();
    Fixtures.assertSubset(
        Fixtures.document(dir.resolve("00-assert.yaml"), "Ingress", "otel-simplest-ingress"),
        Fixtures.tree(ing));
  }
}
