package dev.telescope.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The cluster permissions each collector component needs to work (k8sattributes reads pods,
 * kubeletstats reads node stats, ...), and the allowlist the operator will ever grant.
 */
public final class ComponentRbac {
  private static final List<String> GWL = List.of("get", "watch", "list");
  private static final List<String> GLW = List.of("get", "list", "watch");

  private ComponentRbac() {}

  /** Rules a processor needs. */
  static List<PolicyRule> processor(String id, JsonNode settings) {
    String t = ComponentPorts.normalType(id);
    List<PolicyRule> rules = new ArrayList<>();
    if (t.equals("k8sattributes")) {
      rules.add(rule("", List.of("pods", "namespaces"), GWL));
      List<String> metadata = strings(settings == null ? null : settings.at("/extract/metadata"));
      if (metadata.isEmpty()
          || metadata.contains("k8s.deployment.uid")
          || metadata.contains("k8s.deployment.name")
          || metadata.contains("service.name")) {
        rules.add(rule("apps", List.of("replicasets"), GWL));
      }
      if (metadata.stream().anyMatch(m -> m.contains("k8s.node"))) {
        rules.add(rule("", List.of("nodes"), GWL));
      }
      // Job and CronJob owners are looked up for k8s.cronjob.uid and for labels/annotations
      // taken "from: job" / "from: cronjob".
      List<String> from = new ArrayList<>();
      for (String section : List.of("/extract/labels", "/extract/annotations")) {
        JsonNode list = settings == null ? null : settings.at(section);
        if (list != null && list.isArray()) {
          list.forEach(f -> from.add(f.path("from").asText("")));
        }
      }
      if (metadata.contains("k8s.cronjob.uid")
          || from.contains("job")
          || from.contains("cronjob")) {
        rules.add(rule("batch", List.of("jobs"), GWL));
      }
      if (from.contains("cronjob")) {
        rules.add(rule("batch", List.of("cronjobs"), GWL));
      }
    } else if (t.equals("resourcedetection")) {
      List<String> detectors = strings(settings == null ? null : settings.get("detectors"));
      if (detectors.contains("k8snode")) {
        rules.add(rule("", List.of("nodes"), List.of("get", "list")));
      }
      if (detectors.contains("openshift")) {
        rules.add(
            rule("config.openshift.io", List.of("infrastructures", "infrastructures/status"), GWL));
      }
    }
    return rules;
  }

  /** Rules a receiver needs. */
  static List<PolicyRule> receiver(String id, JsonNode settings) {
    String t = ComponentPorts.normalType(id);
    List<PolicyRule> rules = new ArrayList<>();
    switch (t) {
      case "k8scluster" -> {
        rules.add(
            rule(
                "",
                List.of(
                    "events",
                    "namespaces",
                    "namespaces/status",
                    "nodes",
                    "nodes/spec",
                    "persistentvolumeclaims",
                    "persistentvolumes",
                    "pods",
                    "pods/status",
                    "replicationcontrollers",
                    "replicationcontrollers/status",
                    "resourcequotas",
                    "services"),
                GLW));
        rules.add(
            rule("apps", List.of("daemonsets", "deployments", "replicasets", "statefulsets"), GLW));
        rules.add(rule("extensions", List.of("daemonsets", "deployments", "replicasets"), GLW));
        rules.add(rule("batch", List.of("jobs", "cronjobs"), GLW));
        rules.add(rule("autoscaling", List.of("horizontalpodautoscalers"), GLW));
        if (settings != null && "openshift".equals(settings.path("distribution").asText())) {
          rules.add(rule("quota.openshift.io", List.of("clusterresourcequotas"), GLW));
        }
      }
      case "k8sevents" -> rules.add(rule("", List.of("events"), GLW));
      case "k8sobjects" -> {
        JsonNode objects = settings == null ? null : settings.get("objects");
        if (objects != null && objects.isArray()) {
          for (JsonNode o : objects) {
            String name = o.path("name").asText("");
            if (name.isEmpty()) {
              continue;
            }
            String group = o.path("group").asText("");
            String mode = o.path("mode").asText("");
            // As upstream: list always; get for pull (not for events, which are only listed);
            // watch for watch; an unset mode gets list only.
            List<String> verbs = new ArrayList<>(List.of("list"));
            if (mode.equals("pull") && !name.equals("events") && !name.equals("events.k8s.io")) {
              verbs.add("get");
            } else if (mode.equals("watch")) {
              verbs.add("watch");
            }
            rules.add(rule(group, List.of(name), verbs));
          }
        }
      }
      case "kubeletstats" -> {
        rules.add(rule("", List.of("nodes/stats"), List.of("get")));
        if (needsNodeProxy(settings)) {
          rules.add(rule("", List.of("nodes/proxy"), List.of("get")));
        }
      }
      default -> {}
    }
    return rules;
  }

  private static boolean needsNodeProxy(JsonNode settings) {
    if (settings == null) {
      return false;
    }
    if (!strings(settings.get("extra_metadata_labels")).isEmpty()) {
      return true;
    }
    JsonNode metrics = settings.get("metrics");
    if (metrics != null && metrics.isObject()) {
      var it = metrics.fields();
      while (it.hasNext()) {
        var e = it.next();
        if (e.getKey().endsWith("_utilization") && e.getValue().path("enabled").asBoolean(false)) {
          return true;
        }
      }
    }
    return false;
  }

