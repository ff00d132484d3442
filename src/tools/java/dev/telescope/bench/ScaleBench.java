package dev.telescope.bench;

import dev.telescope.api.common.Mode;
import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import dev.telescope.manifests.Labels;
import dev.telescope.naming.Names;
import dev.telescope.reconciler.StatusCalculator;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * The operator at scale, run exactly as shipped: a separate JVM with deploy/'s JVM flags and memory
 * limit, against fabric8's CRUD mock API server (a separate JVM too, counting every write). It
 * measures start-up to ready, how long a thousand collectors created at once take to converge, what
 * each new collector costs in API writes, that steady state writes nothing across full resyncs, and
 * the operator's memory with thousands of objects that are not its own.
 *
 * <p>Not a test: run it by hand (bench/scale.sh), never in {@code mvn verify}.
 */
public final class ScaleBench {
  private ScaleBench() {}

  /** Settings of one run. */
  record Settings(
      int collectors,
      int namespaces,
      int foreign,
      Duration resync,
      Duration timeout,
      Path jar,
      Path deploy,
      boolean inProcessMock,
      boolean restart,
      boolean cds,
      int parallel,
      boolean webhook,
      Path webhookDeploy,
      Path kubeconfig) {

    /** The settings, or null when {@code --help} printed the usage. */
    static Settings parse(List<String> args) {
      BenchSupport.Options o =
          new BenchSupport.Options("ScaleBench")
              .flag("collectors", 1000, "collectors created at once")
              .flag("namespaces", 100, "namespaces they are spread over")
              .flag("foreign", -1, "objects that are not the operator's (default 10000; 0 on a real cluster)")
              .flag("resync-seconds", 20, "the operator's --resync-period")
              .flag("timeout-seconds", 300, "give up converging after this")
              .flag("jar", "target/telescope.jar", "the operator jar (class path if missing)")
              .flag("deploy", "deploy/base/operator.yaml", "JVM flags and limits as shipped")
              .flag("in-process-mock", false, "run the mock API server in this JVM")
              .flag("restart", true, "measure a restart too")
              .flag("cds", false, "use a class-data-sharing archive")
              .flag("parallel", 16, "concurrent creates through the CR webhooks")
              .flag("webhook", true, "run the webhook process and create through it")
              .flag("webhook-deploy", "deploy/base/webhook.yaml", "the webhook's JVM flags and limits")
              .flag("kubeconfig", "", "run against this real cluster instead of the mock");
      if (!o.parse(args)) {
        return null;
      }
      String kubeconfig = o.get("kubeconfig");
      int foreign = o.integer("foreign");
      return new Settings(
          o.integer("collectors"),
          o.integer("namespaces"),
          // Tens of thousands of pods are no load to put on a real cluster by default.
          foreign >= 0 ? foreign : kubeconfig.isEmpty() ? 10000 : 0,
          Duration.ofSeconds(o.integer("resync-seconds")),
          Duration.ofSeconds(o.integer("timeout-seconds")),
          Path.of(o.get("jar")),
          Path.of(o.get("deploy")),
          o.bool("in-process-mock"),
          o.bool("restart"),
          o.bool("cds"),
          o.integer("parallel"),
          o.bool("webhook"),
          Path.of(o.get("webhook-deploy")),
          kubeconfig.isEmpty() ? null : Path.of(kubeconfig));
    }
  }

  /** Deletes what a run created in a real cluster (nothing to do on the mock). */
  record Cleanup(KubernetesClient real, Settings s, Consumer<String> log) implements AutoCloseable {
    @Override
    public void close() {
      if (real != null) {
        java.util.Set<String> namespaces = new java.util.TreeSet<>();
        for (int n = 0; n < s.namespaces(); n++) {
          namespaces.add(namespace(n));
        }
        RealCluster.cleanup(real, namespaces, log);
      }
    }
  }

  /** Memory of the operator process at one moment. */
  record Memory(long rssKib, long heapUsedBytes, long heapCommittedBytes) {
    String describe() {
      return String.format(
          Locale.ROOT,
          "RSS %.1f MiB, live heap %.1f MiB (heap committed %.1f MiB)",
          rssKib / 1024.0,
          heapUsedBytes / 1048576.0,
          heapCommittedBytes / 1048576.0);
    }
  }

  /** Everything one run measured; -1 where a phase did not run or did not finish. */
  record Result(
      double startupSeconds,
      double convergeSeconds,
      int converged,
      double writesPerCollector,
      Map<String, Long> writesPerCollectorByKind,
      long steadyWrites,
      long steadyReconciles,
      Memory atCollectors,
      Memory withForeign,
      long foreignWrites,
      double restartReadySeconds,
      double restartReconciledSeconds,
      long restartWrites,
      AdmissionBurst.Figures burst,
      long peakRssKib,
      long webhookRssKib) {}

  public static void main(String[] args) throws Exception {
    Settings s = Settings.parse(Arrays.asList(args));
    if (s == null) {
      return;
    }
    StringBuilder report = new StringBuilder();
    Result r = run(s, report::append, System.err::println);
    System.out.print(report);
    System.exit(r.converged() == s.collectors() ? 0 : 1);
  }

