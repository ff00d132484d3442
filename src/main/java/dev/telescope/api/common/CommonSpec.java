package dev.telescope.api.common;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HostAlias;
import io.fabric8.kubernetes.api.model.Lifecycle;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodDNSConfig;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SessionAffinityConfig;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.DeploymentStrategy;
import io.fabric8.kubernetes.api.model.apps.StatefulSetPersistentVolumeClaimRetentionPolicy;
import io.fabric8.kubernetes.model.annotation.SpecReplicas;
import java.util.List;
import java.util.Map;

/**
 * The spec fields that mean the same in v1alpha1 and v1beta1, so conversion copies them as one
 * block and nothing can be forgotten on the way.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public abstract class CommonSpec {
  @Default("managed")
  @JsonPropertyDescription("managed (default) or unmanaged: unmanaged stops all reconciliation.")
  public ManagementState managementState;

  @JsonPropertyDescription("Compute resources of the collector container.")
  public ResourceRequirements resources;

  @JsonPropertyDescription("Node selector of the collector pods (not for sidecar mode).")
  public Map<String, String> nodeSelector;

  @JsonPropertyDescription("Extra collector flags, rendered as sorted --key=value arguments.")
  public Map<String, String> args;

  @SpecReplicas
  @Default("1")
  @JsonPropertyDescription("Number of collector pods (deployment and statefulset modes).")
  public Integer replicas;

  @JsonPropertyDescription("PodDisruptionBudget of the collector (deployment and statefulset).")
  public PodDisruptionBudgetSpec podDisruptionBudget;

  @JsonPropertyDescription("Security context of the collector container.")
  public SecurityContext securityContext;

  @JsonPropertyDescription("Security context of the collector pod (ignored in sidecar mode).")
  public PodSecurityContext podSecurityContext;

  @JsonPropertyDescription("Annotations added to the collector pods.")
  public Map<String, String> podAnnotations;

  @JsonPropertyDescription(
      "An existing ServiceAccount to run the collector as; none is created then.")
  public String serviceAccount;

  @JsonPropertyDescription("The collector image; defaults to the operator's --collector-image.")
  public String image;

  @JsonPropertyDescription("Image pull policy of the collector container.")
  public String imagePullPolicy;

  @JsonPropertyDescription("Volume mounts added to the collector container.")
  public List<VolumeMount> volumeMounts;

  @JsonPropertyDescription("Extra ports exposed by the collector Service and container.")
  public List<PortsSpec> ports;

  @JsonPropertyDescription("Environment variables of the collector container.")
  public List<EnvVar> env;

  @JsonPropertyDescription("Environment sources of the collector container.")
  public List<EnvFromSource> envFrom;

  @JsonPropertyDescription("Tolerations of the collector pods (not for sidecar mode).")
  public List<Toleration> tolerations;

  @JsonPropertyDescription("Volumes added to the collector pods.")
  public List<Volume> volumes;

  @JsonPropertyDescription("Affinity of the collector pods (not for sidecar mode).")
  public Affinity affinity;

  @JsonPropertyDescription("Lifecycle hooks of the collector container.")
  public Lifecycle lifecycle;

  @JsonPropertyDescription("Termination grace period of the collector pods.")
  public Long terminationGracePeriodSeconds;

  @JsonPropertyDescription("Topology spread constraints (deployment and statefulset).")
  public List<TopologySpreadConstraint> topologySpreadConstraints;

  @JsonPropertyDescription("Run the collector pods in the host's network namespace.")
  public Boolean hostNetwork;

  @JsonPropertyDescription("DNS policy of the collector pods.")
  public String dnsPolicy;

  @JsonPropertyDescription("Run the collector pods in the host's PID namespace.")
  public Boolean hostPID;

  @JsonPropertyDescription("Share one process namespace between the pod's containers.")
  public Boolean shareProcessNamespace;

  @JsonPropertyDescription("Priority class of the collector pods (not for sidecar mode).")
  public String priorityClassName;

  @JsonPropertyDescription(
      "Init containers of the collector pods (also injected with the sidecar).")
  public List<Container> initContainers;

  @JsonPropertyDescription("Containers run beside otc-container (not for sidecar mode).")
  public List<Container> additionalContainers;

  @JsonPropertyDescription("DNS configuration of the collector pods.")
  public PodDNSConfig podDnsConfig;

  @JsonPropertyDescription("IP families of the collector Services.")
  public List<String> ipFamilies;

  @Default("SingleStack")
  @JsonPropertyDescription("IP family policy of the collector Services.")
  public String ipFamilyPolicy;

  @JsonPropertyDescription("Traffic distribution of the collector Services, e.g. PreferClose.")
  public String trafficDistribution;

  @JsonPropertyDescription("Session affinity of the collector Services.")
  public String sessionAffinity;

  @JsonPropertyDescription("Session affinity configuration of the collector Services.")
  public SessionAffinityConfig sessionAffinityConfig;

  @JsonPropertyDescription("Use the host's user namespace (false enables user namespaces).")
  public Boolean hostUsers;

  @JsonPropertyDescription("Extra /etc/hosts entries of the collector pods.")
  public List<HostAlias> hostAliases;

  // StatefulSet-only fields.

  @JsonPropertyDescription("PersistentVolumeClaim templates (statefulset mode only).")
  public List<PersistentVolumeClaim> volumeClaimTemplates;

  @JsonPropertyDescription("Claim retention policy (statefulset mode only).")
  public StatefulSetPersistentVolumeClaimRetentionPolicy persistentVolumeClaimRetentionPolicy;

  @JsonPropertyDescription(
      "Governing Service of the StatefulSet; default <name>-collector-headless.")
  public String serviceName;

  @JsonPropertyDescription("OrderedReady or Parallel (default) pod management (statefulset).")
  public String podManagementPolicy;

  // Collector-only fields.

  @JsonPropertyDescription("daemonset, deployment (default), sidecar or statefulset; immutable.")
  public Mode mode;

  @Default("automatic")
  @JsonPropertyDescription("automatic (default) or none: whether old configs are upgraded.")
  public UpgradeStrategy upgradeStrategy;

  @Min(1)
  @Default("3")
  @JsonPropertyDescription("How many previous collector ConfigMaps to keep.")
  public Integer configVersions;

  @JsonPropertyDescription("Horizontal autoscaling of the collector.")
  public AutoscalerSpec autoscaler;

  @JsonPropertyDescription("Ingress or OpenShift Route exposure of the receiver ports.")
  public IngressSpec ingress;

  @JsonPropertyDescription("Gateway API HTTPRoute exposure of the HTTP receiver ports.")
  public HttpRouteSpec httpRoute;

  @JsonPropertyDescription("NetworkPolicy for the collector pods.")
  public NetworkPolicySpec networkPolicy;

  @JsonPropertyDescription("Liveness probe tuning (handler from the health_check extension).")
  public ProbeSpec livenessProbe;

  @JsonPropertyDescription("Readiness probe tuning (handler from the health_check extension).")
  public ProbeSpec readinessProbe;

  @JsonPropertyDescription("Startup probe tuning (handler from the health_check extension).")
  public ProbeSpec startupProbe;

  @JsonPropertyDescription("Extra ConfigMaps mounted into the collector.")
  public List<ConfigMapsSpec> configmaps;

  @JsonPropertyDescription("Update strategy of the Deployment (deployment mode only).")
  public DeploymentStrategy deploymentUpdateStrategy;

  @Size(min = 1)
  @JsonPropertyDescription("Overrides the collector container's entrypoint.")
  public List<String> command;

  /** The mode, with the upstream default applied when unset. */
  @JsonIgnore
  public Mode effectiveMode() {
    return mode == null ? Mode.DEPLOYMENT : mode;
  }

  /** Whether the operator should leave the CR's objects alone. */
  @JsonIgnore
  public boolean isUnmanaged() {
    return managementState == ManagementState.UNMANAGED;
  }
}
