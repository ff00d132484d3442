package dev.telescope.api.common;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How the collector runs; each mode selects a different workload kind (or none, for sidecar). */
public enum Mode {
  @JsonProperty("daemonset")
  DAEMONSET("daemonset"),
  @JsonProperty("deployment")
  DEPLOYMENT("deployment"),
  @JsonProperty("sidecar")
  SIDECAR("sidecar"),
  @JsonProperty("statefulset")
  STATEFULSET("statefulset");

  private final String value;

  Mode(String value) {
    this.value = value;
  }

  /** The value as written in the CR. */
  public String value() {
    return value;
  }

  @Override
  public String toString() {
    return value;
  }
}
