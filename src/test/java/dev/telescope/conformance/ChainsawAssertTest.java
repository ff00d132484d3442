package dev.telescope.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The chainsaw assertion engine and its expression evaluator on small, hand-made cases. */
class ChainsawAssertTest {
  private static final YAMLMapper YAML = new YAMLMapper();
  private static final Jmes.Scope NO_BINDINGS = Jmes.Scope.of(Map.of());

  static JsonNode yaml(String s) {
    try {
      return YAML.readTree(s);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(e);
    }
  }

  static List<String> check(String expected, String actual) {
    return ChainsawAssert.check(yaml(expected), yaml(actual), NO_BINDINGS);
  }

  @Test
  void mapsAreSubsetsAndExtraActualKeysAreFine() {
    assertThat(
            check(
                "metadata: {name: a, labels: {x: '1'}}",
                "metadata: {name: a, namespace: n, labels: {x: '1', y: '2'}}\nspec: {}"))
        .isEmpty();
  }

  @Test
  void aMissingOrDifferentScalarNamesItsPath() {
    assertThat(check("spec: {replicas: 2}", "spec: {replicas: 1}"))
        .containsExactly("spec.replicas: expected 2, got 1");
    assertThat(check("metadata: {labels: {a: b}}", "metadata: {}"))
        .containsExactly("metadata.labels: expected a map with 'a', got null");
  }

  @Test
  void listsMustMatchInLengthWithAReadablePath() {
    String expected =
        "spec: {template: {spec: {containers: [{env: [{name: A}, {name: B}, {name: C}]}]}}}";
    String actual =
        "spec: {template: {spec: {containers: [{env: [{name: A}, {name: B}, {name: C},"
            + " {name: D}]}]}}}";
    assertThat(check(expected, actual))
        .containsExactly(
            "spec.template.spec.containers[0].env: lengths of slices don't match (3 != 4)");
  }

  @Test
  void listsMustMatchInOrderElementByElement() {
    assertThat(check("ports: [{name: a}, {name: b}]", "ports: [{name: b, port: 1}, {name: a}]"))
        .containsExactly(
            "ports[0].name: expected \"a\", got \"b\"", "ports[1].name: expected \"b\", got \"a\"");
    assertThat(check("ports: [{name: a}, {name: b}]", "ports: [{name: a, port: 1}, {name: b}]"))
        .isEmpty();
  }

  @Test
  void numbersCompareByValueButNotAgainstStrings() {
    assertThat(check("port: 8888", "port: 8888.0")).isEmpty();
    assertThat(check("port: '8888'", "port: 8888")).hasSize(1);
  }

  @Test
  void expressionKeysProjectFromTheActualNode() {
    assertThat(
            check(
                "metadata:\n  (starts_with(name, 'x-collector-')): true",
                "metadata: {name: x-collector-1234}"))
        .isEmpty();
    assertThat(
            check("metadata:\n  (starts_with(name, 'x-collector-')): true", "metadata: {name: y}"))
        .containsExactly("metadata.(starts_with(name, 'x-collector-')): expected true, got false");
  }

  @Test
  void filtersLengthAndNullChecks() {
    String pod =
        "spec: {containers: [{name: otc}, {name: alpine, image: 'alpine:latest'}],"
            + " affinity: {nodeAffinity: {}}}";
    assertThat(check("spec:\n  (length(containers[?name == 'alpine'])): 1", pod)).isEmpty();
    assertThat(check("spec:\n  (affinity != null): true\n  (nodeSelector == null): true", pod))
        .isEmpty();
    assertThat(
            check(
                "spec:\n  (containers[?image == 'alpine:latest' && name == 'alpine']):\n"
                    + "    (length(@)): 1\n  (containers[?name == 'nope']):\n    (length(@)): 0",
                pod))
        .isEmpty();
    assertThat(check("spec:\n  (length(containers[?name == 'alpine'])): 2", pod))
        .containsExactly("spec.(length(containers[?name == 'alpine'])): expected 2, got 1");
  }

  @Test
  void keysContainsAndComparisons() {
    String obj = "metadata: {annotations: {user: a, manual: 'true'}}\nstatus: {replicas: 2, v: ''}";
    assertThat(
            check(
                "metadata:\n  (contains(keys(annotations), 'user')): true\n"
                    + "status:\n  (replicas >= `1`): true\n  (v != ''): false",
                obj))
        .isEmpty();
    assertThat(check("metadata:\n  (contains(keys(annotations), 'gone')): true", obj)).hasSize(1);
  }

