package dev.telescope.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/** v1alpha1 observability; upstream spelled the annotation switch with a capital D. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ObservabilitySpec {
  /** Metrics settings. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Metrics {
    public Boolean enableMetrics;
    public Map<String, String> extraLabels;

    @JsonProperty("DisablePrometheusAnnotations")
    public Boolean disablePrometheusAnnotations;
  }

  public Metrics metrics;
}
