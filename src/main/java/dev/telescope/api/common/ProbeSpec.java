package dev.telescope.api.common;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Probe tuning; the probe handler itself always comes from the health_check extension. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ProbeSpec {
  public Integer initialDelaySeconds;
  public Integer timeoutSeconds;
  public Integer periodSeconds;
  public Integer successThreshold;
  public Integer failureThreshold;
  public Long terminationGracePeriodSeconds;
}
