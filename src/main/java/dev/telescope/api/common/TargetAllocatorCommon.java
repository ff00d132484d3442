package dev.telescope.api.common;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
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
      public Boolean enableMetrics;
    }

    public Metrics metrics;
  }

  public Integer replicas;
  public Map<String, String> nodeSelector;
  public ResourceRequirements resources;

  @JsonPropertyDescription("consistent-hashing (default), least-weighted or per-node.")
  public String allocationStrategy;

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
  public String collectorNotReadyGracePeriod;
  public String collectorTargetReloadInterval;
}
