package dev.telescope.api.v1beta1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.telescope.api.common.CommonSpec;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.apps.DaemonSetUpdateStrategy;

/** The desired state of a collector in the storage version. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "!has(self.tolerations) || !has(self.mode) || self.mode != 'sidecar' || size(self.tolerations) == 0",
    message =
        "the OpenTelemetry Collector mode is set to sidecar, which does not support the attribute 'tolerations'")
@ValidationRule(
    value =
        "!has(self.priorityClassName) || !has(self.mode) || self.mode != 'sidecar' || self.priorityClassName == ''",
    message =
        "the OpenTelemetry Collector mode is set to sidecar, which does not support the attribute 'priorityClassName'")
@ValidationRule(
    value = "!has(self.affinity) || !has(self.mode) || self.mode != 'sidecar'",
    message =
        "the OpenTelemetry Collector mode is set to sidecar, which does not support the attribute 'affinity'")
@ValidationRule(
    value =
        "!has(self.additionalContainers) || !has(self.mode) || self.mode != 'sidecar' || size(self.additionalContainers) == 0",
    message =
        "the OpenTelemetry Collector mode is set to sidecar, which does not support the attribute 'additionalContainers'")
public class OpenTelemetryCollectorSpec extends CommonSpec {
  @Required
  @PreserveUnknownFields
  @JsonPropertyDescription(
      "The collector configuration. Write empty components as batch: {} rather than batch:.")
  public Config config;

  @JsonPropertyDescription("Update strategy of the DaemonSet (daemonset mode only).")
  public DaemonSetUpdateStrategy daemonSetUpdateStrategy;

  @JsonPropertyDescription("Target allocator settings.")
  public TargetAllocatorEmbedded targetAllocator;

  @JsonPropertyDescription("Observability settings of the collector's own metrics.")
  public ObservabilitySpec observability;
}
