package dev.telescope.settings;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether the operator runs inside a Kubernetes pod, told by the service-account token the kubelet
 * mounts: outside a cluster (a developer's {@code run} against a kubeconfig) leader election is off
 * by default, as upstream does, since there is usually no lease namespace and no second replica.
 */
public final class InCluster {
  /** Where the kubelet mounts the pod's service-account token. */
  public static final Path TOKEN = Path.of("/var/run/secrets/kubernetes.io/serviceaccount/token");

  private InCluster() {}

  /** Whether a service-account token is mounted. */
  public static boolean running() {
    return Files.isRegularFile(TOKEN);
  }

  /** The default of {@code --leader-election}: on in a cluster, off outside. */
  public static String leaderElectionDefault() {
    return Boolean.toString(running());
  }
}
