package dev.telescope.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * What the API server does with a custom resource before anything else sees it, driven by our own
 * generated CRD (the one we ship): prune fields the structural schema does not know (and nulls of
 * non-nullable fields), fill schema defaults, and evaluate the {@code x-kubernetes-validations} CEL
 * rules. The CEL evaluator covers the forms our rules use ({@code has()}, {@code size()}, {@code
 * self.a.b}, comparisons, {@code ! && ||}); a rule outside that subset fails loudly.
 */
final class CrdSchema {
  /** Where the crd-generator plugin writes the CRD (it is on the test classpath). */
  static final String RESOURCE = "META-INF/fabric8/opentelemetrycollectors.opentelemetry.io-v1.yml";

  private final JsonNode crd;

  private CrdSchema(JsonNode crd) {
    this.crd = crd;
  }

  /** The Instrumentation CRD, generated the same way. */
  static final String INSTRUMENTATION = "META-INF/fabric8/instrumentations.opentelemetry.io-v1.yml";

  static CrdSchema load() {
    return load(RESOURCE);
  }

  static CrdSchema load(String resource) {
    try (InputStream in = CrdSchema.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " not on the classpath (run the build once)");
      }
      return new CrdSchema(new YAMLMapper().readTree(in));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The openAPIV3Schema of a served version, or null. */
  JsonNode schema(String version) {
    for (JsonNode v : crd.at("/spec/versions")) {
      if (version.equals(v.path("name").asText())) {
        return v.at("/schema/openAPIV3Schema");
      }
    }
    return null;
  }

  /** Prunes and defaults {@code spec} in place, as the API server does on decode. */
  void pruneAndDefault(ObjectNode doc, String version) {
    JsonNode schema = schema(version);
    if (schema == null || !doc.has("spec")) {
      return;
    }
    JsonNode specSchema = schema.at("/properties/spec");
    JsonNode pruned = prune(doc.get("spec"), specSchema);
    doc.set("spec", pruned);
    defaults(doc.get("spec"), specSchema);
  }

  private static boolean preserve(JsonNode schema) {
    return schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
  }

  static JsonNode prune(JsonNode value, JsonNode schema) {
    if (schema == null || schema.isMissingNode() || value == null) {
      return value;
    }
    if (value.isObject()) {
      ObjectNode o = (ObjectNode) value;
      JsonNode props = schema.get("properties");
      JsonNode additional = schema.get("additionalProperties");
      List<String> keys = new ArrayList<>();
      o.fieldNames().forEachRemaining(keys::add);
      for (String k : keys) {
        JsonNode child = o.get(k);
        JsonNode childSchema = null;
        if (props != null && props.has(k)) {
          childSchema = props.get(k);
        } else if (additional != null && additional.isObject()) {
          childSchema = additional;
        } else if (preserve(schema)
            || (props == null && additional == null && !schema.has("type"))) {
          continue;
        } else {
          o.remove(k);
          continue;
        }
        if (child.isNull() && !childSchema.path("nullable").asBoolean(false)) {
          o.remove(k);
          continue;
        }
        o.set(k, prune(child, childSchema));
      }
      return o;
    }
    if (value.isArray() && schema.has("items")) {
      ArrayNode a = (ArrayNode) value;
      for (int i = 0; i < a.size(); i++) {
        a.set(i, prune(a.get(i), schema.get("items")));
      }
    }
    return value;
  }

