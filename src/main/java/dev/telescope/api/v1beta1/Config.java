package dev.telescope.api.v1beta1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import io.fabric8.generator.annotation.Required;

/**
 * The collector configuration as a structured object. Component sections stay free-form JSON so
 * that any collector component, known to us or not, round-trips untouched. Top-level keys the
 * collector does not know (typically a mis-indented component) are kept in the stored object, as
 * upstream does, but ignored here, so they never reach the rendered collector config.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"receivers", "exporters", "processors", "connectors", "extensions", "service"})
public class Config {
  @Required
  @PreserveUnknownFields
  @JsonPropertyDescription("Receivers by id (type or type/name). Write empty ones as {}.")
  public JsonNode receivers;

  @Required
  @PreserveUnknownFields
  @JsonPropertyDescription("Exporters by id. Write empty ones as {}.")
  public JsonNode exporters;

  @PreserveUnknownFields
  @JsonPropertyDescription("Processors by id. Write empty ones as {}.")
  public JsonNode processors;

  @PreserveUnknownFields
  @JsonPropertyDescription("Connectors by id.")
  public JsonNode connectors;

  @PreserveUnknownFields
  @JsonPropertyDescription("Extensions by id.")
  public JsonNode extensions;

  @Required
  @JsonPropertyDescription("Enabled extensions, telemetry and pipelines.")
  public ServiceConfig service;
}
