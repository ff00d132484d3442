package dev.telescope.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Chainsaw's (kyverno-json's) assertion semantics over JSON trees: an expected map is a subset of
 * the actual one, an expected list must match in length and order element by element, keys in
 * parentheses are expressions projected from the actual node, and values in parentheses are
 * expressions whose result must equal the actual value. Failures name the path that differs, so a
 * failing conformance step reads like {@code spec.ports: lengths of slices don't match (3 != 4)}.
 */
final class ChainsawAssert {
  private ChainsawAssert() {}

  /** Whether a key or value is an expression: {@code (…)}. */
  static boolean isExpression(String s) {
    return s != null && s.length() >= 2 && s.startsWith("(") && s.endsWith(")");
  }

  static String inner(String expression) {
    return expression.substring(1, expression.length() - 1);
  }

  /** The differences between an expected tree and an actual object; empty when it matches. */
  static List<String> check(JsonNode expected, JsonNode actual, Jmes.Scope scope) {
    List<String> out = new ArrayList<>();
    node("", expected, actual == null ? NullNode.instance : actual, scope, out);
    return out;
  }

  private static void node(
      String path, JsonNode expected, JsonNode actual, Jmes.Scope scope, List<String> out) {
    if (expected.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> it = expected.properties().iterator();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        String key = e.getKey();
        if (isExpression(key)) {
          JsonNode projected;
          try {
            projected = Jmes.eval(inner(key), actual, scope);
          } catch (Jmes.UnboundVariable u) {
            throw u;
          } catch (RuntimeException ex) {
            out.add(join(path, key) + ": cannot evaluate: " + ex.getMessage());
            continue;
          }
          node(join(path, key), e.getValue(), projected, scope, out);
        } else if (!actual.isObject()) {
          out.add(
              (path.isEmpty() ? "<root>" : path)
                  + ": expected a map with '"
                  + key
                  + "', got "
                  + describe(actual));
          return;
        } else {
          JsonNode child = actual.get(key);
          node(
              join(path, key), e.getValue(), child == null ? NullNode.instance : child, scope, out);
        }
      }
    } else if (expected.isArray()) {
      if (!actual.isArray()) {
        out.add(pathOrRoot(path) + ": expected a list, got " + describe(actual));
        return;
      }
      if (expected.size() != actual.size()) {
        out.add(
            pathOrRoot(path)
                + ": lengths of slices don't match ("
                + expected.size()
                + " != "
                + actual.size()
                + ")");
        return;
      }
      for (int i = 0; i < expected.size(); i++) {
        node(path + "[" + i + "]", expected.get(i), actual.get(i), scope, out);
      }
    } else if (expected.isTextual() && isExpression(expected.asText())) {
      JsonNode want;
      try {
        want = Jmes.eval(inner(expected.asText()), actual, scope);
      } catch (Jmes.UnboundVariable u) {
        throw u;
      } catch (RuntimeException ex) {
        out.add(
            pathOrRoot(path) + ": cannot evaluate " + expected.asText() + ": " + ex.getMessage());
        return;
      }
      if (!Jmes.same(want, actual)) {
        out.add(
            pathOrRoot(path)
                + ": expected "
                + describe(want)
                + " (from "
                + expected.asText()
                + "), got "
                + describe(actual));
      }
    } else if (!Jmes.same(expected, actual)) {
      out.add(pathOrRoot(path) + ": expected " + describe(expected) + ", got " + describe(actual));
    }
  }

  private static String join(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  private static String pathOrRoot(String path) {
    return path.isEmpty() ? "<root>" : path;
  }

  static String describe(JsonNode n) {
    if (n == null || n.isNull() || n.isMissingNode()) {
      return "null";
    }
    String s = n.toString();
    return s.length() > 160 ? s.substring(0, 157) + "..." : s;
  }

  // ---------------------------------------------------------------- documents against a cluster

  /** Where the object an expected document refers to lives. */
  record Ref(String apiVersion, String kind, String namespace, String name) {
    String describe() {
      return apiVersion
          + " "
          + kind
          + " "
          + (namespace == null || namespace.isEmpty() ? "" : namespace + "/")
          + (name == null ? "*" : name);
    }
  }

  /**
   * The lookup key of an expected document: apiVersion, kind, and name/namespace when given
   * (expressions there are evaluated against the bindings, as chainsaw does); the namespace
   * defaults to the test's for namespaced kinds.
   */
  static Ref ref(JsonNode doc, String defaultNamespace, Jmes.Scope scope) {
    String apiVersion = doc.path("apiVersion").asText("");
    String kind = doc.path("kind").asText("");
    JsonNode meta = doc.path("metadata");
    String name = scalar(meta.get("name"), scope);
    String namespace = scalar(meta.get("namespace"), scope);
    if (Cluster.clusterScoped(kind)) {
      namespace = null;
    } else if (namespace == null) {
      namespace = defaultNamespace;
    }
    return new Ref(apiVersion, kind, namespace, name);
  }

  private static String scalar(JsonNode n, Jmes.Scope scope) {
    if (n == null || !n.isTextual()) {
      return null;
    }
    String s = n.asText();
    return isExpression(s) ? Jmes.eval(inner(s), NullNode.instance, scope).asText() : s;
  }

  /**
   * chainsaw {@code assert} of one document: some object it refers to must match.
   *
   * @return the failures (empty when an object matches)
   */
  static List<String> assertDocument(
      Cluster cluster, JsonNode doc, String namespace, Jmes.Scope scope) {
    if (!doc.hasNonNull("kind")) {
      List<String> f = check(doc, NullNode.instance, scope);
      return f;
    }
    Ref ref = ref(doc, namespace, scope);
    List<JsonNode> candidates = candidates(cluster, ref);
    if (candidates.isEmpty()) {
      return List.of(ref.describe() + ": not found");
    }
    List<String> best = null;
    JsonNode bestObject = null;
    for (JsonNode c : candidates) {
      List<String> f = check(doc, c, scope);
      if (f.isEmpty()) {
        return List.of();
      }
      if (best == null || f.size() < best.size()) {
        best = f;
        bestObject = c;
      }
    }
    String id = ref.describe();
    if (ref.name() == null) {
      id +=
          " (closest of "
              + candidates.size()
              + ": "
              + bestObject.at("/metadata/name").asText()
              + ")";
    }
    List<String> out = new ArrayList<>();
    for (String f : best) {
      out.add(id + ": " + f);
    }
    return out;
  }

  /**
   * chainsaw {@code error} of one document: no object it refers to may match.
   *
   * @return the failures (empty when nothing matches)
   */
  static List<String> errorDocument(
      Cluster cluster, JsonNode doc, String namespace, Jmes.Scope scope) {
    if (!doc.hasNonNull("kind")) {
      return check(doc, NullNode.instance, scope).isEmpty()
          ? List.of("<expression document>: holds, but must not")
          : List.of();
    }
    Ref ref = ref(doc, namespace, scope);
    List<String> out = new ArrayList<>();
    for (JsonNode c : candidates(cluster, ref)) {
      if (check(doc, c, scope).isEmpty()) {
        out.add(
            ref.describe()
                + ": "
                + c.at("/metadata/name").asText()
                + " exists and matches, but must not");
      }
    }
    return out;
  }

  private static List<JsonNode> candidates(Cluster cluster, Ref ref) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode o : cluster.list(ref.apiVersion(), ref.kind(), ref.namespace())) {
      if (ref.name() == null || ref.name().equals(o.at("/metadata/name").asText())) {
        out.add(o);
      }
    }
    return out;
  }
}
