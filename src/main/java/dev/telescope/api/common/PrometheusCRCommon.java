package dev.telescope.api.common;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import io.fabric8.generator.annotation.Default;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.List;
import java.util.Map;

/**
 * Prometheus-operator CR discovery settings of the target allocator that are spelled the same in
 * both versions; only the pod and service monitor selectors differ (label maps in v1alpha1).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public abstract class PrometheusCRCommon {
  @JsonPropertyDescription("Use Prometheus-operator custom resources as scrape targets.")
  public Boolean enabled;

  @Default("30s")
  @JsonPropertyDescription("Default scrape interval; monitors may override it. Default 30s.")
  public String scrapeInterval;

  @Default("30s")
  @JsonPropertyDescription("Default interval between rule evaluations. Default 30s.")
  public String evaluationInterval;

  @JsonPropertyDescription("Protocols to negotiate during a scrape, most preferred first.")
  public List<String> scrapeProtocols;

  @PreserveUnknownFields
  @JsonPropertyDescription("Prometheus-operator ScrapeClass objects monitors may reference.")
  public List<Map<String, JsonNode>> scrapeClasses;

  @JsonPropertyDescription("ScrapeConfig objects to select; empty selects all, absent none.")
  public LabelSelector scrapeConfigSelector;

  @JsonPropertyDescription("Probe objects to select; empty selects all, absent none.")
  public LabelSelector probeSelector;

  @JsonPropertyDescription("Namespaces to look for monitors in.")
  public List<String> allowNamespaces;

  @JsonPropertyDescription("Namespaces to ignore monitors in.")
  public List<String> denyNamespaces;

  @JsonPropertyDescription("Namespaces to watch secrets in; default the allocator's own.")
  public List<String> secretNamespaces;

  @JsonPropertyDescription("Drop monitor endpoints that reference files on the allocator's disk.")
  public Boolean denyFSAccessThroughSMs;

  @Default("{}")
  @JsonPropertyDescription("Namespaces to look for PodMonitors in; empty selects all.")
  public LabelSelector podMonitorNamespaceSelector;

  @Default("{}")
  @JsonPropertyDescription("Namespaces to look for ServiceMonitors in; empty selects all.")
  public LabelSelector serviceMonitorNamespaceSelector;

  @Default("{}")
  @JsonPropertyDescription("Namespaces to look for ScrapeConfigs in; empty selects all.")
  public LabelSelector scrapeConfigNamespaceSelector;

  @Default("{}")
  @JsonPropertyDescription("Namespaces to look for Probes in; empty selects all.")
  public LabelSelector probeNamespaceSelector;
}
