package dev.telescope.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;

class InterningSerializationTest {
  private final KubernetesSerialization serialization = InterningSerialization.create();

  private ConfigMap configMap(String name, String data) {
    return serialization.unmarshal(
        """
        {"apiVersion":"v1","kind":"ConfigMap",
         "metadata":{"name":"%s","namespace":"team-001",
                     "labels":{"app.kubernetes.io/managed-by":"opentelemetry-operator"}},
         "data":{"collector.yaml":%s,"n":1,"flag":true}}
        """
            .formatted(name, data),
        ConfigMap.class);
  }

  @Test
  void repeatedShortStringsAreOneObject() {
    ConfigMap a = configMap("a", "\"x\"");
    ConfigMap b = configMap("b", "\"x\"");
    assertThat(a.getMetadata().getNamespace()).isSameAs(b.getMetadata().getNamespace());
    assertThat(a.getMetadata().getLabels().get("app.kubernetes.io/managed-by"))
        .isSameAs(b.getMetadata().getLabels().get("app.kubernetes.io/managed-by"));
  }

  @Test
  void longStringsAreLeftAloneAndValuesAreUnchanged() {
    String longText = "y".repeat(InterningSerialization.MAX_INTERNED_LENGTH + 1);
    ConfigMap a = configMap("a", "\"" + longText + "\"");
    ConfigMap b = configMap("b", "\"" + longText + "\"");
    assertThat(a.getData().get("collector.yaml"))
        .isEqualTo(longText)
        .isNotSameAs(longText.intern());
    assertThat(b.getData().get("collector.yaml")).isEqualTo(longText);
    // Jackson's coercions into strings still apply.
    assertThat(a.getData()).containsEntry("n", "1").containsEntry("flag", "true");
  }

  @Test
  void modelsStillRoundTrip() {
    String json =
        """
        {"apiVersion":"v1","kind":"Service","metadata":{"name":"c","namespace":"n"},
         "spec":{"ports":[{"name":"otlp-grpc","port":4317,"protocol":"TCP","targetPort":4317}],
                 "selector":{"app":"x"}}}""";
    Service s = serialization.unmarshal(json, Service.class);
    assertThat(s.getSpec().getPorts().get(0).getTargetPort().getIntVal()).isEqualTo(4317);
    assertThat(serialization.unmarshal(serialization.asJson(s), Service.class)).isEqualTo(s);
  }

  @Test
  void managedFieldsAreNotDecodedAndEmptyPropertyMapsAreShared() throws Exception {
    String json =
        java.nio.file.Files.readString(RealServerObjectsTest.fixtures().resolve("deployment.json"));
    var d = serialization.unmarshal(json, io.fabric8.kubernetes.api.model.apps.Deployment.class);
    assertThat(d.getMetadata().getManagedFields()).isNullOrEmpty();
    var container = d.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(container.getAdditionalProperties()).isEmpty();
    assertThat(container.getAdditionalProperties())
        .isSameAs(d.getMetadata().getAdditionalProperties());
    // Everything else is still there, and the object still works as a model object.
    var plain =
        new KubernetesSerialization()
            .unmarshal(json, io.fabric8.kubernetes.api.model.apps.Deployment.class);
    plain.getMetadata().setManagedFields(new java.util.ArrayList<>());
    // Workload conditions are not decoded either (CompactModelsTest).
    plain.getStatus().setConditions(new java.util.ArrayList<>());
    assertThat(d).isEqualTo(plain);
    var copy = new io.fabric8.kubernetes.api.model.apps.DeploymentBuilder(d).build();
    copy.getMetadata().getAdditionalProperties().put("x", 1);
    assertThat(serialization.asJson(d)).doesNotContain("managedFields");
    assertThat(serialization.unmarshal(serialization.asJson(d), d.getClass())).isEqualTo(d);
  }

  @Test
  void equalStringMapsAreOneUnmodifiableInstance() {
    ConfigMap a = configMap("a", "\"x\"");
    ConfigMap b = configMap("b", "\"x\"");
    assertThat(a.getMetadata().getLabels()).isSameAs(b.getMetadata().getLabels());
    assertThat(a.getData()).isSameAs(b.getData()).containsEntry("collector.yaml", "x");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> a.getMetadata().getLabels().put("k", "v"))
        .isInstanceOf(UnsupportedOperationException.class);
    // A builder copy is an ordinary map again.
    var copy = new io.fabric8.kubernetes.api.model.ConfigMapBuilder(a).build();
    copy.getMetadata().getLabels().put("k", "v");
    assertThat(b.getMetadata().getLabels()).doesNotContainKey("k");
  }
}
