package dev.telescope.reconciler;

import dev.telescope.settings.Capabilities;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.VersionInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Asks the cluster once, at start-up, which optional APIs and permissions it offers. */
public final class CapabilityDetector {
  private static final Logger LOG = LoggerFactory.getLogger(CapabilityDetector.class);

  private CapabilityDetector() {}

  /** What the cluster offers; anything that cannot be determined counts as absent. */
  public static Capabilities detect(KubernetesClient client) {
    boolean routes = hasGroup(client, "route.openshift.io");
    boolean prometheus = hasGroup(client, "monitoring.coreos.com");
    boolean rbac =
        can(client, "create", "rbac.authorization.k8s.io", "clusterroles")
            && can(client, "create", "rbac.authorization.k8s.io", "clusterrolebindings");
    boolean nativeSidecars = atLeast(client, 1, 29);
    boolean targetAllocators = targetAllocatorApiServed(client);
    if (targetAllocators) {
      Optional<String> missing = targetAllocatorRuleMissing(client);
      if (missing.isPresent()) {
        // An informer on a forbidden kind never syncs and would keep the operator unready.
        LOG.warn(
            "the TargetAllocator API is served but the operator may not use it ({}); treating it"
                + " as absent: collectors with targetAllocator.enabled report Ready=False",
            missing.get());
        targetAllocators = false;
      }
    }
    boolean gateway = hasGroup(client, "gateway.networking.k8s.io");
    boolean certManager =
        hasResource(client, "cert-manager.io/v1", "certificates")
            && hasResource(client, "cert-manager.io/v1", "issuers");
    Capabilities c =
        new Capabilities(
            routes, prometheus, rbac, nativeSidecars, targetAllocators, gateway, certManager);
    LOG.info(
        "cluster capabilities: OpenShift routes={}, Prometheus CRDs={}, may create RBAC={}, native sidecars={}, TargetAllocator API={}, Gateway API={}, cert-manager={}",
        routes,
        prometheus,
        rbac,
        nativeSidecars,
        targetAllocators,
        gateway,
        certManager);
    return c;
  }

  /** Whether {@code opentelemetry.io/v1alpha1} serves {@code targetallocators}. */
  static boolean targetAllocatorApiServed(KubernetesClient client) {
    return hasResource(
        client,
        GenericKinds.TARGET_ALLOCATOR.getGroup() + "/" + GenericKinds.TARGET_ALLOCATOR.getVersion(),
        GenericKinds.TARGET_ALLOCATOR.getPlural());
  }

  /** The verbs the allocator controller needs on {@code targetallocators} (and their status). */
  static final List<String> TARGET_ALLOCATOR_VERBS =
      List.of("get", "list", "watch", "create", "update", "patch", "delete");

  /**
   * The RBAC rule the operator lacks for the TargetAllocator API, named so an admin can add it, or
   * empty when every verb is allowed. A server that does not evaluate the review (no status) is
   * taken at discovery's word.
   */
  public static Optional<String> targetAllocatorRuleMissing(KubernetesClient client) {
    String group = GenericKinds.TARGET_ALLOCATOR.getGroup();
    List<String> denied = new ArrayList<>();
    for (String verb : TARGET_ALLOCATOR_VERBS) {
      if (denied(client, verb, group, "targetallocators")) {
        denied.add(verb);
      }
    }
    if (denied(client, "update", group, "targetallocators/status")) {
      denied.add("update targetallocators/status");
    }
    if (denied.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        "missing RBAC rule: apiGroups ["
            + group
            + "], resources [targetallocators, targetallocators/status], verbs "
            + TARGET_ALLOCATOR_VERBS
            + "; denied: "
            + String.join(", ", denied));
  }

  /** Whether the server answered a review for the verb with a clear no. */
  private static boolean denied(KubernetesClient client, String verb, String group, String res) {
    return review(client, verb, group, res).map(allowed -> !allowed).orElse(false);
  }

