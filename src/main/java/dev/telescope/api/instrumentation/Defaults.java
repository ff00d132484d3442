package dev.telescope.api.instrumentation;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Defaults of the instrumentation. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Defaults {
  @JsonPropertyDescription(
      "Use the common labels for resource attributes: app.kubernetes.io/name becomes service.name,"
          + " app.kubernetes.io/version service.version, app.kubernetes.io/part-of"
          + " service.namespace.")
  public Boolean useLabelsForResourceAttributes;
}
