package dev.telescope.bench;

import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import dev.telescope.reconciler.InterningSerialization;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What one collector's objects cost in an informer cache, as a real API server returns them: decodes
 * many copies of each fixture (unique names, uids and resource versions, as in a cluster) with the
 * operator's serialization, or fabric8's plain one ({@code --plain}), and reads the heap after a full
 * GC. A memory figure, not a timing: cheap enough to run on a busy machine.
 *
 * <p>{@code java -cp ... dev.telescope.bench.CacheFootprint [--copies=300] [--plain]}
 */
public final class CacheFootprint {
  /** The objects of one deployment-mode collector: its CR and what we render for it. */
  static final List<String> DEPLOYMENT_COLLECTOR =
      List.of(
          "opentelemetrycollector-deployment.json",
          "configmap.json",
          "deployment.json",
          "networkpolicy.json",
          "poddisruptionbudget.json",
          "service.json",
          "service-headless.json",
          "service-monitoring.json",
          "service-extension.json",
          "serviceaccount.json");

  private CacheFootprint() {}

  public static void main(String[] args) throws Exception {
    int copies = 300;
    boolean plain = false;
    for (String a : args) {
      if (a.startsWith("--copies=")) {
        copies = Integer.parseInt(a.substring("--copies=".length()));
      } else if (a.equals("--plain")) {
        plain = true;
      } else {
        System.out.println("usage: CacheFootprint [--copies=300] [--plain]");
        return;
      }
    }
    KubernetesSerialization ser =
        plain ? new KubernetesSerialization() : InterningSerialization.create();
    Map<String, Long> perObject = measure(ser, copies);
    long collector = 0;
    System.out.printf(
        "| object (%s serialization) | heap bytes per cached object |%n|---|---:|%n",
        plain ? "fabric8's plain" : "the operator's");
    for (Map.Entry<String, Long> e : perObject.entrySet()) {
      System.out.printf("| %s | %d |%n", e.getKey(), e.getValue());
      if (DEPLOYMENT_COLLECTOR.contains(e.getKey())) {
        collector += e.getValue();
      }
    }
    System.out.printf(
        "one deployment-mode collector (CR and 9 owned objects): %d bytes; 1000 collectors: %.1f"
            + " MiB%n",
        collector, collector * 1000 / 1048576.0);
  }

  /** Heap bytes per decoded object, by fixture file. */
  static Map<String, Long> measure(KubernetesSerialization ser, int copies) throws Exception {
    Map<String, Class<? extends HasMetadata>> files = new LinkedHashMap<>();
    files.put("opentelemetrycollector-deployment.json", OpenTelemetryCollector.class);
    files.put("configmap.json", ConfigMap.class);
    files.put("deployment.json", Deployment.class);
    files.put("networkpolicy.json", NetworkPolicy.class);
    files.put("poddisruptionbudget.json", PodDisruptionBudget.class);
    files.put("service.json", Service.class);
    files.put("service-headless.json", Service.class);
    files.put("service-monitoring.json", Service.class);
    files.put("service-extension.json", Service.class);
    files.put("serviceaccount.json", ServiceAccount.class);
    files.put("daemonset.json", DaemonSet.class);
    files.put("statefulset.json", StatefulSet.class);
    files.put("clusterrole.json", ClusterRole.class);
    files.put("clusterrolebinding.json", ClusterRoleBinding.class);
    Path dir =
        RealServerShapes.FIXTURE_DIRS.stream()
            .filter(Files::isDirectory)
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("no fixtures of a real API server"));
    List<Object> held = new ArrayList<>();
    Map<String, Long> out = new LinkedHashMap<>();
    // Warm up: the first decode of each kind builds Jackson's deserializers.
    for (Map.Entry<String, Class<? extends HasMetadata>> e : files.entrySet()) {
      ser.unmarshal(Files.readString(dir.resolve(e.getKey())), e.getValue());
    }
    for (Map.Entry<String, Class<? extends HasMetadata>> e : files.entrySet()) {
      String json = Files.readString(dir.resolve(e.getKey()));
      long before = liveHeap();
      for (int i = 0; i < copies; i++) {
        String name = String.format("c%04d", 1000 + i);
        String copy =
            json.replace("c0000", name)
                .replace("c0106", name)
                .replace("c0008", name)
                .replaceAll("\"uid\": *\"[^\"]*\"", "\"uid\":\"" + UUID.randomUUID() + "\"")
                .replaceAll(
                    "\"resourceVersion\": *\"[^\"]*\"", "\"resourceVersion\":\"" + (100000 + i) + "\"");
        held.add(ser.unmarshal(copy, e.getValue()));
      }
      out.put(e.getKey(), (liveHeap() - before) / copies);
    }
    if (held.size() != files.size() * copies) {
      throw new IllegalStateException("objects went missing");
    }
    return out;
  }

  private static long liveHeap() {
    for (int i = 0; i < 4; i++) {
      System.gc();
    }
    Runtime r = Runtime.getRuntime();
    return r.totalMemory() - r.freeMemory();
  }
}
