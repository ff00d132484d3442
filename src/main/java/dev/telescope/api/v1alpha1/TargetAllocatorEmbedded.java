package dev.telescope.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.telescope.api.common.TargetAllocatorCommon;
import java.util.Map;

/** The target allocator embedded in a v1alpha1 collector; its CR selectors are plain label maps. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TargetAllocatorEmbedded extends TargetAllocatorCommon {
  /** Prometheus-operator CR discovery. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class PrometheusCR {
    public Boolean enabled;

    @JsonPropertyDescription("Default 30s.")
    public String scrapeInterval;

    public Map<String, String> podMonitorSelector;
    public Map<String, String> serviceMonitorSelector;
  }

  public PrometheusCR prometheusCR;
}
