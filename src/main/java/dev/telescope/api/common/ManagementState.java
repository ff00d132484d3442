package dev.telescope.api.common;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Whether the operator reconciles the CR's objects at all; {@code unmanaged} freezes them. */
public enum ManagementState {
  @JsonProperty("managed")
  MANAGED,
  @JsonProperty("unmanaged")
  UNMANAGED
}
