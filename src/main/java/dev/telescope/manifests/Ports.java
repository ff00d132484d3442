package dev.telescope.manifests;

import dev.telescope.api.common.IngressSpec;
import dev.telescope.api.common.PortsSpec;
import dev.telescope.config.ComponentPort;
import dev.telescope.naming.Names;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Ports of the collector container and its Services: the ones inferred from the config merged with
 * {@code spec.ports}, where the user's entries win on a clash.
 */
public final class Ports {
  /** The container port of the collector's own metrics. */
  public static final String METRICS = "metrics";

  /** The only port of the monitoring Service. */
  public static final String MONITORING = "monitoring";

  private Ports() {}

  /**
   * Container ports: every receiver, exporter and extension port plus {@code metrics}, then the
   * user's ports (which win by number and push a same-named inferred port to {@code port-<n>}),
   * sorted by name.
   */
  public static List<ContainerPort> container(CollectorContext ctx) {
    List<ComponentPort> inferred = new ArrayList<>();
    inferred.addAll(ctx.config().receiverPorts());
    inferred.addAll(ctx.config().exporterPorts());
    inferred.addAll(ctx.config().extensionPorts());
    inferred.add(
        new ComponentPort(METRICS, ctx.config().metricsPort(), "TCP", null, false, "service"));
    List<PortsSpec> user = ctx.spec().ports == null ? List.of() : ctx.spec().ports;

    Set<Integer> userNumbers = new HashSet<>();
    Set<String> userNames = new HashSet<>();
    List<ContainerPort> out = new ArrayList<>();
    for (PortsSpec p : user) {
      if (p == null || p.port == null) {
        continue;
      }
      userNumbers.add(p.port);
      userNames.add(p.name);
      out.add(
          new ContainerPortBuilder()
              .withName(p.name)
              .withContainerPort(p.port)
              .withProtocol(p.protocol)
              .withHostPort(p.hostPort)
              .build());
    }
    Set<String> names = new HashSet<>(userNames);
    Set<Integer> numbers = new HashSet<>(userNumbers);
    for (ComponentPort p : inferred) {
      if (numbers.contains(p.port())) {
        continue;
      }
      String name = p.name();
      if (names.contains(name)) {
        name = "port-" + p.port();
        if (names.contains(name)) {
          continue;
        }
      }
      names.add(name);
      numbers.add(p.port());
      out.add(
          new ContainerPortBuilder()
              .withName(name)
              .withContainerPort(p.port())
              .withProtocol(p.protocol())
              .build());
    }
    out.sort(Comparator.comparing(cp -> cp.getName() == null ? "" : cp.getName()));
    return out;
  }

  /**
   * Base/headless Service ports: the user's first (in their order), then the receiver and exporter
   * ports sorted by name, minus those clashing by number and protocol, renamed {@code port-<n>} on
   * a name clash (and dropped when that name is taken too). With OpenShift Routes in front,
   * inferred gRPC ports are announced as {@code h2c}, which the router speaks; the user's ports are
   * theirs.
   */
  public static List<ServicePort> service(CollectorContext ctx) {
    List<ComponentPort> inferred = new ArrayList<>();
    inferred.addAll(ctx.config().receiverPorts());
    inferred.addAll(ctx.config().exporterPorts());
    inferred.sort(Comparator.comparing(ComponentPort::name));
    IngressSpec ingress = ctx.spec().ingress;
    boolean h2c = ingress != null && ingress.type == IngressSpec.Type.ROUTE;
    return merged(ctx, inferred, h2c);
  }

  /**
   * The ports an Ingress or the Routes expose: the user's, then the receiver ports (exporter ports
   * such as the prometheus exporter's are for scraping inside the cluster), merged as for {@link
   * #service}.
   */
  public static List<ServicePort> receivers(CollectorContext ctx) {
    return merged(ctx, ctx.config().receiverPorts(), false);
  }

  private static List<ServicePort> merged(
      CollectorContext ctx, List<ComponentPort> inferred, boolean h2c) {
    List<ServicePort> out = new ArrayList<>();
    Set<String> names = new HashSet<>();
    Set<String> numbers = new HashSet<>();
    if (ctx.spec().ports != null) {
      for (PortsSpec p : ctx.spec().ports) {
        if (p == null || p.port == null) {
          continue;
        }
        out.add(
            new ServicePortBuilder()
                .withName(p.name)
                .withPort(p.port)
                .withProtocol(p.protocol)
                .withAppProtocol(p.appProtocol)
                .withTargetPort(p.targetPort)
                .withNodePort(p.nodePort)
                .build());
        names.add(p.name);
        numbers.add(p.port + "/" + (p.protocol == null ? "TCP" : p.protocol));
      }
    }
    for (ComponentPort p : inferred) {
      if (!numbers.add(p.port() + "/" + p.effectiveProtocol())) {
        continue;
      }
      String name = p.name();
      if (names.contains(name)) {
        name = "port-" + p.port();
        if (names.contains(name)) {
          continue;
        }
      }
      names.add(name);
      ServicePort sp = servicePort(p, name);
      if (h2c && "grpc".equalsIgnoreCase(sp.getAppProtocol())) {
        sp.setAppProtocol("h2c");
      }
      out.add(sp);
    }
    return out;
  }

  /** Extension Service ports (health_check, jaeger_query), sorted by name. */
  public static List<ServicePort> extension(CollectorContext ctx) {
    List<ServicePort> out = new ArrayList<>();
    for (ComponentPort p : ctx.config().extensionPorts()) {
      out.add(servicePort(p, p.name()));
    }
    return out;
  }

  /** The monitoring Service's single port. */
  public static ServicePort monitoring(CollectorContext ctx) {
    return new ServicePortBuilder()
        .withName(MONITORING)
        .withPort(ctx.config().metricsPort())
        .build();
  }

  private static ServicePort servicePort(ComponentPort p, String name) {
    return new ServicePortBuilder()
        .withName(Names.isValidPortName(name) ? name : "port-" + p.port())
        .withPort(p.port())
        .withProtocol(p.protocol())
        .withAppProtocol(p.appProtocol())
        .withTargetPort(p.setTargetPort() ? new IntOrString(p.port()) : null)
        .build();
  }
}
