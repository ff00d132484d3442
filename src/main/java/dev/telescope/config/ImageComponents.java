package dev.telescope.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.telescope.api.v1beta1.Config;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether the chosen official collector image contains the components a config uses: the core image
 * lacks most contrib components, and a collector that names one it lacks crash-loops at start. The
 * component lists are data ({@code distributions-0.158.yaml}); only images of that release are
 * checked, and the answer is a warning, never a rejection.
 */
public final class ImageComponents {
  private static final Pattern OFFICIAL =
      Pattern.compile(
          "^(?:ghcr\\.io/open-telemetry/opentelemetry-collector-releases/|(?:docker\\.io/)?otel/)"
              + "opentelemetry-collector(-k8s|-contrib)?(?::v?([0-9][^@]*))?(?:@.*)?$");
  static final List<String> SECTIONS =
      List.of("receivers", "exporters", "processors", "extensions", "connectors");
  private static final Lists LISTS = load();

  private ImageComponents() {}

  /** The component types per section of each listed distribution, and their release. */
  record Lists(String version, Map<String, Map<String, Set<String>>> distributions) {}

  /** An official image: its distribution (core, k8s, contrib) and tag (null without one). */
  record Image(String distribution, String tag) {}

  static Optional<Image> official(String image) {
    Matcher m = OFFICIAL.matcher(image == null ? "" : image.trim());
    if (!m.matches()) {
      return Optional.empty();
    }
    String d = m.group(1) == null ? "core" : m.group(1).substring(1);
    return Optional.of(new Image(d, m.group(2)));
  }

  /**
   * The warning for an image that lacks components the config declares, or empty when the image is
   * not an official core/k8s image of the listed release, or has them all.
   */
  public static Optional<String> warning(String image, Config config) {
    Optional<Image> official = official(image);
    if (official.isEmpty()
        || official.get().tag() == null
        || !(official.get().tag().equals(LISTS.version())
            || official.get().tag().startsWith(LISTS.version() + "."))) {
      return Optional.empty();
    }
    Map<String, Set<String>> has = LISTS.distributions().get(official.get().distribution());
    if (has == null || config == null) {
      return Optional.empty();
    }
    Map<String, Set<String>> missing = missing(config, has);
    if (missing.isEmpty()) {
      return Optional.empty();
    }
    boolean k8sHasThem =
        !official.get().distribution().equals("k8s")
            && missing(config, LISTS.distributions().get("k8s")).isEmpty();
    List<String> parts = new ArrayList<>();
    missing.forEach((section, ids) -> parts.add(section + " " + String.join(", ", ids)));
    String base = image.substring(0, image.lastIndexOf("opentelemetry-collector"));
    String tag = official.get().tag();
    return Optional.of(
        "the collector image "
            + image
            + " ("
            + official.get().distribution()
            + " distribution) does not contain "
            + String.join("; ", parts)
            + ", so the collector will fail to start; use "
            + (k8sHasThem ? base + "opentelemetry-collector-k8s:" + tag + " or " : "")
            + base
            + "opentelemetry-collector-contrib:"
            + tag
            + ", or an image built with these components");
  }

  /** Declared components (by id) the lists do not contain, per section. */
  static Map<String, Set<String>> missing(Config config, Map<String, Set<String>> has) {
    Map<String, Set<String>> out = new LinkedHashMap<>();
    for (String section : SECTIONS) {
      JsonNode components = section(config, section);
      if (components == null || !components.isObject()) {
        continue;
      }
      Set<String> known = has.getOrDefault(section, Set.of());
      Set<String> lacking = new TreeSet<>();
      components
          .fieldNames()
          .forEachRemaining(
              id -> {
                if (!known.contains(ComponentPorts.normalType(id))) {
                  lacking.add(id);
                }
              });
      if (!lacking.isEmpty()) {
        out.put(section, lacking);
      }
    }
    return out;
  }

  private static JsonNode section(Config c, String name) {
    return switch (name) {
      case "receivers" -> c.receivers;
      case "exporters" -> c.exporters;
      case "processors" -> c.processors;
      case "extensions" -> c.extensions;
      default -> c.connectors;
    };
  }

  private static Lists load() {
    try (InputStream in =
        ImageComponents.class.getResourceAsStream(
            "/dev/telescope/config/distributions-0.158.yaml")) {
      JsonNode root = new YAMLMapper().readTree(in);
      Map<String, Map<String, Set<String>>> d = new LinkedHashMap<>();
      for (String dist : List.of("core", "k8s")) {
        Map<String, Set<String>> sections = new LinkedHashMap<>();
        for (String section : SECTIONS) {
          Set<String> types = new TreeSet<>();
          root.path(dist).path(section).forEach(t -> types.add(t.asText()));
          sections.put(section, Set.copyOf(types));
        }
        d.put(dist, sections);
      }
      return new Lists(root.path("version").asText(), d);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
