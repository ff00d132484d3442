package dev.telescope.manifests;

import dev.telescope.api.common.IngressSpec;
import dev.telescope.naming.Names;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ServicePort;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * OpenShift Routes, one per receiver port (and {@code spec.ports} entry). Built as generic objects:
 * the OpenShift model is not a dependency, and the API only exists on OpenShift.
 */
public final class RouteBuilder {
  public static final String API_VERSION = "route.openshift.io/v1";

  private RouteBuilder() {}

  public static List<GenericKubernetesResource> build(CollectorContext ctx) {
    IngressSpec spec = ctx.spec().ingress;
    List<GenericKubernetesResource> out = new ArrayList<>();
    if (spec == null || spec.type != IngressSpec.Type.ROUTE) {
      return out;
    }
    IngressSpec.Termination termination =
        spec.route == null || spec.route.termination == null
            ? IngressSpec.Termination.EDGE
            : spec.route.termination;
    for (ServicePort p : Ports.receivers(ctx)) {
      String portName = Names.portName(p.getName(), p.getPort());
      String name = Names.route(ctx.name(), p.getName());
      Map<String, Object> routeSpec = new LinkedHashMap<>();
      if (spec.hostname != null && !spec.hostname.isEmpty()) {
        routeSpec.put("host", portName + "." + spec.hostname);
      }
      routeSpec.put("to", Map.of("kind", "Service", "name", Names.collector(ctx.name())));
      routeSpec.put("port", Map.of("targetPort", portName));
      if (termination != IngressSpec.Termination.INSECURE) {
        routeSpec.put(
            "tls", Map.of("termination", termination.name().toLowerCase(java.util.Locale.ROOT)));
      }
      routeSpec.put("wildcardPolicy", "None");
      GenericKubernetesResource r = new GenericKubernetesResource();
      r.setApiVersion(API_VERSION);
      r.setKind("Route");
      r.setMetadata(Objects.meta(ctx, name));
      r.getMetadata().setAnnotations(spec.annotations);
      r.setAdditionalProperty("spec", routeSpec);
      out.add(r);
    }
    return out;
  }
}
