package dev.telescope.install;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.zjsonpatch.JsonPatch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A deliberately small kustomize: just the features deploy/ uses (resources that are files or
 * directories, JSON 6902 patches with a target, strategic-merge patches made only of maps, the
 * namespace transformer and replacements from a file, run in that order as kustomize does), so that
 * the install tests run without kubectl. Anything else fails loudly instead of being silently
 * ignored; {@link #kubectl} renders with the real thing where it is installed, and a test compares
 * the two.
 */
final class Kustomize {
  private static final Set<String> SUPPORTED_KEYS =
      Set.of("apiVersion", "kind", "resources", "patches", "namespace", "replacements");

  /** Kinds the namespace transformer leaves alone. */
  static final Set<String> CLUSTER_SCOPED =
      Set.of(
          "Namespace",
          "CustomResourceDefinition",
          "ClusterRole",
          "ClusterRoleBinding",
          "MutatingWebhookConfiguration",
          "ValidatingWebhookConfiguration");

  private Kustomize() {}

  /** Renders the kustomization in {@code dir}; objects keep the order kustomize reads them in. */
  static List<ObjectNode> render(Path dir) {
    Path dirAbs = dir.toAbsolutePath().normalize();
    Path kfile = dirAbs.resolve("kustomization.yaml");
    if (!Files.isRegularFile(kfile)) {
      throw new AssertionError(dirAbs + " has no kustomization.yaml");
    }
    ObjectNode k = InstallFiles.readObject(kfile);
    for (Iterator<String> it = k.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!SUPPORTED_KEYS.contains(key)) {
        throw new AssertionError(
            kfile + ": '" + key + "' is not supported by the test renderer; extend Kustomize.java");
      }
    }
    Map<String, ObjectNode> objects = new LinkedHashMap<>();
    for (JsonNode r : k.path("resources")) {
      Path p = dirAbs.resolve(r.asText()).normalize();
      List<ObjectNode> loaded;
      if (Files.isDirectory(p)) {
        loaded = render(p);
      } else {
        if (!p.startsWith(dirAbs)) {
          // kustomize's load restrictor: files must sit inside the kustomization root.
          throw new AssertionError(kfile + ": file " + r.asText() + " is outside the root");
        }
        loaded = InstallFiles.readObjects(p);
      }
      for (ObjectNode o : loaded) {
        if (objects.putIfAbsent(key(o), o) != null) {
          throw new AssertionError(kfile + ": duplicate object " + InstallFiles.id(o));
        }
      }
    }
    for (JsonNode patch : k.path("patches")) {
      applyPatch(dirAbs, kfile, patch, objects);
    }
    List<ObjectNode> result = new ArrayList<>(objects.values());
    if (k.has("namespace")) {
      String ns = k.get("namespace").asText();
      for (ObjectNode o : result) {
        if (!CLUSTER_SCOPED.contains(o.path("kind").asText())) {
          ((ObjectNode) o.path("metadata")).put("namespace", ns);
        }
      }
    }
    for (JsonNode entry : k.path("replacements")) {
      Path p = dirAbs.resolve(entry.path("path").asText()).normalize();
      if (!entry.has("path") || !p.startsWith(dirAbs)) {
        throw new AssertionError(kfile + ": replacements only from files inside the root");
      }
      for (JsonNode replacement : InstallFiles.readDocuments(p).get(0)) {
        Replacements.apply(replacement, result, kfile.toString());
      }
    }
    return result;
  }

  private static void applyPatch(
      Path dir, Path kfile, JsonNode entry, Map<String, ObjectNode> objects) {
    JsonNode body;
    if (entry.has("path")) {
      Path p = dir.resolve(entry.get("path").asText()).normalize();
      if (!p.startsWith(dir)) {
        throw new AssertionError(kfile + ": patch outside the root: " + p);
      }
      List<JsonNode> docs = InstallFiles.readDocuments(p);
      if (docs.size() != 1) {
        throw new AssertionError(p + ": one patch per file, found " + docs.size());
      }
      body = docs.get(0);
    } else if (entry.has("patch")) {
      try {
        body = InstallFiles.YAML.readTree(entry.get("patch").asText());
      } catch (IOException e) {
        throw new AssertionError(kfile + ": unreadable inline patch", e);
      }
    } else {
      throw new AssertionError(kfile + ": patch without path or patch: " + entry);
    }
    if (body.isArray()) {
      JsonNode target = entry.path("target");
      if (target.isMissingNode()) {
        throw new AssertionError(kfile + ": a JSON 6902 patch needs a target");
      }
      List<String> matched = new ArrayList<>();
      for (Map.Entry<String, ObjectNode> e : objects.entrySet()) {
        if (matches(target, e.getValue())) {
          matched.add(e.getKey());
        }
      }
      if (matched.isEmpty()) {
        throw new AssertionError(kfile + ": patch target matches nothing: " + target);
      }
      for (String key : matched) {
        JsonNode patched = JsonPatch.apply(body, objects.get(key));
        objects.put(key, (ObjectNode) patched);
      }
    } else if (body.isObject()) {
      if (entry.has("target")) {
        throw new AssertionError(kfile + ": strategic-merge patches with a target are unsupported");
      }
      if (containsList(body)) {
        // Strategic merge treats lists by their merge keys; JSON merge would replace them.
        throw new AssertionError(
            kfile + ": strategic-merge patch with lists is unsupported here; use JSON 6902");
      }
      if (body.has("$patch")) {
        throw new AssertionError(kfile + ": $patch directives are unsupported here");
      }
      String key = key((ObjectNode) body);
      ObjectNode target = objects.get(key);
      if (target == null) {
        throw new AssertionError(kfile + ": patch for a missing object " + key);
      }
      merge(target, (ObjectNode) body);
    } else {
      throw new AssertionError(kfile + ": patch is neither a list nor an object");
    }
  }

  private static boolean matches(JsonNode target, ObjectNode obj) {
    String apiVersion = obj.path("apiVersion").asText();
    String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
    String version = apiVersion.substring(apiVersion.indexOf('/') + 1);
    return eq(target, "group", group)
        && eq(target, "version", version)
        && eq(target, "kind", obj.path("kind").asText())
        && eq(target, "name", obj.path("metadata").path("name").asText())
        && eq(target, "namespace", obj.path("metadata").path("namespace").asText(""));
  }

  private static boolean eq(JsonNode target, String field, String actual) {
    return !target.has(field) || target.get(field).asText().equals(actual);
  }

  private static boolean containsList(JsonNode n) {
    if (n.isArray()) {
      return true;
    }
    for (JsonNode child : n) {
      if (containsList(child)) {
        return true;
      }
    }
    return false;
  }

  /** RFC 7386 merge (equal to a strategic merge when the patch has no lists). */
  private static void merge(ObjectNode target, ObjectNode patch) {
    for (Map.Entry<String, JsonNode> e : patch.properties()) {
      JsonNode value = e.getValue();
      if (value.isNull()) {
        target.remove(e.getKey());
      } else if (value.isObject() && target.path(e.getKey()).isObject()) {
        merge((ObjectNode) target.get(e.getKey()), (ObjectNode) value);
      } else {
        target.set(e.getKey(), value.deepCopy());
      }
    }
  }

  /** The identity kustomize uses: group, kind, namespace and name. */
  static String key(ObjectNode o) {
    String apiVersion = o.path("apiVersion").asText();
    String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
    return group
        + "|"
        + o.path("kind").asText()
        + "|"
        + o.path("metadata").path("namespace").asText("")
        + "|"
        + o.path("metadata").path("name").asText();
  }

  /** Whether kubectl is on the PATH. */
  static boolean kubectlAvailable() {
    try {
      Process p =
          new ProcessBuilder("kubectl", "version", "--client").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Renders with {@code kubectl kustomize}. */
  static List<ObjectNode> kubectl(Path dir) throws IOException, InterruptedException {
    Path out = Files.createTempFile("kustomize", ".yaml");
    try {
      Process p =
          new ProcessBuilder("kubectl", "kustomize", dir.toString())
              .redirectOutput(out.toFile())
              .redirectError(ProcessBuilder.Redirect.PIPE)
              .start();
      String err = new String(p.getErrorStream().readAllBytes());
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("kubectl kustomize " + dir + " timed out");
      }
      if (p.exitValue() != 0) {
        throw new AssertionError("kubectl kustomize " + dir + " failed: " + err);
      }
      return InstallFiles.readObjects(out);
    } finally {
      Files.deleteIfExists(out);
    }
  }

  /** Objects by {@link #key}. */
  static Map<String, ObjectNode> byKey(List<ObjectNode> objects) {
    Map<String, ObjectNode> m = new LinkedHashMap<>();
    objects.forEach(o -> m.put(key(o), o));
    return m;
  }
}