  /** The mock API server, in this JVM or a child one. */
  interface Api extends AutoCloseable {
    int port();

    long pid();

    Map<String, Long> writes();

    /** Per kind: objects stored, mean JSON bytes, mean managedFields bytes (one line each). */
    String sizes();

    @Override
    void close();
  }

  static Result run(Settings s, Consumer<String> report, Consumer<String> log) throws Exception {
    String machine = BenchSupport.machine();
    BenchSupport.Shipped shipped = BenchSupport.shipped(s.deploy());
    HttpClient http = HttpClient.newHttpClient();
    KubernetesClient real = s.kubeconfig() == null ? null : RealCluster.driver(s.kubeconfig());
    if (real != null) {
      log.accept("real cluster at " + real.getMasterUrl() + " (" + s.kubeconfig() + ")");
      RealCluster.ensureCrd(real);
    }
    try (Api api = real == null ? startApi(s.inProcessMock()) : new RealCluster.Api(real);
        KubernetesClient client = real == null ? driverClient(api.port()) : real;
        AdmissionBurst.Webhook webhook =
            s.webhook()
                ? AdmissionBurst.Webhook.start(
                    s.jar(),
                    BenchSupport.shipped(s.webhookDeploy()),
                    RealCluster.connection(s.kubeconfig(), api.port()),
                    http,
                    log)
                : AdmissionBurst.Webhook.none();
        Cleanup cleanup = new Cleanup(real, s, log)) {
      log.accept(real == null ? "mock API server on 127.0.0.1:" + api.port() : "");
      if (s.cds()) {
        // Recorded before the clock starts, as it is when the image is built.
        classDataArchive(s.jar());
      }
      int healthPort = BenchSupport.freePort();
      long t0 = System.nanoTime();
      BenchSupport.Child operator = startOperator(s, shipped, api.port(), healthPort);
      if (api instanceof RealCluster.Api r) {
        r.operatorMetrics("http://127.0.0.1:" + healthPort + "/metrics");
      }
      double startup;
      Result result;
      try {
        startup = awaitReady(operator, http, healthPort, Duration.ofSeconds(120)) - t0;
        startup /= 1e9;
        log.accept(String.format(Locale.ROOT, "operator ready after %.2f s", startup));
        result = measure(s, client, api, operator, http, healthPort, startup, log, webhook);
      } finally {
        operator.close();
      }
      Result finalResult = result;
      if (s.restart() && result.converged() == s.collectors()) {
        finalResult = restart(s, shipped, client, api, http, result, log);
      }
      report.accept(report(s, shipped, machine, finalResult));
      report.accept(sizesReport(api.sizes()));
      return finalResult;
    }
  }

