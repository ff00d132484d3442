package dev.telescope.api.instrumentation;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Map;

/** Resource attributes of the OpenTelemetry specification added by the injected SDK. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Resource {
  @JsonPropertyDescription("Attributes added to the resource, e.g. environment: dev.")
  public Map<String, String> resourceAttributes;

  @JsonPropertyDescription("Whether k8s.*.uid attributes (e.g. k8s.deployment.uid) are added.")
  public Boolean addK8sUIDAttributes;
}
