package dev.telescope.api.common;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.autoscaling.v2.PodsMetricSource;

/** A custom autoscaling metric; only {@code type: Pods} is accepted. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class MetricSpec {
  public String type;
  public PodsMetricSource pods;
}
