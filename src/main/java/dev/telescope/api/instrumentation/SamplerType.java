package dev.telescope.api.instrumentation;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;

/** The sampler types OTEL_TRACES_SAMPLER accepts (upstream's enum). */
public enum SamplerType {
  @JsonProperty("always_on")
  ALWAYS_ON("always_on"),
  @JsonProperty("always_off")
  ALWAYS_OFF("always_off"),
  @JsonProperty("traceidratio")
  TRACEIDRATIO("traceidratio"),
  @JsonProperty("parentbased_always_on")
  PARENTBASED_ALWAYS_ON("parentbased_always_on"),
  @JsonProperty("parentbased_always_off")
  PARENTBASED_ALWAYS_OFF("parentbased_always_off"),
  @JsonProperty("parentbased_traceidratio")
  PARENTBASED_TRACEIDRATIO("parentbased_traceidratio"),
  @JsonProperty("jaeger_remote")
  JAEGER_REMOTE("jaeger_remote"),
  @JsonProperty("parentbased_jaeger_remote")
  PARENTBASED_JAEGER_REMOTE("parentbased_jaeger_remote"),
  @JsonProperty("xray")
  XRAY("xray");

  private final String value;

  SamplerType(String value) {
    this.value = value;
  }

  /** The spelling in YAML and in OTEL_TRACES_SAMPLER. */
  @JsonValue
  public String value() {
    return value;
  }
}
