package dev.telescope.manifests;

import dev.telescope.api.common.IngressSpec;
import dev.telescope.naming.Names;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPathBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRuleBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressSpecBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An Ingress routing to the receiver ports (and {@code spec.ports}), by path or by sub-domain.
 * Exporter ports are not exposed: they serve scrapes from inside the cluster.
 */
public final class IngressBuilder {
  private IngressBuilder() {}

  public static Optional<Ingress> build(CollectorContext ctx) {
    IngressSpec spec = ctx.spec().ingress;
    List<ServicePort> ports = Ports.receivers(ctx);
    if (spec == null || spec.type != IngressSpec.Type.INGRESS || ports.isEmpty()) {
      return Optional.empty();
    }
    String service = Names.collector(ctx.name());
    List<IngressRule> rules = new ArrayList<>();
    if (spec.ruleType == IngressSpec.RuleType.SUBDOMAIN) {
      for (ServicePort p : ports) {
        String portName = Names.portName(p.getName(), p.getPort());
        // Validation refuses these hostnames; should one get through, the port name alone is a
        // host the Ingress controller accepts rather than a malformed ".example.com".
        String host =
            spec.hostname == null || spec.hostname.isEmpty() || spec.hostname.equals("*")
                ? portName
                : portName + "." + spec.hostname;
        rules.add(
            new IngressRuleBuilder()
                .withHost(host)
                .withNewHttp()
                .withPaths(path("/", service, portName))
                .endHttp()
                .build());
      }
    } else {
      List<HTTPIngressPath> paths = new ArrayList<>();
      for (ServicePort p : ports) {
        paths.add(path("/" + p.getName(), service, Names.portName(p.getName(), p.getPort())));
      }
      rules.add(
          new IngressRuleBuilder()
              .withHost(spec.hostname == null || spec.hostname.isEmpty() ? null : spec.hostname)
              .withNewHttp()
              .withPaths(paths)
              .endHttp()
              .build());
    }
    Ingress ingress = new Ingress();
    String name = Names.ingress(ctx.name());
    ingress.setMetadata(Objects.meta(ctx, name));
    ingress.getMetadata().setAnnotations(spec.annotations);
    ingress.setSpec(
        new IngressSpecBuilder()
            .withIngressClassName(spec.ingressClassName)
            .withTls(spec.tls)
            .withRules(rules)
            .build());
    return Optional.of(ingress);
  }

  private static HTTPIngressPath path(String path, String service, String portName) {
    return new HTTPIngressPathBuilder()
        .withPath(path)
        .withPathType("Prefix")
        .withNewBackend()
        .withNewService()
        .withName(service)
        .withNewPort()
        .withName(portName)
        .endPort()
        .endService()
        .endBackend()
        .build();
  }
}