  static void defaults(JsonNode value, JsonNode schema) {
    if (value == null || !value.isObject() || schema == null) {
      return;
    }
    ObjectNode o = (ObjectNode) value;
    JsonNode props = schema.get("properties");
    if (props != null) {
      Iterator<Map.Entry<String, JsonNode>> it = props.properties().iterator();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> p = it.next();
        if (!o.has(p.getKey()) && p.getValue().has("default")) {
          o.set(p.getKey(), p.getValue().get("default").deepCopy());
        }
        if (o.has(p.getKey())) {
          JsonNode child = o.get(p.getKey());
          if (child.isObject()) {
            defaults(child, p.getValue());
          } else if (child.isArray() && p.getValue().has("items")) {
            for (JsonNode e : child) {
              defaults(e, p.getValue().get("items"));
            }
          }
        }
      }
    }
  }

  /**
   * The messages of the CEL rules that fail, each with the field path of the schema node that
   * carries it ({@code spec}).
   */
  List<String> violations(ObjectNode doc, String version) {
    List<String> out = new ArrayList<>();
    JsonNode schema = schema(version);
    if (schema != null && doc.has("spec")) {
      validate("spec", doc.get("spec"), schema.at("/properties/spec"), out);
    }
    return out;
  }

  private static void validate(String path, JsonNode value, JsonNode schema, List<String> out) {
    if (schema == null || schema.isMissingNode() || value == null || value.isNull()) {
      return;
    }
    for (JsonNode rule : schema.path("x-kubernetes-validations")) {
      if (!Cel.holds(rule.path("rule").asText(), value)) {
        out.add(path + ": Invalid value: " + rule.path("message").asText());
      }
    }
    if (value.isObject() && schema.has("properties")) {
      Iterator<Map.Entry<String, JsonNode>> it = schema.get("properties").properties().iterator();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> p = it.next();
        if (value.has(p.getKey())) {
          validate(path + "." + p.getKey(), value.get(p.getKey()), p.getValue(), out);
        }
      }
    }
  }

  /** The slice of CEL our CRD's rules are written in. */
  static final class Cel {
    private final List<Jmes.Tok> toks;
    private final String source;
    private final JsonNode self;
    private int pos;

    private Cel(String source, JsonNode self) {
      this.toks = Jmes.tokenize(source);
      this.source = source;
      this.self = self;
    }

    static boolean holds(String rule, JsonNode self) {
      Cel c = new Cel(rule, self);
      JsonNode v = c.or();
      if (c.peek().type() != Jmes.T.EOF || !v.isBoolean()) {
        throw new IllegalArgumentException("unsupported CEL rule: " + rule);
      }
      return v.asBoolean();
    }

    private Jmes.Tok peek() {
      return toks.get(pos);
    }

    private Jmes.Tok next() {
      return toks.get(pos++);
    }

    private JsonNode or() {
      JsonNode l = and();
      while (peek().type() == Jmes.T.OR) {
        next();
        JsonNode r = and();
        l = bool(l.asBoolean() || r.asBoolean());
      }
      return l;
    }

    private JsonNode and() {
      JsonNode l = unary();
      while (peek().type() == Jmes.T.AND) {
        next();
        JsonNode r = unary();
        l = bool(l.asBoolean() && r.asBoolean());
      }
      return l;
    }

    private JsonNode unary() {
      if (peek().type() == Jmes.T.NOT) {
        next();
        return bool(!unary().asBoolean());
      }
      JsonNode l = primary();
      if (peek().type() == Jmes.T.CMP) {
        String op = next().text();
        JsonNode r = primary();
        return switch (op) {
          case "==" -> bool(Jmes.same(l, r));
          case "!=" -> bool(!Jmes.same(l, r));
          default -> {
            int c = l.decimalValue().compareTo(r.decimalValue());
            yield bool(
                switch (op) {
                  case "<" -> c < 0;
                  case "<=" -> c <= 0;
                  case ">" -> c > 0;
                  default -> c >= 0;
                });
          }
        };
      }
      return l;
    }

    private JsonNode primary() {
      Jmes.Tok t = next();
      switch (t.type()) {
        case RAW, QUOTED:
          return com.fasterxml.jackson.databind.node.TextNode.valueOf(t.text());
        case NUMBER:
          return com.fasterxml.jackson.databind.node.LongNode.valueOf(Long.parseLong(t.text()));
        case LPAREN:
          {
            JsonNode v = or();
            expect(Jmes.T.RPAREN);
            return v;
          }
        case IDENT:
          switch (t.text()) {
            case "true":
              return bool(true);
            case "false":
              return bool(false);
            case "null":
              return NullNode.instance;
            case "has":
              {
                expect(Jmes.T.LPAREN);
                JsonNode parent = self;
                String last = null;
                expectIdent("self");
                while (peek().type() == Jmes.T.DOT) {
                  next();
                  if (last != null) {
                    parent = parent == null ? null : parent.get(last);
                  }
                  last = next().text();
                }
                expect(Jmes.T.RPAREN);
                return bool(
                    last != null
                        && parent != null
                        && parent.has(last)
                        && !parent.get(last).isNull());
              }
            case "size":
              {
                expect(Jmes.T.LPAREN);
                JsonNode v = or();
                expect(Jmes.T.RPAREN);
                return com.fasterxml.jackson.databind.node.LongNode.valueOf(
                    v.isTextual() ? v.asText().length() : v.size());
              }
            case "self":
              {
                JsonNode v = self;
                while (peek().type() == Jmes.T.DOT) {
                  next();
                  String f = next().text();
                  v = v == null || v.get(f) == null ? NullNode.instance : v.get(f);
                }
                return v;
              }
            default:
              throw new IllegalArgumentException(
                  "unsupported CEL at '" + t.text() + "' in rule: " + source);
          }
        default:
          throw new IllegalArgumentException(
              "unsupported CEL at '" + t.text() + "' in rule: " + source);
      }
    }

    private void expect(Jmes.T type) {
      if (next().type() != type) {
        throw new IllegalArgumentException("unsupported CEL rule: " + source);
      }
    }

    private void expectIdent(String name) {
      Jmes.Tok t = next();
      if (t.type() != Jmes.T.IDENT || !t.text().equals(name)) {
        throw new IllegalArgumentException("unsupported CEL rule: " + source);
      }
    }

    private static JsonNode bool(boolean b) {
      return com.fasterxml.jackson.databind.node.BooleanNode.valueOf(b);
    }
  }
}