  /**
   * The server's answer to "may I {@code verb} {@code group} {@code res}" ({@code res} may name a
   * subresource as {@code resource/sub}); empty when it gave none.
   */
  private static Optional<Boolean> review(
      KubernetesClient client, String verb, String group, String res) {
    try {
      int slash = res.indexOf('/');
      SelfSubjectAccessReview review =
          new SelfSubjectAccessReviewBuilder()
              .withNewSpec()
              .withNewResourceAttributes()
              .withVerb(verb)
              .withGroup(group)
              .withResource(slash > 0 ? res.substring(0, slash) : res)
              .withSubresource(slash > 0 ? res.substring(slash + 1) : null)
              .endResourceAttributes()
              .endSpec()
              .build();
      SelfSubjectAccessReview answer = client.resource(review).create();
      return answer.getStatus() == null
          ? Optional.empty()
          : Optional.of(Boolean.TRUE.equals(answer.getStatus().getAllowed()));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * Whether a group version serves a resource. The group alone says nothing here: our own CRD
   * serves {@code opentelemetry.io/v1alpha1} too.
   */
  private static boolean hasResource(KubernetesClient client, String groupVersion, String plural) {
    try {
      var list = client.getApiResources(groupVersion);
      return list != null
          && list.getResources() != null
          && list.getResources().stream().anyMatch(r -> plural.equals(r.getName()));
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static boolean hasGroup(KubernetesClient client, String group) {
    try {
      var g = client.getApiGroup(group);
      // Some servers answer any path; only a named group with versions counts.
      return g != null
          && group.equals(g.getName())
          && g.getVersions() != null
          && !g.getVersions().isEmpty();
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static boolean can(KubernetesClient client, String verb, String group, String resource) {
    return review(client, verb, group, resource).orElse(false);
  }

  /** An optional API the reconciler watches: its group and the resources it lists and watches. */
  record OptionalApi(String name, String group, List<String> resources) {}

  /**
   * Drops the optional APIs that the cluster serves but our RBAC may not list and watch (a leftover
   * CRD from another install, say): an informer on them would never sync and the operator would
   * never become ready. Each one dropped is logged once, naming the missing rule.
   *
   * @param namespaces the watched namespaces (empty: all, checked cluster-wide)
   */
  public static Capabilities readable(
      KubernetesClient client, Capabilities caps, Set<String> namespaces) {
    boolean routes = caps.openShiftRoutes();
    boolean prometheus = caps.prometheusCrds();
    boolean tas = caps.targetAllocators();
    boolean gateway = caps.gatewayApi();
    if (routes) {
      routes =
          readable(
              client,
              new OptionalApi("OpenShift Routes", "route.openshift.io", List.of("routes")),
              namespaces);
    }
    if (prometheus) {
      prometheus =
          readable(
              client,
              new OptionalApi(
                  "Prometheus-operator monitors",
                  "monitoring.coreos.com",
                  List.of("servicemonitors", "podmonitors")),
              namespaces);
    }
    if (tas) {
      tas =
          readable(
              client,
              new OptionalApi(
                  "TargetAllocator",
                  GenericKinds.TARGET_ALLOCATOR.getGroup(),
                  List.of(GenericKinds.TARGET_ALLOCATOR.getPlural())),
              namespaces);
    }
    if (gateway) {
      gateway =
          readable(
              client,
              new OptionalApi(
                  "Gateway API HTTPRoutes", "gateway.networking.k8s.io", List.of("httproutes")),
              namespaces);
    }
    return new Capabilities(
        routes,
        prometheus,
        caps.createRbac(),
        caps.nativeSidecars(),
        tas,
        gateway,
        caps.certManager());
  }

  private static boolean readable(
      KubernetesClient client, OptionalApi api, Set<String> namespaces) {
    List<String> missing = new ArrayList<>();
    for (String resource : api.resources()) {
      for (String verb : List.of("list", "watch")) {
        for (String ns : namespaces.isEmpty() ? Set.of("") : namespaces) {
          if (answer(client, verb, api.group(), resource, ns) == Boolean.FALSE) {
            missing.add(
                verb + " " + api.group() + "/" + resource + (ns.isEmpty() ? "" : " in " + ns));
          }
        }
      }
    }
    if (missing.isEmpty()) {
      return true;
    }
    LOG.warn(
        "the cluster serves the {} API but this operator may not read it, so it is treated as"
            + " absent (its objects are neither rendered nor watched); to use it, grant the"
            + " operator's ServiceAccount: {}",
        api.name(),
        String.join("; ", missing));
    return false;
  }

  /** The server's answer to "may I": true, false, or null when it gave none. */
  private static Boolean answer(
      KubernetesClient client, String verb, String group, String resource, String namespace) {
    try {
      SelfSubjectAccessReview review =
          new SelfSubjectAccessReviewBuilder()
              .withNewSpec()
              .withNewResourceAttributes()
              .withVerb(verb)
              .withGroup(group)
              .withResource(resource)
              .withNamespace(namespace.isEmpty() ? null : namespace)
              .endResourceAttributes()
              .endSpec()
              .build();
      SelfSubjectAccessReview a = client.resource(review).create();
      return a == null || a.getStatus() == null ? null : a.getStatus().getAllowed();
    } catch (RuntimeException e) {
      LOG.debug(
          "cannot ask whether the operator may {} {}/{}: {}",
          verb,
          group,
          resource,
          e.getMessage());
      return null;
    }
  }

  /** Whether the server's Kubernetes version is at least major.minor. */
  static boolean atLeast(KubernetesClient client, int major, int minor) {
    try {
      VersionInfo v = client.getKubernetesVersion();
      return v != null && versionAtLeast(v.getMajor(), v.getMinor(), major, minor);
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** Compares "1" / "29+" style version parts (cloud providers append "+"). */
  static boolean versionAtLeast(String maj, String min, int major, int minor) {
    try {
      int a = Integer.parseInt(maj.replaceAll("[^0-9]", ""));
      int b = Integer.parseInt(min.replaceAll("[^0-9]", ""));
      return a > major || (a == major && b >= minor);
    } catch (RuntimeException e) {
      return false;
    }
  }
}
