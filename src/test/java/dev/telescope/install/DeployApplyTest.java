package dev.telescope.install;

import static dev.telescope.install.DeployManifestsTest.ofKind;
import static dev.telescope.install.DeployManifestsTest.renderings;
import static dev.telescope.install.InstallFiles.CRD_NAME;
import static dev.telescope.install.InstallFiles.NAMESPACE;
import static dev.telescope.install.InstallFiles.id;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** Every object of every install flavour is accepted by an API server (fabric8's CRUD mock). */
@EnableKubernetesMockClient(crud = true)
class DeployApplyTest {
  static KubernetesClient client;

  /** Held so that the level sticks: the mock server logs every request at INFO. */
  static final Logger MOCK_LOG = quiet("io.fabric8.mockwebserver");

  static Logger quiet(String name) {
    Logger l = Logger.getLogger(name);
    l.setLevel(Level.WARNING);
    return l;
  }

  @Test
  void everyObjectAppliesToAMockApiServer() {
    List<ObjectNode> base = renderings().get(".");
    Map<String, ObjectNode> baseByKey = Kustomize.byKey(base);
    List<HasMetadata> created = new ArrayList<>();
    // The CRD first, as kubectl does.
    List<ObjectNode> ordered = new ArrayList<>(ofKind(base, "CustomResourceDefinition"));
    base.stream().filter(o -> !ordered.contains(o)).forEach(ordered::add);
    for (ObjectNode o : ordered) {
      created.add(apply(".", o, false));
    }
    assertThat(client.apiextensions().v1().customResourceDefinitions().withName(CRD_NAME).get())
        .isInstanceOf(CustomResourceDefinition.class);
    assertThat(client.apps().deployments().inNamespace(NAMESPACE).list().getItems()).hasSize(2);
    // The overlays as upgrades of the base install: only what they change or add is sent.
    for (String overlay : List.of("overlays/cert-manager", "overlays/openshift")) {
      for (ObjectNode o : renderings().get(overlay)) {
        if (o.path("apiVersion").asText().startsWith("cert-manager.io/")) {
          continue; // no CRD for cert-manager kinds in the mock
        }
        if (!o.equals(baseByKey.get(Kustomize.key(o)))) {
          created.add(apply(overlay, o, true));
        }
      }
      assertThat(
              client
                  .apps()
                  .deployments()
                  .inNamespace(NAMESPACE)
                  .withName("telescope-webhook")
                  .get()
                  .getSpec()
                  .getTemplate()
                  .getSpec()
                  .getContainers()
                  .get(0)
                  .getArgs())
          .as(overlay)
          .containsExactly("webhook", "--cert-mode=files");
    }
    Collections.reverse(created);
    for (HasMetadata h : created) {
      client.resource(h).delete();
    }
    assertThat(client.apps().deployments().inNamespace(NAMESPACE).list().getItems()).isEmpty();
  }

  static HasMetadata apply(String dir, ObjectNode o, boolean mayExist) {
    HasMetadata typed = Strict.typed(o);
    try {
      return mayExist
          ? client.resource(typed).createOr(NonDeletingOperation::update)
          : client.resource(typed).create();
    } catch (RuntimeException e) {
      return fail(dir + ": the API server refused " + id(o) + ": " + e.getMessage(), e);
    }
  }
}
