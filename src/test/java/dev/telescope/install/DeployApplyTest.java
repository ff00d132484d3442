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
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
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
    renderings()
        .forEach(
            (dir, objects) -> {
              List<HasMetadata> created = new ArrayList<>();
              // The CRD first, as kubectl does; cert-manager kinds are left out (no CRD for them
              // here).
              List<ObjectNode> ordered =
                  new ArrayList<>(ofKind(objects, "CustomResourceDefinition"));
              objects.stream().filter(o -> !ordered.contains(o)).forEach(ordered::add);
              for (ObjectNode o : ordered) {
                if (o.path("apiVersion").asText().startsWith("cert-manager.io/")) {
                  continue;
                }
                HasMetadata typed = Strict.typed(o);
                try {
                  created.add(client.resource(typed).create());
                } catch (RuntimeException e) {
                  fail(dir + ": the API server refused " + id(o) + ": " + e.getMessage(), e);
                }
              }
              assertThat(
                      client
                          .apiextensions()
                          .v1()
                          .customResourceDefinitions()
                          .withName(CRD_NAME)
                          .get())
                  .isInstanceOf(CustomResourceDefinition.class);
              assertThat(client.apps().deployments().inNamespace(NAMESPACE).list().getItems())
                  .hasSize(2);
              Collections.reverse(created);
              for (HasMetadata h : created) {
                client.resource(h).delete();
              }
            });
  }
}
