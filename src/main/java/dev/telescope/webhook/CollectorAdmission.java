package dev.telescope.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telescope.api.Conversion;
import dev.telescope.api.Hub;
import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import dev.telescope.config.AllocatorValidation;
import dev.telescope.config.Defaults;
import dev.telescope.naming.Names;
import dev.telescope.settings.OperatorConfig;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ConversionRequest;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ConversionResponse;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ConversionResponseBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The admission side of the OpenTelemetryCollector API: upstream's defaulting (stored in the CR, so
 * it takes part in the config hash), validation with precise messages, and version conversion. All
 * three use the same pure functions the reconciler and {@code render} use.
 */
public final class CollectorAdmission {
  /** Where the CR defaulting webhook is served (upstream's path). */
  public static final String MUTATE_PATH =
      "/mutate-opentelemetry-io-v1beta1-opentelemetrycollector";

  /** Where the CR validating webhook is served (upstream's path). */
  public static final String VALIDATE_PATH =
      "/validate-opentelemetry-io-v1beta1-opentelemetrycollector";

  /** Where the CRD's conversion webhook is served. */
  public static final String CONVERT_PATH = "/convert";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final OperatorConfig cfg;
  private final AllocatorPermissions permissions;

  public CollectorAdmission(OperatorConfig cfg) {
    this(cfg, null);
  }

  /**
   * With the access reviews that check an allocator's ServiceAccount for prometheusCR (null: not
   * checked).
   */
  public CollectorAdmission(OperatorConfig cfg, AllocatorPermissions permissions) {
    this.cfg = cfg;
    this.permissions = permissions;
  }

  /** Defaulting: answers a JSON patch that writes upstream's defaults into the CR. */
  public AdmissionResponse mutate(AdmissionRequest request) {
    if ("DELETE".equals(request.getOperation())) {
      return AdmissionAnswers.allowed();
    }
    OpenTelemetryCollector cr;
    try {
      cr = decode(request.getObject());
    } catch (BadObject e) {
      return AdmissionAnswers.badRequest(e.getMessage());
    }
    Defaults.Result defaulted = Defaults.apply(cr, cfg);
    return AdmissionAnswers.allowed(JsonPatches.diff(cr, defaulted.collector()));
  }

  /** Validation: rejects with every problem, each naming its path; warns about null components. */
  public AdmissionResponse validate(AdmissionRequest request) {
    if ("DELETE".equals(request.getOperation())) {
      return AdmissionAnswers.allowed();
    }
    OpenTelemetryCollector cr;
    OpenTelemetryCollector old;
    try {
      cr = Defaults.apply(decode(request.getObject()), cfg).collector();
      old = request.getOldObject() == null ? null : decode(request.getOldObject());
    } catch (BadObject e) {
      return AdmissionAnswers.badRequest(e.getMessage());
    }
    CollectorValidation.Result result = CollectorValidation.validate(cr, old, cfg);
    List<String> warnings = new ArrayList<>(result.warnings());
    if (result.errors().isEmpty()) {
      warnings.addAll(allocatorPermissionWarnings(cr));
    }
    return AdmissionAnswers.verdict(result.errors(), warnings);
  }

  /** prometheusCR on an enabled allocator: what its ServiceAccount lacks. */
  private List<String> allocatorPermissionWarnings(OpenTelemetryCollector cr) {
    var ta = cr.getSpec() == null ? null : cr.getSpec().targetAllocator;
    if (permissions == null
        || ta == null
        || !Boolean.TRUE.equals(ta.enabled)
        || !AllocatorValidation.prometheusCr(ta.prometheusCR)) {
      return List.of();
    }
    boolean own = ta.serviceAccount == null || ta.serviceAccount.isEmpty();
    String sa = own ? Names.targetAllocator(cr.getMetadata().getName()) : ta.serviceAccount;
    return permissions.warnings(
        cr.getMetadata().getNamespace(), sa, "spec.targetAllocator.serviceAccount");
  }

  /** Conversion between v1alpha1 and v1beta1; never fails on a bad config string. */
  public ConversionResponse convert(ConversionRequest request) {
    List<Object> out = new ArrayList<>();
    for (Object o : request.getObjects()) {
      @SuppressWarnings("unchecked")
      Map<String, Object> map = JSON.convertValue(o, Map.class);
      out.add(Conversion.convert(map, request.getDesiredAPIVersion()));
    }
    return new ConversionResponseBuilder().withConvertedObjects(out).build();
  }

  /** An object that is not an OpenTelemetryCollector: the caller's mistake, not ours. */
  private static final class BadObject extends RuntimeException {
    BadObject(String message) {
      super(message, null, false, false);
    }
  }

  private static OpenTelemetryCollector decode(Object object) {
    if (object == null) {
      throw new BadObject("the request carries no object");
    }
    JsonNode tree = JSON.valueToTree(object);
    if (!tree.isObject()) {
      throw new BadObject("the request's object is not a JSON object but " + tree.getNodeType());
    }
    try {
      // The API server has applied the CRD schema already; fields this model does not know are
      // ignored, as the Go operator's decoder ignores them.
      return Hub.toHubIgnoringUnknownFields(tree);
    } catch (IllegalArgumentException e) {
      throw new BadObject(
          "the object is not a valid OpenTelemetryCollector: "
              + Hub.describeDecodingError(e, tree));
    }
  }
}
