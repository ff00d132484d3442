package dev.telescope.webhook;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import java.util.List;

/**
 * The answers a webhook gives when its handler throws (admit with a warning, or deny with a 500
 * status), kept apart so both failure policies read in one place.
 */
final class FailureAnswers {
  private static final int MAX_WARNING_LENGTH = 120;

  private FailureAnswers() {}

  /** {@code namespace/name}; pods created by controllers have only a generateName so far. */
  static String objectRef(AdmissionRequest request) {
    String name = request.getName();
    if ((name == null || name.isEmpty()) && request.getObject() instanceof HasMetadata object) {
      ObjectMeta meta = object.getMetadata();
      name = meta == null || meta.getGenerateName() == null ? null : meta.getGenerateName() + "*";
    }
    String namespace = request.getNamespace();
    return (namespace == null || namespace.isEmpty() ? "" : namespace + "/")
        + (name == null ? "(unnamed)" : name);
  }

  static AdmissionResponse failOpen(String path, Throwable e) {
    AdmissionResponse response = new AdmissionResponse();
    response.setAllowed(true);
    String warning =
        "telescope webhook " + path + " failed, admitted unchanged: " + ReviewJson.describe(e);
    response.setWarnings(List.of(ReviewJson.truncate(warning, MAX_WARNING_LENGTH)));
    return response;
  }

  static AdmissionResponse failClosed(Throwable e) {
    AdmissionResponse response = new AdmissionResponse();
    response.setAllowed(false);
    response.setStatus(
        new StatusBuilder()
            .withStatus("Failure")
            .withCode(500)
            .withReason("InternalError")
            .withMessage("telescope webhook internal error: " + ReviewJson.describe(e))
            .build());
    return response;
  }
}
