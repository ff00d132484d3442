package dev.telescope.api.common;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBehavior;
import java.util.List;

/** Horizontal autoscaling of the collector; rendered as an HPA that scales the CR itself. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AutoscalerSpec {
  @Min(1)
  @JsonPropertyDescription("The lower limit for the number of replicas.")
  public Integer minReplicas;

  @Min(1)
  @JsonPropertyDescription("The upper limit for the number of replicas.")
  public Integer maxReplicas;

  @JsonPropertyDescription("Scaling behavior in both up and down directions (HPA v2).")
  public HorizontalPodAutoscalerBehavior behavior;

  @JsonPropertyDescription("Custom metrics; only type Pods is supported.")
  public List<MetricSpec> metrics;

  @JsonPropertyDescription("Target average CPU utilization across pods, in percent.")
  public Integer targetCPUUtilization;

  @JsonPropertyDescription("Target average memory utilization across pods, in percent.")
  public Integer targetMemoryUtilization;
}
