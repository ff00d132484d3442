package dev.telescope.api.v1beta1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Map;

/**
 * How the collector's own metrics are scraped (ServiceMonitor/PodMonitor, prometheus.io
 * annotations).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ObservabilitySpec {
  /** Metrics settings. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Metrics {
    @JsonPropertyDescription(
        "Create ServiceMonitor/PodMonitor objects when the Prometheus CRDs exist.")
    public Boolean enableMetrics;

    @JsonPropertyDescription("Extra labels on the created ServiceMonitor/PodMonitor objects.")
    public Map<String, String> extraLabels;

    @JsonPropertyDescription("Do not add prometheus.io/* annotations to the collector pods.")
    public Boolean disablePrometheusAnnotations;
  }

  public Metrics metrics;
}
