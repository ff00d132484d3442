package dev.telescope.webhook;

import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import dev.telescope.config.ImageComponents;
import dev.telescope.config.Validation;
import dev.telescope.settings.OperatorConfig;
import java.util.ArrayList;
import java.util.List;

/** Adapts the CR validation rules to the webhook's answer: errors reject, warnings inform. */
final class CollectorValidation {
  /** Errors (each a full sentence with its path) and warnings. */
  record Result(List<String> errors, List<String> warnings) {}

  private CollectorValidation() {}

  static Result validate(
      OpenTelemetryCollector cr, OpenTelemetryCollector old, OperatorConfig cfg) {
    Validation.Result r = Validation.validate(cr, old, cfg);
    List<String> warnings = new ArrayList<>(r.warnings());
    if (cr.getSpec() != null) {
      String image =
          cr.getSpec().image == null || cr.getSpec().image.isBlank()
              ? cfg.collectorImage()
              : cr.getSpec().image;
      // Never a rejection: a custom build may carry the same name.
      ImageComponents.warning(image, cr.getSpec().config).ifPresent(warnings::add);
    }
    return new Result(r.errors(), warnings);
  }
}
