package dev.telescope.api.common;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Whether the operator may rewrite an old CR's config when the default collector version moves. */
public enum UpgradeStrategy {
  @JsonProperty("automatic")
  AUTOMATIC,
  @JsonProperty("none")
  NONE
}
