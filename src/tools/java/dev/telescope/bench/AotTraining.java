package dev.telescope.bench;

import dev.telescope.api.common.Mode;
import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import dev.telescope.reconciler.StatusCalculator;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Records the JDK 25 AOT cache the image ships ({@code -XX:AOTCacheOutput}) from one training start
 * of the real operator against the mock API server: start, ready, one collector reconciled, then a
 * graceful stop (the JVM writes the cache at exit). The image build and {@link StartupBench} both
 * train through this class, so the benchmark measures the cache the image would carry.
 *
 * <p>Usage: {@code java -cp telescope.jar:tools.jar:tools-lib/* dev.telescope.bench.AotTraining
 * --jar=/app/telescope.jar --cache=/app/telescope.aot [--deploy=deploy/base/operator.yaml] [JVM
 * flags of the image...]}
 */
public final class AotTraining {
  private AotTraining() {}

  /**
   * Runs the training.
   *
   * @param args {@code --jar=}, {@code --cache=}, optional {@code --deploy=}, then the image's JVM
   *     flags (without the {@code -XX:AOTCache} flag)
   * @throws Exception when training fails
   */
  public static void main(String[] args) throws Exception {
    Path jar = Path.of("target/telescope.jar");
    Path cache = null;
    Path deploy = Path.of("deploy/base/operator.yaml");
    List<String> flags = new ArrayList<>();
    for (String arg : args) {
      if (arg.startsWith("--jar=")) {
        jar = Path.of(arg.substring(6));
      } else if (arg.startsWith("--cache=")) {
        cache = Path.of(arg.substring(8));
      } else if (arg.startsWith("--deploy=")) {
        deploy = Path.of(arg.substring(9));
      } else {
        flags.add(arg);
      }
    }
    if (cache == null) {
      throw new IllegalArgumentException("--cache=<file> is required");
    }
    try (BenchSupport.Child api = startMockApi()) {
      int port = Integer.parseInt(api.awaitLine("API_PORT ", Duration.ofSeconds(120)));
      train(
          BenchSupport.javaBinary(), flags, jar, cache, BenchSupport.shipped(deploy), port);
    }
    System.out.println("AOT cache written: " + cache + " (" + Files.size(cache) / 1024 + " KiB)");
  }

  /** The mock API server in a JVM of its own (never in the trained JVM). */
  static BenchSupport.Child startMockApi() {
    ProcessBuilder pb =
        new ProcessBuilder(
            BenchSupport.javaBinary(),
            "-XX:+UseSerialGC",
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
            "-cp",
            BenchSupport.classPath(),
            MockApiServer.class.getName());
    return new BenchSupport.Child("mock-api", pb, false);
  }

  /**
   * The operator's command line as the image runs it, with {@code extraFlags} before {@code -jar}.
   */
  static List<String> operatorCommand(
      String java,
      List<String> imageFlags,
      Path jar,
      BenchSupport.Shipped shipped,
      int apiPort,
      int healthPort) {
    List<String> command = new ArrayList<>();
    command.add(java);
    command.add(shipped.maxRamFlag());
    command.addAll(imageFlags);
    command.add("-Dkubernetes.master=http://127.0.0.1:" + apiPort);
    command.add("-Dkubernetes.auth.tryKubeConfig=false");
    command.add("-Dkubernetes.auth.tryServiceAccount=false");
    // In a cluster the client has a service-account token; without any, fabric8 re-reads its
    // configuration before every request.
    command.add("-Dkubernetes.auth.token=bench");
    command.add("-jar");
    command.add(jar.toString());
    command.addAll(
        Arrays.asList(
            "operator", "--leader-election=false", "--health-port=" + healthPort,
            "--metrics-port=0"));
    return command;
  }

  /** Starts one operator process with the Deployment's environment. */
  static BenchSupport.Child startOperator(List<String> command, BenchSupport.Shipped shipped) {
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().putAll(shipped.env());
    pb.environment().put("POD_NAMESPACE", "telescope-system");
    pb.environment().put("POD_NAME", "telescope-operator-training");
    pb.environment().remove("KUBECONFIG");
    return new BenchSupport.Child("operator", pb, false);
  }

  /**
   * One training start: ready, one collector reconciled to Ready=True, graceful stop.
   *
   * @return the cache file
   */
  static Path train(
      String java,
      List<String> imageFlags,
      Path jar,
      Path cache,
      BenchSupport.Shipped shipped,
      int apiPort)
      throws IOException, InterruptedException {
    Files.deleteIfExists(cache);
    List<String> flags = new ArrayList<>(imageFlags);
    flags.removeIf(f -> f.startsWith("-XX:AOTCache=") || f.startsWith("-XX:AOTMode="));
    flags.add("-XX:AOTCacheOutput=" + cache.toAbsolutePath());
    int healthPort = BenchSupport.freePort();
    HttpClient http = HttpClient.newHttpClient();
    BenchSupport.Child operator =
        startOperator(operatorCommand(java, flags, jar, shipped, apiPort, healthPort), shipped);
    try (KubernetesClient client = client(apiPort)) {
      StartupBench.awaitReady(operator, http, healthPort, Duration.ofSeconds(180));
      String ns = "aot-training";
      client
          .namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
          .createOr(r -> r.update());
      if (Boolean.getBoolean("aot.training.noCollector")) {
        return stop(operator, cache);
      }
      OpenTelemetryCollector collector = ScaleBench.collector(ns, "training", Mode.DEPLOYMENT);
      client.resource(collector).createOr(r -> r.update());
      boolean ready =
          BenchSupport.poll(
              Duration.ofSeconds(90),
              Duration.ofMillis(100),
              () -> {
                OpenTelemetryCollector got =
                    client
                        .resources(OpenTelemetryCollector.class)
                        .inNamespace(ns)
                        .withName("training")
                        .get();
                return got != null
                    && got.getStatus() != null
                    && got.getStatus().conditions != null
                    && got.getStatus().conditions.stream()
                        .anyMatch(
                            c ->
                                StatusCalculator.READY.equals(c.getType())
                                    && "True".equals(c.getStatus()));
              });
      if (!ready) {
        System.err.println("warning: the training collector did not become Ready; cache kept");
      }
    }
    return stop(operator, cache);
  }

  private static Path stop(BenchSupport.Child operator, Path cache) throws InterruptedException {
    // SIGTERM: the operator shuts down and the JVM writes the cache on its way out. Through the
    // handle, not Process.destroy(), which also closes our end of the child's output: the JVM that
    // assembles the cache inherits that output and would die of SIGPIPE on its first line.
    operator.process.toHandle().destroy();
    if (!operator.process.waitFor(120, TimeUnit.SECONDS)) {
      operator.process.destroyForcibly();
    }
    if (!Files.isRegularFile(cache)) {
      throw new IllegalStateException(
          "no AOT cache was written (exit code "
              + (operator.process.isAlive() ? "none yet" : operator.process.exitValue())
              + "):\n"
              + operator.tail());
    }
    return cache;
  }

  private static KubernetesClient client(int port) {
    Config config =
        new ConfigBuilder(Config.empty())
            .withMasterUrl("http://127.0.0.1:" + port)
            .withUserAgent(MockApiServer.DRIVER_AGENT)
            .build();
    return new KubernetesClientBuilder().withConfig(config).build();
  }
}
