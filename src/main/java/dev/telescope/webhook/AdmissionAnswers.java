package dev.telescope.webhook;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponseBuilder;
import java.util.List;

/** The answers every CR webhook gives, built in one place so that they read the same everywhere. */
final class AdmissionAnswers {
  private AdmissionAnswers() {}

  /** Allowed, unchanged (a DELETE, or nothing to say). */
  static AdmissionResponse allowed() {
    return new AdmissionResponseBuilder().withAllowed(true).build();
  }

  /** Allowed, with the JSON patch when it changes anything. */
  static AdmissionResponse allowed(ArrayNode patch) {
    AdmissionResponseBuilder b = new AdmissionResponseBuilder().withAllowed(true);
    if (!patch.isEmpty()) {
      b.withPatchType("JSONPatch").withPatch(JsonPatches.base64(patch));
    }
    return b.build();
  }

  /** Denied with 400 and the reason, rather than a 500 "internal error" with Jackson's words. */
  static AdmissionResponse badRequest(String message) {
    return new AdmissionResponseBuilder()
        .withAllowed(false)
        .withStatus(
            new StatusBuilder()
                .withStatus("Failure")
                .withCode(400)
                .withReason("BadRequest")
                .withMessage(message)
                .build())
        .build();
  }

  /** Allowed unless there are errors (422 Invalid, all of them in the message); warnings told. */
  static AdmissionResponse verdict(List<String> errors, List<String> warnings) {
    AdmissionResponseBuilder b = new AdmissionResponseBuilder().withAllowed(errors.isEmpty());
    if (!warnings.isEmpty()) {
      b.withWarnings(warnings);
    }
    if (!errors.isEmpty()) {
      b.withStatus(
          new StatusBuilder()
              .withCode(422)
              .withReason("Invalid")
              .withMessage(String.join("; ", errors))
              .build());
    }
    return b.build();
  }
}
