package dev.telescope.install;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * RBAC rules flattened to atoms {@code group|resource|verb|resourceName}, so that rule sets written
 * differently (split, merged, reordered) compare by what they allow.
 */
final class Rbac {
  private Rbac() {}

  static Set<String> atoms(JsonNode rules) {
    Set<String> out = new TreeSet<>();
    for (JsonNode rule : rules) {
      List<String> names = texts(rule.path("resourceNames"));
      if (names.isEmpty()) {
        names = List.of("");
      }
      for (String g : texts(rule.path("apiGroups"))) {
        for (String r : texts(rule.path("resources"))) {
          for (String v : texts(rule.path("verbs"))) {
            for (String n : names) {
              out.add(g + "|" + r + "|" + v + "|" + n);
            }
          }
        }
      }
      if (rule.has("nonResourceURLs")) {
        for (String u : texts(rule.path("nonResourceURLs"))) {
          for (String v : texts(rule.path("verbs"))) {
            out.add("url|" + u + "|" + v + "|");
          }
        }
      }
    }
    return out;
  }

  /** Atoms for one rule written as group, resources, verbs (no resource names). */
  static Set<String> rule(String group, List<String> resources, List<String> verbs) {
    Set<String> out = new TreeSet<>();
    for (String r : resources) {
      for (String v : verbs) {
        out.add(group + "|" + r + "|" + v + "|");
      }
    }
    return out;
  }

  static Set<String> named(String group, String resource, List<String> verbs, String name) {
    Set<String> out = new TreeSet<>();
    for (String v : verbs) {
      out.add(group + "|" + resource + "|" + v + "|" + name);
    }
    return out;
  }

  /** The rules of every ClusterRole (or Role) that a binding of the given kind gives the SA. */
  static Set<String> boundTo(
      List<? extends JsonNode> objects,
      String serviceAccount,
      String namespace,
      String bindingKind,
      String roleKind) {
    Set<String> out = new TreeSet<>();
    for (JsonNode b : objects) {
      if (!bindingKind.equals(b.path("kind").asText())) {
        continue;
      }
      boolean bound = false;
      for (JsonNode s : b.path("subjects")) {
        if ("ServiceAccount".equals(s.path("kind").asText())
            && serviceAccount.equals(s.path("name").asText())
            && namespace.equals(s.path("namespace").asText())) {
          bound = true;
        }
      }
      if (!bound) {
        continue;
      }
      String roleName = b.path("roleRef").path("name").asText();
      JsonNode role = null;
      for (JsonNode o : objects) {
        if (roleKind.equals(o.path("kind").asText())
            && roleName.equals(o.path("metadata").path("name").asText())) {
          role = o;
        }
      }
      if (role == null) {
        throw new AssertionError(InstallFiles.id(b) + " refers to a missing " + roleName);
      }
      out.addAll(atoms(role.path("rules")));
    }
    return out;
  }

  static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
