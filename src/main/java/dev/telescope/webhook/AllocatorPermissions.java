package dev.telescope.webhook;

import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Asks the API server whether an allocator's ServiceAccount holds what {@code prometheusCR} needs
 * (reading monitors, probes, scrape configs and the objects they point at), so a missing grant is
 * told at admission instead of showing up as an allocator with no targets.
 */
public final class AllocatorPermissions {
  /** One permission: a resource rule (group, resource) or a non-resource URL, with a verb. */
  public record Need(String group, String resource, String url, String verb) {
    static Need resource(String group, String resource, String verb) {
      return new Need(group, resource, null, verb);
    }

    /** How a rule granting it is written. */
    String describe() {
      if (url != null) {
        return "nonResourceURLs [" + url + "] verbs [" + verb + "]";
      }
      return "apiGroups ["
          + (group.isEmpty() ? "\"\"" : group)
          + "] resources ["
          + resource
          + "]"
          + " verbs ["
          + verb
          + "]";
    }
  }

  /** Answers one access review; empty when the server could not say. */
  @FunctionalInterface
  public interface Reviewer {
    Optional<Boolean> allowed(String user, List<String> groups, String namespace, Need need);
  }

  /** What the allocator reads when prometheusCR is on. */
  public static final List<Need> PROMETHEUS_CR = needs();

  private static List<Need> needs() {
    List<Need> out = new ArrayList<>();
    for (String verb : List.of("get", "list", "watch")) {
      for (String r :
          List.of(
              "pods", "nodes", "services", "endpoints", "configmaps", "secrets", "namespaces")) {
        out.add(Need.resource("", r, verb));
      }
      out.add(Need.resource("discovery.k8s.io", "endpointslices", verb));
      out.add(Need.resource("networking.k8s.io", "ingresses", verb));
      for (String r : List.of("servicemonitors", "podmonitors", "scrapeconfigs", "probes")) {
        out.add(Need.resource("monitoring.coreos.com", r, verb));
      }
    }
    out.add(new Need(null, null, "/metrics", "get"));
    return List.copyOf(out);
  }

  private final Reviewer reviewer;

  public AllocatorPermissions(Reviewer reviewer) {
    this.reviewer = reviewer;
  }

  /** Reviews through the API server's SubjectAccessReview. */
  public static AllocatorPermissions of(KubernetesClient client) {
    return new AllocatorPermissions(
        (user, groups, ns, need) -> review(client, user, groups, ns, need));
  }

  /**
   * Warnings, one per permission the ServiceAccount lacks (none when the server cannot answer),
   * each starting with the path that names the account.
   *
   * @param path where the account is set, e.g. {@code spec.targetAllocator.serviceAccount}
   */
  public List<String> warnings(String namespace, String serviceAccount, String path) {
    String user = "system:serviceaccount:" + namespace + ":" + serviceAccount;
    List<String> groups = List.of("system:serviceaccounts", "system:serviceaccounts:" + namespace);
    List<String> missing = new ArrayList<>();
    for (Need need : PROMETHEUS_CR) {
      Optional<Boolean> answer = reviewer.allowed(user, groups, namespace, need);
      if (answer.isPresent() && !answer.get()) {
        missing.add(need.describe());
      }
    }
    if (missing.isEmpty()) {
      return List.of();
    }
    return List.of(
        path
            + ": ServiceAccount "
            + namespace
            + "/"
            + serviceAccount
            + " lacks permissions that prometheusCR needs, so the allocator will find no"
            + " monitors or targets: "
            + String.join("; ", missing));
  }

  private static Optional<Boolean> review(
      KubernetesClient client, String user, List<String> groups, String namespace, Need need) {
    try {
      SubjectAccessReviewBuilder b =
          new SubjectAccessReviewBuilder()
              .withNewSpec()
              .withUser(user)
              .withGroups(groups)
              .endSpec();
      if (need.url() != null) {
        b.editSpec()
            .withNewNonResourceAttributes()
            .withPath(need.url())
            .withVerb(need.verb())
            .endNonResourceAttributes()
            .endSpec();
      } else {
        b.editSpec()
            .withNewResourceAttributes()
            .withGroup(need.group())
            .withResource(need.resource())
            .withVerb(need.verb())
            .withNamespace(namespace)
            .endResourceAttributes()
            .endSpec();
      }
      SubjectAccessReview answer = client.resource(b.build()).create();
      return answer.getStatus() == null
          ? Optional.empty()
          : Optional.of(Boolean.TRUE.equals(answer.getStatus().getAllowed()));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }
}
