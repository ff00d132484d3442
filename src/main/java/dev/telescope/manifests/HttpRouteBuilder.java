package dev.telescope.manifests;

import dev.telescope.api.common.HttpRouteSpec;
import dev.telescope.naming.Names;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ServicePort;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Gateway API HTTPRoutes, one per HTTP receiver port, each rewriting {@code /<port-name>} to {@code
 * /} on the collector Service. gRPC ports are left out: they need a GRPCRoute, not an HTTPRoute.
 * Built as generic objects: the Gateway API model is not a dependency and the CRDs may be absent.
 */
public final class HttpRouteBuilder {
  public static final String API_VERSION = "gateway.networking.k8s.io/v1";

  private HttpRouteBuilder() {}

  /** Whether {@code spec.httpRoute.enabled} is on. */
  public static boolean enabled(CollectorContext ctx) {
    HttpRouteSpec spec = ctx.spec().httpRoute;
    return spec != null && Boolean.TRUE.equals(spec.enabled);
  }

  public static List<GenericKubernetesResource> build(CollectorContext ctx) {
    List<GenericKubernetesResource> out = new ArrayList<>();
    if (!enabled(ctx)) {
      return out;
    }
    HttpRouteSpec spec = ctx.spec().httpRoute;
    for (ServicePort p : Ports.receivers(ctx)) {
      if ("grpc".equals(p.getAppProtocol()) || "h2c".equals(p.getAppProtocol())) {
        continue;
      }
      String name = Names.httpRoute(ctx.name(), p.getName());
      Map<String, Object> routeSpec = new LinkedHashMap<>();
      routeSpec.put("parentRefs", parentRefs(ctx, spec));
      if (spec.hostnames != null && !spec.hostnames.isEmpty()) {
        routeSpec.put("hostnames", spec.hostnames);
      }
      Map<String, Object> rule = new LinkedHashMap<>();
      rule.put(
          "matches",
          List.of(Map.of("path", Map.of("type", "PathPrefix", "value", "/" + p.getName()))));
      rule.put(
          "filters",
          List.of(
              Map.of(
                  "type",
                  "URLRewrite",
                  "urlRewrite",
                  Map.of(
                      "path", Map.of("type", "ReplacePrefixMatch", "replacePrefixMatch", "/")))));
      Map<String, Object> backend = new LinkedHashMap<>();
      backend.put("group", "");
      backend.put("kind", "Service");
      backend.put("name", Names.collector(ctx.name()));
      backend.put("port", p.getPort());
      backend.put("weight", 1);
      rule.put("backendRefs", List.of(backend));
      routeSpec.put("rules", List.of(rule));
      GenericKubernetesResource r = new GenericKubernetesResource();
      r.setApiVersion(API_VERSION);
      r.setKind("HTTPRoute");
      r.setMetadata(Objects.meta(ctx, name));
      if (spec.annotations != null && !spec.annotations.isEmpty()) {
        r.getMetadata().setAnnotations(spec.annotations);
      }
      r.setAdditionalProperty("spec", routeSpec);
      out.add(r);
    }
    return out;
  }

  private static List<Map<String, Object>> parentRefs(CollectorContext ctx, HttpRouteSpec spec) {
    List<Map<String, Object>> refs = new ArrayList<>();
    if (spec.gateway != null && !spec.gateway.isEmpty()) {
      refs.add(ref(spec.gateway, namespace(ctx, spec.gatewayNamespace), null));
    }
    if (spec.parentRefs != null) {
      for (HttpRouteSpec.ParentRef p : spec.parentRefs) {
        refs.add(ref(p.name, namespace(ctx, p.namespace), p.sectionName));
      }
    }
    return refs;
  }

  private static String namespace(CollectorContext ctx, String ns) {
    return ns == null || ns.isEmpty() ? ctx.namespace() : ns;
  }

  private static Map<String, Object> ref(String name, String namespace, String section) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("group", "gateway.networking.k8s.io");
    m.put("kind", "Gateway");
    m.put("name", name);
    m.put("namespace", namespace);
    if (section != null && !section.isEmpty()) {
      m.put("sectionName", section);
    }
    return m;
  }
}
