package dev.telescope.instrumentation;

import dev.telescope.api.instrumentation.InstrumentationSpec;
import dev.telescope.api.instrumentation.Languages;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HostPathVolumeSourceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import java.util.Map;

/**
 * Go: an eBPF agent sidecar watching the app's process, so the pod shares one process namespace and
 * the agent runs privileged (unless the Instrumentation gives its own security context).
 */
final class GoAgent {
  static final String NAME = PodParts.PREFIX;
  static final String TARGET_EXE = "OTEL_GO_AUTO_TARGET_EXE";
  static final String TARGET_EXE_ANNOTATION = Language.PREFIX + "otel-go-auto-target-exe";
  static final String KERNEL_DEBUG = "kernel-debug";
  static final String KERNEL_DEBUG_PATH = "/sys/kernel/debug";

  private GoAgent() {}

  /**
   * Adds the agent sidecar.
   *
   * @return null when done, else why the pod is left as it was
   */
  static String inject(
      Pod pod,
      InstrumentationSpec spec,
      Map<String, String> annotations,
      int configuredContainers) {
    if (Boolean.FALSE.equals(PodParts.spec(pod).getShareProcessNamespace())) {
      return "shared process namespace has been explicitly disabled";
    }
    if (configuredContainers > 1) {
      return "go instrumentation cannot be injected into a pod, multiple containers configured";
    }
    Languages.Go go = spec.go;
    SecurityContext sc =
        go != null && go.securityContext != null
            ? go.securityContext
            : new SecurityContextBuilder().withRunAsUser(0L).withPrivileged(true).build();
    Container agent =
        new ContainerBuilder()
            .withName(NAME)
            .withImage(go == null ? null : go.image)
            .withResources(go == null ? null : go.resources())
            .withSecurityContext(sc)
            .withImagePullPolicy(spec.imagePullPolicy)
            .build();
    PodParts.mount(agent, KERNEL_DEBUG, KERNEL_DEBUG_PATH);
    String exe = annotations.get(TARGET_EXE_ANNOTATION);
    if (exe != null) {
      Env.of(agent).add(new EnvVar(TARGET_EXE, exe, null));
    }
    Env.appendIfNotSet(agent, go == null ? null : go.env);
    PodParts.spec(pod).setShareProcessNamespace(true);
    PodParts.containers(pod).add(agent);
    PodParts.addVolume(
        pod,
        new VolumeBuilder()
            .withName(KERNEL_DEBUG)
            .withHostPath(new HostPathVolumeSourceBuilder().withPath(KERNEL_DEBUG_PATH).build())
            .build());
    return null;
  }
}
