package dev.telescope.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;

/** What the operator observed of an allocator: version, image and whether it is rendered. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TargetAllocatorStatus {
  @JsonPropertyDescription("Version of the allocator the operand was last reconciled to.")
  public String version;

  @JsonPropertyDescription("The image of the allocator container.")
  public String image;

  @JsonPropertyDescription("The generation the status reflects.")
  public Long observedGeneration;

  @JsonPropertyDescription("Conditions; Ready tells whether the last reconcile succeeded.")
  public List<Condition> conditions;
}
