package dev.telescope.api.v1beta1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.telescope.api.common.TargetAllocatorCommon;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.List;

/** The target allocator embedded in a v1beta1 collector; its CR selectors are LabelSelectors. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TargetAllocatorEmbedded extends TargetAllocatorCommon {
  /** Prometheus-operator CR discovery. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class PrometheusCR {
    public Boolean enabled;

    @JsonPropertyDescription("Default 30s.")
    public String scrapeInterval;

    public LabelSelector podMonitorSelector;
    public LabelSelector serviceMonitorSelector;
    public LabelSelector scrapeConfigSelector;
    public LabelSelector probeSelector;
    public List<String> allowNamespaces;
    public List<String> denyNamespaces;
  }

  public PrometheusCR prometheusCR;
}
