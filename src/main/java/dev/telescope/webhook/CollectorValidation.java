package dev.telescope.webhook;

import dev.telescope.api.Conversion;
import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import dev.telescope.config.CollectorConfig;
import dev.telescope.config.OperatorConfig;
import java.util.ArrayList;
import java.util.List;

/** Adapts the CR validation rules to the webhook's answer: errors reject, warnings inform. */
final class CollectorValidation {
  /** Errors (each a full sentence with its path) and warnings. */
  record Result(List<String> errors, List<String> warnings) {}

  private CollectorValidation() {}

  static Result validate(
      OpenTelemetryCollector cr, OpenTelemetryCollector old, OperatorConfig cfg) {
    List<String> errors = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    var annotations = cr.getMetadata().getAnnotations();
    if (annotations != null && annotations.containsKey(Conversion.INVALID_CONFIG_ANNOTATION)) {
      errors.add(
          "spec.config: the v1alpha1 config string is not a valid collector config (YAML map)");
    }
    CollectorConfig config = CollectorConfig.of(cr.getSpec() == null ? null : cr.getSpec().config);
    config.problems().forEach(p -> errors.add("spec.config." + p));
    if (!config.warnings().isEmpty()) {
      warnings.add(CollectorAdmission.nullWarning(config.warnings()));
    }
    if (old != null
        && old.getSpec() != null
        && cr.getSpec() != null
        && old.getSpec().effectiveMode() != cr.getSpec().effectiveMode()) {
      errors.add(
          "the OpenTelemetry Collector mode is set to "
              + old.getSpec().effectiveMode()
              + ", which does not support modification");
    }
    return new Result(errors, warnings);
  }
}