  /** Rules an extension needs. */
  static List<PolicyRule> extension(String id, JsonNode settings) {
    String t = ComponentPorts.normalType(id);
    List<PolicyRule> rules = new ArrayList<>();
    if (t.equals("k8sobserver")) {
      List<String> watched = List.of("list", "watch");
      // Upstream grants only what is switched on explicitly (unset = false).
      if (settings != null && settings.path("observe_pods").asBoolean(false)) {
        rules.add(rule("", List.of("pods"), watched));
      }
      if (settings != null && settings.path("observe_services").asBoolean(false)) {
        rules.add(rule("", List.of("services"), watched));
      }
      if (settings != null && settings.path("observe_nodes").asBoolean(false)) {
        rules.add(rule("", List.of("nodes"), watched));
      }
    } else if (t.equals("k8sleaderelector")) {
      rules.add(
          rule(
              "coordination.k8s.io",
              List.of("leases"),
              List.of("get", "list", "watch", "create", "update", "patch", "delete")));
    }
    return rules;
  }

  /**
   * Every (group, resource, verb) the operator may grant: the union of the fixed rules above. A
   * rule outside it (k8sobjects can name any resource) is refused, because a CR must never be a way
   * to obtain permissions the operator was not meant to hand out.
   */
  public static final Set<String> ALLOWLIST = allowlist();

  private static Set<String> allowlist() {
    Set<String> out = new LinkedHashSet<>();
    var openshiftAttrs = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
    openshiftAttrs.putArray("detectors").add("k8snode").add("openshift");
    var allMetadata = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
    var extract = allMetadata.putObject("extract");
    extract.putArray("metadata").add("k8s.node.name");
    extract.putArray("labels").addObject().put("from", "cronjob");
    var openshiftCluster = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
    openshiftCluster.put("distribution", "openshift");
    var kubelet = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
    kubelet.putArray("extra_metadata_labels").add("container.id");
    var observer = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
    observer.put("observe_pods", true).put("observe_services", true).put("observe_nodes", true);
    List<PolicyRule> all = new ArrayList<>();
    all.addAll(processor("k8sattributes", null));
    all.addAll(processor("k8sattributes", allMetadata));
    all.addAll(processor("resourcedetection", openshiftAttrs));
    all.addAll(receiver("k8s_cluster", openshiftCluster));
    all.addAll(receiver("k8s_events", null));
    all.addAll(receiver("kubeletstats", kubelet));
    all.addAll(extension("k8s_observer", observer));
    all.addAll(extension("k8s_leader_elector", null));
    for (PolicyRule r : all) {
      out.addAll(triples(r));
    }
    return Set.copyOf(out);
  }

  /** The (group, resource, verb) triples a rule grants, as {@code group/resource:verb}. */
  public static List<String> triples(PolicyRule r) {
    List<String> out = new ArrayList<>();
    for (String g : r.getApiGroups()) {
      for (String res : r.getResources()) {
        for (String v : r.getVerbs()) {
          out.add(g + "/" + res + ":" + v);
        }
      }
    }
    return out;
  }

  /** Whether every permission of a rule is on the allowlist. */
  public static boolean allowed(PolicyRule r) {
    return !r.getApiGroups().isEmpty()
        && !r.getResources().isEmpty()
        && (r.getResourceNames() == null || r.getResourceNames().isEmpty())
        && (r.getNonResourceURLs() == null || r.getNonResourceURLs().isEmpty())
        && ALLOWLIST.containsAll(triples(r));
  }

  static PolicyRule rule(String group, List<String> resources, List<String> verbs) {
    return new PolicyRuleBuilder()
        .withApiGroups(group)
        .withResources(resources)
        .withVerbs(verbs)
        .build();
  }

  private static List<String> strings(JsonNode n) {
    List<String> out = new ArrayList<>();
    if (n != null && n.isArray()) {
      n.forEach(e -> out.add(e.asText()));
    }
    return out;
  }

  /**
   * The cluster rules the components {@code config}'s pipelines use need, receivers then processors
   * then extensions, each by sorted id, deduplicated.
   */
  static List<PolicyRule> rulesFor(CollectorConfig config) {
    List<PolicyRule> out = new ArrayList<>();
    for (String id : sortedIds(config.used(ComponentKind.RECEIVERS))) {
      addAll(out, ComponentRbac.receiver(id, config.component(ComponentKind.RECEIVERS, id)));
    }
    for (String id : sortedIds(config.used(ComponentKind.PROCESSORS))) {
      addAll(out, ComponentRbac.processor(id, config.component(ComponentKind.PROCESSORS, id)));
    }
    for (String id : sortedIds(config.used(ComponentKind.EXTENSIONS))) {
      addAll(out, ComponentRbac.extension(id, config.component(ComponentKind.EXTENSIONS, id)));
    }
    return out;
  }

  private static void addAll(List<PolicyRule> into, List<PolicyRule> rules) {
    for (PolicyRule r : rules) {
      if (!into.contains(r)) {
        into.add(r);
      }
    }
  }

  private static List<String> sortedIds(Set<String> s) {
    List<String> l = new ArrayList<>(s);
    Collections.sort(l);
    return l;
  }
}
