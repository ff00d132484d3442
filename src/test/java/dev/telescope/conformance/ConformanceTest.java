package dev.telescope.conformance;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.telescope.TestYaml;
import dev.telescope.api.ConfigYaml;
import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import dev.telescope.manifests.CollectorContext;
import dev.telescope.manifests.CollectorManifests;
import dev.telescope.settings.Capabilities;
import dev.telescope.settings.OperatorConfig;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.zjsonpatch.JsonDiff;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Upstream's conformance corpus run against our product: the unit golden pairs (exact), and every
 * chainsaw e2e case step by step against each selected {@link Cluster}: {@link RenderCluster} (the
 * renderer in an emulated, synchronous cluster: a fast pre-check) and {@link MockApiCluster} (the
 * real reconciler and admission handlers against fabric8's mock API server). A step passes, fails,
 * is a listed deliberate difference, is skipped (scripts, running pods), or waits for the v1alpha1
 * conversion. The totals per cluster go to {@code target/conformance-summary.txt}, the details to
 * {@code target/conformance-report.txt}.
 */
class ConformanceTest {
  static final Path ROOT = TestYaml.shared().resolve("conformance/upstream");

  /** The corpus of next capabilities: the suites of the features built so far are run. */
  static final Path NEXT = TestYaml.shared().resolve("conformance/upstream-next");

  /** Suites of {@link #NEXT} in the run: auto-instrumentation. */
  static final List<String> NEXT_SUITES =
      List.of(
          "tests/e2e-instrumentation",
          "tests/e2e-multi-instrumentation",
          "tests/e2e/env-vars",
          "tests/e2e/use-labels-for-resource-attributes");

  private static final Differences DIFFERENCES = Differences.load();
  private static final CrdSchema CRD = CrdSchema.load();
  static final List<String> KNOWN_CLUSTERS = List.of("render", "mock");
  private static final Map<String, Summary> SUMMARIES = new LinkedHashMap<>();

  static {
    for (String name : clusterNames()) {
      SUMMARIES.put(name, new Summary(name));
    }
  }

  // ---------------------------------------------------------------- unit golden pairs

  static final List<String> GOLDEN =
      List.of(
          "build_collector_base",
          "build_collector_ingress",
          "build_collector_service_account",
          "build_collector_ta_cr_base",
          "build_collector_ta_cr_enable_metrics");

  /** Upstream's builder_test configuration: images set, no capabilities, no defaulting. */
  static OperatorConfig unitConfig() {
    return OperatorConfig.parse(List.of("--collector-image=default-collector"), Map.of());
  }

  @TestFactory
  Stream<DynamicNode> goldenPairs() {
    return GOLDEN.stream()
        .map(name -> DynamicTest.dynamicTest("golden " + name, () -> golden(name)));
  }

  private static void golden(String name) {
    String id = "internal/controllers/testdata/" + name;
    Path dir = ROOT.resolve("internal/controllers/testdata");
    List<String> problems = new ArrayList<>();
    try {
      OpenTelemetryCollector cr =
          TestYaml.collector(TestYaml.read(dir.resolve(name + ".input.yaml")));
      List<HasMetadata> objects =
          CollectorManifests.build(CollectorContext.of(cr, unitConfig())).objects();
      List<JsonNode> actual =
          objects.stream().map(o -> normalise(RenderCluster.toJson(o))).toList();
      List<JsonNode> expected =
          ChainsawCase.documents(dir.resolve(name + ".yaml")).stream()
              .map(ConformanceTest::normalise)
              .toList();
      for (int i = 0; i < Math.max(actual.size(), expected.size()); i++) {
        JsonNode e = i < expected.size() ? expected.get(i) : null;
        JsonNode a = i < actual.size() ? actual.get(i) : null;
        if (e == null || a == null) {
          JsonNode present = e == null ? a : e;
          problems.add(
              "object "
                  + i
                  + " ("
                  + present.path("kind").asText()
                  + " "
                  + present.at("/metadata/name").asText()
                  + ") is "
                  + (e == null ? "extra" : "missing"));
          continue;
        }
        JsonNode diff = JsonDiff.asJson(e, a);
        for (JsonNode op : diff) {
          problems.add(
              "object "
                  + i
                  + " ("
                  + e.path("kind").asText()
                  + " "
                  + e.at("/metadata/name").asText()
                  + "): "
                  + op.path("op").asText()
                  + " "
                  + op.path("path").asText()
                  + (op.has("value") ? " = " + ChainsawAssert.describe(op.get("value")) : "")
                  + (op.has("from") ? " from " + op.get("from").asText() : ""));
        }
      }
    } catch (RuntimeException e) {
      problems.add("error: " + e);
    }
    SUMMARIES.values().forEach(sum -> sum.golden(id, problems));
    Optional<Differences.Entry> diff = DIFFERENCES.difference(id, "", null);
    if (diff.isPresent()) {
      if (problems.isEmpty()) {
        fail(id + " is listed in differences.yaml but now matches: remove the entry");
      }
      Assumptions.abort("deliberate difference: " + diff.get().reason());
    }
    if (!problems.isEmpty()) {
      fail(id + " differs from upstream's golden file:\n  " + String.join("\n  ", problems));
    }
  }

  /**
   * Status stripped, Go's zero targetPort meaning unset, creationTimestamp null dropped, keys
   * sorted.
   */
  static JsonNode normalise(JsonNode n) {
    if (n.isObject()) {
      ObjectNode o = (ObjectNode) n;
      JsonNode tp = o.get("targetPort");
      if (tp != null && tp.isInt() && tp.asInt() == 0) {
        o.remove("targetPort");
      }
      o.remove("status");
      if (o.get("metadata") instanceof ObjectNode meta) {
        meta.remove("creationTimestamp");
      }
      o.properties().forEach(e -> normalise(e.getValue()));
    } else if (n.isArray()) {
      n.forEach(ConformanceTest::normalise);
    }
    return ConfigYaml.sorted(n);
  }

  // ---------------------------------------------------------------- e2e cases

  @TestFactory
  Stream<DynamicNode> e2e() {
    List<ChainsawCase> cases = new ArrayList<>();
    cases.addAll(ChainsawCase.discover(ROOT, ROOT.resolve("tests")));
    try (Stream<Path> legacy = Files.list(ROOT)) {
      for (Path p : legacy.filter(p -> p.getFileName().toString().startsWith("legacy-")).toList()) {
        cases.addAll(ChainsawCase.discover(ROOT, p.resolve("tests")));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    cases.addAll(targetAllocatorSuites());
    for (String suite : NEXT_SUITES) {
      cases.addAll(ChainsawCase.discover(NEXT, NEXT.resolve(suite)));
    }
    cases.addAll(upgradeSuite());
    List<ChainsawCase> everyCase = List.copyOf(cases);
    // -Dtelescope.conformance.cases=<regex>: only the cases whose id it finds (a quick local run).
    String only = System.getProperty("telescope.conformance.cases");
    if (only != null && !only.isBlank()) {
      cases.removeIf(c -> !java.util.regex.Pattern.compile(only).matcher(c.id()).find());
    }
    if (SUMMARIES.containsKey("mock")) {
      prestart(cases);
    }
    List<DynamicNode> nodes = new ArrayList<>();
    nodes.add(
        DynamicTest.dynamicTest("differences.yaml names existing cases", () -> listed(everyCase)));
    for (String cluster : SUMMARIES.keySet()) {
      List<DynamicNode> perCase = new ArrayList<>();
      for (ChainsawCase c : cases) {
        Execution exec = new Execution(c, cluster);
        perCase.add(
            DynamicContainer.dynamicContainer(
                c.id(),
                IntStream.range(0, c.steps().size())
                    .mapToObj(
                        i ->
                            DynamicTest.dynamicTest(
                                cluster + " " + c.id() + " > " + c.steps().get(i).name(),
                                () -> exec.step(i)))));
      }
      nodes.add(DynamicContainer.dynamicContainer(cluster, perCase));
    }
    return nodes.stream();
  }

  /** The target allocator suites of upstream-next (cert-manager's kinds present for mTLS). */
  static List<ChainsawCase> targetAllocatorSuites() {
    List<ChainsawCase> out = new ArrayList<>();
    for (String dir :
        List.of(
            "tests/e2e-targetallocator",
            "tests/e2e-targetallocator-cr",
            "tests/e2e-pdb/target-allocator",
            "tests/e2e-ta-collector-mtls")) {
      out.addAll(ChainsawCase.discover(NEXT, NEXT.resolve(dir)));
    }
    return out;
  }

  /** Switch-over: collectors stored by an older operator, upgraded in place. */
  static List<ChainsawCase> upgradeSuite() {
    return ChainsawCase.discover(NEXT, NEXT.resolve("tests/e2e-upgrade"));
  }

  private static void listed(List<ChainsawCase> cases) {
    List<String> unknown = new ArrayList<>();
    List<Differences.Entry> all = new ArrayList<>(DIFFERENCES.differences);
    all.addAll(DIFFERENCES.skips);
    for (Differences.Entry e : all) {
      for (String cl : e.clusters()) {
        if (!KNOWN_CLUSTERS.contains(cl)) {
          unknown.add(e.caseId() + " cluster " + cl);
        }
      }
      boolean golden = GOLDEN.stream().anyMatch(g -> e.caseId().endsWith("/" + g));
      Optional<ChainsawCase> c = cases.stream().filter(x -> x.id().equals(e.caseId())).findFirst();
      if (!golden && c.isEmpty()) {
        unknown.add(e.caseId());
      }
      c.ifPresent(
          x -> {
            for (String s : e.steps()) {
              if (x.steps().stream().noneMatch(st -> st.name().equals(s))) {
                unknown.add(e.caseId() + " step " + s);
              }
            }
          });
    }
    if (!unknown.isEmpty()) {
      fail("differences.yaml names what the corpus does not have: " + unknown);
    }
  }

  /**
   * The operator's flags and the cluster's capabilities upstream's CI gives each suite. Leader
   * election is off (one replica). Cases labelled {@code sidecar: legacy} run on Kubernetes 1.28,
   * the others on 1.36 where native sidecars exist, which {@code --native-sidecars} forces (so
   * cases labelled {@code sidecar: native} get them whatever the detection says).
   */
  record Setup(
      List<String> flags, Capabilities capabilities, int serverMinor, boolean instrumentation) {
    Setup(List<String> flags, Capabilities capabilities, int serverMinor) {
      this(flags, capabilities, serverMinor, false);
    }

    OperatorConfig config() {
      return OperatorConfig.parse(flags, Map.of()).withCapabilities(capabilities);
    }

    /** Cases with equal setups can share one operator, as a CI suite does. */
    String key() {
      return flags + " " + capabilities + " 1." + serverMinor + (instrumentation ? " instr" : "");
    }
  }

  /**
   * The auto-instrumentation suites: upstream's CI enables the Go agent for them (INDEX.md of the
   * next corpus) and nginx, whose cases the suite holds; their pods get the API server's
   * ServiceAccount token mounts, which their asserts list.
   */
  static boolean instrumentationCase(ChainsawCase c) {
    // A suite is a folder of cases, or one case (tests/e2e/env-vars), possibly of several tests.
    return NEXT_SUITES.stream()
        .anyMatch(
            s -> c.id().equals(s) || c.id().startsWith(s + "/") || c.id().startsWith(s + "#"));
  }

  static Setup setupFor(ChainsawCase c) {
    List<String> flags = new ArrayList<>();
    flags.add("--leader-election=false");
    if (c.suite().equals("e2e-metadata-filters")) {
      flags.add("--annotations-filter=.*filter.out");
      flags.add("--annotations-filter=config.*.gke.io.*");
      flags.add("--labels-filter=.*filter.out");
    }
    if (serverMinor(c) >= 29) {
      flags.add("--native-sidecars=true");
    }
    boolean routes = c.suite().equals("e2e-openshift");
    boolean createRbac = c.suite().equals("e2e-automatic-rbac");
    // CI installs the Prometheus-operator CRDs for every suite, and upstream's install brings the
    // TargetAllocator CRD.
    boolean prometheusCrds = true;
    boolean targetAllocators = true;
    // ... and the Gateway API CRDs.
    boolean gatewayApi = true;
    // ... and cert-manager (its Issuer and Certificate kinds).
    boolean certManager = true;
    int minor = serverMinor(c);
    boolean instrumentation = instrumentationCase(c);
    if (instrumentation) {
      flags.add("--enable-go-instrumentation=true");
      flags.add("--enable-nginx-instrumentation=true");
    }
    return new Setup(
        List.copyOf(flags),
        new Capabilities(
            routes,
            prometheusCrds,
            createRbac,
            minor >= 29,
            targetAllocators,
            gatewayApi,
            certManager),
        minor,
        instrumentation);
  }

  /** The Kubernetes minor version a case runs on: CI's lowest for legacy sidecars, else highest. */
  static int serverMinor(ChainsawCase c) {
    return "legacy".equals(c.labels().get("sidecar")) ? 28 : 36;
  }

  /**
   * The cluster implementations to run, chosen with {@code -Dtelescope.conformance.cluster}: a
   * comma-separated list of {@code render} ({@link RenderCluster}) and {@code mock} ({@link
   * MockApiCluster}); both by default.
   */
  static List<String> clusterNames() {
    String value = System.getProperty("telescope.conformance.cluster", "render,mock");
    List<String> out = new ArrayList<>();
    for (String name : value.split(",")) {
      String n = name.trim();
      if (!KNOWN_CLUSTERS.contains(n)) {
        throw new IllegalArgumentException(
            "unknown -Dtelescope.conformance.cluster=" + n + " (known: " + KNOWN_CLUSTERS + ")");
      }
      if (!out.contains(n)) {
        out.add(n);
      }
    }
    return out;
  }

  /** Mock clusters by setup: one operator per suite-like setup, shared by its cases in turn. */
  private static final Map<String, Future<MockApiCluster>> MOCKS = new LinkedHashMap<>();

  /** Starts mock clusters one after the other in the background, while other cases run. */
  private static final ExecutorService STARTER =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "conformance-mock-starter");
            t.setDaemon(true);
            return t;
          });

  /** Queues the start of every mock cluster the cases need, in the order they need them. */
  private static void prestart(List<ChainsawCase> cases) {
    for (ChainsawCase c : cases) {
      mock(setupFor(c));
    }
  }

  private static Future<MockApiCluster> mock(Setup setup) {
    synchronized (MOCKS) {
      return MOCKS.computeIfAbsent(
          setup.key(),
          k ->
              STARTER.submit(
                  () ->
                      new MockApiCluster(
                          setup.config(), CRD, setup.serverMinor(), setup.instrumentation())));
    }
  }

  /**
   * The named cluster one case runs against: a fresh {@link RenderCluster}, or the {@link
   * MockApiCluster} of the case's setup (started ahead of use; {@link Cluster#finishCase} cleans up
   * between cases).
   */
  static Cluster clusterFor(String name, Setup setup) {
    return switch (name) {
      case "render" ->
          new RenderCluster(
              setup.config(),
              CRD,
              setup.instrumentation() ? new RenderPodWebhook(setup.config()) : null);
      case "mock" -> {
        try {
          yield mock(setup).get();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while starting a mock cluster", e);
        } catch (ExecutionException e) {
          throw new IllegalStateException("starting the mock cluster failed", e.getCause());
        }
      }
      default -> throw new IllegalArgumentException("unknown cluster " + name);
    };
  }

  /** One case's cluster and runner, set up when its first step runs, cleaned up after its last. */
  private static final class Execution {
    private final ChainsawCase test;
    private final String clusterName;
    private Cluster cluster;
    private String namespace;
    private CaseRunner runner;

    Execution(ChainsawCase test, String clusterName) {
      this.test = test;
      this.clusterName = clusterName;
    }

    void step(int i) {
      try {
        run(i);
      } finally {
        if (i == test.steps().size() - 1) {
          finish();
        }
      }
    }

    private void run(int i) {
      ChainsawCase.Step step = test.steps().get(i);
      Optional<Differences.Entry> skip = DIFFERENCES.skip(test.id(), step.name(), clusterName);
      Optional<Differences.Entry> diff =
          DIFFERENCES.difference(test.id(), step.name(), clusterName);
      CaseRunner.StepResult r;
      try {
        if (runner == null) {
          Setup setup = setupFor(test);
          cluster = clusterFor(clusterName, setup);
          namespace = test.namespace() != null ? test.namespace() : "chainsaw-" + test.name();
          cluster.createNamespace(namespace);
          runner =
              new CaseRunner(
                  test,
                  cluster,
                  namespace,
                  Map.of("collectorVersion", TextNode.valueOf(setup.config().collectorVersion())),
                  setup.serverMinor());
        }
        r = runner.run(step, skip.isEmpty());
      } catch (RuntimeException e) {
        r =
            new CaseRunner.StepResult(
                step.name(), CaseRunner.Outcome.FAIL, List.of("error: " + e), List.of());
      }
      SUMMARIES.get(clusterName).step(test, r, diff.orElse(null), skip.orElse(null));
      String details = String.join("\n  ", r.messages());
      String where = "[" + clusterName + "] " + test.id() + " " + step.name();
      if (skip.isPresent()) {
        Assumptions.abort("skipped: " + skip.get().reason());
      }
      if (diff.isPresent()) {
        if (r.outcome() == CaseRunner.Outcome.PASS) {
          fail(
              where
                  + " is listed as a deliberate difference but passes: remove it from"
                  + " differences.yaml");
        }
        Assumptions.abort("deliberate difference: " + diff.get().reason() + "\n  " + details);
      }
      switch (r.outcome()) {
        case PASS, SETUP -> {}
        case SKIPPED -> Assumptions.abort("skipped: " + String.join("; ", r.notes()));
        case PENDING -> Assumptions.abort(details);
        case FAIL -> fail(where + ":\n  " + details);
      }
    }

    private void finish() {
      Cluster c = cluster;
      cluster = null;
      runner = null;
      if (c != null) {
        c.finishCase(namespace);
      }
    }
  }

  @AfterAll
  static void writeSummary() throws IOException {
    List<Future<MockApiCluster>> mocks;
    synchronized (MOCKS) {
      mocks = new ArrayList<>(MOCKS.values());
      MOCKS.clear();
    }
    for (Future<MockApiCluster> m : mocks) {
      try {
        m.get().close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException e) {
        // It never started: nothing to close.
      }
    }
    StringBuilder lines = new StringBuilder();
    StringBuilder report = new StringBuilder();
    for (Summary s : SUMMARIES.values()) {
      System.out.println(s.line());
      lines.append(s.line()).append('\n');
      report.append(s.report()).append("\n\n");
    }
    Path target = Path.of("target");
    Files.createDirectories(target);
    Files.writeString(target.resolve("conformance-summary.txt"), lines.toString());
    Files.writeString(target.resolve("conformance-report.txt"), report.toString());
  }
}
