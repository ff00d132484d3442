package dev.telescope.api.instrumentation;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Trace sampling of the injected SDK. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Sampler {
  @JsonPropertyDescription(
      "Sampler type, set as OTEL_TRACES_SAMPLER, e.g. parentbased_always_on or"
          + " parentbased_traceidratio.")
  public SamplerType type;

  @JsonPropertyDescription(
      "Sampler argument, set as OTEL_TRACES_SAMPLER_ARG; for the traceidratio samplers a number in"
          + " [0..1], e.g. 0.25.")
  public String argument;
}
