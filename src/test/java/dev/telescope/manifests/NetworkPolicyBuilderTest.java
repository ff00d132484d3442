package dev.telescope.manifests;

import static dev.telescope.manifests.Fixtures.cr;
import static dev.telescope.manifests.Fixtures.ctx;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.telescope.api.common.PortsSpec;
import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import java.util.List;
import org.junit.jupiter.api.Test;

class NetworkPolicyBuilderTest {

  @Test
  void admitsEveryContainerPortInNameOrder() {
    var ctx = ctx(cr());
    NetworkPolicy np = NetworkPolicyBuilder.build(ctx);
    assertThat(np.getMetadata().getName()).isEqualTo("otel-collector-networkpolicy");
    assertThat(np.getMetadata().getNamespace()).isEqualTo("observability");
    assertThat(np.getMetadata().getLabels())
        .containsEntry(Labels.NAME, "otel-collector-networkpolicy");
    assertThat(np.getSpec().getPodSelector().getMatchLabels()).isEqualTo(Labels.selector(ctx));
    assertThat(np.getSpec().getPolicyTypes()).containsExactly("Ingress");
    assertThat(np.getSpec().getEgress()).isNullOrEmpty();
    assertThat(np.getSpec().getIngress()).singleElement();
    // Sorted by port name: metrics, otlp-grpc, otlp-http (upstream's operator-restart e2e lists
    // 8888 before 4317 for the same reason).
    assertThat(np.getSpec().getIngress().get(0).getPorts())
        .extracting(p -> p.getPort().getIntVal(), NetworkPolicyPort::getProtocol)
        .containsExactly(tuple(8888, "TCP"), tuple(4317, "TCP"), tuple(4318, "TCP"));
    assertThat(np.getSpec().getIngress().get(0).getFrom()).isNullOrEmpty();
  }

  @Test
  void userPortsAreAdmittedToo() {
    OpenTelemetryCollector cr = cr();
    PortsSpec p = new PortsSpec();
    p.name = "extra-port";
    p.port = 9090;
    cr.getSpec().ports = List.of(p);
    assertThat(NetworkPolicyBuilder.build(ctx(cr)).getSpec().getIngress().get(0).getPorts())
        .extracting(x -> x.getPort().getIntVal())
        .containsExactly(9090, 8888, 4317, 4318);
  }

  @Test
  void udpReceiversKeepTheirProtocol() {
    // Deliberate deviation: upstream writes TCP for every port, which would block a UDP receiver.
    OpenTelemetryCollector cr =
        cr(
            """
            receivers:
              statsd: {}
            exporters:
              debug: {}
            service:
              pipelines:
                metrics:
                  receivers: [statsd]
                  exporters: [debug]
            """);
    assertThat(NetworkPolicyBuilder.build(ctx(cr)).getSpec().getIngress().get(0).getPorts())
        .extracting(p -> p.getPort().getIntVal(), NetworkPolicyPort::getProtocol)
        .containsExactly(tuple(8888, "TCP"), tuple(8125, "UDP"));
  }
}
