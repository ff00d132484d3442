package dev.telescope.manifests;

import static dev.telescope.manifests.Fixtures.cr;
import static dev.telescope.manifests.Fixtures.ctx;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.telescope.api.common.IngressSpec;
import dev.telescope.api.common.Mode;
import dev.telescope.api.common.PortsSpec;
import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.SessionAffinityConfigBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceBuilderTest {

  static final String FILELOG_ONLY =
      """
      receivers:
        filelog:
          include: [/var/log/pods/*/*/*.log]
      exporters:
        debug: {}
      service:
        pipelines:
          logs:
            receivers: [filelog]
            exporters: [debug]
      """;

  static final String WITH_HEALTH =
      """
      receivers:
        otlp:
          protocols:
            grpc: {}
      exporters:
        debug: {}
      extensions:
        health_check: {}
      service:
        extensions: [health_check]
        pipelines:
          traces:
            receivers: [otlp]
            exporters: [debug]
      """;

  @Test
  void baseService() {
    var ctx = ctx(cr());
    Service s = ServiceBuilder.base(ctx).orElseThrow();
    assertThat(s.getMetadata().getName()).isEqualTo("otel-collector");
    assertThat(s.getMetadata().getNamespace()).isEqualTo("observability");
    assertThat(s.getMetadata().getLabels())
        .containsEntry(Labels.SERVICE_TYPE, "base")
        .containsEntry(Labels.NAME, "otel-collector")
        .doesNotContainKeys(Labels.HEADLESS, Labels.MONITORING);
    assertThat(s.getSpec().getSelector()).isEqualTo(Labels.selector(ctx));
    assertThat(s.getSpec().getClusterIP()).isNull();
    assertThat(s.getSpec().getInternalTrafficPolicy()).isEqualTo("Cluster");
    assertThat(s.getSpec().getPorts()).isEqualTo(Ports.service(ctx));
    assertThat(s.getSpec().getPorts())
        .extracting(ServicePort::getName, ServicePort::getPort, ServicePort::getAppProtocol)
        .containsExactly(tuple("otlp-grpc", 4317, "grpc"), tuple("otlp-http", 4318, "http"));
  }

  @Test
  void daemonSetServicesKeepTrafficOnTheNode() {
    OpenTelemetryCollector cr = cr();
    cr.getSpec().mode = Mode.DAEMONSET;
    assertThat(ServiceBuilder.base(ctx(cr)).orElseThrow().getSpec().getInternalTrafficPolicy())
        .isEqualTo("Local");
    assertThat(ServiceBuilder.headless(ctx(cr)).orElseThrow().getSpec().getInternalTrafficPolicy())
        .isEqualTo("Local");
  }

  @Test
  void networkingFieldsAreCopiedToEveryService() {
    OpenTelemetryCollector cr = cr(WITH_HEALTH);
    cr.getSpec().ipFamilies = List.of("IPv4");
    cr.getSpec().ipFamilyPolicy = "SingleStack";
    cr.getSpec().trafficDistribution = "PreferClose";
    cr.getSpec().sessionAffinity = "ClientIP";
    cr.getSpec().sessionAffinityConfig =
        new SessionAffinityConfigBuilder().withNewClientIP(10800).build();
    var ctx = ctx(cr);
    for (Service s :
        List.of(
            ServiceBuilder.base(ctx).orElseThrow(),
            ServiceBuilder.headless(ctx).orElseThrow(),
            ServiceBuilder.monitoring(ctx),
            ServiceBuilder.extension(ctx).orElseThrow())) {
      assertThat(s.getSpec().getIpFamilies()).containsExactly("IPv4");
      assertThat(s.getSpec().getIpFamilyPolicy()).isEqualTo("SingleStack");
      assertThat(s.getSpec().getTrafficDistribution()).isEqualTo("PreferClose");
      assertThat(s.getSpec().getSessionAffinity()).isEqualTo("ClientIP");
      assertThat(s.getSpec().getSessionAffinityConfig().getClientIP().getTimeoutSeconds())
          .isEqualTo(10800);
    }
  }

  @Test
  void headlessServiceMirrorsTheBaseOne() {
    OpenTelemetryCollector cr = cr();
    cr.getMetadata().setAnnotations(Map.of("team", "a"));
    var ctx = ctx(cr);
    Service base = ServiceBuilder.base(ctx).orElseThrow();
    Service h = ServiceBuilder.headless(ctx).orElseThrow();
    assertThat(h.getMetadata().getName()).isEqualTo("otel-collector-headless");
    assertThat(h.getSpec().getClusterIP()).isEqualTo("None");
    assertThat(h.getSpec().getPorts()).isEqualTo(base.getSpec().getPorts());
    assertThat(h.getSpec().getSelector()).isEqualTo(base.getSpec().getSelector());
    assertThat(h.getMetadata().getLabels())
        .containsEntry(Labels.HEADLESS, "Exists")
        .containsEntry(Labels.SERVICE_TYPE, "headless")
        .containsEntry(Labels.NAME, "otel-collector");
    assertThat(h.getMetadata().getAnnotations())
        .containsEntry(
            "service.beta.openshift.io/serving-cert-secret-name", "otel-collector-headless-tls")
        .containsEntry("team", "a");
    assertThat(base.getMetadata().getAnnotations())
        .doesNotContainKey("service.beta.openshift.io/serving-cert-secret-name");
  }

  @Test
  void monitoringServiceHasOnlyTheMetricsPort() {
    var ctx = ctx(cr());
    Service m = ServiceBuilder.monitoring(ctx);
    assertThat(m.getMetadata().getName()).isEqualTo("otel-collector-monitoring");
    assertThat(m.getMetadata().getLabels())
        .containsEntry(Labels.MONITORING, "Exists")
        .containsEntry(Labels.SERVICE_TYPE, "monitoring")
        .containsEntry(Labels.NAME, "otel-collector-monitoring");
    assertThat(m.getSpec().getPorts())
        .extracting(ServicePort::getName, ServicePort::getPort)
        .containsExactly(tuple("monitoring", 8888));
    assertThat(m.getSpec().getInternalTrafficPolicy()).isNull();
    assertThat(m.getSpec().getSelector()).isEqualTo(Labels.selector(ctx));
  }

  @Test
  void noBaseOrHeadlessServiceWithoutPortsButAlwaysMonitoring() {
    var ctx = ctx(cr(FILELOG_ONLY));
    assertThat(ServiceBuilder.base(ctx)).isEmpty();
    assertThat(ServiceBuilder.headless(ctx)).isEmpty();
    assertThat(ServiceBuilder.monitoring(ctx)).isNotNull();
    assertThat(ServiceBuilder.extension(ctx)).isEmpty();
  }

  @Test
  void specPortsAloneGiveABaseService() {
    OpenTelemetryCollector cr = cr(FILELOG_ONLY);
    PortsSpec p = new PortsSpec();
    p.name = "extra-port";
    p.port = 9090;
    cr.getSpec().ports = List.of(p);
    assertThat(ServiceBuilder.base(ctx(cr)).orElseThrow().getSpec().getPorts())
        .extracting(ServicePort::getName)
        .containsExactly("extra-port");
  }

  @Test
  void extensionPortsGoOnlyOnTheExtensionService() {
    var ctx = ctx(cr(WITH_HEALTH));
    Service e = ServiceBuilder.extension(ctx).orElseThrow();
    assertThat(e.getMetadata().getName()).isEqualTo("otel-collector-extension");
    assertThat(e.getMetadata().getLabels())
        .containsEntry(Labels.SERVICE_TYPE, "extension")
        .containsEntry(Labels.NAME, "otel-collector-extension");
    assertThat(e.getSpec().getPorts())
        .extracting(ServicePort::getName, ServicePort::getPort)
        .containsExactly(tuple("health-check", 13133));
    assertThat(ServiceBuilder.base(ctx).orElseThrow().getSpec().getPorts())
        .extracting(ServicePort::getName)
        .containsExactly("otlp-grpc");
    assertThat(ServiceBuilder.monitoring(ctx).getSpec().getPorts())
        .extracting(ServicePort::getName)
        .containsExactly("monitoring");
  }

  @Test
  void routeExposureTurnsInferredGrpcIntoH2cOnBaseAndHeadless() {
    OpenTelemetryCollector cr = cr();
    cr.getSpec().ingress = new IngressSpec();
    cr.getSpec().ingress.type = IngressSpec.Type.ROUTE;
    PortsSpec mine = new PortsSpec();
    mine.name = "mine";
    mine.port = 5000;
    mine.appProtocol = "grpc";
    cr.getSpec().ports = List.of(mine);
    var ctx = ctx(cr);
    for (Service s :
        List.of(
            ServiceBuilder.base(ctx).orElseThrow(), ServiceBuilder.headless(ctx).orElseThrow())) {
      assertThat(s.getSpec().getPorts())
          .extracting(ServicePort::getName, ServicePort::getAppProtocol)
          .containsExactly(
              tuple("mine", "grpc"), tuple("otlp-grpc", "h2c"), tuple("otlp-http", "http"));
    }
  }

  @Test
  void annotationsAreTheCrsFiltered() {
    OpenTelemetryCollector cr = cr();
    cr.getMetadata()
        .setAnnotations(Map.of("a", "1", "kubectl.kubernetes.io/last-applied-configuration", "{}"));
    var ctx = ctx(cr);
    assertThat(ServiceBuilder.base(ctx).orElseThrow().getMetadata().getAnnotations())
        .containsExactlyEntriesOf(Map.of("a", "1"));
    assertThat(ServiceBuilder.monitoring(ctx).getMetadata().getAnnotations())
        .containsExactlyEntriesOf(Map.of("a", "1"));
  }
}
