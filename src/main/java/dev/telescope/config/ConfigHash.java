package dev.telescope.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.telescope.api.ConfigYaml;
import dev.telescope.api.v1beta1.Config;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;

/**
 * The config hash upstream puts in ConfigMap names and the pod-template annotation: SHA-256 over
 * the config as Go's {@code encoding/json} writes it. Reproducing it byte for byte keeps object
 * names identical to upstream's for the same CR.
 */
public final class ConfigHash {
  private ConfigHash() {}

  /** Hex SHA-256 of the Go-JSON form of the config. */
  public static String of(Config config) {
    return sha256(goJson(ConfigYaml.toTree(config)));
  }

  /** Hex SHA-256 of a string's UTF-8 bytes. */
  public static String sha256(String text) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(md.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }

  /**
   * Compact JSON as Go writes it: keys in the tree's order (the tree is already struct-ordered and
   * map-sorted), numbers as float64, and {@code <>&} and U+2028/9 escaped.
   */
  public static String goJson(JsonNode node) {
    StringBuilder b = new StringBuilder(256);
    write(b, node);
    return b.toString();
  }

  private static void write(StringBuilder b, JsonNode n) {
    if (n == null || n.isNull() || n.isMissingNode()) {
      b.append("null");
    } else if (n.isObject()) {
      b.append('{');
      Iterator<Map.Entry<String, JsonNode>> it = n.fields();
      boolean first = true;
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!first) {
          b.append(',');
        }
        first = false;
        string(b, e.getKey());
        b.append(':');
        write(b, e.getValue());
      }
      b.append('}');
    } else if (n.isArray()) {
      b.append('[');
      for (int i = 0; i < n.size(); i++) {
        if (i > 0) {
          b.append(',');
        }
        write(b, n.get(i));
      }
      b.append(']');
    } else if (n.isTextual()) {
      string(b, n.asText());
    } else if (n.isBoolean()) {
      b.append(n.asBoolean());
    } else if (n.isNumber()) {
      b.append(goFloat(n.doubleValue()));
    } else {
      string(b, n.asText());
    }
  }

  /** Formats a float64 as Go's encoding/json does. */
  static String goFloat(double f) {
    return ConfigYaml.goFloat(f);
  }

  private static void string(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        case '<' -> b.append("\\u003c");
        case '>' -> b.append("\\u003e");
        case '&' -> b.append("\\u0026");
        case '\u2028' -> b.append("\\u2028");
        case '\u2029' -> b.append("\\u2029");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else if (Character.isSurrogate(c)) {
            if (Character.isHighSurrogate(c)
                && i + 1 < s.length()
                && Character.isLowSurrogate(s.charAt(i + 1))) {
              b.append(c).append(s.charAt(++i));
            } else {
              b.append("\\ufffd");
            }
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }
}
