package dev.telescope.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telescope.TestYaml;
import dev.telescope.api.instrumentation.Instrumentation;
import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import dev.telescope.settings.OperatorConfig;
import io.fabric8.kubernetes.api.model.GroupVersionKind;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.zjsonpatch.JsonPatch;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The instrumentation step inside /mutate-v1-pod: one patch with the sidecar, fail open. */
class PodInstrumentationTest {
  static final String NS = "apps";
  static final OperatorConfig CFG = OperatorConfig.parse(List.of(), Map.of());

  static final String POD =
      """
      {"apiVersion": "v1", "kind": "Pod",
       "metadata": {"generateName": "web-7d4b9c-", "labels": {"app": "web"},
         "annotations": {%s},
         "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-7d4b9c",
           "uid": "rs-uid", "controller": true}]},
       "spec": {"initContainers": [], "containers": [{"name": "web", "image": "app:2.0",
         "env": [], "resources": {}}], "someFutureField": true}}
      """;

  static Instrumentation inst(String name) {
    return Serialization.unmarshal(
        """
        apiVersion: opentelemetry.io/v1alpha1
        kind: Instrumentation
        metadata: {name: %s, namespace: apps}
        spec:
          exporter: {endpoint: "http://localhost:4317"}
        """
            .formatted(name),
        Instrumentation.class);
  }

  static OpenTelemetryCollector sidecar() {
    return TestYaml.collector(
        """
        apiVersion: opentelemetry.io/v1beta1
        kind: OpenTelemetryCollector
        metadata: {name: sidecar, namespace: apps, uid: c-uid, resourceVersion: "1"}
        spec:
          mode: sidecar
          config:
            receivers: {otlp: {protocols: {grpc: {}}}}
            exporters: {debug: {}}
            service: {pipelines: {traces: {receivers: [otlp], exporters: [debug]}}}
        """);
  }

  final List<String> events = new ArrayList<>();

  CollectorLookup lookup(Instrumentation... insts) {
    Namespace ns = new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build();
    ReplicaSet rs =
        new ReplicaSetBuilder()
            .withNewMetadata()
            .withName("web-7d4b9c")
            .withNamespace(NS)
            .withUid("rs-uid")
            .addNewOwnerReference()
            .withKind("Deployment")
            .withName("web")
            .withUid("dep-uid")
            .endOwnerReference()
            .endMetadata()
            .build();
    return CollectorLookup.of(List.of(sidecar()), List.of(ns), List.of(rs))
        .withInstrumentations(List.of(insts));
  }

  JsonNode admit(String annotations, CollectorLookup lookup) {
    PodAdmission admission =
        new PodAdmission(
            new SidecarInjector(CFG, true),
            lookup,
            (pod, ns, message) -> events.add(message),
            new PodInstrumentation(CFG.instrumentation()));
    AdmissionRequest request = new AdmissionRequest();
    request.setUid("u");
    request.setOperation("CREATE");
    request.setNamespace(NS);
    request.setKind(new GroupVersionKind("", "Pod", "v1"));
    JsonNode pod = JsonPatches.tree(Serialization.unmarshal(POD.formatted(annotations), Map.class));
    AdmissionResponse response = admission.handle(request, pod);
    assertThat(response.getAllowed()).isTrue();
    if (response.getPatch() == null) {
      return pod;
    }
    JsonNode patch =
        JsonPatches.tree(
            Serialization.unmarshal(
                new String(Base64.getDecoder().decode(response.getPatch()), StandardCharsets.UTF_8),
                List.class));
    // Only additions and replacements: nothing the model does not know is lost.
    patch.forEach(op -> assertThat(op.path("op").asText()).isIn("add", "replace"));
    return JsonPatch.apply(patch, pod);
  }

  static List<String> env(JsonNode pod, String list, int i) {
    List<String> out = new ArrayList<>();
    pod.path("spec").path(list).path(i).path("env").forEach(e -> out.add(e.path("name").asText()));
    return out;
  }

