package dev.telescope.manifests;

import dev.telescope.api.ConfigYaml;
import dev.telescope.api.common.ConfigMapsSpec;
import dev.telescope.api.common.ProbeSpec;
import dev.telescope.api.v1beta1.OpenTelemetryCollectorSpec;
import dev.telescope.config.CollectorConfig;
import dev.telescope.naming.Names;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * The {@code otc-container}, built once for every workload kind and for the injected sidecar, so
 * the two can never drift apart.
 */
public final class CollectorContainer {
  /** The env var holding the config in a sidecar, which has no ConfigMap mount. */
  public static final String OTEL_CONFIG = "OTEL_CONFIG";

  private CollectorContainer() {}

  /** The container of a Deployment, DaemonSet or StatefulSet: config from the ConfigMap. */
  public static Container workload(CollectorContext ctx) {
    return build(ctx, false);
  }

  /** The injected sidecar: config from {@code OTEL_CONFIG}, no ConfigMap mount. */
  public static Container sidecar(CollectorContext ctx) {
    return build(ctx, true);
  }

  private static Container build(CollectorContext ctx, boolean sidecar) {
    OpenTelemetryCollectorSpec spec = ctx.spec();
    CollectorConfig config = ctx.config();
    List<String> args = new ArrayList<>();
    if (!sidecar) {
      args.add("--config=" + Names.CONFIG_MOUNT_PATH + "/" + Names.CONFIG_KEY);
    }
    if (spec.args != null) {
      new TreeMap<>(spec.args)
          .forEach(
              (k, v) -> {
                // The config location is ours to set; a user "config" arg would point elsewhere.
                if (!"config".equals(k)) {
                  args.add("--" + k + "=" + v);
                }
              });
    }
    if (sidecar) {
      args.add("--config=env:" + OTEL_CONFIG);
    }

    List<VolumeMount> mounts = new ArrayList<>();
    if (!sidecar) {
      mounts.add(
          new VolumeMountBuilder()
              .withName(Names.CONFIG_VOLUME)
              .withMountPath(Names.CONFIG_MOUNT_PATH)
              .build());
    }
    if (!sidecar && TargetAllocatorBuilder.mtls(ctx)) {
      mounts.add(
          new VolumeMountBuilder()
              .withName(TargetAllocatorBuilder.clientCertificateSecret(ctx))
              .withMountPath(TargetAllocatorBuilder.TLS_MOUNT_PATH)
              .build());
    }
    if (spec.volumeMounts != null) {
      mounts.addAll(spec.volumeMounts);
    }
    if (spec.configmaps != null) {
      for (ConfigMapsSpec cm : spec.configmaps) {
        mounts.add(
            new VolumeMountBuilder()
                .withName(Names.configMapVolume(cm.name))
                .withMountPath(joinPath("/var/conf", cm.mountpath, Names.configMapVolume(cm.name)))
                .build());
      }
    }

    List<EnvVar> env = env(ctx);
    if (sidecar) {
      env.add(new EnvVar(OTEL_CONFIG, ConfigYaml.render(config.source()), null));
    }

    ContainerBuilder b =
        new ContainerBuilder()
            .withName(Names.CONTAINER)
            .withImage(ctx.image())
            .withImagePullPolicy(spec.imagePullPolicy)
            .withCommand(spec.command)
            .withArgs(args)
            .withEnv(env)
            .withEnvFrom(spec.envFrom)
            .withPorts(Ports.container(ctx))
            .withResources(spec.resources == null ? new ResourceRequirements() : spec.resources)
            .withSecurityContext(spec.securityContext)
            .withLifecycle(spec.lifecycle)
            .withVolumeMounts(mounts.isEmpty() ? null : mounts);
    config
        .healthCheck()
        .ifPresent(
            hc -> {
              b.withLivenessProbe(probe(hc, spec.livenessProbe));
              b.withReadinessProbe(probe(hc, spec.readinessProbe));
              b.withStartupProbe(probe(hc, spec.startupProbe));
            });
    return b.build();
  }

  /**
   * The container env: the user's first, then what the collector needs unless the user already
   * named it (POD_NAME, GOMEMLIMIT/GOMAXPROCS from the limits, receiver env, proxy settings).
   */
  static List<EnvVar> env(CollectorContext ctx) {
    List<EnvVar> env = new ArrayList<>();
    Set<String> names = new HashSet<>();
    if (ctx.spec().env != null) {
      for (EnvVar e : ctx.spec().env) {
        env.add(e);
        names.add(e.getName());
      }
    }
    List<EnvVar> inferred = new ArrayList<>();
    inferred.add(
        new EnvVarBuilder()
            .withName("POD_NAME")
            .withNewValueFrom()
            .withNewFieldRef()
            .withFieldPath("metadata.name")
            .endFieldRef()
            .endValueFrom()
            .build());
    inferred.add(resourceEnv("GOMEMLIMIT", "limits.memory"));
    inferred.add(resourceEnv("GOMAXPROCS", "limits.cpu"));
    inferred.addAll(ctx.config().receiverEnv());
    for (String proxy : dev.telescope.settings.OperatorConfig.PROXY_VARS) {
      String value = ctx.cfg().proxyEnv().get(proxy);
      if (value != null) {
        inferred.add(new EnvVar(proxy, value, null));
      }
    }
    for (EnvVar e : inferred) {
      if (names.add(e.getName())) {
        env.add(e);
      }
    }
    return env;
  }

  /**
   * Joins path segments and cleans the result like a POSIX path: no empty or {@code .} segments,
   * {@code ..} resolved, so {@code mountpath: /tmp/x} gives {@code /var/conf/tmp/x/...} and not
   * {@code /var/conf//tmp/x/...}.
   */
  static String joinPath(String... segments) {
    java.util.Deque<String> parts = new java.util.ArrayDeque<>();
    for (String segment : segments) {
      if (segment == null) {
        continue;
      }
      for (String part : segment.split("/")) {
        if (part.isEmpty() || part.equals(".")) {
          continue;
        }
        if (part.equals("..")) {
          parts.pollLast();
        } else {
          parts.addLast(part);
        }
      }
    }
    return "/" + String.join("/", parts);
  }

  private static EnvVar resourceEnv(String name, String resource) {
    return new EnvVarBuilder()
        .withName(name)
        .withNewValueFrom()
        .withNewResourceFieldRef()
        .withContainerName(Names.CONTAINER)
        .withDivisor(new Quantity("0"))
        .withResource(resource)
        .endResourceFieldRef()
        .endValueFrom()
        .build();
  }

  private static Probe probe(CollectorConfig.HealthCheck hc, ProbeSpec tuning) {
    ProbeBuilder b =
        new ProbeBuilder()
            .withNewHttpGet()
            .withPath(hc.path())
            .withPort(new IntOrString(hc.port()))
            .endHttpGet();
    if (tuning != null) {
      b.withInitialDelaySeconds(tuning.initialDelaySeconds)
          .withTimeoutSeconds(tuning.timeoutSeconds)
          .withPeriodSeconds(tuning.periodSeconds)
          .withSuccessThreshold(tuning.successThreshold)
          .withFailureThreshold(tuning.failureThreshold)
          .withTerminationGracePeriodSeconds(tuning.terminationGracePeriodSeconds);
    }
    return b.build();
  }
}
