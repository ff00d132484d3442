package dev.telescope.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The subset of JMESPath (as kyverno-json and chainsaw use it) that upstream's fixtures need:
 * fields, sub-expressions, {@code @}, {@code $bindings}, raw and JSON literals, filter projections
 * {@code a[?x == 'y']}, indexes, pipes, comparisons, {@code && || !}, and a few functions (length,
 * starts_with, ends_with, contains, keys, values, join, to_number, as_string, parse_yaml, type,
 * not_null, plus chainsaw's x_k8s_* through a hook). Hand-written so the test suite needs no new
 * dependency.
 */
final class Jmes {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final ObjectMapper YAML = new YAMLMapper();

  private Jmes() {}

  /** Raised when an expression names a binding that has no value (e.g. a skipped script output). */
  static final class UnboundVariable extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final String name;

    UnboundVariable(String name) {
      super("binding $" + name + " has no value");
      this.name = name;
    }
  }

  /** Bindings ({@code $name}) and extension functions available to an expression. */
  record Scope(
      Map<String, JsonNode> bindings, Map<String, Function<List<JsonNode>, JsonNode>> fns) {
    static Scope of(Map<String, JsonNode> bindings) {
      return new Scope(bindings, Map.of());
    }
  }

  /** Parses and evaluates {@code expr} against {@code current}. */
  static JsonNode eval(String expr, JsonNode current, Scope scope) {
    return parse(expr).eval(current == null ? NullNode.instance : current, scope);
  }

  /** Parses an expression (without the surrounding parentheses chainsaw uses). */
  static Node parse(String expr) {
    Parser p = new Parser(tokenize(expr), expr);
    Node n = p.expression(0);
    if (p.peek().type != T.EOF) {
      throw new IllegalArgumentException(
          "unexpected '" + p.peek().text + "' in expression: " + expr);
    }
    return n;
  }

  /** JMESPath truthiness: false, null, empty string/array/object are false; numbers are true. */
  static boolean truthy(JsonNode v) {
    if (v == null || v.isNull() || v.isMissingNode()) {
      return false;
    }
    if (v.isBoolean()) {
      return v.asBoolean();
    }
    if (v.isTextual()) {
      return !v.asText().isEmpty();
    }
    if (v.isContainerNode()) {
      return v.size() > 0;
    }
    return true;
  }

  /** Deep equality where numbers compare by value (1 == 1.0), as Go's JSON numbers do. */
  static boolean same(JsonNode a, JsonNode b) {
    a = a == null ? NullNode.instance : a;
    b = b == null ? NullNode.instance : b;
    if (a.isNumber() && b.isNumber()) {
      return a.decimalValue().compareTo(b.decimalValue()) == 0;
    }
    if (a.isObject() && b.isObject()) {
      if (a.size() != b.size()) {
        return false;
      }
      Iterator<Map.Entry<String, JsonNode>> it = a.properties().iterator();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!b.has(e.getKey()) || !same(e.getValue(), b.get(e.getKey()))) {
          return false;
        }
      }
      return true;
    }
    if (a.isArray() && b.isArray()) {
      if (a.size() != b.size()) {
        return false;
      }
      for (int i = 0; i < a.size(); i++) {
        if (!same(a.get(i), b.get(i))) {
          return false;
        }
      }
      return true;
    }
    if ((a.isNull() || a.isMissingNode()) && (b.isNull() || b.isMissingNode())) {
      return true;
    }
    return a.equals(b);
  }

  // ---------------------------------------------------------------- tokens

  enum T {
    IDENT,
    QUOTED,
    RAW,
    LITERAL,
    NUMBER,
    VAR,
    AT,
    DOT,
    LBRACKET,
    FILTER,
    RBRACKET,
    LPAREN,
    RPAREN,
    COMMA,
    PIPE,
    OR,
    AND,
    NOT,
    CMP,
    EOF
  }

  record Tok(T type, String text) {}

  static List<Tok> tokenize(String s) {
    List<Tok> out = new ArrayList<>();
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (Character.isLetter(c) || c == '_') {
        int j = i;
        while (j < s.length() && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_')) {
          j++;
        }
        out.add(new Tok(T.IDENT, s.substring(i, j)));
        i = j;
      } else if (c == '$') {
        int j = i + 1;
        while (j < s.length() && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_')) {
          j++;
        }
        out.add(new Tok(T.VAR, s.substring(i + 1, j)));
        i = j;
      } else if (Character.isDigit(c)
          || (c == '-' && i + 1 < s.length() && Character.isDigit(s.charAt(i + 1)))) {
        int j = i + 1;
        while (j < s.length() && Character.isDigit(s.charAt(j))) {
          j++;
        }
        out.add(new Tok(T.NUMBER, s.substring(i, j)));
        i = j;
      } else if (c == '\'' || c == '"' || c == '`') {
        StringBuilder b = new StringBuilder();
        int j = i + 1;
        while (j < s.length() && s.charAt(j) != c) {
          if (s.charAt(j) == '\\' && j + 1 < s.length()) {
            char n = s.charAt(j + 1);
            if (n == c || n == '\\') {
              b.append(n);
              j += 2;
              continue;
            }
          }
          b.append(s.charAt(j));
          j++;
        }
        if (j >= s.length()) {
          throw new IllegalArgumentException("unterminated " + c + " in expression: " + s);
        }
        T type = c == '\'' ? T.RAW : c == '"' ? T.QUOTED : T.LITERAL;
        out.add(new Tok(type, b.toString()));
        i = j + 1;
      } else {
        String two = i + 1 < s.length() ? s.substring(i, i + 2) : "";
        switch (two) {
          case "||" -> {
            out.add(new Tok(T.OR, two));
            i += 2;
            continue;
          }
          case "&&" -> {
            out.add(new Tok(T.AND, two));
            i += 2;
            continue;
          }
          case "==", "!=", "<=", ">=" -> {
            out.add(new Tok(T.CMP, two));
            i += 2;
            continue;
          }
          case "[?" -> {
            out.add(new Tok(T.FILTER, two));
            i += 2;
            continue;
          }
          default -> {}
        }
        T t =
            switch (c) {
              case '@' -> T.AT;
              case '.' -> T.DOT;
              case '[' -> T.LBRACKET;
              case ']' -> T.RBRACKET;
              case '(' -> T.LPAREN;
              case ')' -> T.RPAREN;
              case ',' -> T.COMMA;
              case '|' -> T.PIPE;
              case '!' -> T.NOT;
              case '<', '>' -> T.CMP;
              default ->
                  throw new IllegalArgumentException(
                      "unsupported character '" + c + "' in expression: " + s);
            };
        out.add(new Tok(t, String.valueOf(c)));
        i++;
      }
    }
    out.add(new Tok(T.EOF, "<end>"));
    return out;
  }

  // ---------------------------------------------------------------- AST

  /** A parsed expression. */
  interface Node {
    JsonNode eval(JsonNode current, Scope scope);
  }

  private record Field(String name) implements Node {
    public JsonNode eval(JsonNode cur, Scope s) {
      return cur != null && cur.isObject() && cur.has(name) ? cur.get(name) : NullNode.instance;
    }
  }

  private record Current() implements Node {
    public JsonNode eval(JsonNode cur, Scope s) {
      return cur;
    }
  }

  private record Var(String name) implements Node {
    public JsonNode eval(JsonNode cur, Scope s) {
      if (!s.bindings().containsKey(name)) {
        throw new UnboundVariable(name);
      }
      JsonNode v = s.bindings().get(name);
      return v == null ? NullNode.instance : v;
    }
  }

  private record Literal(JsonNode value) implements Node {
    public JsonNode eval(JsonNode cur, Scope s) {
      return value;
    }
  }

  private record Sub(Node left, Node right) implements Node {
    public JsonNode eval(JsonNode cur, Scope s) {
      JsonNode l = left.eval(cur, s);
      return l.isNull() ? l : right.eval(l, s);
    }
  }

  private record Pipe(Node left, Node right) implements Node {
    public JsonNode eval(JsonNode cur, Scope s) {
      return right.eval(left.eval(cur, s), s);
    }
  }

  private record Index(Node left, int index) implements Node {
    public JsonNode eval(JsonNode cur, Scope s) {
      JsonNode l = left.eval(cur, s);
      if (!l.isArray()) {
        return NullNode.instance;
      }
      int i = index < 0 ? l.size() + index : index;
      return i >= 0 && i < l.size() ? l.get(i) : NullNode.instance;
    }
  }

  private record Filter(Node left, Node condition, Node rhs) implements Node {
    public JsonNode eval(JsonNode cur, Scope s) {
      JsonNode l = left.eval(cur, s);
      if (!l.isArray()) {
        return NullNode.instance;
      }
      ArrayNode out = F.arrayNode();
      for (JsonNode e : l) {
        if (truthy(condition.eval(e, s))) {
          JsonNode r = rhs.eval(e, s);
          if (!r.isNull()) {
            out.add(r);
          }
        }
      }
      return out;
    }
  }

  private record ListOf(List<Node> items) implements Node {
    public JsonNode eval(JsonNode cur, Scope s) {
      ArrayNode out = F.arrayNode();
      for (Node n : items) {
        out.add(n.eval(cur, s));
      }
      return out;
    }
  }

  private record Or(Node left, Node right) implements Node {
    public JsonNode eval(JsonNode cur, Scope s) {
      JsonNode l = left.eval(cur, s);
      return truthy(l) ? l : right.eval(cur, s);
    }
  }

  private record And(Node left, Node right) implements Node {
    public JsonNode eval(JsonNode cur, Scope s) {
      JsonNode l = left.eval(cur, s);
      return truthy(l) ? right.eval(cur, s) : l;
    }
  }

  private record Not(Node operand) implements Node {
    public JsonNode eval(JsonNode cur, Scope s) {
      return F.booleanNode(!truthy(operand.eval(cur, s)));
    }
  }

  private record Cmp(String op, Node left, Node right) implements Node {
    public JsonNode eval(JsonNode cur, Scope s) {
      JsonNode l = left.eval(cur, s);
      JsonNode r = right.eval(cur, s);
      switch (op) {
        case "==":
          return F.booleanNode(same(l, r));
        case "!=":
          return F.booleanNode(!same(l, r));
        default:
          if (!l.isNumber() || !r.isNumber()) {
            return NullNode.instance;
          }
          int c = l.decimalValue().compareTo(r.decimalValue());
          return F.booleanNode(
              switch (op) {
                case "<" -> c < 0;
                case "<=" -> c <= 0;
                case ">" -> c > 0;
                default -> c >= 0;
              });
      }
    }
  }

  private record Call(String name, List<Node> args) implements Node {
    public JsonNode eval(JsonNode cur, Scope s) {
      List<JsonNode> values = new ArrayList<>();
      for (Node a : args) {
        values.add(a.eval(cur, s));
      }
      Function<List<JsonNode>, JsonNode> ext = s.fns().get(name);
      if (ext != null) {
        return ext.apply(values);
      }
      return builtin(name, values);
    }
  }

  private static JsonNode builtin(String name, List<JsonNode> a) {
    switch (name) {
      case "length" -> {
        JsonNode v = arg(a, 0, name);
        if (v.isTextual()) {
          return F.numberNode(v.asText().codePointCount(0, v.asText().length()));
        }
        if (v.isContainerNode()) {
          return F.numberNode(v.size());
        }
        throw new IllegalArgumentException("length() of " + v.getNodeType());
      }
      case "starts_with" -> {
        return F.booleanNode(
            arg(a, 0, name).isTextual()
                && arg(a, 0, name).asText().startsWith(arg(a, 1, name).asText()));
      }
      case "ends_with" -> {
        return F.booleanNode(
            arg(a, 0, name).isTextual()
                && arg(a, 0, name).asText().endsWith(arg(a, 1, name).asText()));
      }
      case "contains" -> {
        JsonNode subject = arg(a, 0, name);
        JsonNode search = arg(a, 1, name);
        if (subject.isTextual()) {
          return F.booleanNode(search.isTextual() && subject.asText().contains(search.asText()));
        }
        if (subject.isArray()) {
          for (JsonNode e : subject) {
            if (same(e, search)) {
              return F.booleanNode(true);
            }
          }
        }
        return F.booleanNode(false);
      }
      case "keys" -> {
        ArrayNode out = F.arrayNode();
        JsonNode o = arg(a, 0, name);
        if (!o.isObject()) {
          throw new IllegalArgumentException("keys() of " + o.getNodeType());
        }
        o.fieldNames().forEachRemaining(out::add);
        return out;
      }
      case "values" -> {
        ArrayNode out = F.arrayNode();
        arg(a, 0, name).elements().forEachRemaining(out::add);
        return out;
      }
      case "concat" -> {
        // chainsaw's extension: the strings one after the other.
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < a.size(); i++) {
          out.append(arg(a, i, name).asText());
        }
        return F.textNode(out.toString());
      }
      case "join" -> {
        List<String> parts = new ArrayList<>();
        for (JsonNode e : arg(a, 1, name)) {
          parts.add(e.asText());
        }
        return F.textNode(String.join(arg(a, 0, name).asText(), parts));
      }
      case "to_number" -> {
        JsonNode v = arg(a, 0, name);
        if (v.isNumber()) {
          return v;
        }
        try {
          return F.numberNode(new BigDecimal(v.asText()));
        } catch (NumberFormatException e) {
          return NullNode.instance;
        }
      }
      case "as_string", "to_string" -> {
        JsonNode v = arg(a, 0, name);
        return v.isTextual() ? v : F.textNode(v.toString());
      }
      case "not_null" -> {
        for (JsonNode v : a) {
          if (!v.isNull()) {
            return v;
          }
        }
        return NullNode.instance;
      }
      case "type" -> {
        JsonNode v = arg(a, 0, name);
        String t =
            v.isTextual()
                ? "string"
                : v.isNumber()
                    ? "number"
                    : v.isBoolean()
                        ? "boolean"
                        : v.isArray() ? "array" : v.isObject() ? "object" : "null";
        return F.textNode(t);
      }
      case "parse_yaml", "parse_json" -> {
        try {
          JsonNode parsed = YAML.readTree(arg(a, 0, name).asText());
          return parsed == null ? NullNode.instance : parsed;
        } catch (java.io.IOException e) {
          throw new IllegalArgumentException(name + "(): " + e.getMessage(), e);
        }
      }
      default -> throw new IllegalArgumentException("unsupported function " + name + "()");
    }
  }

  private static JsonNode arg(List<JsonNode> a, int i, String fn) {
    if (i >= a.size()) {
      throw new IllegalArgumentException(fn + "() needs " + (i + 1) + " arguments");
    }
    return a.get(i);
  }

  // ---------------------------------------------------------------- parser (Pratt, JMESPath
  // powers)

  private static final class Parser {
    private final List<Tok> toks;
    private final String source;
    private int pos;

    Parser(List<Tok> toks, String source) {
      this.toks = toks;
      this.source = source;
    }

    Tok peek() {
      return toks.get(pos);
    }

    Tok next() {
      return toks.get(pos++);
    }

    Tok expect(T type) {
      Tok t = next();
      if (t.type != type) {
        throw new IllegalArgumentException(
            "expected " + type + " but found '" + t.text + "' in expression: " + source);
      }
      return t;
    }

    static int lbp(T t) {
      return switch (t) {
        case PIPE -> 1;
        case OR -> 2;
        case AND -> 3;
        case CMP -> 5;
        case FILTER -> 21;
        case DOT -> 40;
        case LBRACKET -> 55;
        default -> 0;
      };
    }

    Node expression(int rbp) {
      Node left = nud(next());
      while (rbp < lbp(peek().type)) {
        left = led(next(), left);
      }
      return left;
    }

    Node nud(Tok t) {
      switch (t.type) {
        case IDENT:
          if (peek().type == T.LPAREN) {
            return call(t.text);
          }
          return switch (t.text) {
            case "true" -> new Literal(F.booleanNode(true));
            case "false" -> new Literal(F.booleanNode(false));
            case "null" -> new Literal(NullNode.instance);
            default -> new Field(t.text);
          };
        case QUOTED:
          return new Field(t.text);
        case VAR:
          return new Var(t.text);
        case AT:
          return new Current();
        case RAW:
          return new Literal(F.textNode(t.text));
        case LITERAL:
          try {
            return new Literal(new ObjectMapper().readTree(t.text));
          } catch (java.io.IOException e) {
            return new Literal(F.textNode(t.text));
          }
        case NUMBER:
          return new Literal(F.numberNode(Long.parseLong(t.text)));
        case NOT:
          return new Not(expression(45));
        case LPAREN:
          {
            Node inner = expression(0);
            expect(T.RPAREN);
            return inner;
          }
        case FILTER:
          return filter(new Current());
        case LBRACKET:
          if (peek().type == T.NUMBER) {
            return bracket(new Current());
          }
          return multiSelect();
        default:
          throw new IllegalArgumentException(
              "unexpected '" + t.text + "' in expression: " + source);
      }
    }

    Node led(Tok t, Node left) {
      switch (t.type) {
        case DOT:
          return new Sub(left, dotRhs());
        case LBRACKET:
          return bracket(left);
        case FILTER:
          return filter(left);
        case PIPE:
          return new Pipe(left, expression(1));
        case OR:
          return new Or(left, expression(2));
        case AND:
          return new And(left, expression(3));
        case CMP:
          return new Cmp(t.text, left, expression(5));
        default:
          throw new IllegalArgumentException(
              "unexpected '" + t.text + "' in expression: " + source);
      }
    }

    Node dotRhs() {
      Tok t = next();
      return switch (t.type) {
        case IDENT -> peek().type == T.LPAREN ? call(t.text) : new Field(t.text);
        case QUOTED -> new Field(t.text);
        default ->
            throw new IllegalArgumentException(
                "unexpected '" + t.text + "' after '.' in expression: " + source);
      };
    }

    Node bracket(Node left) {
      Tok t = next();
      if (t.type == T.NUMBER) {
        expect(T.RBRACKET);
        return new Index(left, Integer.parseInt(t.text));
      }
      throw new IllegalArgumentException(
          "only [<index>] and [?filter] are supported, found '" + t.text + "' in: " + source);
    }

    Node filter(Node left) {
      Node condition = expression(0);
      expect(T.RBRACKET);
      return new Filter(left, condition, projectionRhs(21));
    }

    /** What follows a projection applies to each element, as JMESPath specifies. */
    Node projectionRhs(int bp) {
      T next = peek().type;
      if (lbp(next) < 10) {
        return new Current();
      }
      if (next == T.DOT) {
        next();
        Node rhs = dotRhs();
        while (bp < lbp(peek().type) && lbp(peek().type) >= 10) {
          rhs = led(next(), rhs);
        }
        return rhs;
      }
      Node rhs = new Current();
      while (bp < lbp(peek().type) && lbp(peek().type) >= 10) {
        rhs = led(next(), rhs);
      }
      return rhs;
    }

    Node multiSelect() {
      List<Node> items = new ArrayList<>();
      if (peek().type != T.RBRACKET) {
        items.add(expression(0));
        while (peek().type == T.COMMA) {
          next();
          items.add(expression(0));
        }
      }
      expect(T.RBRACKET);
      return new ListOf(items);
    }

    Node call(String name) {
      expect(T.LPAREN);
      List<Node> args = new ArrayList<>();
      if (peek().type != T.RPAREN) {
        args.add(expression(0));
        while (peek().type == T.COMMA) {
          next();
          args.add(expression(0));
        }
      }
      expect(T.RPAREN);
      return new Call(name, args);
    }
  }

  /** A literal array of text nodes (handy for tests and bindings). */
  static ArrayNode strings(String... values) {
    ArrayNode a = F.arrayNode();
    for (String v : values) {
      a.add(v);
    }
    return a;
  }
}
