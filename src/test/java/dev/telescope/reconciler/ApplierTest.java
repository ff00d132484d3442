package dev.telescope.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Applier against fabric8's CRUD mock API server, which enforces resourceVersion on PUT. */
@EnableKubernetesMockClient(crud = true)
class ApplierTest {
  KubernetesClient client;

  static ConfigMap configMap(Map<String, String> data, Map<String, String> annotations) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName("cm")
        .withNamespace("ns")
        .withAnnotations(annotations)
        .endMetadata()
        .withData(data)
        .build();
  }

  @Test
  void aStaleCachedCopyIsReadAgainInsteadOfFailingWithAConflict() {
    ConfigMap created = client.resource(configMap(Map.of("a", "1"), Map.of())).create();
    ConfigMap stale = Serialization.clone(created);
    // Someone else (or our own previous write) changed it since the cache saw it.
    ConfigMap other = Serialization.clone(created);
    other.getMetadata().setAnnotations(Map.of("someone", "else"));
    client.resource(other).update();

    Applier applier = new Applier(client);
    Applier.Result r = applier.apply(configMap(Map.of("a", "2"), Map.of()), stale);

    assertThat(r.outcome()).isEqualTo(Applier.Outcome.UPDATED);
    ConfigMap now = client.configMaps().inNamespace("ns").withName("cm").get();
    assertThat(now.getData()).containsEntry("a", "2");
    assertThat(now.getMetadata().getAnnotations()).containsEntry("someone", "else");
  }

  @Test
  void aStaleCopyOfAnObjectAlreadyAsDesiredWritesNothingMore() {
    ConfigMap created = client.resource(configMap(Map.of("a", "1"), Map.of())).create();
    ConfigMap stale = Serialization.clone(created);
    ConfigMap changed = Serialization.clone(created);
    changed.setData(Map.of("a", "2"));
    client.resource(changed).update();

    Applier applier = new Applier(client);
    Applier.Result r = applier.apply(configMap(Map.of("a", "2"), Map.of()), stale);

    assertThat(r.outcome()).isEqualTo(Applier.Outcome.UNCHANGED);
    assertThat(applier.writes()).isEqualTo(1);
  }
}
