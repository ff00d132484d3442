package dev.telescope.api.common;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.model.annotation.LabelSelector;
import io.fabric8.kubernetes.model.annotation.StatusReplicas;

/** The scale subresource's view of the collector, so `kubectl scale` and HPAs work on the CR. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ScaleStatus {
  @LabelSelector
  @JsonPropertyDescription("The label selector of the collector pods, as a string.")
  public String selector;

  @StatusReplicas
  @JsonPropertyDescription("Total number of non-terminated pods targeted by this collector.")
  public Integer replicas;

  @JsonPropertyDescription("Ready pods over total pods, e.g. 1/1.")
  public String statusReplicas;
}
