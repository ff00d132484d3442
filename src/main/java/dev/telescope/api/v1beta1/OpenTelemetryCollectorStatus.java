package dev.telescope.api.v1beta1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.telescope.api.common.ScaleStatus;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;

/** What the operator observed: scale, version, image, conditions. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class OpenTelemetryCollectorStatus {
  @JsonPropertyDescription("The scale subresource's view.")
  public ScaleStatus scale;

  @JsonPropertyDescription("The collector version the operand was last reconciled to.")
  public String version;

  @JsonPropertyDescription("The image of the collector container.")
  public String image;

  @JsonPropertyDescription("The generation the status reflects.")
  public Long observedGeneration;

  @JsonPropertyDescription("Conditions; Ready tells whether the last reconcile succeeded.")
  public List<Condition> conditions;
}
