package dev.telescope.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.telescope.api.common.PrometheusCRCommon;
import dev.telescope.api.common.TargetAllocatorCommon;
import java.util.Map;

/** The target allocator embedded in a v1alpha1 collector; its CR selectors are plain label maps. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TargetAllocatorEmbedded extends TargetAllocatorCommon {
  /** Prometheus-operator CR discovery; v1alpha1 selects monitors by exact labels. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class PrometheusCR extends PrometheusCRCommon {
    @JsonPropertyDescription("Labels a PodMonitor must carry to be selected; empty selects all.")
    public Map<String, String> podMonitorSelector;

    @JsonPropertyDescription(
        "Labels a ServiceMonitor must carry to be selected; empty selects all.")
    public Map<String, String> serviceMonitorSelector;
  }

  @JsonPropertyDescription("Prometheus-operator CR discovery.")
  public PrometheusCR prometheusCR;
}
