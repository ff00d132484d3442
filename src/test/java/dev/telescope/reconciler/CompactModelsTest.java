package dev.telescope.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the informer caches hold of objects as a real API server returns them: the fields we never
 * read are really gone, equal parts are shared, and everything the reconciler does with a cached
 * object (compare, merge, JOSDK's finalizer on a copy) still works on it.
 */
class CompactModelsTest {
  private static final KubernetesSerialization CACHE = InterningSerialization.create();
  private static final KubernetesSerialization PLAIN = new KubernetesSerialization();

  private static Deployment deployment(String collector) throws IOException {
    return CACHE.unmarshal(
        RealServerObjectsTest.read("deployment.json").replace("c0000", collector),
        Deployment.class);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "deployment.json",
        "daemonset.json",
        "statefulset.json",
        "poddisruptionbudget.json",
        "service.json",
        "configmap.json",
        "opentelemetrycollector-deployment.json"
      })
  void fieldsNeverReadAreAbsentFromTheCachedObject(String file) throws IOException {
    String json = RealServerObjectsTest.read(file);
    HasMetadata cached = (HasMetadata) CACHE.unmarshal(json);
    String held = PLAIN.asJson(cached);
    assertThat(json).contains("\"managedFields\"");
    assertThat(held).doesNotContain("managedFields").doesNotContain("manager");
    boolean workload =
        !file.startsWith("service")
            && !file.startsWith("configmap")
            && !file.startsWith("opentelemetrycollector");
    if (workload) {
      assertThat(held).doesNotContain("\"conditions\"").doesNotContain("Revision\"");
    }
    // ... and nothing else went missing.
    HasMetadata plain = (HasMetadata) PLAIN.unmarshal(json);
    plain.getMetadata().setManagedFields(null);
    String full = PLAIN.asJson(plain);
    var fullTree = PLAIN.convertValue(plain, Map.class);
    var heldTree = PLAIN.convertValue(cached, Map.class);
    if (workload && fullTree.get("status") instanceof Map<?, ?> st) {
      @SuppressWarnings("unchecked")
      Map<String, Object> status = new LinkedHashMap<>((Map<String, Object>) st);
      status.keySet().removeAll(List.of("conditions", "currentRevision", "updateRevision"));
      fullTree.put("status", status);
    }
    assertThat(heldTree).as(full).isEqualTo(fullTree);
  }

  @Test
  void theReplicaCountsTheStatusIsMadeOfAreKept() throws IOException {
    Deployment d = deployment("c0001");
    assertThat(d.getStatus().getConditions()).isNullOrEmpty();
    assertThat(d.getStatus().getReplicas()).isEqualTo(2);
    StatefulSet s =
        CACHE.unmarshal(RealServerObjectsTest.read("statefulset.json"), StatefulSet.class);
    assertThat(s.getStatus().getCurrentRevision()).isNull();
    assertThat(s.getStatus().getReplicas()).isEqualTo(2);
    PodDisruptionBudget b =
        CACHE.unmarshal(
            RealServerObjectsTest.read("poddisruptionbudget.json"), PodDisruptionBudget.class);
    assertThat(b.getStatus().getConditions()).isNullOrEmpty();
    assertThat(b.getStatus().getExpectedPods()).isEqualTo(2);
  }

  @Test
  void equalPartsOfDifferentObjectsAreOneInstance() throws IOException {
    Deployment a = deployment("c0001");
    Deployment b = deployment("c0002");
    Container ca = a.getSpec().getTemplate().getSpec().getContainers().get(0);
    Container cb = b.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(ca.getLivenessProbe()).isNotNull().isSameAs(cb.getLivenessProbe());
    assertThat(ca.getResources()).isNotNull().isSameAs(cb.getResources());
    assertThat(ca.getPorts()).isNotEmpty().isSameAs(cb.getPorts());
    // Different collectors' labels differ; one object's selector and template labels are equal.
    assertThat(a.getMetadata().getLabels()).isNotEqualTo(b.getMetadata().getLabels());
    assertThat(a.getSpec().getSelector().getMatchLabels())
        .isSameAs(deployment("c0001").getSpec().getSelector().getMatchLabels());
    // Empty lists are one shared immutable list; the metadata stays unique.
    assertThat(ca.getVolumeDevices()).isEmpty();
    assertThat(ca.getVolumeDevices()).isSameAs(cb.getVolumeDevices());
    assertThat(a.getMetadata()).isNotSameAs(b.getMetadata());
  }

  @Test
  void sharedPartsCannotBeChangedInPlace() throws IOException {
    Deployment a = deployment("c0001");
    Container c = a.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThatThrownBy(() -> a.getMetadata().getLabels().put("k", "v"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> c.getVolumeDevices().add(null))
        .isInstanceOf(UnsupportedOperationException.class);
    // A builder copy is ordinary and changeable again, and leaves the cached one alone.
    Deployment copy = new DeploymentBuilder(a).build();
    copy.getMetadata().getLabels().put("k", "v");
    copy.getSpec().getTemplate().getSpec().getContainers().get(0).getVolumeDevices().add(null);
    assertThat(deployment("c0001").getMetadata().getLabels()).doesNotContainKey("k");
  }

  @Test
  void josdkAddsItsFinalizerToACopyOfACachedCollector() throws IOException {
    var cr =
        CACHE.unmarshal(
            RealServerObjectsTest.read("opentelemetrycollector-deployment.json"),
            OpenTelemetryCollector.class);
    cr.getMetadata().setFinalizers(null);
    OpenTelemetryCollector fresh = CACHE.unmarshal(PLAIN.asJson(cr), OpenTelemetryCollector.class);
    // JOSDK's cloner decodes with the client's serialization, then adds the finalizer.
    OpenTelemetryCollector copy = CACHE.clone(fresh);
    assertThat(copy.addFinalizer("opentelemetrycollector.opentelemetry.io/finalizer")).isTrue();
    assertThat(copy.getMetadata().getFinalizers()).hasSize(1);
    assertThat(fresh.getMetadata().getFinalizers()).isEmpty();
    // Equal configs are held once.
    var other =
        CACHE.unmarshal(
            RealServerObjectsTest.read("opentelemetrycollector-deployment.json")
                .replace("c0000", "c0005"),
            OpenTelemetryCollector.class);
    assertThat(other.getSpec().config.receivers).isSameAs(cr.getSpec().config.receivers);
  }

  @Test
  void mergingOurObjectOverACachedOneGivesWhatTheFullObjectWouldGive() throws IOException {
    for (String file :
        List.of("deployment.json", "service.json", "serviceaccount.json", "statefulset.json")) {
      String json = RealServerObjectsTest.read(file);
      HasMetadata cached = (HasMetadata) CACHE.unmarshal(json);
      HasMetadata plain = (HasMetadata) PLAIN.unmarshal(json);
      HasMetadata want =
          RealServerObjectsTest.desired(RealServerObjectsTest.owner(cached)).stream()
              .filter(d -> d.getKind().equals(cached.getKind()))
              .filter(d -> d.getMetadata().getName().equals(cached.getMetadata().getName()))
              .findFirst()
              .orElseThrow();
      // A changed label forces the merge a write would send.
      want.getMetadata().getLabels().put("changed", "yes");
      assertThat(ObjectMatcher.difference(want, cached)).contains("metadata.labels.changed");
      assertThat(PLAIN.asJson(Applier.merge(want, cached)))
          .as(file)
          .isEqualTo(PLAIN.asJson(Applier.merge(want, plain)));
    }
  }

  @Test
  void compactMapsBehaveLikeOrderedMaps() {
    Map<String, String> linked = new LinkedHashMap<>();
    linked.put("b", "2");
    linked.put("a", "1");
    linked.put("n", null);
    Map<String, String> m = CompactStringMap.of(linked);
    assertThat(m).isEqualTo(linked).hasSameHashCodeAs(linked);
    assertThat(m.keySet()).containsExactly("b", "a", "n");
    assertThat(m.get("a")).isEqualTo("1");
    assertThat(m.containsKey("n")).isTrue();
    assertThat(m.get("zz")).isNull();
    assertThatThrownBy(() -> m.put("c", "3")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> m.entrySet().iterator().next().setValue("x"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThat(new LinkedHashMap<>(m)).isEqualTo(linked);
  }
}
