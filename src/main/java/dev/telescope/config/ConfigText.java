package dev.telescope.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.telescope.api.v1beta1.Config;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Explains what is wrong with a collector config as text (unreadable YAML, null components), in one
 * line fit for an admission answer, apart from the rules {@link Validation} applies.
 */
final class ConfigText {
  private ConfigText() {}

  /**
   * Keys whose value is null, in every component section, nested maps written with dots and each
   * entry ending in a colon ({@code receivers.otlp.protocols.grpc:}), sorted.
   */
  static List<String> nullObjects(Config config) {
    List<String> out = new ArrayList<>();
    if (config == null) {
      return out;
    }
    Map<String, Function<Config, JsonNode>> sections = new java.util.LinkedHashMap<>();
    sections.put("receivers", c -> c.receivers);
    sections.put("exporters", c -> c.exporters);
    sections.put("processors", c -> c.processors);
    sections.put("extensions", c -> c.extensions);
    sections.put("connectors", c -> c.connectors);
    sections.forEach((name, get) -> collectNulls(get.apply(config), name + ".", out));
    Collections.sort(out);
    return out;
  }

  private static void collectNulls(JsonNode node, String prefix, List<String> out) {
    if (node == null || !node.isObject()) {
      return;
    }
    Iterator<Map.Entry<String, JsonNode>> it = node.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getValue() == null || e.getValue().isNull()) {
        out.add(prefix + e.getKey() + ":");
      } else {
        collectNulls(e.getValue(), prefix + e.getKey() + ".", out);
      }
    }
  }

  /** Why a v1alpha1 config string is not a config: the YAML error, or what it is instead. */
  static String whyNotAConfig(String text) {
    if (text.length() > dev.telescope.api.ConfigYaml.MAX_TEXT_CHARS) {
      return "it is "
          + text.length()
          + " characters long, more than the limit of "
          + dev.telescope.api.ConfigYaml.MAX_TEXT_CHARS;
    }
    try {
      JsonNode n = new YAMLMapper().readTree(text);
      if (n == null || n.isNull() || n.isMissingNode()) {
        return "it is empty or null, not a map";
      }
      if (n.isArray()) {
        return "it is a list, not a map";
      }
      if (!n.isObject()) {
        return "it is a " + n.getNodeType().toString().toLowerCase(Locale.ROOT) + ", not a map";
      }
      // A mapping that still failed: too deep, too many aliases, or the wrong shape.
      return dev.telescope.api.ConfigYaml.parse(text)
          .error()
          .orElse("it is not a valid collector config");
    } catch (JsonProcessingException e) {
      String msg = parserProblem(e.getOriginalMessage());
      var loc = e.getLocation();
      return "not valid YAML"
          + (loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr())
          + (msg.isEmpty() ? "" : ": " + msg);
    }
  }

  /**
   * SnakeYAML's message without its location echoes: each "in 'reader', line.., column..:" line is
   * followed by a source snippet and a caret line, which read badly in a one-line admission answer.
   */
  private static String parserProblem(String message) {
    if (message == null) {
      return "";
    }
    List<String> lines = new ArrayList<>(List.of(message.split("\n")));
    List<String> kept = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).trim();
      boolean caretNext = i + 1 < lines.size() && lines.get(i + 1).trim().equals("^");
      if (line.isEmpty() || line.equals("^") || line.startsWith("in '") || caretNext) {
        continue;
      }
      kept.add(line);
    }
    return String.join("; ", kept);
  }
}