  @Test
  void valueExpressionsUseBindings() {
    Jmes.Scope scope = Jmes.Scope.of(Map.of("namespace", TextNode.valueOf("chainsaw-x")));
    JsonNode expected =
        yaml("metadata:\n  namespace: ($namespace)\n  name: (join('-', [$namespace, 'stateful']))");
    assertThat(
            ChainsawAssert.check(
                expected,
                yaml("metadata: {namespace: chainsaw-x, name: chainsaw-x-stateful}"),
                scope))
        .isEmpty();
    assertThat(ChainsawAssert.check(expected, yaml("metadata: {namespace: other, name: b}"), scope))
        .hasSize(2);
    assertThatThrownBy(() -> ChainsawAssert.check(yaml("a: ($missing)"), yaml("a: 1"), scope))
        .isInstanceOf(Jmes.UnboundVariable.class);
  }

  @Test
  void logicalOperatorsReturnOperandsLikeJmesPath() {
    Jmes.Scope scope =
        Jmes.Scope.of(
            Map.of(
                "minor", YAML.getNodeFactory().numberNode(36),
                "new", TextNode.valueOf("v135 message"),
                "old", TextNode.valueOf("old message"),
                "webhook", TextNode.valueOf("webhook message")));
    String expr =
        "($minor >= `35` && $new) || ($minor > `24` && $minor < `35` && $old) || $webhook";
    assertThat(Jmes.eval(expr, null, scope).asText()).isEqualTo("v135 message");
    assertThat(Jmes.eval("!`false` && 'x'", null, scope).asText()).isEqualTo("x");
  }

  @Test
  void projectionsPipesAndIndexes() {
    JsonNode metrics = yaml("[{name: a, value: 1}, {name: b, value: 5}, {name: b, value: 7}]");
    Jmes.Scope scope = Jmes.Scope.of(Map.of("m", metrics));
    assertThat(Jmes.eval("$m[?name == 'b'].value | [0]", null, scope).asInt()).isEqualTo(5);
    assertThat(Jmes.eval("length($m[?name == 'b'])", null, scope).asInt()).isEqualTo(2);
    assertThat(Jmes.eval("$m[-1].name", null, scope).asText()).isEqualTo("b");
    assertThat(Jmes.eval("to_number('36')", null, scope).asInt()).isEqualTo(36);
    assertThat(Jmes.eval("parse_yaml('a: {b: 1}').a.b", null, scope).asInt()).isEqualTo(1);
  }

  @Test
  void documentsAreFoundByKindNameAndDefaultNamespace() {
    Cluster cluster =
        new StubCluster(
            yaml(
                "apiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: ns}\n"
                    + "spec: {ports: [{port: 1}]}"),
            yaml(
                "apiVersion: v1\nkind: Service\nmetadata: {name: t, namespace: ns, labels: {a:"
                    + " b}}\nspec: {ports: [{port: 2}]}"));
    assertThat(
            ChainsawAssert.assertDocument(
                cluster,
                yaml(
                    "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: [{port: 1}]}"),
                "ns",
                NO_BINDINGS))
        .isEmpty();
    assertThat(
            ChainsawAssert.assertDocument(
                cluster,
                yaml("apiVersion: v1\nkind: Service\nmetadata: {name: s}"),
                "other",
                NO_BINDINGS))
        .containsExactly("v1 Service other/s: not found");
    // Without a name every object of the kind is a candidate; one match is enough.
    assertThat(
            ChainsawAssert.assertDocument(
                cluster,
                yaml(
                    "apiVersion: v1\nkind: Service\nmetadata: {labels: {a: b}}\nspec: {ports: [{port: 2}]}"),
                "ns",
                NO_BINDINGS))
        .isEmpty();
    List<String> f =
        ChainsawAssert.assertDocument(
            cluster,
            yaml("apiVersion: v1\nkind: Service\nmetadata: {name: t}\nspec: {ports: [{port: 1}]}"),
            "ns",
            NO_BINDINGS);
    assertThat(f).containsExactly("v1 Service ns/t: spec.ports[0].port: expected 1, got 2");
  }

