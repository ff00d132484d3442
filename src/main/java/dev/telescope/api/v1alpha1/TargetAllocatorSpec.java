package dev.telescope.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.JsonNode;
import dev.telescope.api.common.ManagementState;
import dev.telescope.api.common.NetworkPolicySpec;
import dev.telescope.api.common.PortsSpec;
import dev.telescope.api.common.TargetAllocatorCommon;
import dev.telescope.api.v1beta1.TargetAllocatorEmbedded;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import io.fabric8.generator.annotation.Default;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.Lifecycle;
import io.fabric8.kubernetes.api.model.PodDNSConfig;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.util.List;
import java.util.Map;

/**
 * The desired state of a TargetAllocator: the settings a collector embeds, plus the pod fields
 * every workload CR carries and the scrape configuration the allocator hands out.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TargetAllocatorSpec extends TargetAllocatorCommon {
  @Default("managed")
  @JsonPropertyDescription("managed (default) or unmanaged: unmanaged stops all reconciliation.")
  public ManagementState managementState;

  @JsonPropertyDescription("Extra command-line arguments, as --key=value.")
  public Map<String, String> args;

  @JsonPropertyDescription("Annotations of the allocator pods.")
  public Map<String, String> podAnnotations;

  @JsonPropertyDescription("Image pull policy of the allocator container.")
  public String imagePullPolicy;

  public List<VolumeMount> volumeMounts;
  public List<Volume> volumes;
  public List<PortsSpec> ports;
  public List<EnvFromSource> envFrom;
  public Lifecycle lifecycle;
  public Long terminationGracePeriodSeconds;
  public Boolean hostNetwork;
  public Boolean shareProcessNamespace;
  public String priorityClassName;
  public List<Container> initContainers;
  public List<Container> additionalContainers;
  public PodDNSConfig podDnsConfig;
  public List<String> ipFamilies;
  public String ipFamilyPolicy;

  @PreserveUnknownFields
  @JsonPropertyDescription("Prometheus global configuration of the allocator.")
  public Map<String, JsonNode> global;

  @PreserveUnknownFields
  @JsonPropertyDescription("Static Prometheus scrape configurations.")
  public List<Map<String, JsonNode>> scrapeConfigs;

  @JsonPropertyDescription("Prometheus-operator CR discovery.")
  public TargetAllocatorEmbedded.PrometheusCR prometheusCR;

  @JsonPropertyDescription("A NetworkPolicy for the allocator pods.")
  public NetworkPolicySpec networkPolicy;

  @JsonPropertyDescription("Liveness probe of the allocator container.")
  public Probe livenessProbe;

  @JsonPropertyDescription("Readiness probe of the allocator container.")
  public Probe readinessProbe;
}
