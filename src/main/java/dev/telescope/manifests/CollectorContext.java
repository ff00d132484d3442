package dev.telescope.manifests;

import dev.telescope.api.common.Mode;
import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import dev.telescope.api.v1beta1.OpenTelemetryCollectorSpec;
import dev.telescope.config.CollectorConfig;
import dev.telescope.settings.OperatorConfig;

/**
 * One CR with its parsed config and the operator settings, computed once per reconcile and handed
 * to every builder, so that no builder parses the config again.
 *
 * @param cr the collector (v1beta1, as stored)
 * @param cfg the operator settings, with the cluster's capabilities resolved
 * @param config the typed view of {@code spec.config}
 */
public record CollectorContext(
    OpenTelemetryCollector cr, OperatorConfig cfg, CollectorConfig config) {

  /** Parses the CR's config once. */
  public static CollectorContext of(OpenTelemetryCollector cr, OperatorConfig cfg) {
    OpenTelemetryCollectorSpec spec = cr.getSpec();
    return new CollectorContext(cr, cfg, CollectorConfig.of(spec == null ? null : spec.config));
  }

  /** The spec (never null: an empty spec stands in for a missing one). */
  public OpenTelemetryCollectorSpec spec() {
    return cr.getSpec() == null ? new OpenTelemetryCollectorSpec() : cr.getSpec();
  }

  /** The CR's name. */
  public String name() {
    return cr.getMetadata().getName();
  }

  /** The CR's namespace. */
  public String namespace() {
    return cr.getMetadata().getNamespace();
  }

  /** The mode, defaulted. */
  public Mode mode() {
    return spec().effectiveMode();
  }

  /** The collector image: the CR's or the operator default. */
  public String image() {
    String image = spec().image;
    return image == null || image.isBlank() ? cfg.collectorImage() : image;
  }
}
