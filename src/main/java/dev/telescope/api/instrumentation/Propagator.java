package dev.telescope.api.instrumentation;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;

/** The context propagators OTEL_PROPAGATORS accepts (upstream's enum). */
public enum Propagator {
  @JsonProperty("tracecontext")
  TRACECONTEXT("tracecontext"),
  @JsonProperty("baggage")
  BAGGAGE("baggage"),
  @JsonProperty("b3")
  B3("b3"),
  @JsonProperty("b3multi")
  B3MULTI("b3multi"),
  @JsonProperty("jaeger")
  JAEGER("jaeger"),
  @JsonProperty("xray")
  XRAY("xray"),
  @JsonProperty("ottrace")
  OTTRACE("ottrace"),
  @JsonProperty("none")
  NONE("none");

  private final String value;

  Propagator(String value) {
    this.value = value;
  }

  /** The spelling in YAML and in OTEL_PROPAGATORS. */
  @JsonValue
  public String value() {
    return value;
  }
}
