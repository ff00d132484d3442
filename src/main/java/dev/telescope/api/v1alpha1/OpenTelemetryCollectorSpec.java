package dev.telescope.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.telescope.api.common.CommonSpec;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.apps.DaemonSetUpdateStrategy;

/** The desired state of a collector in v1alpha1: config is YAML text. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class OpenTelemetryCollectorSpec extends CommonSpec {
  @Required
  @JsonPropertyDescription("The collector configuration, as YAML text.")
  public String config;

  @JsonPropertyDescription("Deprecated: use autoscaler.minReplicas.")
  public Integer minReplicas;

  @JsonPropertyDescription("Deprecated: use autoscaler.maxReplicas.")
  public Integer maxReplicas;

  @JsonPropertyDescription("Update strategy of the DaemonSet (daemonset mode only).")
  public DaemonSetUpdateStrategy updateStrategy;

  @JsonPropertyDescription("Target allocator settings.")
  public TargetAllocatorEmbedded targetAllocator;

  @JsonPropertyDescription("Observability settings of the collector's own metrics.")
  public ObservabilitySpec observability;
}
