package dev.telescope.manifests;

import dev.telescope.api.common.Mode;
import dev.telescope.naming.Names;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceSpecBuilder;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The collector's Services: base, headless, monitoring and extension. */
public final class ServiceBuilder {
  private ServiceBuilder() {}

  /** The base Service for receiver and exporter ports; none when there are no such ports. */
  public static Optional<Service> base(CollectorContext ctx) {
    List<ServicePort> ports = Ports.service(ctx);
    if (ports.isEmpty()) {
      return Optional.empty();
    }
    String name = Names.collector(ctx.name());
    Service s = new Service();
    s.setMetadata(
        Objects.meta(ctx, name, Labels.common(ctx, name, Map.of(Labels.SERVICE_TYPE, "base"))));
    s.setSpec(spec(ctx, ports, true).build());
    return Optional.of(s);
  }

  /** The headless Service (StatefulSet identity, per-pod DNS); same ports as the base one. */
  public static Optional<Service> headless(CollectorContext ctx) {
    List<ServicePort> ports = Ports.service(ctx);
    if (ports.isEmpty()) {
      return Optional.empty();
    }
    String name = Names.headlessService(ctx.name());
    Map<String, String> extra = new TreeMap<>();
    extra.put(Labels.HEADLESS, "Exists");
    extra.put(Labels.SERVICE_TYPE, "headless");
    Service s = new Service();
    s.setMetadata(Objects.meta(ctx, name, Labels.common(ctx, Names.collector(ctx.name()), extra)));
    Map<String, String> annotations =
        s.getMetadata().getAnnotations() == null
            ? new TreeMap<>()
            : new TreeMap<>(s.getMetadata().getAnnotations());
    annotations.put(Annotations.SERVING_CERT, name + "-tls");
    s.getMetadata().setAnnotations(annotations);
    s.setSpec(spec(ctx, ports, true).withClusterIP("None").build());
    return Optional.of(s);
  }

  /** The monitoring Service: only the collector's own metrics port; always rendered. */
  public static Service monitoring(CollectorContext ctx) {
    String name = Names.monitoringService(ctx.name());
    Map<String, String> extra = new TreeMap<>();
    extra.put(Labels.MONITORING, "Exists");
    extra.put(Labels.SERVICE_TYPE, "monitoring");
    Service s = new Service();
    s.setMetadata(Objects.meta(ctx, name, Labels.common(ctx, name, extra)));
    s.setSpec(spec(ctx, List.of(Ports.monitoring(ctx)), false).build());
    return s;
  }

  /** The extension Service (health_check, jaeger_query); none without extension ports. */
  public static Optional<Service> extension(CollectorContext ctx) {
    List<ServicePort> ports = Ports.extension(ctx);
    if (ports.isEmpty()) {
      return Optional.empty();
    }
    String name = Names.extensionService(ctx.name());
    Service s = new Service();
    s.setMetadata(
        Objects.meta(
            ctx, name, Labels.common(ctx, name, Map.of(Labels.SERVICE_TYPE, "extension"))));
    s.setSpec(spec(ctx, ports, false).build());
    return Optional.of(s);
  }

  private static ServiceSpecBuilder spec(
      CollectorContext ctx, List<ServicePort> ports, boolean trafficPolicy) {
    var spec = ctx.spec();
    ServiceSpecBuilder b =
        new ServiceSpecBuilder()
            .withSelector(Labels.selector(ctx))
            .withPorts(ports)
            .withIpFamilies(spec.ipFamilies)
            .withIpFamilyPolicy(spec.ipFamilyPolicy)
            .withTrafficDistribution(spec.trafficDistribution)
            .withSessionAffinity(spec.sessionAffinity)
            .withSessionAffinityConfig(spec.sessionAffinityConfig);
    if (trafficPolicy) {
      // A DaemonSet runs one collector per node; keeping traffic on the node avoids a hop.
      b.withInternalTrafficPolicy(ctx.mode() == Mode.DAEMONSET ? "Local" : "Cluster");
    }
    return b;
  }
}
