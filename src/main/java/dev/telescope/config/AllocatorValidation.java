package dev.telescope.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.telescope.api.common.TargetAllocatorCommon;
import dev.telescope.api.common.TargetAllocatorMtls;
import dev.telescope.api.v1alpha1.TargetAllocatorSpec;
import dev.telescope.api.v1beta1.OpenTelemetryCollectorSpec;
import dev.telescope.api.v1beta1.TargetAllocatorEmbedded;
import dev.telescope.settings.Capabilities;
import java.util.ArrayList;
import java.util.List;

/**
 * The target allocator's admission rules that need no cluster, for a collector's embedded allocator
 * and for the TargetAllocator resource, so a config the allocator cannot serve is refused with the
 * path to fix instead of scraping nothing.
 */
public final class AllocatorValidation {
  /** The receiver the allocator takes scrape configs from and rewrites (upstream's key). */
  static final String PROMETHEUS = "prometheus";

  /**
   * Errors refuse the CR; warnings inform.
   *
   * @param errors each a sentence starting with the path it is about
   * @param warnings each a sentence starting with the path it is about
   */
  public record Result(List<String> errors, List<String> warnings) {
    public Result {
      errors = List.copyOf(errors);
      warnings = List.copyOf(warnings);
    }
  }

  private AllocatorValidation() {}

  /** The prometheus receiver and allocator rules of a collector (mode rules live in Validation). */
  public static Result collector(OpenTelemetryCollectorSpec spec, Capabilities caps) {
    List<String> errors = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    TargetAllocatorEmbedded ta = spec == null ? null : spec.targetAllocator;
    boolean enabled = ta != null && Boolean.TRUE.equals(ta.enabled);
    JsonNode receivers = spec == null || spec.config == null ? null : spec.config.receivers;
    JsonNode prom = receivers == null ? null : receivers.get(PROMETHEUS);
    String path = "spec.config.receivers." + PROMETHEUS;
    if (prom != null && prom.isObject() && !enabled && !present(prom.get("config"))) {
      errors.add(
          path
              + ".config: the prometheus receiver has no config; it needs one (with its"
              + " scrape_configs) unless spec.targetAllocator.enabled is true, when the allocator"
              + " hands out the targets");
    }
    if (enabled) {
      boolean cr = ta.prometheusCR != null && Boolean.TRUE.equals(ta.prometheusCR.enabled);
      if (!cr && prom != null && prom.isObject() && scrapeConfigs(prom.get("config")) == 0) {
        errors.add(
            path
                + ".config.scrape_configs: the target allocator would have nothing to hand out;"
                + " define at least one scrape config or set"
                + " spec.targetAllocator.prometheusCR.enabled to true");
      }
      mtls(ta, "spec.targetAllocator", caps, errors);
    }
    return new Result(errors, warnings);
  }

  /** The rules of a standalone TargetAllocator resource. */
  public static Result standalone(TargetAllocatorSpec spec, Capabilities caps) {
    List<String> errors = new ArrayList<>();
    if (spec != null) {
      mtls(spec, "spec", caps, errors);
    }
    return new Result(errors, List.of());
  }

  /** Whether prometheusCR is on, so the allocator's ServiceAccount needs its permissions. */
  public static boolean prometheusCr(TargetAllocatorEmbedded.PrometheusCR cr) {
    return cr != null && Boolean.TRUE.equals(cr.enabled);
  }

  /** mTLS with cert-manager's certificates needs cert-manager (user-provided ones do not). */
  private static void mtls(
      TargetAllocatorCommon ta, String path, Capabilities caps, List<String> errors) {
    if (TargetAllocatorMtls.on(ta.mtls)
        && !Boolean.FALSE.equals(ta.mtls.useCertManager)
        && !caps.certManager()) {
      errors.add(
          path
              + ".mtls.enabled: mTLS between collectors and the allocator takes its certificates"
              + " from cert-manager, whose Issuer and Certificate kinds (cert-manager.io/v1) are not"
              + " installed; install cert-manager or set "
              + path
              + ".mtls.useCertManager to false with your own certificates under "
              + path
              + ".mtls.tls");
    }
  }

  private static boolean present(JsonNode n) {
    return n != null && !n.isNull() && !n.isMissingNode();
  }

  private static int scrapeConfigs(JsonNode config) {
    if (!present(config)) {
      return 0;
    }
    JsonNode list = config.get("scrape_configs");
    return list != null && list.isArray() ? list.size() : 0;
  }
}
