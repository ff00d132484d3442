package dev.telescope.api.common;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.IntOrString;

/**
 * The PodDisruptionBudget knobs a user may set; without them the operator uses maxUnavailable 1.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PodDisruptionBudgetSpec {
  @JsonPropertyDescription("An eviction is allowed if at least minAvailable pods remain available.")
  public IntOrString minAvailable;

  @JsonPropertyDescription("An eviction is allowed if at most maxUnavailable pods are unavailable.")
  public IntOrString maxUnavailable;
}
