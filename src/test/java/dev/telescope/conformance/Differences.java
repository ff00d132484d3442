package dev.telescope.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code conformance/differences.yaml}: the cases and steps where we knowingly do not match
 * upstream ({@code differences}, each with its reason; they count as not passing) and those that
 * cannot be checked without a real cluster ({@code skips}). An entry without {@code steps} covers
 * every step of the case.
 */
final class Differences {
  /** One entry. */
  record Entry(String caseId, Set<String> steps, String reason) {
    boolean covers(String id, String step) {
      return caseId.equals(id) && (steps.isEmpty() || steps.contains(step));
    }
  }

  final List<Entry> differences;
  final List<Entry> skips;

  private Differences(List<Entry> differences, List<Entry> skips) {
    this.differences = differences;
    this.skips = skips;
  }

  static Differences load() {
    try (InputStream in = Differences.class.getResourceAsStream("/conformance/differences.yaml")) {
      if (in == null) {
        return new Differences(List.of(), List.of());
      }
      JsonNode root = new YAMLMapper().readTree(in);
      return new Differences(entries(root.path("differences")), entries(root.path("skips")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<Entry> entries(JsonNode list) {
    List<Entry> out = new ArrayList<>();
    for (JsonNode e : list) {
      Set<String> steps = new LinkedHashSet<>();
      e.path("steps").forEach(s -> steps.add(s.asText()));
      out.add(new Entry(e.path("case").asText(), steps, e.path("reason").asText().trim()));
    }
    return out;
  }

  Optional<Entry> difference(String caseId, String step) {
    return differences.stream().filter(e -> e.covers(caseId, step)).findFirst();
  }

  Optional<Entry> skip(String caseId, String step) {
    return skips.stream().filter(e -> e.covers(caseId, step)).findFirst();
  }
}
