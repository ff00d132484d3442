package dev.telescope.install;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The OLM bundle under operator/bundle, read once per test. */
final class Bundle {
  final Path dir = InstallFiles.bundle();
  final List<ObjectNode> manifests = new ArrayList<>();
  final ObjectNode csv;

  private static Bundle instance;

  /** The bundle, read once (the CRD is large); callers must not modify it. */
  static synchronized Bundle get() {
    if (instance == null) {
      instance = new Bundle();
    }
    return instance;
  }

  private Bundle() {
    try (Stream<Path> s = Files.list(dir.resolve("manifests"))) {
      s.sorted().forEach(p -> manifests.addAll(InstallFiles.readObjects(p)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<ObjectNode> csvs =
        manifests.stream()
            .filter(o -> "ClusterServiceVersion".equals(o.path("kind").asText()))
            .toList();
    if (csvs.size() != 1) {
      throw new AssertionError("expected exactly one ClusterServiceVersion, found " + csvs.size());
    }
    csv = csvs.get(0);
  }

  JsonNode spec() {
    return csv.path("spec");
  }

  JsonNode installSpec() {
    return spec().path("install").path("spec");
  }

  JsonNode annotations() {
    return csv.path("metadata").path("annotations");
  }

  List<ObjectNode> ofKind(String kind) {
    return manifests.stream().filter(o -> kind.equals(o.path("kind").asText())).toList();
  }

  /** The CSV deployment entry with that name. */
  JsonNode deployment(String name) {
    for (JsonNode d : installSpec().path("deployments")) {
      if (name.equals(d.path("name").asText())) {
        return d;
      }
    }
    throw new AssertionError("CSV has no deployment " + name);
  }

  List<JsonNode> webhookDefinitions() {
    List<JsonNode> out = new ArrayList<>();
    spec().path("webhookdefinitions").forEach(out::add);
    return out;
  }

  /** The rules the CSV gives a ServiceAccount in clusterPermissions or permissions. */
  java.util.Set<String> rules(String section, String serviceAccount) {
    java.util.Set<String> out = new java.util.TreeSet<>();
    for (JsonNode p : installSpec().path(section)) {
      if (serviceAccount.equals(p.path("serviceAccountName").asText())) {
        out.addAll(Rbac.atoms(p.path("rules")));
      }
    }
    return out;
  }
}