  @Test
  void sidecarAndSdkInOnePatchWithTheOwnerChain() {
    JsonNode pod =
        admit(
            "\"sidecar.opentelemetry.io/inject\": \"true\","
                + " \"instrumentation.opentelemetry.io/inject-sdk\": \"true\"",
            lookup(inst("sdk")));
    assertThat(pod.at("/spec/initContainers/0/name").asText()).isEqualTo("otc-container");
    assertThat(env(pod, "containers", 0))
        .containsExactly(
            "OTEL_NODE_IP",
            "OTEL_POD_IP",
            "OTEL_SERVICE_NAME",
            "OTEL_EXPORTER_OTLP_ENDPOINT",
            "OTEL_RESOURCE_ATTRIBUTES_POD_NAME",
            "OTEL_RESOURCE_ATTRIBUTES_NODE_NAME",
            "OTEL_RESOURCE_ATTRIBUTES");
    String attrs = pod.at("/spec/containers/0/env/6/value").asText();
    assertThat(attrs)
        .contains("k8s.deployment.name=web", "k8s.replicaset.name=web-7d4b9c")
        .contains("service.version=2.0");
    assertThat(pod.at("/spec/containers/0/env/2/value").asText()).isEqualTo("web");
    assertThat(pod.at("/spec/someFutureField").asBoolean()).isTrue();
    assertThat(events).isEmpty();
  }

  @Test
  void javaAloneAndIdempotent() {
    CollectorLookup lookup = lookup(inst("java"));
    JsonNode pod = admit("\"instrumentation.opentelemetry.io/inject-java\": \"java\"", lookup);
    assertThat(events).isEmpty();
    assertThat(pod.at("/spec/initContainers/0/name").asText())
        .isEqualTo("opentelemetry-auto-instrumentation-java");
    assertThat(env(pod, "containers", 0)).contains("JAVA_TOOL_OPTIONS");
  }

  @Test
  void missingOrAmbiguousInstrumentationIsAWarningAndThePodIsAdmittedUnchanged() {
    JsonNode none = admit("\"instrumentation.opentelemetry.io/inject-python\": \"true\"", lookup());
    assertThat(none.at("/spec/initContainers").size()).isZero();
    assertThat(events)
        .containsExactly(
            "OpenTelemetry auto-instrumentation not injected: no OpenTelemetry Instrumentation"
                + " instances available");
    events.clear();
    admit(
        "\"instrumentation.opentelemetry.io/inject-python\": \"true\"",
        lookup(inst("a"), inst("b")));
    assertThat(events.get(0)).contains("multiple OpenTelemetry Instrumentation instances");
    events.clear();
    admit("\"instrumentation.opentelemetry.io/inject-go\": \"true\"", lookup(inst("a")));
    assertThat(events.get(0)).contains("support for go auto instrumentation is not enabled");
  }

  @Test
  void countersByLanguageAndOutcome() {
    CollectorLookup lookup = lookup(inst("only"));
    PodInstrumentation step = new PodInstrumentation(CFG.instrumentation());
    ObjectNode pod =
        (ObjectNode)
            JsonPatches.tree(
                Serialization.unmarshal(
                    POD.formatted(
                        "\"instrumentation.opentelemetry.io/inject-java\": \"true\","
                            + " \"instrumentation.opentelemetry.io/inject-go\": \"true\","
                            + " \"instrumentation.opentelemetry.io/go-container-names\": \"web\","
                            + " \"instrumentation.opentelemetry.io/java-container-names\": \"web\""),
                    Map.class));
    PodInstrumentation.Outcome first = step.apply(pod, NS, null, lookup);
    // Go is off by default: that language alone is left out, with a problem.
    assertThat(first.injected()).extracting(l -> l.id()).containsExactly("java");
    assertThat(first.problems())
        .containsExactly("support for go auto instrumentation is not enabled");
    assertThat(step.counters())
        .containsEntry("go.not_injected", 1L)
        .containsEntry("java.injected", 1L)
        .containsEntry("any.failed", 0L)
        .hasSize(8 * 3 + 1);
    // One language alone: injected, and a second admission of the result is skipped.
    ObjectNode javaOnly =
        (ObjectNode)
            JsonPatches.tree(
                Serialization.unmarshal(
                    POD.formatted("\"instrumentation.opentelemetry.io/inject-java\": \"true\""),
                    Map.class));
    PodInstrumentation.Outcome done = step.apply(javaOnly, NS, null, lookup);
    step.apply(done.tree(), NS, null, lookup);
    assertThat(step.counters())
        .containsEntry("java.injected", 2L)
        .containsEntry("java.skipped", 1L);
  }

  @Test
  void treeMergeKeepsWhatTheModelDrops() {
    ObjectNode original = (ObjectNode) JsonPatches.tree(Map.of("a", List.of(), "b", 1));
    JsonNode roundTrip = JsonPatches.tree(Map.of("b", 1));
    JsonNode mutated = JsonPatches.tree(Map.of("b", 2, "c", 3));
    assertThat(PodInstrumentation.preserving(original, roundTrip, mutated))
        .isEqualTo(JsonPatches.tree(Map.of("a", List.of(), "b", 2, "c", 3)));
  }
}
