package dev.telescope.install;

import java.util.Set;

/** Which apiVersions a Kubernetes 1.25 (and later) API server still serves. */
final class KubeApis {
  /** Beta and alpha versions of built-in groups that 1.25 or an earlier release removed. */
  static final Set<String> REMOVED =
      Set.of(
          "extensions/v1beta1",
          "apps/v1beta1",
          "apps/v1beta2",
          "policy/v1beta1",
          "autoscaling/v2beta1",
          "autoscaling/v2beta2",
          "batch/v1beta1",
          "apiextensions.k8s.io/v1beta1",
          "admissionregistration.k8s.io/v1beta1",
          "networking.k8s.io/v1beta1",
          "rbac.authorization.k8s.io/v1beta1",
          "rbac.authorization.k8s.io/v1alpha1",
          "scheduling.k8s.io/v1beta1",
          "coordination.k8s.io/v1beta1",
          "events.k8s.io/v1beta1",
          "discovery.k8s.io/v1beta1",
          "certificates.k8s.io/v1beta1",
          "storage.k8s.io/v1beta1",
          "node.k8s.io/v1beta1",
          "authentication.k8s.io/v1beta1",
          "authorization.k8s.io/v1beta1",
          "apiregistration.k8s.io/v1beta1",
          "flowcontrol.apiserver.k8s.io/v1beta1",
          "flowcontrol.apiserver.k8s.io/v1beta2");

  private KubeApis() {}

  /** Built-in groups: the core group, dot-less legacy groups and *.k8s.io. */
  static boolean builtIn(String group) {
    return group.isEmpty() || !group.contains(".") || group.endsWith(".k8s.io");
  }

  /**
   * Null when the version is served by 1.25+, else why not. Built-in groups must be GA: their
   * alpha/beta versions are either removed or off by default.
   */
  static String problem(String apiVersion) {
    if (REMOVED.contains(apiVersion)) {
      return apiVersion + " is not served by Kubernetes 1.25+";
    }
    String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
    String version = apiVersion.substring(apiVersion.indexOf('/') + 1);
    if (builtIn(group) && (version.contains("alpha") || version.contains("beta"))) {
      return apiVersion + " is a pre-release version of a built-in API";
    }
    return null;
  }
}
