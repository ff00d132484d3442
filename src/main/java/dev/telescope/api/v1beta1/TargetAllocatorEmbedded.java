package dev.telescope.api.v1beta1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.telescope.api.common.PrometheusCRCommon;
import dev.telescope.api.common.TargetAllocatorCommon;
import io.fabric8.kubernetes.api.model.LabelSelector;

/** The target allocator embedded in a v1beta1 collector; its CR selectors are LabelSelectors. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TargetAllocatorEmbedded extends TargetAllocatorCommon {
  /** Prometheus-operator CR discovery. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class PrometheusCR extends PrometheusCRCommon {
    @JsonPropertyDescription("PodMonitors to select; empty selects all, absent none.")
    public LabelSelector podMonitorSelector;

    @JsonPropertyDescription("ServiceMonitors to select; empty selects all, absent none.")
    public LabelSelector serviceMonitorSelector;
  }

  @JsonPropertyDescription("Prometheus-operator CR discovery.")
  public PrometheusCR prometheusCR;
}
