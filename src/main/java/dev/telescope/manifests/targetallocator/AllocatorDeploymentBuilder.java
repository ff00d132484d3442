package dev.telescope.manifests.targetallocator;

import dev.telescope.api.common.PortsSpec;
import dev.telescope.api.v1alpha1.TargetAllocatorSpec;
import dev.telescope.manifests.AllocatorTlsVolumes;
import dev.telescope.manifests.Labels;
import dev.telescope.naming.Names;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The allocator's Deployment and its one container ({@code ta-container}, port {@code http} 8080,
 * config mounted at {@code /conf}), shaped like upstream's so that switching operators does not
 * roll the allocator pods.
 */
public final class AllocatorDeploymentBuilder {
  /** The allocator's HTTP port, named {@code http}; the Service's target. */
  public static final int HTTP_PORT = 8080;

  static final String NAMESPACE_ENV = "OTELCOL_NAMESPACE";

  private AllocatorDeploymentBuilder() {}

  public static Deployment build(AllocatorContext ctx) {
    TargetAllocatorSpec s = ctx.spec();
    Map<String, String> labels = Labels.allocator(ctx.meta(), ctx.objectName(), s.image, ctx.cfg());
    List<Container> containers = new ArrayList<>();
    if (s.additionalContainers != null) {
      containers.addAll(s.additionalContainers);
    }
    containers.add(container(ctx));
    boolean hostNetwork = Boolean.TRUE.equals(s.hostNetwork);
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName(ctx.objectName())
        .withNamespace(ctx.namespace())
        .withLabels(labels)
        .withAnnotations(AllocatorAnnotations.object(ctx))
        .endMetadata()
        .withNewSpec()
        .withReplicas(s.replicas)
        .withNewSelector()
        .withMatchLabels(Labels.allocatorSelector(ctx.meta()))
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(labels)
        .withAnnotations(AllocatorAnnotations.pod(ctx))
        .endMetadata()
        .withNewSpec()
        .withServiceAccountName(ctx.serviceAccountName())
        .withInitContainers(s.initContainers)
        .withContainers(containers)
        .withVolumes(volumes(ctx))
        .withDnsPolicy(hostNetwork ? "ClusterFirstWithHostNet" : "ClusterFirst")
        .withDnsConfig(s.podDnsConfig)
        .withHostNetwork(s.hostNetwork)
        .withShareProcessNamespace(Boolean.TRUE.equals(s.shareProcessNamespace))
        .withTolerations(s.tolerations)
        .withNodeSelector(s.nodeSelector)
        .withSecurityContext(s.podSecurityContext)
        .withPriorityClassName(s.priorityClassName)
        .withAffinity(s.affinity)
        .withTerminationGracePeriodSeconds(s.terminationGracePeriodSeconds)
        .withTopologySpreadConstraints(s.topologySpreadConstraints)
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  /** The allocator container. */
  static Container container(AllocatorContext ctx) {
    TargetAllocatorSpec s = ctx.spec();
    List<ContainerPort> ports = new ArrayList<>();
    ports.add(port("http", HTTP_PORT, "TCP", null));
    if (ctx.mtlsServed()) {
      ports.add(port("https", AllocatorCertificatesBuilder.HTTPS_PORT, "TCP", null));
    }
    if (s.ports != null) {
      for (PortsSpec p : s.ports) {
        ports.add(port(p.name, p.port, p.protocol, p.hostPort));
      }
    }
    List<VolumeMount> mounts = new ArrayList<>();
    mounts.add(
        new VolumeMountBuilder().withName(Names.TA_CONFIG_VOLUME).withMountPath("/conf").build());
    if (ctx.mtlsServed()) {
      mounts.add(
          new VolumeMountBuilder()
              .withName(AllocatorCertificatesBuilder.serverCertificate(ctx.name()))
              .withMountPath(AllocatorCertificatesBuilder.MOUNT_PATH)
              .build());
    }
    if (s.volumeMounts != null) {
      mounts.addAll(s.volumeMounts);
    }
    List<String> args = new ArrayList<>();
    if (s.args != null) {
      s.args.forEach((k, v) -> args.add("--" + k + "=" + v));
    }
    args.sort(null);
    return new ContainerBuilder()
        .withName(Names.TA_CONTAINER)
        .withImage(ctx.image())
        .withImagePullPolicy(s.imagePullPolicy)
        .withPorts(ports)
        .withVolumeMounts(mounts)
        .withArgs(args.isEmpty() ? null : args)
        .withEnv(env(s))
        .withEnvFrom(s.envFrom)
        .withResources(s.resources)
        .withSecurityContext(s.securityContext)
        .withLivenessProbe(s.livenessProbe != null ? s.livenessProbe : probe("/livez"))
        .withReadinessProbe(s.readinessProbe != null ? s.readinessProbe : probe("/readyz"))
        .withLifecycle(s.lifecycle)
        .build();
  }

  /**
   * The CR's env, then the allocator's namespace (unless the CR sets it) and the Go runtime limits
   * from the container's own resource limits.
   */
  static List<EnvVar> env(TargetAllocatorSpec s) {
    List<EnvVar> env = new ArrayList<>();
    if (s.env != null) {
      env.addAll(s.env);
    }
    if (env.stream().noneMatch(e -> NAMESPACE_ENV.equals(e.getName()))) {
      env.add(
          new EnvVarBuilder()
              .withName(NAMESPACE_ENV)
              .withNewValueFrom()
              .withNewFieldRef()
              .withFieldPath("metadata.namespace")
              .endFieldRef()
              .endValueFrom()
              .build());
    }
    env.add(limit("GOMEMLIMIT", "limits.memory"));
    env.add(limit("GOMAXPROCS", "limits.cpu"));
    return env;
  }

  private static EnvVar limit(String name, String resource) {
    return new EnvVarBuilder()
        .withName(name)
        .withNewValueFrom()
        .withNewResourceFieldRef()
        .withResource(resource)
        .withContainerName(Names.TA_CONTAINER)
        .endResourceFieldRef()
        .endValueFrom()
        .build();
  }

  private static ContainerPort port(String name, Integer port, String protocol, Integer hostPort) {
    return new ContainerPortBuilder()
        .withName(name)
        .withContainerPort(port)
        .withProtocol(protocol == null ? "TCP" : protocol)
        .withHostPort(hostPort)
        .build();
  }

  private static Probe probe(String path) {
    return new ProbeBuilder()
        .withNewHttpGet()
        .withPath(path)
        .withPort(new IntOrString(HTTP_PORT))
        .endHttpGet()
        .build();
  }

  /** The config volume (only the allocator's key) plus the CR's volumes. */
  static List<Volume> volumes(AllocatorContext ctx) {
    List<Volume> out = new ArrayList<>();
    out.add(
        new VolumeBuilder()
            .withName(Names.TA_CONFIG_VOLUME)
            .withNewConfigMap()
            .withName(ctx.objectName())
            .addNewItem()
            .withKey(AllocatorConfigMapBuilder.FILE)
            .withPath(AllocatorConfigMapBuilder.FILE)
            .endItem()
            .endConfigMap()
            .build());
    if (ctx.mtlsServed()) {
      String secret = AllocatorCertificatesBuilder.serverCertificate(ctx.name());
      out.add(
          AllocatorTlsVolumes.volume(secret, ctx.spec().mtls, secret, AllocatorTlsVolumes.SERVER));
    }
    if (ctx.spec().volumes != null) {
      out.addAll(ctx.spec().volumes);
    }
    return out;
  }
}
