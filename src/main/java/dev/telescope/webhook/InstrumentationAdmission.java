package dev.telescope.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.telescope.api.instrumentation.Instrumentation;
import dev.telescope.instrumentation.InstrumentationDefaults;
import dev.telescope.instrumentation.InstrumentationValidation;
import dev.telescope.settings.InstrumentationSettings;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponseBuilder;

/**
 * The admission side of the Instrumentation API at upstream's paths: defaulting (images from the
 * operator's flags, recorded in annotations for the start-up upgrade) and validation, both by the
 * pure functions of {@code dev.telescope.instrumentation}.
 */
public final class InstrumentationAdmission {
  /** Where the defaulting webhook is served (upstream's path). */
  public static final String MUTATE_PATH = "/mutate-opentelemetry-io-v1alpha1-instrumentation";

  /** Where the validating webhook is served (upstream's path). */
  public static final String VALIDATE_PATH = "/validate-opentelemetry-io-v1alpha1-instrumentation";

  private final InstrumentationSettings settings;

  public InstrumentationAdmission(InstrumentationSettings settings) {
    this.settings = settings;
  }

  /** Defaulting: a JSON Patch writing the defaults into the object. */
  public AdmissionResponse mutate(AdmissionRequest request) {
    if ("DELETE".equals(request.getOperation())) {
      return AdmissionAnswers.allowed();
    }
    Instrumentation inst;
    try {
      inst = decode(request.getObject());
    } catch (IllegalArgumentException e) {
      return AdmissionAnswers.badRequest(e.getMessage());
    }
    return AdmissionAnswers.allowed(
        JsonPatches.diff(inst, InstrumentationDefaults.apply(inst, settings)));
  }

  /** Validation: rejects with every error, each naming its field; passes warnings on. */
  public AdmissionResponse validate(AdmissionRequest request) {
    if ("DELETE".equals(request.getOperation())) {
      return AdmissionAnswers.allowed();
    }
    Instrumentation inst;
    try {
      inst = decode(request.getObject());
    } catch (IllegalArgumentException e) {
      return AdmissionAnswers.badRequest(e.getMessage());
    }
    InstrumentationValidation.Result result = InstrumentationValidation.validate(inst, settings);
    AdmissionResponseBuilder b =
        new AdmissionResponseBuilder().withAllowed(result.errors().isEmpty());
    if (!result.warnings().isEmpty()) {
      b.withWarnings(result.warnings());
    }
    if (!result.errors().isEmpty()) {
      b.withStatus(
          new StatusBuilder()
              .withStatus("Failure")
              .withCode(422)
              .withReason("Invalid")
              .withMessage(
                  "Instrumentation "
                      + inst.getMetadata().getName()
                      + " is invalid: "
                      + String.join("; ", result.errors()))
              .build());
    }
    return b.build();
  }

  private static Instrumentation decode(Object object) {
    if (object == null) {
      throw new IllegalArgumentException("the request carries no object");
    }
    JsonNode tree = JsonPatches.tree(object);
    if (!tree.isObject()) {
      throw new IllegalArgumentException(
          "the request's object is not a JSON object but " + tree.getNodeType());
    }
    try {
      Instrumentation inst = JsonPatches.MAPPER.treeToValue(tree, Instrumentation.class);
      if (inst.getMetadata() == null) {
        throw new IllegalArgumentException("the Instrumentation has no metadata");
      }
      return inst;
    } catch (com.fasterxml.jackson.core.JsonProcessingException | RuntimeException e) {
      if (e instanceof IllegalArgumentException iae) {
        throw iae;
      }
      throw new IllegalArgumentException(
          "the object is not a valid Instrumentation: "
              + e.getMessage().lines().findFirst().orElse(""));
    }
  }
}
