package dev.telescope;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Dependencies between our packages point one way (api <- naming <- settings <- config <- manifests
 * <- reconciler/webhook), and the pure layers stay free of the Kubernetes client, so that they can
 * be tested without a cluster. Packages that do not exist yet pass trivially.
 */
class LayeringTest {
  private static final String ROOT = "dev.telescope";
  private static final String CLIENT = "io.fabric8.kubernetes.client";
  private static final String JOSDK = "io.javaoperatorsdk";

  /** The one client class the CR model must extend. */
  private static final String CUSTOM_RESOURCE = "io.fabric8.kubernetes.client.CustomResource";

  /** For each layer, the other dev.telescope layers it may use. */
  private static final Map<String, Set<String>> ALLOWED =
      Map.of(
          "api", Set.of(),
          "naming", Set.of("api"),
          "settings", Set.of("api", "naming"),
          "config", Set.of("api", "naming", "settings"));

  private static final Pattern IMPORT =
      Pattern.compile("^\\s*import\\s+(?:static\\s+)?([\\w.]+(?:\\.\\*)?)\\s*;", Pattern.MULTILINE);
  private static final Pattern QUALIFIED =
      Pattern.compile(
          "\\b((?:dev\\.telescope|io\\.fabric8\\.kubernetes\\.client|io\\.javaoperatorsdk)(?:\\.\\w+)+)");

  @Test
  void layersOnlyDependDownwards() throws IOException {
    List<String> violations = new ArrayList<>();
    for (Source source : sources()) {
      violations.addAll(check(source.layer(), source.name(), source.code()));
    }
    assertThat(violations).isEmpty();
  }

  @Test
  void checkerFindsViolations() {
    String webhookInReconciler =
        "package dev.telescope.reconciler;\nimport dev.telescope.webhook.Server;\nclass A {}\n";
    String clientInManifests =
        "package dev.telescope.manifests;\nimport io.fabric8.kubernetes.client.KubernetesClient;\n"
            + "import io.fabric8.kubernetes.client.CustomResource;\nclass B {}\n";
    String qualifiedInApi =
        "package dev.telescope.api;\nclass C { dev.telescope.naming.Names n; // dev.telescope.config in a comment\n}\n";
    String josdkInNaming =
        "package dev.telescope.naming;\nimport static io.javaoperatorsdk.operator.api.Foo.bar;\nclass D {}\n";
    String staticWildcard =
        "package dev.telescope.config;\nimport dev.telescope.manifests.*;\nclass E {}\n";

    assertThat(check("reconciler", "A", webhookInReconciler)).hasSize(1);
    assertThat(check("manifests", "B", clientInManifests)).hasSize(1);
    assertThat(check("api", "C", qualifiedInApi)).hasSize(1);
    assertThat(check("naming", "D", josdkInNaming)).hasSize(1);
    assertThat(check("config", "E", staticWildcard)).hasSize(1);
    assertThat(
            check(
                "webhook",
                "F",
                "package dev.telescope.webhook;\nimport dev.telescope.manifests.X;\n"))
        .isEmpty();
  }

  /** Violations of one source file of {@code layer}. */
  static List<String> check(String layer, String name, String code) {
    Set<String> used = references(code);
    List<String> violations = new ArrayList<>();
    for (String ref : used) {
      String target = layerOf(ref);
      boolean client = ref.startsWith(CLIENT + ".") && !ref.equals(CUSTOM_RESOURCE);
      boolean josdk = ref.startsWith(JOSDK + ".");
      String why = null;
      if (target != null && !target.equals(layer)) {
        if (ALLOWED.containsKey(layer) && !ALLOWED.get(layer).contains(target)) {
          why = layer + " may only use " + ALLOWED.get(layer);
        } else if (layer.equals("manifests") && Set.of("reconciler", "webhook").contains(target)) {
          why = "manifests must not use " + target;
        } else if (layer.equals("webhook") && target.equals("reconciler")
            || layer.equals("reconciler") && target.equals("webhook")) {
          why = "webhook and reconciler must not use each other";
        }
      }
      if ((client || josdk) && Set.of("api", "naming", "config", "manifests").contains(layer)) {
        why = layer + " must stay free of the Kubernetes client and JOSDK";
      }
      if (why != null) {
        violations.add(name + " uses " + ref + ": " + why);
      }
    }
    return violations;
  }

  private static Set<String> references(String code) {
    Set<String> refs = new TreeSet<>();
    Matcher imports = IMPORT.matcher(code);
    while (imports.find()) {
      refs.add(imports.group(1));
    }
    Matcher qualified = QUALIFIED.matcher(stripCommentsAndStrings(code));
    while (qualified.find()) {
      refs.add(qualified.group(1));
    }
    refs.removeIf(r -> r.startsWith(ROOT + ".") && layerOf(r) == null);
    return refs;
  }

  /** The dev.telescope layer a reference points into, or null. */
  private static String layerOf(String ref) {
    if (!ref.startsWith(ROOT + ".")) {
      return null;
    }
    String rest = ref.substring(ROOT.length() + 1);
    int dot = rest.indexOf('.');
    String first = dot < 0 ? rest : rest.substring(0, dot);
    // dev.telescope.Main and other root classes are not a layer.
    return Character.isLowerCase(first.charAt(0)) && dot > 0 ? first : null;
  }

  private static String stripCommentsAndStrings(String code) {
    String noBlock = code.replaceAll("(?s)/\\*.*?\\*/", " ");
    String noLine = noBlock.replaceAll("//[^\\n]*", " ");
    String noStrings = noLine.replaceAll("\"(?:\\\\.|[^\"\\\\])*\"", "\"\"");
    return noStrings.replaceAll("(?m)^\\s*(package|import)\\s[^;]*;", " ");
  }

  private record Source(String layer, String name, String code) {}

  private static List<Source> sources() throws IOException {
    Path root = Path.of(System.getProperty("basedir", ".")).resolve("src/main/java/dev/telescope");
    assertThat(root).isDirectory();
    List<Source> out = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        Path relative = root.relativize(file);
        if (relative.getNameCount() < 2) {
          continue; // dev.telescope.Main wires everything together
        }
        out.add(
            new Source(
                relative.getName(0).toString(), relative.toString(), Files.readString(file)));
      }
    }
    assertThat(out).isNotEmpty();
    return out;
  }
}
