package dev.telescope.bench;

import io.fabric8.kubernetes.client.utils.Serialization;
import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import dev.telescope.reconciler.EventRecorder;
import dev.telescope.reconciler.coverage.PodCoverage;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * What the operator's pod coverage check costs: API reads per period and heap kept between periods,
 * with many pods that are not ours (namespaces without sidecar collectors: never read) and with the
 * same pods all in scope (every namespace annotated: read page by page, nothing kept).
 *
 * <p>{@code java -cp target/telescope.jar:target/telescope-0.1.0-tools.jar:'target/tools-lib/*'
 * dev.telescope.bench.PodCoverageBench [pods] [runs]}
 */
public final class PodCoverageBench {
  private static final int NAMESPACES = 20;

  private PodCoverageBench() {}

  public static void main(String[] args) throws Exception {
    int pods = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    // The bench's indexed CRUD mock (it also drops recorded requests, which would fill the heap).
    try (MockApiServer server = new MockApiServer(0);
        KubernetesClient client =
            new io.fabric8.kubernetes.client.KubernetesClientBuilder()
                .withConfig(
                    new io.fabric8.kubernetes.client.ConfigBuilder(
                            io.fabric8.kubernetes.client.Config.empty())
                        .withMasterUrl("http://127.0.0.1:" + server.port())
                        .withRequestTimeout(60_000)
                        .build())
                .build()) {
      long start = System.nanoTime();
      populate(client, pods);
      System.out.printf(
          "created %d pods in %d namespaces (+50 in apps) in %.1f s%n",
          pods, NAMESPACES, (System.nanoTime() - start) / 1e9);
      List<OpenTelemetryCollector> collectors = List.of(sidecar());
      System.out.println("| scenario | pods listed per period | API requests per period | ms per period"
          + " | heap kept after " + runs + " periods |");
      System.out.println("|---|---|---|---|---|");
      measure("10 000 pods not ours (other namespaces)", client, collectors, runs);
      for (int i = 0; i < NAMESPACES; i++) {
        String ns = "other-" + i;
        client
            .namespaces()
            .withName(ns)
            .edit(
                n -> {
                  n.getMetadata()
                      .setAnnotations(java.util.Map.of("sidecar.opentelemetry.io/inject", "apps/side"));
                  return n;
                });
      }
      measure("the same pods all in scope (namespaces annotated)", client, collectors, runs);
    }
    System.out.println("load: " + BenchSupport.loadAverage());
  }

  private static void measure(
      String scenario, KubernetesClient client, List<OpenTelemetryCollector> cs, int runs) {
    PodCoverage check =
        new PodCoverage(
                client,
                new EventRecorder(client, "bench"),
                Duration.ofMinutes(5),
                Set.of(),
                Clock.systemUTC())
            .using(() -> cs, id -> {});
    check.runOnce(); // warm-up: classes, connections, the first events
    long heapBefore = heapAfterGc();
    long requestsBefore = check.apiRequests();
    long nanos = 0;
    int listed = 0;
    for (int i = 0; i < runs; i++) {
      long t = System.nanoTime();
      listed = check.runOnce().pods();
      nanos += System.nanoTime() - t;
    }
    long kept = heapAfterGc() - heapBefore;
    System.out.printf(
        "| %s | %d | %.1f | %.0f | %+d KiB |%n",
        scenario,
        listed,
        (check.apiRequests() - requestsBefore) / (double) runs,
        nanos / 1e6 / runs,
        kept / 1024);
  }

  private static long heapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static OpenTelemetryCollector sidecar() {
    return Serialization.unmarshal(
        """
        apiVersion: opentelemetry.io/v1beta1
        kind: OpenTelemetryCollector
        metadata: {name: side, namespace: apps}
        spec:
          mode: sidecar
          config:
            receivers: {otlp: {protocols: {grpc: {}}}}
            exporters: {debug: {}}
            service: {pipelines: {traces: {receivers: [otlp], exporters: [debug]}}}
        """,
        OpenTelemetryCollector.class);
  }

  private static void populate(KubernetesClient client, int pods) throws Exception {
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName("apps").endMetadata().build())
        .create();
    for (int i = 0; i < NAMESPACES; i++) {
      client
          .namespaces()
          .resource(
              new NamespaceBuilder().withNewMetadata().withName("other-" + i).endMetadata().build())
          .create();
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<?>> done = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      Pod p = pod("apps", "app-" + i, i % 5 == 0 ? null : "apps.side");
      done.add(pool.submit(() -> client.pods().resource(p).create()));
    }
    for (int i = 0; i < pods; i++) {
      // Real-sized metadata: labels, a template hash, an owner, the usual annotations.
      Pod p = pod("other-" + (i % NAMESPACES), "web-" + i, "other.side");
      done.add(pool.submit(() -> client.pods().resource(p).create()));
    }
    for (Future<?> f : done) {
      f.get();
    }
    pool.shutdown();
  }

  private static Pod pod(String ns, String name, String injectedLabel) {
    PodBuilder b =
        new PodBuilder()
            .withNewMetadata()
            .withNamespace(ns)
            .withName(name)
            .addToLabels("app.kubernetes.io/name", "web")
            .addToLabels("pod-template-hash", "7d4b9c5f6")
            .addToAnnotations("sidecar.opentelemetry.io/inject", "true")
            .addToAnnotations("kubectl.kubernetes.io/restartedAt", "2026-12-01T10:00:00Z")
            .addNewOwnerReference()
            .withApiVersion("apps/v1")
            .withKind("ReplicaSet")
            .withName("web-7d4b9c5f6")
            .withUid("0b6f4c1e-8f7a-4a34-9a59-3f5c2d1e0a77")
            .withController(true)
            .endOwnerReference()
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("web")
            .withImage("nginx:1.27")
            .endContainer()
            .endSpec();
    if (injectedLabel != null) {
      b.editMetadata().addToLabels("sidecar.opentelemetry.io/injected", injectedLabel).endMetadata();
    }
    return b.build();
  }
}
