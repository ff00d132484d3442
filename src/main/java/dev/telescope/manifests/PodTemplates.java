package dev.telescope.manifests;

import dev.telescope.api.common.ConfigMapsSpec;
import dev.telescope.api.common.Mode;
import dev.telescope.api.v1beta1.OpenTelemetryCollectorSpec;
import dev.telescope.naming.Names;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.KeyToPathBuilder;
import io.fabric8.kubernetes.api.model.PodDNSConfig;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import java.util.ArrayList;
import java.util.List;

/** The collector pod template shared by Deployment, DaemonSet and StatefulSet. */
public final class PodTemplates {
  private PodTemplates() {}

  /** The pod template: labels, annotations (with the config hash) and the pod spec. */
  public static PodTemplateSpec build(CollectorContext ctx) {
    OpenTelemetryCollectorSpec spec = ctx.spec();
    List<Container> containers = new ArrayList<>();
    containers.add(CollectorContainer.workload(ctx));
    if (spec.additionalContainers != null) {
      containers.addAll(spec.additionalContainers);
    }
    PodDNSConfig dnsConfig = spec.podDnsConfig == null ? new PodDNSConfig() : spec.podDnsConfig;
    boolean topologySpread = ctx.mode() != Mode.DAEMONSET;
    return new PodTemplateSpecBuilder()
        .withNewMetadata()
        .withLabels(Labels.common(ctx, Names.collector(ctx.name())))
        .withAnnotations(Annotations.pod(ctx))
        .endMetadata()
        .withSpec(
            new PodSpecBuilder()
                .withServiceAccountName(serviceAccountName(ctx))
                .withInitContainers(spec.initContainers)
                .withContainers(containers)
                .withVolumes(volumes(ctx))
                .withDnsPolicy(dnsPolicy(spec))
                .withDnsConfig(dnsConfig)
                .withHostNetwork(Boolean.TRUE.equals(spec.hostNetwork) ? true : null)
                .withHostPID(Boolean.TRUE.equals(spec.hostPID) ? true : null)
                .withShareProcessNamespace(Boolean.TRUE.equals(spec.shareProcessNamespace))
                .withTolerations(spec.tolerations)
                .withNodeSelector(spec.nodeSelector)
                .withAffinity(spec.affinity)
                .withSecurityContext(spec.podSecurityContext)
                .withPriorityClassName(spec.priorityClassName)
                .withTerminationGracePeriodSeconds(spec.terminationGracePeriodSeconds)
                .withTopologySpreadConstraints(
                    topologySpread ? spec.topologySpreadConstraints : null)
                .withHostUsers(spec.hostUsers)
                .withHostAliases(spec.hostAliases)
                .build())
        .build();
  }

  /** The ServiceAccount pods run as: the user's, or ours. */
  public static String serviceAccountName(CollectorContext ctx) {
    String sa = ctx.spec().serviceAccount;
    return sa == null || sa.isEmpty() ? Names.collector(ctx.name()) : sa;
  }

  /**
   * Explicit policy wins; nameservers force {@code None}; host networking needs {@code
   * ClusterFirstWithHostNet} to keep resolving cluster names.
   */
  static String dnsPolicy(OpenTelemetryCollectorSpec spec) {
    if (spec.podDnsConfig != null
        && spec.podDnsConfig.getNameservers() != null
        && !spec.podDnsConfig.getNameservers().isEmpty()) {
      return "None";
    }
    if (spec.dnsPolicy != null && !spec.dnsPolicy.isEmpty()) {
      return spec.dnsPolicy;
    }
    return Boolean.TRUE.equals(spec.hostNetwork) ? "ClusterFirstWithHostNet" : "ClusterFirst";
  }

  /** The config volume, then the user's volumes, then one per {@code spec.configmaps} entry. */
  static List<Volume> volumes(CollectorContext ctx) {
    List<Volume> volumes = new ArrayList<>();
    volumes.add(
        new VolumeBuilder()
            .withName(Names.CONFIG_VOLUME)
            .withNewConfigMap()
            .withName(Names.configMap(ctx.name(), ctx.config().hash()))
            .withItems(
                new KeyToPathBuilder().withKey(Names.CONFIG_KEY).withPath(Names.CONFIG_KEY).build())
            .endConfigMap()
            .build());
    if (TargetAllocatorBuilder.mtls(ctx)) {
      volumes.add(TargetAllocatorBuilder.clientCertificateVolume(ctx));
    }
    volumes.addAll(extraVolumes(ctx));
    return volumes;
  }

  /** The user's volumes and the extra ConfigMap volumes; the sidecar injector adds these too. */
  public static List<Volume> extraVolumes(CollectorContext ctx) {
    List<Volume> volumes = new ArrayList<>();
    if (ctx.spec().volumes != null) {
      volumes.addAll(ctx.spec().volumes);
    }
    if (ctx.spec().configmaps != null) {
      for (ConfigMapsSpec cm : ctx.spec().configmaps) {
        volumes.add(
            new VolumeBuilder()
                .withName(Names.configMapVolume(cm.name))
                .withNewConfigMap()
                .withName(cm.name)
                .endConfigMap()
                .build());
      }
    }
    return volumes;
  }
}
