package dev.telescope.api.common;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.List;

/**
 * Prometheus-operator CR discovery settings of the target allocator that are spelled the same in
 * both versions; only the pod and service monitor selectors differ (label maps in v1alpha1).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public abstract class PrometheusCRCommon {
  @JsonPropertyDescription("Use Prometheus-operator custom resources as scrape targets.")
  public Boolean enabled;

  @JsonPropertyDescription("Default scrape interval; monitors may override it. Default 30s.")
  public String scrapeInterval;

  @JsonPropertyDescription("ScrapeConfig objects to select; empty selects all, absent none.")
  public LabelSelector scrapeConfigSelector;

  @JsonPropertyDescription("Probe objects to select; empty selects all, absent none.")
  public LabelSelector probeSelector;

  @JsonPropertyDescription("Namespaces to look for monitors in.")
  public List<String> allowNamespaces;

  @JsonPropertyDescription("Namespaces to ignore monitors in.")
  public List<String> denyNamespaces;
}
