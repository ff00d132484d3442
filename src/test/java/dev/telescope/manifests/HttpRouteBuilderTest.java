package dev.telescope.manifests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import dev.telescope.settings.Capabilities;
import dev.telescope.settings.OperatorConfig;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HttpRouteBuilderTest {
  static final Path CASE = Path.of("tests/e2e/httpRoute");

  static OperatorConfig gateway() {
    return OperatorConfig.parse(List.of(), Map.of())
        .withCapabilities(new Capabilities(false, false, false, false, false, true));
  }

  static OpenTelemetryCollector fixture(String file) {
    OpenTelemetryCollector cr =
        Fixtures.crFromFile(Fixtures.upstream().resolve(CASE).resolve(file));
    cr.getMetadata().setNamespace("default");
    return cr;
  }

  @Test
  void oneRoutePerHttpReceiverPortAsUpstreamAsserts() {
    for (String[] step :
        List.of(
            new String[] {
              "00-install.yaml", "00-assert.yaml", "otel-httproute-otlp-http-httproute"
            },
            new String[] {
              "02-minimal.yaml", "02-assert.yaml", "otel-httproute-minimal-otlp-http-httproute"
            })) {
      OpenTelemetryCollector cr = Fixtures.defaulted(fixture(step[0]), gateway());
      List<HasMetadata> objects =
          CollectorManifests.build(CollectorContext.of(cr, gateway())).objects();
      List<HasMetadata> routes =
          objects.stream().filter(o -> o.getKind().equals("HTTPRoute")).toList();
      assertThat(routes).extracting(o -> o.getMetadata().getName()).containsExactly(step[2]);
      var expected =
          (com.fasterxml.jackson.databind.node.ObjectNode)
              Fixtures.document(
                      Fixtures.upstream().resolve(CASE).resolve(step[1]), "HTTPRoute", step[2])
                  .deepCopy();
      ((com.fasterxml.jackson.databind.node.ObjectNode) expected.get("metadata"))
          .remove("ownerReferences");
      Fixtures.assertSubset(expected, Fixtures.tree(routes.get(0)));
    }
  }

  @Test
  void nothingWithoutTheGatewayApiOrWhenDisabled() {
    OpenTelemetryCollector cr = fixture("00-install.yaml");
    OperatorConfig plain = OperatorConfig.parse(List.of(), Map.of());
    assertThat(CollectorManifests.build(CollectorContext.of(cr, plain)).objects())
        .noneMatch(o -> o.getKind().equals("HTTPRoute"));
    cr.getSpec().httpRoute.enabled = false;
    assertThat(HttpRouteBuilder.build(CollectorContext.of(cr, gateway()))).isEmpty();
  }

  @Test
  void grpcPortsAreNotExposed() {
    List<GenericKubernetesResource> routes =
        HttpRouteBuilder.build(CollectorContext.of(fixture("00-install.yaml"), gateway()));
    assertThat(routes)
        .extracting(r -> r.getMetadata().getName())
        .noneMatch(n -> n.contains("grpc"));
  }
}
