package dev.telescope.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shipped CRD is one a Kubernetes 1.25+ API server accepts: a structural schema, defaults that
 * fit their schema, CEL rules that cannot fail on absent fields, and the upstream names, versions,
 * columns and subresources.
 */
class CrdSchemaTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> TYPES =
      Set.of("object", "array", "string", "integer", "number", "boolean");

  /** Schema keywords of apiextensions.k8s.io/v1 JSONSchemaProps that structural schemas allow. */
  private static final Set<String> ALLOWED_KEYS =
      Set.of(
          "description",
          "type",
          "format",
          "title",
          "properties",
          "items",
          "additionalProperties",
          "required",
          "enum",
          "default",
          "minimum",
          "maximum",
          "exclusiveMinimum",
          "exclusiveMaximum",
          "multipleOf",
          "minLength",
          "maxLength",
          "pattern",
          "minItems",
          "maxItems",
          "uniqueItems",
          "minProperties",
          "maxProperties",
          "nullable",
          "anyOf",
          "allOf",
          "oneOf",
          "not",
          "example",
          "externalDocs",
          "x-kubernetes-preserve-unknown-fields",
          "x-kubernetes-int-or-string",
          "x-kubernetes-embedded-resource",
          "x-kubernetes-list-type",
          "x-kubernetes-list-map-keys",
          "x-kubernetes-map-type",
          "x-kubernetes-validations");

  /** Version fields a 1.25 API server knows (selectableFields, for one, needs 1.30). */
  private static final Set<String> VERSION_KEYS =
      Set.of(
          "name",
          "served",
          "storage",
          "deprecated",
          "deprecationWarning",
          "schema",
          "subresources",
          "additionalPrinterColumns");

  private static final List<String> SIDECAR_FIELDS =
      List.of("tolerations", "priorityClassName", "affinity", "additionalContainers");

  private static JsonNode crd;

  @BeforeAll
  static void load() throws Exception {
    crd = new YAMLMapper().readTree(CrdDriftTest.rendered());
  }

  @Test
  void namesGroupAndScopeMatchUpstream() {
    JsonNode spec = crd.get("spec");
    assertThat(crd.get("apiVersion").asText()).isEqualTo("apiextensions.k8s.io/v1");
    assertThat(crd.at("/metadata/name").asText())
        .isEqualTo("opentelemetrycollectors.opentelemetry.io");
    assertThat(spec.get("group").asText()).isEqualTo("opentelemetry.io");
    assertThat(spec.get("scope").asText()).isEqualTo("Namespaced");
    assertThat(spec.at("/names/kind").asText()).isEqualTo("OpenTelemetryCollector");
    assertThat(spec.at("/names/plural").asText()).isEqualTo("opentelemetrycollectors");
    assertThat(spec.at("/names/singular").asText()).isEqualTo("opentelemetrycollector");
    assertThat(texts(spec.at("/names/shortNames"))).containsExactly("otelcol", "otelcols");
    assertThat(spec.get("preserveUnknownFields").asBoolean(true)).isFalse();
  }

  @Test
  void v1beta1IsTheOnlyStorageVersionAndV1alpha1IsDeprecated() {
    JsonNode alpha = version("v1alpha1");
    JsonNode beta = version("v1beta1");
    assertThat(crd.at("/spec/versions")).hasSize(2);
    assertThat(beta.get("storage").asBoolean()).isTrue();
    assertThat(alpha.get("storage").asBoolean()).isFalse();
    assertThat(alpha.get("served").asBoolean()).isTrue();
    assertThat(beta.get("served").asBoolean()).isTrue();
    assertThat(alpha.get("deprecated").asBoolean()).isTrue();
    assertThat(alpha.get("deprecationWarning").asText())
        .isEqualTo("OpenTelemetryCollector v1alpha1 is deprecated. Migrate to v1beta1.");
    assertThat(beta.path("deprecated").asBoolean(false)).isFalse();
    for (JsonNode version : crd.at("/spec/versions")) {
      version.fieldNames().forEachRemaining(k -> assertThat(VERSION_KEYS).contains(k));
    }
  }

  @Test
  void conversionGoesThroughTheWebhookService() {
    JsonNode conversion = crd.at("/spec/conversion");
    assertThat(conversion.get("strategy").asText()).isEqualTo("Webhook");
    assertThat(texts(conversion.at("/webhook/conversionReviewVersions"))).containsExactly("v1");
    assertThat(conversion.at("/webhook/clientConfig/service"))
        .isEqualTo(
            JSON.createObjectNode()
                .put("name", "telescope-webhook")
                .put("namespace", "telescope-system")
                .put("path", "/convert")
                .put("port", 443));
  }

  @Test
  void bothVersionsHaveStatusScaleAndUpstreamColumns() {
    for (JsonNode version : crd.at("/spec/versions")) {
      JsonNode sub = version.get("subresources");
      assertThat(sub.get("status").isObject()).isTrue();
      assertThat(sub.at("/scale/specReplicasPath").asText()).isEqualTo(".spec.replicas");
      assertThat(sub.at("/scale/statusReplicasPath").asText()).isEqualTo(".status.scale.replicas");
      assertThat(sub.at("/scale/labelSelectorPath").asText()).isEqualTo(".status.scale.selector");
      List<String> columns = new ArrayList<>();
      for (JsonNode c : version.get("additionalPrinterColumns")) {
        columns.add(
            c.get("name").asText()
                + " "
                + c.get("type").asText()
                + " "
                + c.get("jsonPath").asText());
      }
      assertThat(columns)
          .containsExactly(
              "Mode string .spec.mode",
              "Version string .status.version",
              "Ready string .status.scale.statusReplicas",
              "Age date .metadata.creationTimestamp",
              "Image string .status.image",
              "Management string .spec.managementState");
      // The scale subresource paths must exist in the schema.
      JsonNode schema = version.at("/schema/openAPIV3Schema");
      assertThat(schema.at("/properties/spec/properties/replicas/type").asText())
          .isEqualTo("integer");
      assertThat(schema.at("/properties/status/properties/scale/properties/replicas/type").asText())
          .isEqualTo("integer");
      assertThat(schema.at("/properties/status/properties/scale/properties/selector/type").asText())
          .isEqualTo("string");
    }
  }

  @Test
  void configIsTextInV1alpha1AndAnObjectInV1beta1() {
    JsonNode alphaConfig =
        version("v1alpha1").at("/schema/openAPIV3Schema/properties/spec/properties/config");
    JsonNode betaConfig =
        version("v1beta1").at("/schema/openAPIV3Schema/properties/spec/properties/config");
    assertThat(alphaConfig.get("type").asText()).isEqualTo("string");
    assertThat(betaConfig.get("type").asText()).isEqualTo("object");
    assertThat(texts(betaConfig.get("required")))
        .containsExactlyInAnyOrder("receivers", "exporters", "service");
    for (String section :
        List.of("receivers", "exporters", "processors", "connectors", "extensions")) {
      assertThat(
              betaConfig
                  .at("/properties/" + section + "/x-kubernetes-preserve-unknown-fields")
                  .asBoolean())
          .as(section)
          .isTrue();
    }
  }

  @Test
  void schemasAreStructural() {
    for (JsonNode version : crd.at("/spec/versions")) {
      List<String> problems = new ArrayList<>();
      JsonNode root = version.at("/schema/openAPIV3Schema");
      assertThat(root.get("type").asText()).isEqualTo("object");
      JsonNode metadata = root.at("/properties/metadata");
      if (!metadata.isMissingNode()) {
        // Only name and generateName may be constrained at the root metadata.
        metadata
            .path("properties")
            .fieldNames()
            .forEachRemaining(k -> assertThat(k).isIn("name", "generateName"));
      }
      walk(root, "", problems);
      assertThat(problems).as(version.get("name").asText()).isEmpty();
    }
  }

  @Test
  void structuralCheckCatchesWhatAnApiServerRejects() {
    List<String> problems = new ArrayList<>();
    walk(
        json("{\"type\":\"object\",\"properties\":{\"a\":{\"description\":\"no type\"}}}"),
        "",
        problems);
    walk(
        json(
            "{\"type\":\"object\",\"properties\":{},\"additionalProperties\":{\"type\":\"string\"}}"),
        "",
        problems);
    walk(json("{\"type\":\"integer\",\"default\":\"three\"}"), "", problems);
    walk(json("{\"type\":\"string\",\"enum\":[\"a\"],\"default\":\"b\"}"), "", problems);
    walk(json("{\"type\":\"integer\",\"minimum\":1,\"default\":0}"), "", problems);
    walk(json("{\"type\":\"array\"}"), "", problems);
    walk(json("{\"$ref\":\"#/x\",\"type\":\"object\"}"), "", problems);
    walk(
        json(
            "{\"type\":\"object\",\"x-kubernetes-validations\":[{\"rule\":\"true\",\"messageExpression\":\"'x'\"}]}"),
        "",
        problems);
    assertThat(problems).hasSize(8);
  }

  @Test
  void sidecarRulesAreTheUpstreamOnesAndGuardAbsentFields() {
    JsonNode spec = version("v1beta1").at("/schema/openAPIV3Schema/properties/spec");
    JsonNode rules = spec.get("x-kubernetes-validations");
    assertThat(rules).hasSize(4);
    Set<String> declared = new java.util.HashSet<>();
    spec.get("properties").fieldNames().forEachRemaining(declared::add);
    for (int i = 0; i < SIDECAR_FIELDS.size(); i++) {
      String field = SIDECAR_FIELDS.get(i);
      JsonNode rule = rules.get(i);
      assertThat(rule.get("message").asText())
          .isEqualTo(
              "the OpenTelemetry Collector mode is set to sidecar, which does not support the attribute '"
                  + field
                  + "'");
      String expression = rule.get("rule").asText();
      assertThat(expression).contains("self." + field);
      Matcher m = Pattern.compile("self\\.(\\w+)").matcher(expression);
      while (m.find()) {
        String used = m.group(1);
        assertThat(declared).as("rule references a declared field").contains(used);
        int guard = expression.indexOf("!has(self." + used + ")");
        int firstPlainUse = firstUseOutsideHas(expression, used);
        assertThat(guard)
            .as("%s guarded by has() in %s", used, expression)
            .isGreaterThanOrEqualTo(0);
        if (firstPlainUse >= 0) {
          assertThat(guard)
              .as("has(self.%s) comes first in %s", used, expression)
              .isLessThan(firstPlainUse);
        }
      }
    }
  }

  @Test
  void sidecarRulesRejectExactlyTheSidecarIncompatibleSpecs() {
    JsonNode rules =
        version("v1beta1").at("/schema/openAPIV3Schema/properties/spec/x-kubernetes-validations");
    Map<String, JsonNode> nonEmpty =
        Map.of(
            "tolerations", json("[{\"key\":\"k\"}]"),
            "priorityClassName", json("\"high\""),
            "affinity", json("{\"nodeAffinity\":{}}"),
            "additionalContainers", json("[{\"name\":\"c\"}]"));
    Map<String, JsonNode> empty =
        Map.of(
            "tolerations", json("[]"),
            "priorityClassName", json("\"\""),
            "affinity", json("{}"),
            "additionalContainers", json("[]"));
    for (int i = 0; i < SIDECAR_FIELDS.size(); i++) {
      String field = SIDECAR_FIELDS.get(i);
      String rule = rules.get(i).get("rule").asText();
      for (String mode : new String[] {null, "sidecar", "deployment"}) {
        for (JsonNode value : new JsonNode[] {null, empty.get(field), nonEmpty.get(field)}) {
          ObjectNode spec = JSON.createObjectNode();
          if (mode != null) {
            spec.put("mode", mode);
          }
          if (value != null) {
            spec.set(field, value);
          }
          // Upstream rejects any affinity in sidecar mode, even an empty one.
          boolean offending =
              "sidecar".equals(mode)
                  && value != null
                  && (value == nonEmpty.get(field) || field.equals("affinity"));
          assertThat(MiniCel.eval(rule, spec)).as("%s on %s", rule, spec).isEqualTo(!offending);
        }
      }
    }
  }

  // ---- structural walk -------------------------------------------------------------------------

  private static void walk(JsonNode node, String path, List<String> problems) {
    if (!node.isObject()) {
      problems.add(path + ": schema is not an object");
      return;
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!ALLOWED_KEYS.contains(key)) {
        problems.add(path + ": keyword " + key + " is not allowed");
      }
    }
    boolean intOrString = node.path("x-kubernetes-int-or-string").asBoolean(false);
    boolean preserve = node.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
    String type = node.path("type").asText("");
    if (type.isEmpty() && !intOrString && !preserve) {
      problems.add(path + ": no type");
    }
    if (!type.isEmpty() && !TYPES.contains(type)) {
      problems.add(path + ": unknown type " + type);
    }
    if (intOrString && !type.isEmpty()) {
      problems.add(path + ": x-kubernetes-int-or-string with a type");
    }
    if (node.has("properties") && node.has("additionalProperties")) {
      problems.add(path + ": properties and additionalProperties together");
    }
    if (type.equals("array") && !node.path("items").isObject()) {
      problems.add(path + ": array without a single items schema");
    }
    if (node.has("properties") && !type.isEmpty() && !type.equals("object")) {
      problems.add(path + ": properties on a " + type);
    }
    for (String required : texts(node.path("required"))) {
      if (!node.path("properties").has(required)) {
        problems.add(path + ": required " + required + " is not a property");
      }
    }
    for (String junction : List.of("anyOf", "allOf", "oneOf")) {
      for (JsonNode branch : node.path(junction)) {
        boolean intOrStringBranch =
            intOrString
                && junction.equals("anyOf")
                && branch.size() == 1
                && Set.of("integer", "string").contains(branch.path("type").asText());
        if (!intOrStringBranch
            && (branch.has("type")
                || branch.has("default")
                || branch.has("description")
                || branch.has("nullable")
                || branch.has("properties")
                || branch.has("items"))) {
          problems.add(path + "/" + junction + ": value validation declares structure");
        }
      }
    }
    JsonNode validations = node.path("x-kubernetes-validations");
    for (JsonNode v : validations) {
      v.fieldNames()
          .forEachRemaining(
              k -> {
                if (!k.equals("rule") && !k.equals("message")) {
                  problems.add(
                      path + ": x-kubernetes-validations field " + k + " needs a newer API server");
                }
              });
      if (!v.path("rule").isTextual()) {
        problems.add(path + ": validation without rule");
      }
    }
    if ("map".equals(node.path("x-kubernetes-list-type").asText())) {
      for (String key : texts(node.path("x-kubernetes-list-map-keys"))) {
        if (!node.at("/items/properties").has(key)) {
          problems.add(path + ": list map key " + key + " is not an item property");
        }
      }
    }
    if (node.has("default")) {
      checkDefault(node, node.get("default"), path, problems);
    }
    node.path("properties")
        .properties()
        .forEach(e -> walk(e.getValue(), path + "/" + e.getKey(), problems));
    if (node.path("items").isObject()) {
      walk(node.get("items"), path + "/items", problems);
    }
    if (node.path("additionalProperties").isObject()) {
      walk(node.get("additionalProperties"), path + "/*", problems);
    } else if (node.has("additionalProperties")) {
      problems.add(path + ": additionalProperties must be a schema");
    }
  }

  private static void checkDefault(
      JsonNode schema, JsonNode value, String path, List<String> problems) {
    String type = schema.path("type").asText("");
    boolean fits =
        switch (type) {
          case "string" -> value.isTextual();
          case "integer" -> value.isIntegralNumber();
          case "number" -> value.isNumber();
          case "boolean" -> value.isBoolean();
          case "object" -> value.isObject();
          case "array" -> value.isArray();
          default -> true;
        };
    if (!fits) {
      problems.add(path + ": default " + value + " is not a " + type);
      return;
    }
    if (schema.has("enum")) {
      boolean listed = false;
      for (JsonNode allowed : schema.get("enum")) {
        listed |= allowed.equals(value);
      }
      if (!listed) {
        problems.add(path + ": default " + value + " is not in enum " + schema.get("enum"));
      }
    }
    if (schema.has("minimum")
        && value.isNumber()
        && value.asDouble() < schema.get("minimum").asDouble()) {
      problems.add(path + ": default " + value + " is below the minimum");
    }
    if (schema.has("maximum")
        && value.isNumber()
        && value.asDouble() > schema.get("maximum").asDouble()) {
      problems.add(path + ": default " + value + " is above the maximum");
    }
    if (schema.has("pattern")
        && value.isTextual()
        && !value.asText().matches(".*" + schema.get("pattern").asText() + ".*")) {
      problems.add(path + ": default " + value + " does not match the pattern");
    }
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private static int firstUseOutsideHas(String expression, String field) {
    Matcher m = Pattern.compile("self\\." + field + "\\b").matcher(expression);
    while (m.find()) {
      if (!expression.substring(0, m.start()).endsWith("has(")) {
        return m.start();
      }
    }
    return -1;
  }

  private static JsonNode version(String name) {
    for (JsonNode v : crd.at("/spec/versions")) {
      if (v.get("name").asText().equals(name)) {
        return v;
      }
    }
    throw new AssertionError("no version " + name);
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /**
   * Evaluates the small CEL subset the sidecar rules use: a left-to-right disjunction of {@code
   * !has(self.f)}, {@code self.f != 'v'}, {@code self.f == 'v'} and {@code size(self.f) == n}.
   * Reading an absent field throws, as CEL reports "no such key", so an unguarded rule fails here.
   */
  static final class MiniCel {
    private static final Pattern NOT_HAS = Pattern.compile("!has\\(self\\.(\\w+)\\)");
    private static final Pattern COMPARE = Pattern.compile("self\\.(\\w+) (==|!=) '([^']*)'");
    private static final Pattern SIZE = Pattern.compile("size\\(self\\.(\\w+)\\) == (\\d+)");

    static boolean eval(String rule, JsonNode self) {
      for (String atom : rule.split("\\|\\|")) {
        if (atom(atom.strip(), self)) {
          return true;
        }
      }
      return false;
    }

    private static boolean atom(String atom, JsonNode self) {
      Matcher m;
      if ((m = NOT_HAS.matcher(atom)).matches()) {
        return !self.has(m.group(1));
      }
      if ((m = COMPARE.matcher(atom)).matches()) {
        boolean equal = get(self, m.group(1)).asText().equals(m.group(3));
        return m.group(2).equals("==") == equal;
      }
      if ((m = SIZE.matcher(atom)).matches()) {
        return get(self, m.group(1)).size() == Integer.parseInt(m.group(2));
      }
      throw new AssertionError("MiniCel does not know '" + atom + "'; extend it with the rule");
    }

    private static JsonNode get(JsonNode self, String field) {
      if (!self.has(field)) {
        throw new AssertionError("no such key: " + field);
      }
      return self.get(field);
    }
  }
}
