package dev.telescope.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.telescope.settings.InstrumentationSettings;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.zjsonpatch.JsonPatch;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Instrumentation webhooks at upstream's paths: defaulting patch and validation answers. */
class InstrumentationAdmissionTest {
  static final InstrumentationAdmission ADMISSION =
      new InstrumentationAdmission(InstrumentationSettings.defaults());

  static AdmissionRequest request(String operation, String yaml) {
    AdmissionRequest r = new AdmissionRequest();
    r.setUid("u");
    r.setOperation(operation);
    r.setObject(Serialization.unmarshal(yaml, Map.class));
    return r;
  }

  static final String INST =
      """
      apiVersion: opentelemetry.io/v1alpha1
      kind: Instrumentation
      metadata: {name: i, namespace: apps}
      spec:
        exporter: {endpoint: "http://collector:4318"}
        sampler: {type: parentbased_traceidratio, argument: "%s"}
        java: {image: mine/java:1}
      """;

  @Test
  void pathsAreUpstreams() {
    assertThat(InstrumentationAdmission.MUTATE_PATH)
        .isEqualTo("/mutate-opentelemetry-io-v1alpha1-instrumentation");
    assertThat(InstrumentationAdmission.VALIDATE_PATH)
        .isEqualTo("/validate-opentelemetry-io-v1alpha1-instrumentation");
  }

  @Test
  void defaultingPatchAddsImagesAndAnnotationsAndKeepsChosenImages() throws Exception {
    AdmissionRequest request = request("CREATE", INST.formatted("0.5"));
    AdmissionResponse response = ADMISSION.mutate(request);
    assertThat(response.getAllowed()).isTrue();
    assertThat(response.getPatchType()).isEqualTo("JSONPatch");
    JsonNode patch =
        JsonPatches.MAPPER.readTree(
            new String(Base64.getDecoder().decode(response.getPatch()), StandardCharsets.UTF_8));
    JsonNode after = JsonPatch.apply(patch, JsonPatches.tree(request.getObject()));
    assertThat(after.at("/spec/java/image").asText()).isEqualTo("mine/java:1");
    assertThat(after.at("/spec/nodejs/image").asText())
        .isEqualTo(InstrumentationSettings.DEFAULT_IMAGES.get("nodejs"));
    assertThat(after.at("/spec/nodejs/resourceRequirements/limits/memory").asText())
        .isEqualTo("256Mi");
    assertThat(
            after
                .at("/metadata/annotations")
                .path("instrumentation.opentelemetry.io/default-auto-instrumentation-java-image")
                .asText())
        .isEqualTo(InstrumentationSettings.DEFAULT_IMAGES.get("java"));
    assertThat(after.at("/spec/sampler/argument").asText()).isEqualTo("0.5");
    // The defaulted object needs no further patch.
    AdmissionRequest again = new AdmissionRequest();
    again.setOperation("UPDATE");
    again.setObject(Serialization.unmarshal(after.toString(), Map.class));
    assertThat(ADMISSION.mutate(again).getPatch()).isNull();
  }

  @Test
  void validationRejectsWithTheFieldAndWarns() {
    AdmissionResponse bad = ADMISSION.validate(request("CREATE", INST.formatted("2")));
    assertThat(bad.getAllowed()).isFalse();
    assertThat(bad.getStatus().getCode()).isEqualTo(422);
    assertThat(bad.getStatus().getMessage())
        .isEqualTo(
            "Instrumentation i is invalid: spec.sampler.argument should be in range [0..1]: 2");
    AdmissionResponse good = ADMISSION.validate(request("UPDATE", INST.formatted("0.25")));
    assertThat(good.getAllowed()).isTrue();
    assertThat(good.getWarnings()).isNullOrEmpty();
    assertThat(ADMISSION.validate(request("DELETE", INST.formatted("2"))).getAllowed()).isTrue();
  }

  @Test
  void notAnInstrumentationIsABadRequest() {
    AdmissionRequest r = new AdmissionRequest();
    r.setOperation("CREATE");
    r.setObject(java.util.List.of(1, 2));
    AdmissionResponse response = ADMISSION.validate(r);
    assertThat(response.getAllowed()).isFalse();
    assertThat(response.getStatus().getCode()).isEqualTo(400);
  }
}
