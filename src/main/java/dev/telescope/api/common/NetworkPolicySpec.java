package dev.telescope.api.common;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Whether the operator renders a NetworkPolicy admitting traffic to the collector's ports. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class NetworkPolicySpec {
  @JsonPropertyDescription("Render a NetworkPolicy for the collector (defaults to true).")
  public Boolean enabled;
}
