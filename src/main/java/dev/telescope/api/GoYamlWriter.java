package dev.telescope.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes a JSON tree as YAML text the way upstream's Go encoder (goccy/go-yaml) lays it out and
 * quotes it, so rendered ConfigMaps and their hashes match upstream's.
 */
public final class GoYamlWriter {
  private static final Pattern PLAIN_NUMBER =
      Pattern.compile("^[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?$");

  private static final Pattern SPECIAL_WORD =
      Pattern.compile(
          "^(~|null|Null|NULL|true|True|TRUE|false|False|FALSE|y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON"
              + "|off|Off|OFF|\\.inf|\\.Inf|\\.INF|-\\.inf|-\\.Inf|-\\.INF|\\.nan|\\.NaN|\\.NAN)$");

  private final boolean exactIntegers;

  private GoYamlWriter(boolean exactIntegers) {
    this.exactIntegers = exactIntegers;
  }

  /** Writes an already ordered tree as YAML in upstream's layout (two-space indent). */
  public static String emit(JsonNode tree) {
    return write(tree, 2);
  }

  /** Like {@link #emit} but integers in full, so a v1alpha1 view reads back to the same numbers. */
  public static String emitExact(JsonNode tree) {
    return new GoYamlWriter(true).text(tree, 2);
  }

  /**
   * Writes an ordered tree as YAML with {@code indent} spaces per nesting level (sequences indented
   * under their key, {@code "- "} before an item's content). Upstream writes the collector config
   * with 2; the target-allocator rewrite of it goes through a YAML library that uses 4.
   */
  public static String write(JsonNode tree, int indent) {
    return new GoYamlWriter(false).text(tree, indent);
  }

  private String text(JsonNode tree, int indent) {
    StringBuilder out = new StringBuilder();
    if (tree.isObject() && tree.size() > 0) {
      writeMap(out, tree, 0, indent);
    } else {
      out.append(scalarOrFlow(tree)).append('\n');
    }
    return out.toString();
  }

