package dev.telescope.webhook;

import static dev.telescope.webhook.SidecarFixtures.CFG;
import static dev.telescope.webhook.SidecarFixtures.NS;
import static dev.telescope.webhook.SidecarFixtures.collector;
import static dev.telescope.webhook.SidecarFixtures.lookup;
import static dev.telescope.webhook.SidecarFixtures.namespace;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.zjsonpatch.JsonPatch;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PodAdmissionTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A pod as the API server sends it for a Deployment's replica: no name, no namespace yet. */
  private static final String POD_JSON =
      """
      {
        "kind": "Pod",
        "apiVersion": "v1",
        "metadata": {
          "generateName": "web-7d4b9c-",
          "creationTimestamp": null,
          "labels": {"app": "web", "pod-template-hash": "7d4b9c"},
          "annotations": {"sidecar.opentelemetry.io/inject": "%s"},
          "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-7d4b9c",
            "uid": "rs-uid", "controller": true, "blockOwnerDeletion": true}]
        },
        "spec": {
          "volumes": [{"name": "kube-api-access-x", "projected": {"sources": [], "defaultMode": 420}}],
          "initContainers": [],
          "containers": [{"name": "web", "image": "nginx", "resources": {}, "env": [],
            "terminationMessagePolicy": "File", "imagePullPolicy": "Always"}],
          "restartPolicy": "Always",
          "someFutureField": {"enabled": true}
        },
        "status": {}
      }
      """;

  private final List<String> events = new CopyOnWriteArrayList<>();
  private final SidecarEvents sink = (pod, ns, message) -> events.add(ns + ": " + message);

  private PodAdmission admission(boolean nativeSidecars, CollectorLookup lookup) {
    return new PodAdmission(new SidecarInjector(CFG, nativeSidecars), lookup, sink);
  }

  /** Decodes an AdmissionReview the way the server does: the object becomes a fabric8 Pod. */
  private static AdmissionRequest request(String operation, String podJson) {
    String review =
        """
        {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {
          "uid": "705ab4f5-6393-11e8-b7cc-42010a800002",
          "kind": {"group": "", "version": "v1", "kind": "Pod"},
          "resource": {"group": "", "version": "v1", "resource": "pods"},
          "requestKind": {"group": "", "version": "v1", "kind": "Pod"},
          "namespace": "%s", "operation": "%s", "object": %s}}
        """
            .formatted(NS, operation, podJson);
    return Serialization.unmarshal(review, AdmissionReview.class).getRequest();
  }

  private static JsonNode patch(AdmissionResponse r) throws Exception {
    assertThat(r.getPatchType()).isEqualTo("JSONPatch");
    return JSON.readTree(
        new String(Base64.getDecoder().decode(r.getPatch()), StandardCharsets.UTF_8));
  }

  private static List<String> ops(JsonNode patch) {
    return StreamSupport.stream(patch.spliterator(), false)
        .map(op -> op.get("op").asText() + " " + op.get("path").asText())
        .toList();
  }

  @Test
  void injectionAnswersWithExactlyTheAddOperations() throws Exception {
    PodAdmission a = admission(false, lookup(List.of(collector(NS, "side", "sidecar"))));
    AdmissionRequest req = request("CREATE", POD_JSON.formatted("true"));
    AdmissionResponse r = a.handle(req);
    assertThat(r.getAllowed()).isTrue();
    assertThat(r.getUid()).isEqualTo(req.getUid());
    JsonNode patch = patch(r);
    assertThat(ops(patch))
        .containsExactly(
            "add /metadata/labels/sidecar.opentelemetry.io~1injected", "add /spec/containers/1");
    assertThat(patch.get(0).get("value").asText()).isEqualTo("apps.side");
    JsonNode sidecar = patch.get(1).get("value");
    assertThat(sidecar.get("name").asText()).isEqualTo("otc-container");
    assertThat(sidecar.get("env").findValuesAsText("name"))
        .containsExactlyElementsOf(SidecarInjectorTest.SMOKE_ENV);
    assertThat(sidecar.get("env").get(7).get("value").asText())
        .contains("k8s.replicaset.name=web-7d4b9c");
    assertThat(r.getWarnings()).isNullOrEmpty();
    assertThat(a.injected()).isEqualTo(1);
    assertThat(events).isEmpty();
  }

  @Test
  void nativeInjectionAddsInitContainersAndVolumes() throws Exception {
    OpenTelemetryCollector smoke = SidecarFixtures.smokeCollector(NS);
    PodAdmission a = admission(true, lookup(List.of(smoke)));
    JsonNode patch = patch(a.handle(request("CREATE", POD_JSON.formatted("true"))));
    // The received pod had "initContainers": [], which the model does not keep, so the whole
    // list is added; JSON Patch "add" replaces the empty list the API server still holds.
    assertThat(ops(patch))
        .containsExactly(
            "add /metadata/labels/sidecar.opentelemetry.io~1injected",
            "add /spec/volumes/1",
            "add /spec/initContainers");
    assertThat(patch.get(2).get("value").get(0).get("restartPolicy").asText()).isEqualTo("Always");
    assertThat(patch.get(1).get("value").get("name").asText())
        .isEqualTo("configmap-example-config");
  }

  @Test
  void thePatchAppliesToThePodAsReceivedAndTouchesNothingElse() throws Exception {
    for (boolean nativeSidecars : List.of(false, true)) {
      PodAdmission a =
          admission(nativeSidecars, lookup(List.of(SidecarFixtures.smokeCollector(NS))));
      String podJson = POD_JSON.formatted("true");
      JsonNode raw = JSON.readTree(podJson);
      JsonNode patched = JsonPatch.apply(patch(a.handle(request("CREATE", podJson))), raw);

      ObjectNode expected = raw.deepCopy();
      ((ObjectNode) expected.at("/metadata/labels"))
          .put("sidecar.opentelemetry.io/injected", "apps.sidecar-for-my-app");
      ObjectNode actual = patched.deepCopy();
      // What injection added, compared separately; everything else must be byte-for-byte the same.
      String list = nativeSidecars ? "initContainers" : "containers";
      JsonNode sidecar =
          ((com.fasterxml.jackson.databind.node.ArrayNode) actual.at("/spec/" + list))
              .remove(actual.at("/spec/" + list).size() - 1);
      assertThat(sidecar.get("name").asText()).isEqualTo("otc-container");
      JsonNode volume =
          ((com.fasterxml.jackson.databind.node.ArrayNode) actual.at("/spec/volumes")).remove(1);
      assertThat(volume.get("name").asText()).isEqualTo("configmap-example-config");
      assertThat(actual).isEqualTo(expected);
      // Unknown fields and API-server nulls survive untouched.
      assertThat(patched.at("/spec/someFutureField/enabled").asBoolean()).isTrue();
      assertThat(patched.at("/metadata").has("creationTimestamp")).isTrue();
    }
  }

  @Test
  void falseAnswersWithExactlyTheRemoveOperation() throws Exception {
    String withSidecar =
        POD_JSON
            .formatted("false")
            .replace(
                "\"imagePullPolicy\": \"Always\"}]",
                "\"imagePullPolicy\": \"Always\"}, {\"name\": \"otc-container\", \"image\": \"c\"}]");
    PodAdmission a = admission(false, lookup(List.of(collector(NS, "side", "sidecar"))));
    AdmissionResponse r = a.handle(request("CREATE", withSidecar));
    JsonNode patch = patch(r);
    assertThat(patch)
        .isEqualTo(JSON.readTree("[{\"op\":\"remove\",\"path\":\"/spec/containers/1\"}]"));
    assertThat(a.removed()).isEqualTo(1);
    assertThat(events).isEmpty();
  }

  @Test
  void aPodThatNeedsNothingGetsNoPatch() {
    PodAdmission a = admission(false, lookup(List.of(collector(NS, "side", "sidecar"))));
    AdmissionResponse r =
        a.handle(
            request("CREATE", POD_JSON.replace("\"sidecar.opentelemetry.io/inject\": \"%s\"", "")));
    assertThat(r.getAllowed()).isTrue();
    assertThat(r.getPatch()).isNull();
    assertThat(r.getPatchType()).isNull();
    assertThat(a.ignored()).isEqualTo(1);
    assertThat(events).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"UPDATE", "DELETE", "CONNECT"})
  void onlyCreateIsMutated(String operation) {
    PodAdmission a = admission(false, lookup(List.of(collector(NS, "side", "sidecar"))));
    AdmissionResponse r = a.handle(request(operation, POD_JSON.formatted("true")));
    assertThat(r.getAllowed()).isTrue();
    assertThat(r.getPatch()).isNull();
    assertThat(a.ignored()).isEqualTo(1);
  }

  @Test
  void otherKindsAreLeftAlone() {
    AdmissionRequest req = request("CREATE", POD_JSON.formatted("true"));
    req.getKind().setKind("ConfigMap");
    PodAdmission a = admission(false, lookup(List.of(collector(NS, "side", "sidecar"))));
    assertThat(a.handle(req).getPatch()).isNull();
  }

  @Test
  void theNamespaceAnnotationIsReadFromTheLookup() throws Exception {
    Namespace annotated = namespace(NS, "side");
    PodAdmission a =
        admission(
            false,
            lookup(
                List.of(collector(NS, "side", "sidecar"), collector(NS, "other", "sidecar")),
                annotated));
    AdmissionResponse r =
        a.handle(
            request("CREATE", POD_JSON.replace("\"sidecar.opentelemetry.io/inject\": \"%s\"", "")));
    assertThat(patch(r).get(0).get("value").asText()).isEqualTo("apps.side");
  }

  @Test
  void aPodObjectGivenAsPlainJsonIsDecodedToo() throws Exception {
    AdmissionRequest req = request("CREATE", POD_JSON.formatted("true"));
    req.setObject(JSON.readValue(POD_JSON.formatted("true"), java.util.Map.class));
    PodAdmission a = admission(false, lookup(List.of(collector(NS, "side", "sidecar"))));
    assertThat(ops(patch(a.handle(req)))).hasSize(2);
  }

  @Test
  void everyNotInjectedReasonBecomesAWarningAndAnEvent() {
    List<OpenTelemetryCollector> collectors =
        List.of(
            collector(NS, "a", "sidecar"),
            collector(NS, "b", "sidecar"),
            collector(NS, "gateway", "deployment"));
    PodAdmission none = admission(false, lookup(List.of()));
    PodAdmission several = admission(false, lookup(collectors));

    List<String> warnings = new ArrayList<>();
    warnings.addAll(none.handle(request("CREATE", POD_JSON.formatted("true"))).getWarnings());
    warnings.addAll(several.handle(request("CREATE", POD_JSON.formatted("true"))).getWarnings());
    warnings.addAll(several.handle(request("CREATE", POD_JSON.formatted("gateway"))).getWarnings());
    warnings.addAll(
        several.handle(request("CREATE", POD_JSON.formatted("x/missing"))).getWarnings());

    List<String> expected =
        List.of(
            "OpenTelemetry sidecar not injected: " + SidecarInjector.NO_INSTANCES,
            "OpenTelemetry sidecar not injected: " + SidecarInjector.MULTIPLE_INSTANCES,
            "OpenTelemetry sidecar not injected: " + SidecarInjector.NOT_SIDECAR,
            "OpenTelemetry sidecar not injected: the OpenTelemetry Collector x/missing does not"
                + " exist");
    assertThat(warnings).containsExactlyElementsOf(expected);
    assertThat(events)
        .containsExactlyElementsOf(expected.stream().map(m -> NS + ": " + m).toList());
    assertThat(none.skipped() + several.skipped()).isEqualTo(4);
  }

  @Test
  void dryRunsLeaveNoEvents() {
    AdmissionRequest req = request("CREATE", POD_JSON.formatted("true"));
    req.setDryRun(true);
    AdmissionResponse r = admission(false, lookup(List.of())).handle(req);
    assertThat(r.getWarnings()).hasSize(1);
    assertThat(events).isEmpty();
  }

  @Test
  void aFailingLookupFailsOpenWithAWarningAndAnEvent() {
    CollectorLookup broken =
        new CollectorLookup() {
          @Override
          public List<OpenTelemetryCollector> sidecarCollectors(String namespace) {
            throw new IllegalStateException("cache exploded");
          }

          @Override
          public Optional<OpenTelemetryCollector> collector(String namespace, String name) {
            throw new IllegalStateException("cache exploded");
          }

          @Override
          public Optional<Namespace> namespace(String name) {
            return Optional.empty();
          }
        };
    PodAdmission a = admission(false, broken);
    AdmissionRequest req = request("CREATE", POD_JSON.formatted("true"));
    AdmissionResponse r = a.handle(req);
    assertThat(r.getAllowed()).isTrue();
    assertThat(r.getUid()).isEqualTo(req.getUid());
    assertThat(r.getPatch()).isNull();
    assertThat(r.getWarnings()).singleElement().asString().contains("cache exploded");
    assertThat(a.failed()).isEqualTo(1);
    assertThat(events).singleElement().asString().contains("cache exploded");
  }

  @Test
  void aFailingNamespaceLookupAndAFailingEventSinkStillAdmit() {
    CollectorLookup broken =
        new CollectorLookup() {
          @Override
          public List<OpenTelemetryCollector> sidecarCollectors(String namespace) {
            return List.of();
          }

          @Override
          public Optional<OpenTelemetryCollector> collector(String namespace, String name) {
            return Optional.empty();
          }

          @Override
          public Optional<Namespace> namespace(String name) {
            throw new IllegalStateException("no namespaces");
          }
        };
    SidecarEvents exploding =
        (pod, ns, message) -> {
          throw new IllegalStateException("sink down");
        };
    PodAdmission a = new PodAdmission(new SidecarInjector(CFG, false), broken, exploding);
    AdmissionResponse r = a.handle(request("CREATE", POD_JSON.formatted("true")));
    assertThat(r.getAllowed()).isTrue();
    assertThat(a.failed()).isEqualTo(1);
  }

  @Test
  void garbageInsteadOfAPodFailsOpen() {
    AdmissionRequest req = request("CREATE", POD_JSON.formatted("true"));
    req.setObject(
        java.util.Map.of(
            "metadata",
            java.util.Map.of(
                "annotations", java.util.Map.of(SidecarInjector.INJECT_ANNOTATION, "true")),
            "spec",
            "not an object"));
    PodAdmission a = admission(false, lookup(List.of(collector(NS, "side", "sidecar"))));
    AdmissionResponse r = a.handle(req);
    assertThat(r.getAllowed()).isTrue();
    assertThat(r.getPatch()).isNull();
    assertThat(a.failed()).isEqualTo(1);
    assertThat(a.counters()).containsEntry("failed", 1L);
  }

  @Test
  void aWarningMentionsAnUnsyncedCache() {
    CollectorLookup loading =
        new CollectorLookup() {
          @Override
          public List<OpenTelemetryCollector> sidecarCollectors(String namespace) {
            return List.of();
          }

          @Override
          public Optional<OpenTelemetryCollector> collector(String namespace, String name) {
            return Optional.empty();
          }

          @Override
          public Optional<Namespace> namespace(String name) {
            return Optional.empty();
          }

          @Override
          public boolean hasSynced() {
            return false;
          }
        };
    AdmissionResponse r =
        admission(false, loading).handle(request("CREATE", POD_JSON.formatted("true")));
    assertThat(r.getWarnings()).singleElement().asString().contains("still loading");
  }

  @Test
  void theSameAnswerForTheSamePod() throws Exception {
    PodAdmission a = admission(false, lookup(List.of(collector(NS, "side", "sidecar"))));
    JsonNode first = patch(a.handle(request("CREATE", POD_JSON.formatted("true"))));
    JsonNode second = patch(a.handle(request("CREATE", POD_JSON.formatted("true"))));
    assertThat(second).isEqualTo(first);
    Pod decoded = Serialization.unmarshal(POD_JSON.formatted("true"), Pod.class);
    assertThat(decoded.getMetadata().getLabels())
        .doesNotContainKey("sidecar.opentelemetry.io/injected");
  }
}
