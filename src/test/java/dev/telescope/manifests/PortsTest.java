package dev.telescope.manifests;

import static dev.telescope.manifests.Fixtures.cr;
import static dev.telescope.manifests.Fixtures.ctx;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.telescope.api.common.IngressSpec;
import dev.telescope.api.common.PortsSpec;
import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ServicePort;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PortsTest {

  static final String MIXED =
      """
      receivers:
        otlp:
          protocols:
            grpc: {}
            http: {}
        jaeger:
          protocols:
            thrift_compact: {}
        unused:
          endpoint: 0.0.0.0:7777
      exporters:
        prometheus:
          endpoint: 0.0.0.0:9464
        debug: {}
      extensions:
        health_check: {}
        pprof: {}
      service:
        extensions: [health_check]
        pipelines:
          traces:
            receivers: [otlp, jaeger]
            exporters: [debug]
          metrics:
            receivers: [otlp]
            exporters: [prometheus]
      """;

  static PortsSpec port(String name, int port) {
    PortsSpec p = new PortsSpec();
    p.name = name;
    p.port = port;
    return p;
  }

  static void addPorts(OpenTelemetryCollector cr, PortsSpec... ports) {
    cr.getSpec().ports = new ArrayList<>(List.of(ports));
  }

  @Test
  void containerPortsAreEveryUsedComponentPortPlusMetricsSortedByName() {
    List<ContainerPort> ports = Ports.container(ctx(cr(MIXED)));
    assertThat(ports)
        .extracting(
            ContainerPort::getName, ContainerPort::getContainerPort, ContainerPort::getProtocol)
        .containsExactly(
            tuple("health-check", 13133, null),
            tuple("metrics", 8888, "TCP"),
            tuple("otlp-grpc", 4317, null),
            tuple("otlp-http", 4318, null),
            tuple("port-6831", 6831, "UDP"),
            tuple("prometheus", 9464, null));
  }

  @Test
  void jaegerThriftCompactNameIsTooLongSoItFallsBackToPortNumber() {
    // "jaeger-thrift-compact" has 21 characters: upstream names it port-<n>.
    List<ContainerPort> ports = Ports.container(ctx(cr(MIXED)));
    assertThat(ports)
        .extracting(ContainerPort::getName)
        .doesNotContain("jaeger-thrift-compact", "jaeger-thrift_compact")
        .contains("port-6831");
  }

  @Test
  void metricsPortFollowsTheTelemetryReader() {
    OpenTelemetryCollector cr =
        cr(
            Fixtures.OTLP
                + """
                  telemetry:
                    metrics:
                      readers:
                        - pull:
                            exporter:
                              prometheus:
                                port: 9999
                """);
    assertThat(Ports.container(ctx(cr)))
        .filteredOn(p -> p.getName().equals("metrics"))
        .extracting(ContainerPort::getContainerPort)
        .containsExactly(9999);
    assertThat(Ports.monitoring(ctx(cr)).getPort()).isEqualTo(9999);
  }

  @Test
  void metricsPortFollowsTheLegacyAddress() {
    OpenTelemetryCollector cr =
        cr(
            Fixtures.OTLP
                + """
                  telemetry:
                    metrics:
                      address: 0.0.0.0:8899
                """);
    assertThat(Ports.monitoring(ctx(cr)).getPort()).isEqualTo(8899);
  }

  @Test
  void userPortWinsOnANumberClash() {
    OpenTelemetryCollector cr = cr();
    addPorts(cr, port("my-grpc", 4317));
    assertThat(Ports.container(ctx(cr)))
        .extracting(ContainerPort::getName, ContainerPort::getContainerPort)
        .containsExactly(tuple("metrics", 8888), tuple("my-grpc", 4317), tuple("otlp-http", 4318));
  }

  @Test
  void aNameClashRenamesTheInferredPort() {
    OpenTelemetryCollector cr = cr();
    addPorts(cr, port("otlp-http", 9999));
    assertThat(Ports.container(ctx(cr)))
        .extracting(ContainerPort::getName, ContainerPort::getContainerPort)
        .containsExactly(
            tuple("metrics", 8888),
            tuple("otlp-grpc", 4317),
            tuple("otlp-http", 9999),
            tuple("port-4318", 4318));
  }

  @Test
  void anInferredPortWhoseFallbackNameIsTakenToIsDropped() {
    OpenTelemetryCollector cr = cr();
    addPorts(cr, port("otlp-http", 9999), port("port-4318", 9998));
    assertThat(Ports.container(ctx(cr)))
        .extracting(ContainerPort::getContainerPort)
        .doesNotContain(4318);
    assertThat(Ports.service(ctx(cr))).extracting(ServicePort::getPort).doesNotContain(4318);
  }

  @Test
  void hostPortAndProtocolComeOnlyFromSpecPorts() {
    OpenTelemetryCollector cr = cr();
    PortsSpec p = port("syslog", 514);
    p.protocol = "UDP";
    p.hostPort = 514;
    addPorts(cr, p);
    List<ContainerPort> ports = Ports.container(ctx(cr));
    assertThat(ports)
        .filteredOn(c -> c.getName().equals("syslog"))
        .extracting(ContainerPort::getHostPort, ContainerPort::getProtocol)
        .containsExactly(tuple(514, "UDP"));
    assertThat(ports)
        .filteredOn(c -> !c.getName().equals("syslog"))
        .extracting(ContainerPort::getHostPort)
        .containsOnlyNulls();
  }

  @Test
  void servicePortsAreReceiversAndExportersSortedWithTargetPorts() {
    List<ServicePort> ports = Ports.service(ctx(cr(MIXED)));
    assertThat(ports)
        .extracting(
            ServicePort::getName,
            ServicePort::getPort,
            ServicePort::getProtocol,
            ServicePort::getAppProtocol,
            ServicePort::getTargetPort)
        .containsExactly(
            tuple("otlp-grpc", 4317, null, "grpc", new IntOrString(4317)),
            tuple("otlp-http", 4318, null, "http", new IntOrString(4318)),
            tuple("port-6831", 6831, "UDP", null, new IntOrString(6831)),
            tuple("prometheus", 9464, null, null, null));
  }

  @Test
  void serviceHasNoExtensionOrMetricsPorts() {
    assertThat(Ports.service(ctx(cr(MIXED))))
        .extracting(ServicePort::getName)
        .doesNotContain("health-check", "metrics");
  }

  @Test
  void userServicePortsComeFirstInTheirOrder() {
    OpenTelemetryCollector cr = cr();
    PortsSpec z = port("zzz", 1000);
    z.appProtocol = "http";
    z.targetPort = new IntOrString(1001);
    z.nodePort = 30000;
    addPorts(cr, z, port("aaa", 2000));
    List<ServicePort> ports = Ports.service(ctx(cr));
    assertThat(ports)
        .extracting(ServicePort::getName)
        .containsExactly("zzz", "aaa", "otlp-grpc", "otlp-http");
    assertThat(ports.get(0).getTargetPort()).isEqualTo(new IntOrString(1001));
    assertThat(ports.get(0).getNodePort()).isEqualTo(30000);
    assertThat(ports.get(0).getAppProtocol()).isEqualTo("http");
  }

  @Test
  void serviceNumberClashesCompareTheProtocol() {
    OpenTelemetryCollector cr = cr();
    PortsSpec udp = port("udp-4317", 4317);
    udp.protocol = "UDP";
    addPorts(cr, udp, port("tcp-4318", 4318));
    assertThat(Ports.service(ctx(cr)))
        .extracting(ServicePort::getName, ServicePort::getPort)
        .containsExactly(
            tuple("udp-4317", 4317), tuple("tcp-4318", 4318), tuple("otlp-grpc", 4317));
  }

  @Test
  void routeIngressAnnouncesInferredGrpcPortsAsH2c() {
    OpenTelemetryCollector cr = cr();
    cr.getSpec().ingress = new IngressSpec();
    cr.getSpec().ingress.type = IngressSpec.Type.ROUTE;
    PortsSpec mine = port("mine", 5000);
    mine.appProtocol = "grpc";
    addPorts(cr, mine);
    assertThat(Ports.service(ctx(cr)))
        .extracting(ServicePort::getName, ServicePort::getAppProtocol)
        .containsExactly(
            tuple("mine", "grpc"), tuple("otlp-grpc", "h2c"), tuple("otlp-http", "http"));
  }

  @Test
  void ingressTypeKeepsGrpc() {
    OpenTelemetryCollector cr = cr();
    cr.getSpec().ingress = new IngressSpec();
    cr.getSpec().ingress.type = IngressSpec.Type.INGRESS;
    assertThat(Ports.service(ctx(cr))).extracting(ServicePort::getAppProtocol).contains("grpc");
  }

  @Test
  void receiverPortsLeaveExportersOut() {
    OpenTelemetryCollector cr = cr(MIXED);
    addPorts(cr, port("extra", 9090));
    assertThat(Ports.receivers(ctx(cr)))
        .extracting(ServicePort::getName)
        .containsExactly("extra", "otlp-grpc", "otlp-http", "port-6831");
  }

  @Test
  void extensionPortsAreOnlyEnabledExtensions() {
    assertThat(Ports.extension(ctx(cr(MIXED))))
        .extracting(ServicePort::getName, ServicePort::getPort)
        .containsExactly(tuple("health-check", 13133));
    assertThat(Ports.extension(ctx(cr()))).isEmpty();
  }

  @Test
  void monitoringPortIsNamedMonitoring() {
    ServicePort p = Ports.monitoring(ctx(cr()));
    assertThat(p.getName()).isEqualTo("monitoring");
    assertThat(p.getPort()).isEqualTo(8888);
    assertThat(p.getTargetPort()).isNull();
  }

  @Test
  void unusedComponentsOpenNothing() {
    assertThat(Ports.container(ctx(cr(MIXED))))
        .extracting(ContainerPort::getContainerPort)
        .doesNotContain(7777);
  }
}
