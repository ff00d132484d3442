package dev.telescope.webhook;

import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import dev.telescope.config.Validation;
import dev.telescope.settings.OperatorConfig;
import java.util.List;

/** Adapts the CR validation rules to the webhook's answer: errors reject, warnings inform. */
final class CollectorValidation {
  /** Errors (each a full sentence with its path) and warnings. */
  record Result(List<String> errors, List<String> warnings) {}

  private CollectorValidation() {}

  static Result validate(
      OpenTelemetryCollector cr, OpenTelemetryCollector old, OperatorConfig cfg) {
    Validation.Result r = Validation.validate(cr, old, cfg);
    return new Result(r.errors(), r.warnings());
  }
}
