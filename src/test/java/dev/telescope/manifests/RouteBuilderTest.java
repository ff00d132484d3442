package dev.telescope.manifests;

import static dev.telescope.manifests.Fixtures.cr;
import static dev.telescope.manifests.Fixtures.ctx;
import static org.assertj.core.api.Assertions.assertThat;

import dev.telescope.api.common.IngressSpec;
import dev.telescope.api.common.PortsSpec;
import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RouteBuilderTest {

  static OpenTelemetryCollector withRoute(String config, IngressSpec.Termination t, String host) {
    OpenTelemetryCollector cr = cr(config);
    cr.getSpec().ingress = new IngressSpec();
    cr.getSpec().ingress.type = IngressSpec.Type.ROUTE;
    cr.getSpec().ingress.hostname = host;
    if (t != null) {
      cr.getSpec().ingress.route = new IngressSpec.RouteSpec();
      cr.getSpec().ingress.route.termination = t;
    }
    return cr;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> spec(GenericKubernetesResource r) {
    return (Map<String, Object>) r.getAdditionalProperties().get("spec");
  }

  @Test
  void noRoutesWithoutRouteType() {
    assertThat(RouteBuilder.build(ctx(cr()))).isEmpty();
    OpenTelemetryCollector ingress = withRoute(Fixtures.OTLP, null, null);
    ingress.getSpec().ingress.type = IngressSpec.Type.INGRESS;
    assertThat(RouteBuilder.build(ctx(ingress))).isEmpty();
  }

  @Test
  void oneRoutePerReceiverPortEdgeByDefault() {
    List<GenericKubernetesResource> routes =
        RouteBuilder.build(
            ctx(withRoute(IngressBuilderTest.OTLP_AND_PROMETHEUS, null, "example.com")));
    assertThat(routes)
        .extracting(r -> r.getMetadata().getName())
        .containsExactly("otlp-grpc-otel-route", "otlp-http-otel-route");
    GenericKubernetesResource r = routes.get(0);
    assertThat(r.getApiVersion()).isEqualTo("route.openshift.io/v1");
    assertThat(r.getKind()).isEqualTo("Route");
    assertThat(r.getMetadata().getNamespace()).isEqualTo("observability");
    assertThat(r.getMetadata().getLabels())
        .containsEntry(Labels.NAME, "otlp-grpc-otel-route")
        .containsEntry(Labels.MANAGED_BY, "opentelemetry-operator");
    assertThat(spec(r))
        .containsEntry("host", "otlp-grpc.example.com")
        .containsEntry("to", Map.of("kind", "Service", "name", "otel-collector"))
        .containsEntry("port", Map.of("targetPort", "otlp-grpc"))
        .containsEntry("tls", Map.of("termination", "edge"))
        .containsEntry("wildcardPolicy", "None");
  }

  @Test
  void terminationChoices() {
    for (var t : List.of(IngressSpec.Termination.PASSTHROUGH, IngressSpec.Termination.REENCRYPT)) {
      assertThat(spec(RouteBuilder.build(ctx(withRoute(Fixtures.OTLP, t, null))).get(0)))
          .containsEntry("tls", Map.of("termination", t.name().toLowerCase()));
    }
    assertThat(
            spec(
                RouteBuilder.build(
                        ctx(withRoute(Fixtures.OTLP, IngressSpec.Termination.INSECURE, null)))
                    .get(0)))
        .doesNotContainKey("tls");
  }

  @Test
  void noHostWithoutHostname() {
    assertThat(spec(RouteBuilder.build(ctx(withRoute(Fixtures.OTLP, null, null))).get(0)))
        .doesNotContainKey("host");
  }

  @Test
  void userPortsGetRoutesToo() {
    OpenTelemetryCollector cr = withRoute(Fixtures.OTLP, null, null);
    PortsSpec p = new PortsSpec();
    p.name = "extra";
    p.port = 9090;
    cr.getSpec().ports = List.of(p);
    assertThat(RouteBuilder.build(ctx(cr)))
        .extracting(r -> r.getMetadata().getName())
        .containsExactly("extra-otel-route", "otlp-grpc-otel-route", "otlp-http-otel-route");
  }

  @Test
  void annotationsComeFromTheIngressSpec() {
    OpenTelemetryCollector cr = withRoute(Fixtures.OTLP, null, null);
    cr.getSpec().ingress.annotations = Map.of("something.com", "true");
    assertThat(RouteBuilder.build(ctx(cr)).get(0).getMetadata().getAnnotations())
        .containsExactlyEntriesOf(Map.of("something.com", "true"));
  }

  @Test
  void matchesUpstreamsOpenShiftRouteE2e() {
    Path dir = Fixtures.upstream().resolve("tests/e2e-openshift/route");
    OpenTelemetryCollector cr = Fixtures.crFromFile(dir.resolve("00-install.yaml"));
    cr.getMetadata().setNamespace("chainsaw");
    cr = Fixtures.defaulted(cr, Fixtures.cfg());
    List<GenericKubernetesResource> routes = RouteBuilder.build(ctx(cr));
    assertThat(routes).hasSize(2);
    for (var r : routes) {
      Fixtures.assertSubset(
          Fixtures.document(dir.resolve("00-assert.yaml"), "Route", r.getMetadata().getName()),
          Fixtures.tree(r));
      assertThat(spec(r)).doesNotContainKey("tls");
    }
  }
}
