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
 * every step of the case; one without {@code clusters} covers every cluster implementation ({@code
 * render}, {@code mock}).
 */
final class Differences {
  /** One entry. */
  record Entry(String caseId, Set<String> steps, Set<String> clusters, String reason) {
    boolean covers(String id, String step, String cluster) {
      return caseId.equals(id)
          && (steps.isEmpty() || steps.contains(step))
          && (clusters.isEmpty() || cluster == null || clusters.contains(cluster));
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
      Set<String> clusters = new LinkedHashSet<>();
      e.path("clusters").forEach(s -> clusters.add(s.asText()));
      out.add(
          new Entry(e.path("case").asText(), steps, clusters, e.path("reason").asText().trim()));
    }
    return out;
  }

  /** The difference listed for a step on a cluster ({@code null}: on any cluster). */
  Optional<Entry> difference(String caseId, String step, String cluster) {
    return differences.stream().filter(e -> e.covers(caseId, step, cluster)).findFirst();
  }

  /** The skip listed for a step on a cluster ({@code null}: on any cluster). */
  Optional<Entry> skip(String caseId, String step, String cluster) {
    return skips.stream().filter(e -> e.covers(caseId, step, cluster)).findFirst();
  }
}