  @Test
  void errorDocumentsFailOnlyWhenSomethingMatches() {
    Cluster cluster =
        new StubCluster(
            yaml("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c-1, namespace: ns}"));
    assertThat(
            ChainsawAssert.errorDocument(
                cluster,
                yaml("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c-2}"),
                "ns",
                NO_BINDINGS))
        .isEmpty();
    assertThat(
            ChainsawAssert.errorDocument(
                cluster,
                yaml("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c-1}"),
                "ns",
                NO_BINDINGS))
        .containsExactly("v1 ConfigMap ns/c-1: c-1 exists and matches, but must not");
  }

  @Test
  void documentsWithoutKindAreExpressionsOverBindingsAndFunctions() {
    Cluster cluster =
        new StubCluster(yaml("apiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: ns}"));
    CaseRunner runner =
        new CaseRunner(
            new ChainsawCase(
                "t", java.nio.file.Path.of("."), "t", "e2e", null, Map.of(), List.of(), List.of()),
            cluster,
            "ns",
            Map.of(),
            36);
    ChainsawCase.Step step =
        new ChainsawCase.Step(
            "s",
            List.of(),
            List.of(
                new ChainsawCase.Op(
                    "assert",
                    yaml(
                        "resource:\n  (x_k8s_exists($client, 'v1', 'Service', $namespace, 's')): true\n"
                            + "  (x_k8s_exists($client, 'v1', 'Service', $namespace, 'gone')): false\n"
                            + "  (to_number(x_k8s_server_version($config).minor) >= `29`): true"))));
    assertThat(runner.run(step, true).outcome()).isEqualTo(CaseRunner.Outcome.PASS);
  }

  @Test
  void stripsOnlyStatusThatNeedsRunningPods() {
    List<String> notes = new ArrayList<>();
    JsonNode deployment =
        CaseRunner.strip(
            yaml("kind: Deployment\nmetadata: {name: d}\nstatus: {readyReplicas: 1}"), notes);
    assertThat(deployment.has("status")).isFalse();
    JsonNode cr =
        CaseRunner.strip(
            yaml(
                "kind: OpenTelemetryCollector\nmetadata: {name: c}\n"
                    + "status: {image: x, scale: {replicas: 1}, observedGeneration: 2}"),
            notes);
    assertThat(cr.path("status").has("scale")).isFalse();
    assertThat(cr.path("status").path("observedGeneration").asInt()).isEqualTo(2);
    assertThat(notes).hasSize(2);
  }

  @Test
  void mergePatchReplacesListsAndDeletesNulls() {
    ObjectNode target = (ObjectNode) yaml("spec: {a: 1, list: [1, 2], keep: {x: 1}}");
    RenderCluster.mergePatch(target, yaml("spec: {a: null, list: [3], keep: {y: 2}}"));
    assertThat(target).isEqualTo(yaml("spec: {list: [3], keep: {x: 1, y: 2}}"));
  }

  @Test
  void celSubsetOfOurCrdRules() {
    String rule =
        "!has(self.tolerations) || !has(self.mode) || self.mode != 'sidecar'"
            + " || size(self.tolerations) == 0";
    assertThat(CrdSchema.Cel.holds(rule, yaml("mode: sidecar"))).isTrue();
    assertThat(CrdSchema.Cel.holds(rule, yaml("mode: sidecar\ntolerations: [{key: a}]"))).isFalse();
    assertThat(CrdSchema.Cel.holds(rule, yaml("mode: deployment\ntolerations: [{key: a}]")))
        .isTrue();
    assertThatThrownBy(() -> CrdSchema.Cel.holds("self.x.exists(y, y > 1)", yaml("x: []")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** A fixed set of objects. */
  private record StubCluster(List<JsonNode> objects) implements Cluster {
    StubCluster(JsonNode... objects) {
      this(List.of(objects));
    }

    @Override
    public void apply(List<JsonNode> docs) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void update(List<JsonNode> docs) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void patch(List<JsonNode> docs) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void delete(String apiVersion, String kind, String namespace, String name) {
      throw new UnsupportedOperationException();
    }

    @Override
    public List<JsonNode> list(String apiVersion, String kind, String namespace) {
      return objects.stream()
          .filter(o -> o.path("kind").asText().equals(kind))
          .filter(o -> namespace == null || namespace.equals(o.at("/metadata/namespace").asText()))
          .toList();
    }

    @Override
    public void createNamespace(String name) {}
  }
}