  private void writeMap(StringBuilder out, JsonNode map, int indent, int step) {
    Iterator<Map.Entry<String, JsonNode>> it = map.fields();
    boolean first = true;
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!first) {
        pad(out, indent);
      }
      first = false;
      out.append(key(e.getKey())).append(':');
      writeValueAfterKey(out, e.getValue(), indent, step);
    }
  }

  private void writeValueAfterKey(StringBuilder out, JsonNode v, int indent, int step) {
    if (v.isObject() && v.size() > 0) {
      out.append('\n');
      pad(out, indent + step);
      writeMap(out, v, indent + step, step);
    } else if (v.isArray() && v.size() > 0) {
      out.append('\n');
      pad(out, indent + step);
      writeList(out, v, indent + step, step);
    } else if (v.isTextual() && isBlock(v.asText())) {
      block(out, v.asText(), indent + step);
    } else {
      out.append(' ').append(scalarOrFlow(v)).append('\n');
    }
  }

  private void writeList(StringBuilder out, JsonNode list, int indent, int step) {
    boolean first = true;
    for (JsonNode item : list) {
      if (!first) {
        pad(out, indent);
      }
      first = false;
      out.append('-');
      if (item.isObject() && item.size() > 0) {
        out.append(' ');
        writeMap(out, item, indent + 2, step);
      } else if (item.isArray() && item.size() > 0) {
        out.append(' ');
        writeList(out, item, indent + 2, step);
      } else if (item.isTextual() && isBlock(item.asText())) {
        block(out, item.asText(), indent + step);
      } else {
        out.append(' ').append(scalarOrFlow(item)).append('\n');
      }
    }
  }

  /**
   * Whether a string is written as a literal block: it has a line break and nothing that would make
   * upstream's encoder quote it; a block cannot hold a carriage return or other control characters,
   * nor start (after empty lines) with a space, so those are quoted instead.
   */
  private static boolean isBlock(String s) {
    if (!s.contains("\n") || needsQuotes(s)) {
      return false;
    }
    for (String line : s.split("\n", -1)) {
      if (!line.isEmpty()) {
        return !line.startsWith(" ");
      }
    }
    // Only line breaks: a block would read back as "".
    return false;
  }

  private static void block(StringBuilder out, String text, int indent) {
    boolean trailingNewline = text.endsWith("\n");
    // Chomping as upstream's encoder picks it: keep (|+) for several trailing line breaks, clip
    // (|) for one, strip (|-) for none.
    out.append(text.endsWith("\n\n") ? " |+\n" : trailingNewline ? " |\n" : " |-\n");
    String body = trailingNewline ? text.substring(0, text.length() - 1) : text;
    for (String line : body.split("\n", -1)) {
      if (!line.isEmpty()) {
        pad(out, indent);
        out.append(line);
      }
      out.append('\n');
    }
  }

  private static void pad(StringBuilder out, int n) {
    for (int i = 0; i < n; i++) {
      out.append(' ');
    }
  }

  private static String key(String k) {
    return needsQuotes(k) || k.contains("\n") ? quote(k) : k;
  }

  private String scalarOrFlow(JsonNode v) {
    if (v == null || v.isNull() || v.isMissingNode()) {
      return "null";
    }
    if (v.isObject()) {
      return "{}";
    }
    if (v.isArray()) {
      return "[]";
    }
    if (v.isTextual()) {
      String s = v.asText();
      return needsQuotes(s) || s.contains("\n") ? quote(s) : s;
    }
    if (v.isBoolean()) {
      return v.asBoolean() ? "true" : "false";
    }
    if (v.isIntegralNumber() && exactIntegers) {
      return v.bigIntegerValue().toString();
    }
    if (v.isNumber()) {
      // Upstream holds every number as a Go float64 (the config comes from JSON) and writes it with
      // FormatFloat(f, 'g', -1): 8888 stays 8888, but 1000000 becomes 1e+06.
      double d = v.doubleValue();
      if (Double.isNaN(d)) {
        return ".nan";
      }
      if (Double.isInfinite(d)) {
        return d > 0 ? ".inf" : "-.inf";
      }
      return GoNumbers.goShortestG(d);
    }
    return v.asText();
  }

  /**
   * Whether a plain scalar would be read back as something else (or not at all). This is upstream's
   * encoder rule (goccy/go-yaml {@code IsNeedQuoted}: empty, null/bool words including YAML 1.1's
   * yes/no/on/off, anything numeric including hex/octal/binary and {@code _} separators,
   * timestamps, an indicator first, {@code :} or space last, {@code #}, {@code \\} or {@code ": "}
   * anywhere), plus cases where that encoder would write invalid or ambiguous YAML ({@code
   * .inf}/{@code .nan}, {@code "- x"}, control characters, leading/trailing whitespace). Line
   * breaks are left to the caller (literal block or quotes).
   */
  static boolean needsQuotes(String s) {
    if (s.isEmpty()) {
      return true;
    }
    if (SPECIAL_WORD.matcher(s).matches()
        || PLAIN_NUMBER.matcher(s).matches()
        || GO_NUMBER.matcher(s).matches()
        || looksLikeTimestamp(s)
        || s.equals("<<")
        || s.equals("=")) {
      return true;
    }
    char first = s.charAt(0);
    if ("?:-".indexOf(first) >= 0) {
      if (s.length() == 1 || s.charAt(1) == ' ') {
        return true;
      }
    } else if (",[]{}#&*!|>'\"%@`".indexOf(first) >= 0) {
      return true;
    }
    char last = s.charAt(s.length() - 1);
    // A trailing line break is fine: it is what the block's chomping indicator carries.
    if (first == ' ' || last == ' ' || last == ':') {
      return true;
    }
    if (SEXAGESIMAL.matcher(s).matches()) {
      // 1:2:3 is a base-60 number to YAML 1.1 readers (kubectl, SnakeYAML).
      return true;
    }
    if (s.contains(": ") || s.indexOf('#') >= 0 || s.indexOf('\\') >= 0) {
      return true;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if ((c < 0x20 && c != '\n') || c == 0x7f) {
        return true;
      }
    }
    return false;
  }

  private static final Pattern SEXAGESIMAL =
      Pattern.compile("^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\\.[0-9_]*)?$");

  /** Numbers only Go's YAML reader sees: hex, octal, binary, {@code _} separators, a sign. */
  private static final Pattern GO_NUMBER =
      Pattern.compile(
          "^[-+]?(0x[0-9a-fA-F_]+|0o[0-7_]+|0b[01_]+|[0-9][0-9_]*(\\.[0-9_]*)?([eE][-+]?[0-9]+)?"
              + "|\\.[0-9][0-9_]*([eE][-+]?[0-9]+)?)$");

  private static final Pattern DATE = Pattern.compile("^(\\d{4})-(\\d{2})-(\\d{2})");
  private static final Pattern DATE_TIME =
      Pattern.compile(
          "^\\d{4}-\\d{2}-\\d{2}([Tt]\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[-+]\\d{2}:\\d{2})"
              + "| \\d{2}:\\d{2}:\\d{2})?$");
  private static final Pattern CLOCK = Pattern.compile("^(\\d{1,2}):(\\d{1,2})$");

  /**
   * The timestamp shapes upstream's encoder quotes: RFC 3339 (with {@code T} or {@code t}), {@code
   * 2006-01-02 15:04:05}, {@code 2006-01-02}, and {@code H:M} clock times (which YAML 1.1 readers
   * would otherwise take as base-60 numbers).
   */
  static boolean looksLikeTimestamp(String s) {
    Matcher clock = CLOCK.matcher(s);
    if (clock.matches()) {
      return Integer.parseInt(clock.group(1)) < 24 && Integer.parseInt(clock.group(2)) < 60;
    }
    if (!DATE_TIME.matcher(s).matches()) {
      return false;
    }
    Matcher d = DATE.matcher(s);
    if (!d.find()) {
      return false;
    }
    try {
      java.time.LocalDate.of(
          Integer.parseInt(d.group(1)), Integer.parseInt(d.group(2)), Integer.parseInt(d.group(3)));
      return true;
    } catch (java.time.DateTimeException e) {
      return false;
    }
  }

  /** Go's {@code strconv.Quote}: printable characters kept, everything else escaped. */
  static String quote(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); ) {
      int c = s.codePointAt(i);
      i += Character.charCount(c);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case 0x07 -> b.append("\\a");
        case '\b' -> b.append("\\b");
        case '\f' -> b.append("\\f");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        case 0x0b -> b.append("\\v");
        default -> {
          if (isGoPrintable(c)) {
            b.appendCodePoint(c);
          } else if (c < 0x80) {
            b.append(String.format("\\x%02x", c));
          } else if (c < 0x10000) {
            b.append(String.format("\\u%04x", c));
          } else {
            b.append(String.format("\\U%08x", c));
          }
        }
      }
    }
    return b.append('"').toString();
  }

  /**
   * Go's {@code unicode.IsPrint}: letters, marks, numbers, punctuation, symbols and ASCII space.
   */
  private static boolean isGoPrintable(int c) {
    if (c == ' ') {
      return true;
    }
    switch (Character.getType(c)) {
      case Character.UPPERCASE_LETTER,
          Character.LOWERCASE_LETTER,
          Character.TITLECASE_LETTER,
          Character.MODIFIER_LETTER,
          Character.OTHER_LETTER,
          Character.NON_SPACING_MARK,
          Character.ENCLOSING_MARK,
          Character.COMBINING_SPACING_MARK,
          Character.DECIMAL_DIGIT_NUMBER,
          Character.LETTER_NUMBER,
          Character.OTHER_NUMBER,
          Character.CONNECTOR_PUNCTUATION,
          Character.DASH_PUNCTUATION,
          Character.START_PUNCTUATION,
          Character.END_PUNCTUATION,
          Character.INITIAL_QUOTE_PUNCTUATION,
          Character.FINAL_QUOTE_PUNCTUATION,
          Character.OTHER_PUNCTUATION,
          Character.MATH_SYMBOL,
          Character.CURRENCY_SYMBOL,
          Character.MODIFIER_SYMBOL,
          Character.OTHER_SYMBOL -> {
        return true;
      }
      default -> {
        return false;
      }
    }
  }
}
