package dev.telescope.api.common;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import java.util.List;
import java.util.Map;

/**
 * The target allocator settings both API versions share. Kept field for field so that CRs that use
 * them are accepted and round-trip; rendering the allocator itself is a separate capability.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public abstract class TargetAllocatorCommon {
  /** Observability of the allocator itself. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Observability {
    /** Metrics settings. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Metrics {
      @JsonPropertyDescription("Create a ServiceMonitor for the allocator's own metrics.")
      public Boolean enableMetrics;

      @JsonPropertyDescription("Labels added to the allocator's own metrics.")
      public Map<String, String> extraLabels;

      @JsonPropertyDescription("Do not add the prometheus.io scrape annotations.")
      public Boolean disablePrometheusAnnotations;
    }

    public Metrics metrics;
  }

  public Integer replicas;
  public Map<String, String> nodeSelector;
  public ResourceRequirements resources;

  @Default("consistent-hashing")
  @JsonPropertyDescription("consistent-hashing (default), least-weighted or per-node.")
  public String allocationStrategy;

  @Default("relabel-config")
  @JsonPropertyDescription("relabel-config (default) or empty.")
  public String filterStrategy;

  public String serviceAccount;
  public String image;
  public Boolean enabled;
  public Affinity affinity;
  public SecurityContext securityContext;
  public PodSecurityContext podSecurityContext;
  public List<TopologySpreadConstraint> topologySpreadConstraints;
  public List<Toleration> tolerations;
  public List<EnvVar> env;
  public Observability observability;
  public PodDisruptionBudgetSpec podDisruptionBudget;
  public Boolean allowInsecureAuthSecrets;

  @Default("30s")
  @JsonPropertyDescription("How long a not-ready collector keeps its targets. Default 30s.")
  public String collectorNotReadyGracePeriod;

  @Default("30s")
  @JsonPropertyDescription("How often collectors ask the allocator for their targets. Default 30s.")
  public String collectorTargetReloadInterval;

  @JsonPropertyDescription("TLS between collectors and the allocator (cert-manager by default).")
  public TargetAllocatorMtls mtls;
}
