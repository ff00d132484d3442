package dev.telescope.manifests.targetallocator;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.telescope.api.ConfigYaml;
import java.util.List;
import java.util.Map;

/**
 * Writes {@code targetallocator.yaml} the way upstream's YAML library lays it out (two-space
 * indent, list items at their key's column, {@code null}/{@code {}}/{@code []} for empty values),
 * because the allocator's pods roll on a hash of this text and e2e checks compare it byte for byte.
 * Map order is the caller's: sorted maps for Go maps, insertion order for Go structs.
 */
final class GoYaml {
  private GoYaml() {}

  static String write(Map<String, ?> root) {
    StringBuilder b = new StringBuilder();
    map(b, root, 0);
    return b.toString();
  }

  private static void map(StringBuilder b, Map<?, ?> m, int indent) {
    for (Map.Entry<?, ?> e : m.entrySet()) {
      b.append(" ".repeat(indent)).append(scalar(String.valueOf(e.getKey()))).append(':');
      value(b, e.getValue(), indent, true);
    }
  }

  /** Writes a value after {@code key:}; nested maps go one level in, lists stay at the key. */
  private static void value(StringBuilder b, Object v, int indent, boolean afterKey) {
    if (v instanceof Map<?, ?> m && !m.isEmpty()) {
      b.append('\n');
      map(b, m, indent + 2);
    } else if (v instanceof List<?> l && !l.isEmpty()) {
      b.append('\n');
      list(b, l, afterKey ? indent : indent + 2);
    } else {
      b.append(' ').append(inline(v)).append('\n');
    }
  }

  private static void list(StringBuilder b, List<?> l, int indent) {
    for (Object item : l) {
      b.append(" ".repeat(indent)).append('-');
      if (item instanceof Map<?, ?> m && !m.isEmpty()) {
        boolean first = true;
        for (Map.Entry<?, ?> e : m.entrySet()) {
          if (first) {
            b.append(' ');
            first = false;
          } else {
            b.append(" ".repeat(indent + 2));
          }
          b.append(scalar(String.valueOf(e.getKey()))).append(':');
          value(b, e.getValue(), indent + 2, true);
        }
      } else if (item instanceof List<?> inner && !inner.isEmpty()) {
        b.append('\n');
        list(b, inner, indent + 2);
      } else {
        b.append(' ').append(inline(item)).append('\n');
      }
    }
  }

  private static String inline(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof Map<?, ?>) {
      return "{}";
    }
    if (v instanceof List<?>) {
      return "[]";
    }
    if (v instanceof Boolean || v instanceof Number) {
      return v.toString();
    }
    return scalar(v.toString());
  }

  /**
   * A string scalar, plain when YAML reads it back as the same string, else double-quoted: the
   * collector config's rules ({@link ConfigYaml}), which are the Go encoders' for scalars.
   */
  static String scalar(String s) {
    String line = ConfigYaml.emit(TextNode.valueOf(s));
    return line.substring(0, line.length() - 1);
  }
}
