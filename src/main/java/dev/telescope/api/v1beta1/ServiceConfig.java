package dev.telescope.api.v1beta1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import java.util.List;
import java.util.Map;

/** The collector config's {@code service} section: enabled extensions, telemetry, pipelines. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"extensions", "telemetry", "pipelines"})
public class ServiceConfig {
  @JsonPropertyDescription("Extensions enabled in the collector.")
  public List<String> extensions;

  @PreserveUnknownFields
  @JsonPropertyDescription("The collector's own telemetry settings (free-form).")
  public JsonNode telemetry;

  @JsonPropertyDescription("Pipelines by id, e.g. traces or metrics/2.")
  public Map<String, Pipeline> pipelines;
}
