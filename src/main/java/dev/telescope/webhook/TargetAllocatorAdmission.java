package dev.telescope.webhook;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telescope.api.v1alpha1.TargetAllocator;
import dev.telescope.config.AllocatorValidation;
import dev.telescope.naming.Names;
import dev.telescope.settings.OperatorConfig;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * Validation of the standalone TargetAllocator resource: the same allocator rules as a collector's
 * embedded allocator (mTLS, the permissions prometheusCR needs), each naming its path under {@code
 * spec}.
 */
public final class TargetAllocatorAdmission {
  /** Where the validating webhook is served (upstream's path for this kind). */
  public static final String VALIDATE_PATH = "/validate-opentelemetry-io-v1alpha1-targetallocator";

  private static final ObjectMapper JSON =
      new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private final OperatorConfig cfg;
  private final AllocatorPermissions permissions;

  /** With the access reviews for prometheusCR (null: not checked). */
  public TargetAllocatorAdmission(OperatorConfig cfg, AllocatorPermissions permissions) {
    this.cfg = cfg;
    this.permissions = permissions;
  }

  public AdmissionResponse validate(AdmissionRequest request) {
    if ("DELETE".equals(request.getOperation())) {
      return AdmissionAnswers.allowed();
    }
    TargetAllocator ta;
    try {
      JsonNode tree = JSON.valueToTree(request.getObject());
      ta = JSON.treeToValue(tree, TargetAllocator.class);
    } catch (Exception e) {
      return AdmissionAnswers.badRequest(
          "the object is not a valid TargetAllocator: " + e.getMessage());
    }
    AllocatorValidation.Result r = AllocatorValidation.standalone(ta.getSpec(), cfg.capabilities());
    List<String> warnings = new ArrayList<>(r.warnings());
    if (r.errors().isEmpty()
        && permissions != null
        && ta.getSpec() != null
        && AllocatorValidation.prometheusCr(ta.getSpec().prometheusCR)) {
      String sa = ta.getSpec().serviceAccount;
      boolean own = sa == null || sa.isEmpty();
      warnings.addAll(
          permissions.warnings(
              namespace(ta, request),
              own ? Names.targetAllocator(ta.getMetadata().getName()) : sa,
              "spec.serviceAccount"));
    }
    return AdmissionAnswers.verdict(r.errors(), warnings);
  }

  private static String namespace(TargetAllocator ta, AdmissionRequest request) {
    String ns = ta.getMetadata() == null ? null : ta.getMetadata().getNamespace();
    return ns == null || ns.isEmpty() ? request.getNamespace() : ns;
  }
}
