package dev.telescope.install;

import static dev.telescope.install.DeployManifestsTest.MUTATING;
import static dev.telescope.install.DeployManifestsTest.OPERATOR;
import static dev.telescope.install.DeployManifestsTest.WEBHOOK;
import static dev.telescope.install.DeployManifestsTest.find;
import static dev.telescope.install.InstallFiles.CRD_NAME;
import static dev.telescope.install.InstallFiles.NAMESPACE;
import static dev.telescope.install.InstallFiles.id;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cert-manager and OpenShift overlays installed into another namespace by changing their one
 * {@code namespace:} line: nothing keeps pointing at telescope-system (dnsNames, inject-ca-from,
 * the pod webhook's namespaceSelector, service references, RBAC subjects, the Namespace itself).
 */
class OverlayNamespaceTest {

  static final String RENAMED = "observability-system";

  @TempDir Path tmp;

  List<ObjectNode> renamed(String overlay) throws IOException {
    Path copy = tmp.resolve("deploy");
    try (Stream<Path> files = Files.walk(InstallFiles.deploy())) {
      for (Path p : files.toList()) {
        Path target = copy.resolve(InstallFiles.deploy().relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
    Path kfile = copy.resolve(overlay).resolve("kustomization.yaml");
    String k = Files.readString(kfile);
    assertThat(k).contains("\nnamespace: " + NAMESPACE + "\n");
    Files.writeString(
        kfile, k.replace("\nnamespace: " + NAMESPACE + "\n", "\nnamespace: " + RENAMED + "\n"));
    return Kustomize.render(copy.resolve(overlay));
  }

  @Test
  void certManagerOverlayFollowsTheNamespace() throws IOException {
    List<ObjectNode> objects = renamed("overlays/cert-manager");
    assertFollows(objects);
    ObjectNode cert = find(objects, "Certificate", "telescope-webhook");
    assertThat(Rbac.texts(cert.path("spec").path("dnsNames")))
        .containsExactly(
            WEBHOOK + "." + RENAMED + ".svc", WEBHOOK + "." + RENAMED + ".svc.cluster.local");
    DeployManifestsTest.assertInjectsCaFrom(objects, RENAMED + "/telescope-webhook");
  }

  @Test
  void openShiftOverlayFollowsTheNamespace() throws IOException {
    assertFollows(renamed("overlays/openshift"));
  }

  @Test
  void unrenamedOverlaysAreUnchangedByTheReplacements() {
    for (String overlay : List.of("overlays/cert-manager", "overlays/openshift")) {
      List<ObjectNode> objects = DeployManifestsTest.renderings().get(overlay);
      assertThat(objects.toString()).as(overlay).doesNotContain(RENAMED);
      find(objects, "Namespace", NAMESPACE);
    }
  }

  private static void assertFollows(List<ObjectNode> objects) {
    assertThat(objects.toString()).doesNotContain(NAMESPACE);
    find(objects, "Namespace", RENAMED);
    for (ObjectNode o : objects) {
      String ns = o.path("metadata").path("namespace").asText("");
      assertThat(ns).as(id(o)).isIn("", RENAMED);
    }
    List<JsonNode> services = new ArrayList<>();
    for (ObjectNode o : DeployManifestsTest.caBundleTargets(objects)) {
      o.path("webhooks").forEach(w -> services.add(w.path("clientConfig").path("service")));
    }
    services.add(
        find(objects, "CustomResourceDefinition", CRD_NAME)
            .path("spec")
            .path("conversion")
            .path("webhook")
            .path("clientConfig")
            .path("service"));
    assertThat(services)
        .as("every webhook and the conversion")
        .hasSize(DeployManifestsTest.PATHS.size() + 1);
    services.forEach(s -> assertThat(s.path("namespace").asText()).isEqualTo(RENAMED));
    JsonNode selector =
        find(objects, "MutatingWebhookConfiguration", MUTATING)
            .path("webhooks")
            .get(0)
            .path("namespaceSelector")
            .path("matchExpressions")
            .get(0);
    assertThat(Rbac.texts(selector.path("values"))).containsExactly(RENAMED);
    assertThat(Rbac.boundTo(objects, OPERATOR, RENAMED, "ClusterRoleBinding", "ClusterRole"))
        .isNotEmpty();
    assertThat(Rbac.boundTo(objects, OPERATOR, RENAMED, "RoleBinding", "Role")).isNotEmpty();
    assertThat(Rbac.boundTo(objects, WEBHOOK, RENAMED, "ClusterRoleBinding", "ClusterRole"))
        .isNotEmpty();
  }
}