  private static Result measure(
      Settings s,
      KubernetesClient client,
      Api api,
      BenchSupport.Child operator,
      HttpClient http,
      int healthPort,
      double startup,
      Consumer<String> log,
      AdmissionBurst.Webhook webhook)
      throws Exception {
    String metricsUrl = "http://127.0.0.1:" + healthPort + "/metrics";
    java.util.concurrent.atomic.AtomicLong peak = new java.util.concurrent.atomic.AtomicLong();
    Thread sampler =
        new Thread(
            () -> {
              while (!Thread.currentThread().isInterrupted() && operator.process.isAlive()) {
                peak.accumulateAndGet(BenchSupport.rssKib(operator.pid()), Math::max);
                try {
                  Thread.sleep(200);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "rss-sampler");
    sampler.setDaemon(true);
    sampler.start();
    try (Convergence watch = new Convergence(client)) {
      long writesBefore = operatorWrites(api.writes());
      Map<String, Long> byKindBefore = operatorWritesByKind(api.writes());
      String metricsUrlEarly = "http://127.0.0.1:" + healthPort + "/metrics";
      long reconcilesAtStart =
          metric(http, metricsUrlEarly, "operator_sdk_reconciliations_started");
      long operatorCpu = BenchSupport.cpuMicros(operator.pid());
      long apiCpu = BenchSupport.cpuMicros(api.pid());
      long start = System.nanoTime();
      createNamespaces(client, s);
      AdmissionBurst.Figures figures =
          AdmissionBurst.create(client, collectors(s), s.parallel(), webhook.https(), webhook.url());
      log.accept(
          String.format(
              Locale.ROOT,
              "created %d collectors in %d namespaces, %d at a time%s: %s",
              s.collectors(),
              s.namespaces(),
              s.parallel(),
              webhook.url() == null ? "" : " through the CR webhooks",
              figures.describe()));
      figures.refusals().stream().limit(10).forEach(r -> log.accept("refused: " + r));
      int converged = watch.await(s.collectors(), s.timeout(), log);
      double convergeSeconds = (System.nanoTime() - start) / 1e9;
      operatorCpu = BenchSupport.cpuMicros(operator.pid()) - operatorCpu;
      apiCpu = BenchSupport.cpuMicros(api.pid()) - apiCpu;
      log.accept(
          String.format(
              Locale.ROOT,
              "%d/%d converged after %.1f s; meanwhile %d reconciles, CPU: operator %.1f s,"
                  + " mock API server %.1f s",
              converged,
              s.collectors(),
              convergeSeconds,
              metric(http, metricsUrlEarly, "operator_sdk_reconciliations_started")
                  - reconcilesAtStart,
              operatorCpu / 1e6,
              apiCpu / 1e6));
      if (System.getenv("BENCH_NMT") != null) {
        log.accept(
            BenchSupport.run(
                Duration.ofSeconds(30),
                Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(operator.pid()),
                "VM.native_memory",
                "summary"));
      }
      awaitQuietWrites(api, Duration.ofSeconds(5), Duration.ofSeconds(120));
      Map<String, Long> writes = api.writes();
      long created = operatorWrites(writes) - writesBefore;
      Map<String, Long> byKind = subtract(operatorWritesByKind(writes), byKindBefore);
      log.accept("operator writes for the new collectors: " + created + " " + byKind);

      // Steady state: two full resync periods with nothing changing.
      long reconcilesBefore = metric(http, metricsUrl, "operator_sdk_reconciliations_started");
      long steadyBefore = operatorWrites(api.writes());
      Duration steady = s.resync().multipliedBy(2).plusSeconds(5);
      log.accept("steady state: waiting " + steady.toSeconds() + " s (2 resync periods)");
      Thread.sleep(steady.toMillis());
      long steadyWrites = operatorWrites(api.writes()) - steadyBefore;
      long steadyReconciles =
          metric(http, metricsUrl, "operator_sdk_reconciliations_started") - reconcilesBefore;
      log.accept("steady state: " + steadyWrites + " writes, " + steadyReconciles + " reconciles");
      Memory atCollectors = memory(operator.pid(), http, metricsUrl);
      log.accept("memory at " + s.collectors() + " collectors: " + atCollectors.describe());

      if (s.foreign() == 0) {
        sampler.interrupt();
        return new Result(
            startup,
            converged == s.collectors() ? convergeSeconds : -1,
            converged,
            (double) created / s.collectors(),
            byKind,
            steadyWrites,
            steadyReconciles,
            atCollectors,
            atCollectors,
            0,
            -1,
            -1,
            -1,
            figures,
            peak.get(),
            webhook.rssKib());
      }
      // Foreign objects: pods and ConfigMaps the operator must never cache.
      long foreignBefore = operatorWrites(api.writes());
      long f0 = System.nanoTime();
      createForeign(client, s);
      log.accept(
          String.format(
              Locale.ROOT,
              "created %d foreign pods and %d foreign ConfigMaps in %.1f s",
              s.foreign(),
              s.foreign(),
              (System.nanoTime() - f0) / 1e9));
      Thread.sleep(s.resync().multipliedBy(2).plusSeconds(5).toMillis());
      long foreignWrites = operatorWrites(api.writes()) - foreignBefore;
      Memory withForeign = memory(operator.pid(), http, metricsUrl);
      log.accept("memory with foreign objects: " + withForeign.describe());
      sampler.interrupt();
      log.accept(
          String.format(
              Locale.ROOT,
              "operator RSS peak %.1f MiB; webhook RSS %.1f MiB",
              peak.get() / 1024.0,
              webhook.rssKib() / 1024.0));
      return new Result(
          startup,
          converged == s.collectors() ? convergeSeconds : -1,
          converged,
          (double) created / s.collectors(),
          byKind,
          steadyWrites,
          steadyReconciles,
          atCollectors,
          withForeign,
          foreignWrites,
          -1,
          -1,
          -1,
          figures,
          peak.get(),
          webhook.rssKib());
    }
  }

  /** Restarts the operator with everything in place: time to ready, to all reconciled, writes. */
  private static Result restart(
      Settings s,
      BenchSupport.Shipped shipped,
      KubernetesClient client,
      Api api,
      HttpClient http,
      Result r,
      Consumer<String> log)
      throws Exception {
    int healthPort = BenchSupport.freePort();
    long before = operatorWrites(api.writes());
    Map<String, Long> byKindBefore = operatorWritesByKind(api.writes());
    long t0 = System.nanoTime();
    try (BenchSupport.Child operator = startOperator(s, shipped, api.port(), healthPort)) {
      if (api instanceof RealCluster.Api remote) {
        remote.operatorMetrics("http://127.0.0.1:" + healthPort + "/metrics");
      }
      double ready = (awaitReady(operator, http, healthPort, Duration.ofSeconds(120)) - t0) / 1e9;
      String metricsUrl = "http://127.0.0.1:" + healthPort + "/metrics";
      BenchSupport.poll(
          s.timeout(),
          Duration.ofMillis(100),
          () -> metric(http, metricsUrl, "operator_sdk_reconciliations_success") >= s.collectors());
      double reconciled = (System.nanoTime() - t0) / 1e9;
      awaitQuietWrites(api, Duration.ofSeconds(5), Duration.ofSeconds(60));
      long writes = operatorWrites(api.writes()) - before;
      log.accept(
          String.format(
              Locale.ROOT,
              "restart: ready after %.2f s, all reconciled after %.1f s, %d writes %s",
              ready,
              reconciled,
              writes,
              subtract(operatorWritesByKind(api.writes()), byKindBefore)));
      log.accept(
          "metrics after restart: "
              + BenchSupport.get(http, metricsUrl)
                  .map(HttpResponse::body)
                  .orElse("")
                  .lines()
                  .filter(l -> l.startsWith("operator_sdk") || l.startsWith("telescope"))
                  .filter(l -> !l.contains("_bucket"))
                  .map(l -> l.replaceAll("\\{.*\\}", ""))
                  .toList());
      return new Result(
          r.startupSeconds(),
          r.convergeSeconds(),
          r.converged(),
          r.writesPerCollector(),
          r.writesPerCollectorByKind(),
          r.steadyWrites(),
          r.steadyReconciles(),
          r.atCollectors(),
          r.withForeign(),
          r.foreignWrites(),
          ready,
          reconciled,
          writes,
          r.burst(),
          r.peakRssKib(),
          r.webhookRssKib());
    }
  }

  // ---------------------------------------------------------------- processes

  private static Api startApi(boolean inProcess) throws IOException {
    if (inProcess) {
      MockApiServer server = new MockApiServer(0);
      return new Api() {
        @Override
        public int port() {
          return server.port();
        }

        @Override
        public long pid() {
          return ProcessHandle.current().pid();
        }

        @Override
        public Map<String, Long> writes() {
          return server.writes();
        }

        @Override
        public String sizes() {
          return server.sizes();
        }

        @Override
        public void close() {
          server.close();
        }
      };
    }
    ProcessBuilder pb =
        new ProcessBuilder(
            BenchSupport.javaBinary(),
            "-Xmx2g",
            "-XX:+UseParallelGC",
            System.getenv("BENCH_MOCK_JFR") == null
                ? "-Dbench.nojfr=true"
                : "-XX:StartFlightRecording=filename="
                    + System.getenv("BENCH_MOCK_JFR")
                    + ",settings=profile",
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
            "-cp",
            BenchSupport.classPath(),
            MockApiServer.class.getName());
    BenchSupport.Child child = new BenchSupport.Child("mock-api", pb, false);
    int port = Integer.parseInt(child.awaitLine("API_PORT ", Duration.ofSeconds(120)));
    int statsPort = Integer.parseInt(child.awaitLine("STATS_PORT ", Duration.ofSeconds(10)));
    HttpClient http = HttpClient.newHttpClient();
    return new Api() {
      @Override
      public int port() {
        return port;
      }

      @Override
      public long pid() {
        return child.pid();
      }

      @Override
      public Map<String, Long> writes() {
        HttpResponse<String> r =
            BenchSupport.get(http, "http://127.0.0.1:" + statsPort + "/writes")
                .orElseThrow(() -> new IllegalStateException("the mock API server is gone"));
        Map<String, Long> out = new TreeMap<>();
        for (String line : r.body().split("\n")) {
          int space = line.lastIndexOf(' ');
          if (space > 0) {
            out.put(line.substring(0, space), Long.parseLong(line.substring(space + 1).trim()));
          }
        }
        return out;
      }

      @Override
      public String sizes() {
        return BenchSupport.get(http, "http://127.0.0.1:" + statsPort + "/sizes")
            .map(HttpResponse::body)
            .orElse("");
      }

      @Override
      public void close() {
        try {
          child.process.getOutputStream().close();
        } catch (IOException e) {
          // closing anyway
        }
        child.close();
      }
    };
  }

  /**
   * The operator as the Deployment runs it: {@code java -jar telescope.jar operator} with
   * JAVA_TOOL_OPTIONS from deploy/ and the memory limit as MaxRAM. Without a built jar (the smoke
   * test) it runs {@code dev.telescope.Main} from the class path instead.
   */
  static BenchSupport.Child startOperator(
      Settings s, BenchSupport.Shipped shipped, int apiPort, int healthPort) {
    List<String> command = new ArrayList<>();
    command.add(BenchSupport.javaBinary());
    command.add(shipped.maxRamFlag());
    Path archive = s.cds() ? classDataArchive(s.jar()) : null;
    if (archive != null) {
      command.add("-XX:SharedArchiveFile=" + archive);
    }
    if (System.getenv("BENCH_NMT") != null) {
      command.add("-XX:NativeMemoryTracking=summary");
    }
    if (System.getenv("BENCH_JFR") != null) {
      command.add(
          "-XX:StartFlightRecording=filename=" + System.getenv("BENCH_JFR") + ",settings=profile");
    }
    if (Files.isRegularFile(s.jar())) {
      command.add("-jar");
      command.add(s.jar().toString());
    } else {
      command.add("-cp");
      command.add(BenchSupport.classPath());
      command.add("dev.telescope.Main");
    }
    command.add("operator");
    command.add("--leader-election=false");
    command.add("--health-port=" + healthPort);
    command.add("--metrics-port=0");
    command.add("--resync-period=" + s.resync().toSeconds() + "s");
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().putAll(shipped.env());
    pb.environment().put("POD_NAMESPACE", "telescope-system");
    pb.environment().put("POD_NAME", "telescope-operator-bench");
    RealCluster.connect(RealCluster.connection(s.kubeconfig(), apiPort), command, pb);
    return new BenchSupport.Child("operator", pb, false);
  }

  /**
   * A class-data-sharing archive ({@code --cds=true}), recorded by one run of the embedded demo
   * with {@code -XX:ArchiveClassesAtExit}: it takes about a second off start-up but adds about 40
   * MiB to the RSS (the JDK relocates the archive, touching its pages), so the image does not ship
   * one. Null without a jar (an archive is only valid for its jar) or when recording fails.
   */
  static synchronized Path classDataArchive(Path jar) {
    if (!Files.isRegularFile(jar)) {
      return null;
    }
    Path archive = jar.resolveSibling(jar.getFileName() + ".jsa");
    try {
      if (Files.isRegularFile(archive)
          && Files.getLastModifiedTime(archive).compareTo(Files.getLastModifiedTime(jar)) > 0) {
        return archive;
      }
      Files.deleteIfExists(archive);
    } catch (IOException e) {
      return null;
    }
    BenchSupport.run(
        Duration.ofMinutes(2),
        BenchSupport.javaBinary(),
        "-XX:ArchiveClassesAtExit=" + archive,
        "-jar",
        jar.toString(),
        "demo");
    return Files.isRegularFile(archive) ? archive : null;
  }

  /** Polls /readyz every 10 ms; returns System.nanoTime() of the first 200. */
  private static long awaitReady(
      BenchSupport.Child operator, HttpClient http, int port, Duration timeout) {
    String url = "http://127.0.0.1:" + port + "/readyz";
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      Optional<HttpResponse<String>> r = BenchSupport.get(http, url);
      if (r.isPresent() && r.get().statusCode() == 200) {
        return System.nanoTime();
      }
      if (!operator.process.isAlive()) {
        throw new IllegalStateException("the operator exited:\n" + operator.tail());
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
    throw new IllegalStateException(
        "the operator was not ready in " + timeout + ":\n" + operator.tail());
  }

  private static KubernetesClient driverClient(int port) {
    Config config =
        new ConfigBuilder(Config.empty())
            .withMasterUrl("http://127.0.0.1:" + port)
            .withUserAgent(MockApiServer.DRIVER_AGENT)
            .withRequestTimeout(60_000)
            .withMaxConcurrentRequests(256)
            .withMaxConcurrentRequestsPerHost(256)
            .build();
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  // ---------------------------------------------------------------- objects

  /** Of every 10 collectors: 6 deployments, 2 daemonsets, 1 statefulset, 1 sidecar. */
  static Mode mode(int i) {
    return switch (i % 10) {
      case 6, 7 -> Mode.DAEMONSET;
      case 8 -> Mode.STATEFULSET;
      case 9 -> Mode.SIDECAR;
      default -> Mode.DEPLOYMENT;
    };
  }

  static String namespace(int i) {
    return String.format(Locale.ROOT, "team-%03d", i);
  }

  public static OpenTelemetryCollector collector(String namespace, String name, Mode mode) {
    // An agent enriches with pod metadata, which needs cluster RBAC: a ClusterRole and Binding.
    String agentProcessors =
        mode == Mode.DAEMONSET
            ? String.join(
                "\n",
                "      k8sattributes:",
                "        extract:",
                "          metadata: [k8s.pod.name, k8s.namespace.name, k8s.deployment.name]",
                "      resourcedetection:",
                "        detectors: [env, system]")
            : "";
    String pipelineProcessors =
        mode == Mode.DAEMONSET
            ? "[memory_limiter, k8sattributes, resourcedetection, batch]"
            : "[memory_limiter, batch]";
    String yaml =
        """
        apiVersion: opentelemetry.io/v1beta1
        kind: OpenTelemetryCollector
        metadata:
          name: %1$s
          namespace: %2$s
          labels:
            team: %2$s
        spec:
          mode: %3$s
          replicas: 2
          resources:
            limits: {cpu: 500m, memory: 512Mi}
            requests: {cpu: 100m, memory: 128Mi}
          env:
            - name: DEPLOYMENT_ENVIRONMENT
              value: production
          config:
            receivers:
              otlp:
                protocols:
                  grpc: {endpoint: 0.0.0.0:4317}
                  http: {endpoint: 0.0.0.0:4318}
            processors:
              memory_limiter:
                check_interval: 1s
                limit_percentage: 75
                spike_limit_percentage: 15
              batch:
                send_batch_size: 8192
                timeout: 5s
        %4$s
            exporters:
              otlp:
                endpoint: gateway.observability.svc.cluster.local:4317
                tls:
                  insecure: true
              debug:
                verbosity: basic
            extensions:
              health_check:
                endpoint: 0.0.0.0:13133
            service:
              extensions: [health_check]
              pipelines:
                traces:
                  receivers: [otlp]
                  processors: %5$s
                  exporters: [otlp]
                metrics:
                  receivers: [otlp]
                  processors: %5$s
                  exporters: [otlp]
                logs:
                  receivers: [otlp]
                  processors: %5$s
                  exporters: [otlp, debug]
        """
            .formatted(
                name,
                namespace,
                mode.name().toLowerCase(Locale.ROOT),
                agentProcessors,
                pipelineProcessors);
    return Serialization.unmarshal(yaml, OpenTelemetryCollector.class);
  }

  private static void createNamespaces(KubernetesClient client, Settings s) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int n = 0; n < s.namespaces(); n++) {
        String ns = namespace(n);
        done.add(
            pool.submit(
                () ->
                    client
                        .namespaces()
                        .resource(
                            new NamespaceBuilder()
                                .withNewMetadata()
                                .withName(ns)
                                .endMetadata()
                                .build())
                        .create()));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** The collectors of a run, spread over the namespaces. */
  static List<OpenTelemetryCollector> collectors(Settings s) {
    List<OpenTelemetryCollector> out = new ArrayList<>();
    for (int i = 0; i < s.collectors(); i++) {
      out.add(
          collector(
              namespace(i % s.namespaces()), "otel-" + i / s.namespaces(), mode(i / s.namespaces())));
    }
    return out;
  }

  private static void createForeign(KubernetesClient client, Settings s) throws Exception {
    Pod template = WebhookFixtures.pod();
    template.getMetadata().getAnnotations().remove("sidecar.opentelemetry.io/inject");
    String payload = "x".repeat(1024);
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < s.foreign(); i++) {
        String ns = namespace(i % s.namespaces());
        int n = i;
        done.add(
            pool.submit(
                () -> {
                  Pod pod = Serialization.clone(template);
                  pod.getMetadata().setGenerateName(null);
                  pod.getMetadata().setName("checkout-7d9f8b6c5d-" + n);
                  pod.getMetadata().setNamespace(ns);
                  client.resource(pod).create();
                  client
                      .resource(
                          new ConfigMapBuilder()
                              .withNewMetadata()
                              .withName("app-config-" + n)
                              .withNamespace(ns)
                              .addToLabels("app.kubernetes.io/name", "checkout")
                              .endMetadata()
                              .addToData("application.yaml", payload)
                              .build())
                      .create();
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** The driver's view of convergence, from its own informers (cheap to evaluate often). */
  static final class Convergence implements AutoCloseable {
    private final SharedIndexInformer<OpenTelemetryCollector> crs;
    private final List<SharedIndexInformer<? extends HasMetadata>> workloads = new ArrayList<>();

    Convergence(KubernetesClient client) {
      crs = client.resources(OpenTelemetryCollector.class).inAnyNamespace().inform();
      workloads.add(ours(client.apps().deployments()));
      workloads.add(ours(client.apps().daemonSets()));
      workloads.add(ours(client.apps().statefulSets()));
    }

    private static <T extends HasMetadata> SharedIndexInformer<T> ours(
        io.fabric8.kubernetes.client.dsl.MixedOperation<T, ?, ?> op) {
      return op.inAnyNamespace().withLabel(Labels.MANAGED_BY, Labels.OPERATOR).inform();
    }

    /** Collectors with Ready=True and, unless sidecars, their workload. */
    int converged() {
      Set<String> present = new HashSet<>();
      for (SharedIndexInformer<? extends HasMetadata> w : workloads) {
        for (HasMetadata o : w.getStore().list()) {
          present.add(
              o.getKind() + "/" + o.getMetadata().getNamespace() + "/" + o.getMetadata().getName());
        }
      }
      int n = 0;
      for (OpenTelemetryCollector cr : crs.getStore().list()) {
        boolean ready =
            cr.getStatus() != null
                && cr.getStatus().conditions != null
                && cr.getStatus().conditions.stream()
                    .anyMatch(
                        c ->
                            StatusCalculator.READY.equals(c.getType())
                                && "True".equals(c.getStatus()));
        Mode mode = cr.getSpec().effectiveMode();
        String kind =
            switch (mode) {
              case DAEMONSET -> "DaemonSet";
              case STATEFULSET -> "StatefulSet";
              case SIDECAR -> null;
              default -> "Deployment";
            };
        boolean workload =
            kind == null
                || present.contains(
                    kind
                        + "/"
                        + cr.getMetadata().getNamespace()
                        + "/"
                        + Names.collector(cr.getMetadata().getName()));
        if (ready && workload) {
          n++;
        }
      }
      return n;
    }

    int await(int expected, Duration timeout, Consumer<String> log) {
      long deadline = System.nanoTime() + timeout.toNanos();
      long nextLog = System.nanoTime() + 5_000_000_000L;
      int n = 0;
      while (System.nanoTime() < deadline) {
        n = converged();
        if (n >= expected) {
          return n;
        }
        if (System.nanoTime() > nextLog) {
          log.accept("  converged " + n + "/" + expected);
          nextLog += 5_000_000_000L;
        }
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return n;
        }
      }
      return n;
    }

    @Override
    public void close() {
      crs.close();
      workloads.forEach(SharedIndexInformer::close);
    }
  }

  // ---------------------------------------------------------------- measurements

  private static long operatorWrites(Map<String, Long> writes) {
    return writes.entrySet().stream()
        .filter(e -> isOperatorWrite(e.getKey()))
        .mapToLong(Map.Entry::getValue)
        .sum();
  }

  /**
   * The operator's requests that change stored state. Access reviews are POSTs too, but questions
   * (the capability check asks one at start-up), not writes.
   */
  private static boolean isOperatorWrite(String key) {
    return key.startsWith("operator ") && !key.endsWith("reviews");
  }

  private static Map<String, Long> operatorWritesByKind(Map<String, Long> writes) {
    Map<String, Long> out = new TreeMap<>();
    writes.forEach(
        (k, v) -> {
          if (isOperatorWrite(k)) {
            out.put(k.substring("operator ".length()), v);
          }
        });
    return out;
  }

  private static Map<String, Long> subtract(Map<String, Long> after, Map<String, Long> before) {
    Map<String, Long> out = new TreeMap<>();
    after.forEach(
        (k, v) -> {
          long d = v - before.getOrDefault(k, 0L);
          if (d != 0) {
            out.put(k, d);
          }
        });
    return out;
  }

  /** Waits until the operator's write count holds still for {@code quiet}. */
  private static void awaitQuietWrites(Api api, Duration quiet, Duration max) throws Exception {
    long deadline = System.nanoTime() + max.toNanos();
    long last = operatorWrites(api.writes());
    long since = System.nanoTime();
    while (System.nanoTime() < deadline) {
      Thread.sleep(250);
      long now = operatorWrites(api.writes());
      if (now != last) {
        last = now;
        since = System.nanoTime();
      } else if (System.nanoTime() - since >= quiet.toNanos()) {
        return;
      }
    }
  }

  /** A Prometheus counter or gauge summed over its series; 0 when absent. */
  static long metric(HttpClient http, String url, String name) {
    String body = BenchSupport.get(http, url).map(HttpResponse::body).orElse("");
    return (long) metricValue(body, name);
  }

  static double metricValue(String scrape, String name) {
    double sum = 0;
    for (String line : scrape.split("\n")) {
      if (line.startsWith("#")) {
        continue;
      }
      int end = line.indexOf('{') >= 0 ? line.indexOf('{') : line.indexOf(' ');
      if (end < 0) {
        continue;
      }
      String metric = line.substring(0, end);
      if (metric.equals(name) || metric.equals(name + "_total")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  /** RSS, and the heap after a full GC (the live set), from /proc, jcmd and /metrics. */
  private static Memory memory(long pid, HttpClient http, String metricsUrl) {
    String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    // The class histogram runs a full GC and counts what survives in the same pause: the live
    // set, not whatever reconciles allocated between a GC and a later reading.
    String histogram =
        BenchSupport.run(Duration.ofSeconds(60), jcmd, Long.toString(pid), "GC.class_histogram");
    long live = 0;
    if (System.getenv("BENCH_HISTOGRAM") != null) {
      // The top of the histogram, to see what the caches hold.
      System.err.println(
          String.join("\n", histogram.lines().limit(25).toList()));
    }
    for (String line : histogram.split("\n")) {
      String t = line.trim();
      if (t.startsWith("Total")) {
        String[] parts = t.split("\\s+");
        live = Long.parseLong(parts[parts.length - 1]);
      }
    }
    String scrape = BenchSupport.get(http, metricsUrl).map(HttpResponse::body).orElse("");
    long committed = 0;
    for (String line : scrape.split("\n")) {
      if (line.contains("area=\"heap\"") && line.startsWith("jvm_memory_committed_bytes")) {
        committed += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return new Memory(BenchSupport.rssKib(pid), live, committed);
  }

  // ---------------------------------------------------------------- report

  /** The stored objects' sizes as a Markdown table: the mock's answers are real-sized. */
  static String sizesReport(String sizes) {
    StringBuilder b = new StringBuilder();
    b.append("\nObjects as the mock API server stores and returns them (mean JSON size):\n\n");
    b.append("| kind | objects | JSON bytes | of which managedFields |\n|---|---:|---:|---:|\n");
    for (String line : sizes.split("\n")) {
      String[] f = line.trim().split(" ");
      if (f.length == 4) {
        long total = Long.parseLong(f[2]);
        long mf = Long.parseLong(f[3]);
        b.append(
            String.format(
                Locale.ROOT,
                "| %s | %s | %d | %d (%.0f %%) |%n",
                f[0],
                f[1],
                total,
                mf,
                total == 0 ? 0.0 : 100.0 * mf / total));
      }
    }
    return b.toString();
  }

  static String report(Settings s, BenchSupport.Shipped shipped, String machine, Result r) {
    StringBuilder b = new StringBuilder();
    b.append("## Scale and memory benchmark results\n\n");
    b.append("- Machine: ").append(machine).append('\n');
    b.append(
        String.format(
            Locale.ROOT,
            "- %d collectors in %d namespaces (of every 10: 6 deployment, 2 daemonset, 1"
                + " statefulset, 1 sidecar), %d foreign pods + %d foreign ConfigMaps, resync"
                + " period %d s%n",
            s.collectors(),
            s.namespaces(),
            s.foreign(),
            s.foreign(),
            s.resync().toSeconds()));
    b.append("- Operator: ")
        .append(
            Files.isRegularFile(s.jar()) ? "`java -jar " + s.jar() + " operator`" : "class path")
        .append(" with env ")
        .append(shipped.env())
        .append(" and `")
        .append(shipped.maxRamFlag())
        .append("` for the ")
        .append(shipped.memoryLimit())
        .append(" limit (from ")
        .append(shipped.source())
        .append(")")
        .append(s.cds() ? ", with a class-data-sharing archive (--cds=true)" : "")
        .append("\n\n");
    b.append("| figure | measured | goal | result |\n|---|---:|---:|---|\n");
    b.append(
        BenchSupport.targetRow(
            "start-up to ready (process start → /readyz 200), empty cluster",
            String.format(Locale.ROOT, "%.2f s", r.startupSeconds()),
            "≤ 3 s",
            r.startupSeconds() <= 3));
    b.append(
        BenchSupport.targetRow(
            s.collectors() + " collectors created at once → all Ready=True with their workload",
            r.convergeSeconds() < 0
                ? r.converged() + "/" + s.collectors() + " in " + s.timeout().toSeconds() + " s"
                : String.format(Locale.ROOT, "%.1f s", r.convergeSeconds()),
            "≤ 60 s",
            r.convergeSeconds() >= 0 && r.convergeSeconds() <= 60));
    b.append(
        BenchSupport.targetRow(
            "API writes per new collector",
            String.format(Locale.ROOT, "%.2f", r.writesPerCollector()),
            "(no goal)",
            null));
    b.append(
        BenchSupport.targetRow(
            "writes during 2 full resyncs at steady state",
            r.steadyWrites() + " (" + r.steadyReconciles() + " reconciles)",
            "0",
            r.steadyWrites() == 0));
    if (r.burst() != null) {
      b.append(
          BenchSupport.targetRow(
              s.collectors()
                  + " creates, "
                  + s.parallel()
                  + " at a time"
                  + (s.webhook() ? " through the CR webhooks (defaulting + validation, TLS)" : "")
                  + ", while the operator converges: refused",
              Integer.toString(r.burst().refused()),
              "0",
              r.burst().refused() == 0));
      b.append(
          BenchSupport.targetRow(
              "admission latency during that burst: p50 / p99 / max",
              String.format(
                  Locale.ROOT,
                  "%.1f / %.1f / %.1f ms",
                  r.burst().p50Ms(),
                  r.burst().p99Ms(),
                  r.burst().maxMs()),
              "< 10 s (API server timeout)",
              r.burst().maxMs() < AdmissionBurst.WEBHOOK_TIMEOUT.toMillis()));
    }
    b.append(
        BenchSupport.targetRow(
            "operator RSS peak from the creates to the end of the steady state",
            String.format(Locale.ROOT, "%.1f MiB", r.peakRssKib() / 1024.0),
            "≤ 256 MiB",
            r.peakRssKib() <= 256 * 1024));
    if (r.webhookRssKib() > 0) {
      b.append(
          BenchSupport.targetRow(
              "webhook RSS after the burst",
              String.format(Locale.ROOT, "%.1f MiB", r.webhookRssKib() / 1024.0),
              "≤ 256 MiB",
              r.webhookRssKib() <= 256 * 1024));
    }
    b.append(
        BenchSupport.targetRow(
            "operator memory at " + s.collectors() + " collectors",
            r.atCollectors().describe(),
            "live heap ≤ 60 MiB",
            r.atCollectors().heapUsedBytes() <= 60L * 1024 * 1024));
    b.append(
        BenchSupport.targetRow(
            "operator memory with " + 2 * s.foreign() + " foreign objects added",
            r.withForeign().describe(),
            "RSS ≤ 256 MiB",
            r.withForeign().rssKib() <= 256 * 1024));
    b.append(
        BenchSupport.targetRow(
            "growth from the foreign objects",
            String.format(
                Locale.ROOT,
                "RSS %+.1f MiB, live heap %+.1f MiB",
                (r.withForeign().rssKib() - r.atCollectors().rssKib()) / 1024.0,
                (r.withForeign().heapUsedBytes() - r.atCollectors().heapUsedBytes()) / 1048576.0),
            "no growth",
            null));
    b.append(
        BenchSupport.targetRow(
            "operator writes caused by the foreign objects",
            Long.toString(r.foreignWrites()),
            "0",
            r.foreignWrites() == 0));
    if (r.restartReadySeconds() >= 0) {
      b.append(
          BenchSupport.targetRow(
              "restart with everything in place: ready / all reconciled",
              String.format(
                  Locale.ROOT,
                  "%.2f s / %.1f s",
                  r.restartReadySeconds(),
                  r.restartReconciledSeconds()),
              "",
              null));
      b.append(
          BenchSupport.targetRow(
              "writes after the restart",
              Long.toString(r.restartWrites()),
              "0",
              r.restartWrites() == 0));
    }
    b.append("\nWrites per new collector by request (operator only):\n\n");
    r.writesPerCollectorByKind()
        .forEach(
            (k, v) ->
                b.append(
                    String.format(Locale.ROOT, "- `%s`: %.2f%n", k, (double) v / s.collectors())));
    return b.toString();
  }
}
