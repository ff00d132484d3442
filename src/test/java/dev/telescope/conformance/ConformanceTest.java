package dev.telescope.conformance;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.telescope.TestYaml;
import dev.telescope.api.ConfigYaml;
import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import dev.telescope.config.Capabilities;
import dev.telescope.config.OperatorConfig;
import dev.telescope.manifests.CollectorContext;
import dev.telescope.manifests.CollectorManifests;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.zjsonpatch.JsonDiff;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Upstream's conformance corpus run against our renderer: the unit golden pairs (exact), and every
 * chainsaw e2e case step by step against a {@link Cluster} ({@link RenderCluster} here). A step
 * passes, fails, is a listed deliberate difference, is skipped (scripts, running pods), or waits
 * for the v1alpha1 conversion. The totals go to {@code target/conformance-summary.txt}, the details
 * to {@code target/conformance-report.txt}.
 */
class ConformanceTest {
  static final Path ROOT = TestYaml.shared().resolve("conformance/upstream");
  private static final Differences DIFFERENCES = Differences.load();
  private static final CrdSchema CRD = CrdSchema.load();
  private static final Summary SUMMARY = new Summary();

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
    SUMMARY.golden(id, problems);
    Optional<Differences.Entry> diff = DIFFERENCES.difference(id, "");
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
    List<DynamicNode> nodes = new ArrayList<>();
    nodes.add(
        DynamicTest.dynamicTest("differences.yaml names existing cases", () -> listed(cases)));
    for (ChainsawCase c : cases) {
      Execution exec = new Execution(c);
      nodes.add(
          DynamicContainer.dynamicContainer(
              c.id(),
              IntStream.range(0, c.steps().size())
                  .mapToObj(
                      i ->
                          DynamicTest.dynamicTest(
                              c.id() + " > " + c.steps().get(i).name(), () -> exec.step(i)))));
    }
    return nodes.stream();
  }

  private static void listed(List<ChainsawCase> cases) {
    List<String> unknown = new ArrayList<>();
    List<Differences.Entry> all = new ArrayList<>(DIFFERENCES.differences);
    all.addAll(DIFFERENCES.skips);
    for (Differences.Entry e : all) {
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

  /** The operator's flags and the cluster's capabilities upstream's CI gives each suite. */
  static OperatorConfig configFor(ChainsawCase c) {
    List<String> flags = new ArrayList<>();
    if (c.suite().equals("e2e-metadata-filters")) {
      flags.add("--annotations-filter=.*filter.out");
      flags.add("--annotations-filter=config.*.gke.io.*");
      flags.add("--labels-filter=.*filter.out");
    }
    boolean routes = c.suite().equals("e2e-openshift");
    boolean createRbac = c.suite().equals("e2e-automatic-rbac");
    // CI installs the Prometheus-operator CRDs for every suite.
    boolean prometheusCrds = true;
    boolean nativeSidecars = !"legacy".equals(c.labels().get("sidecar"));
    return OperatorConfig.parse(flags, Map.of())
        .withCapabilities(new Capabilities(routes, prometheusCrds, createRbac, nativeSidecars));
  }

  /** Makes the cluster one case runs against, given the operator settings of its suite. */
  interface ClusterFactory {
    Cluster create(OperatorConfig cfg, ChainsawCase test);
  }

  /**
   * The cluster implementation, chosen with {@code -Dtelescope.conformance.cluster}: {@code render}
   * (default) is {@link RenderCluster}. A cluster backed by the real operator (fabric8 mock server)
   * is added here as another case.
   */
  static ClusterFactory clusters() {
    String kind = System.getProperty("telescope.conformance.cluster", "render");
    return switch (kind) {
      case "render" -> (cfg, test) -> new RenderCluster(cfg, CRD, null);
      default ->
          throw new IllegalArgumentException(
              "unknown -Dtelescope.conformance.cluster=" + kind + " (known: render)");
    };
  }

  /** One case's cluster and runner, created when its first step runs. */
  private static final class Execution {
    private final ChainsawCase test;
    private CaseRunner runner;

    Execution(ChainsawCase test) {
      this.test = test;
    }

    void step(int i) {
      ChainsawCase.Step step = test.steps().get(i);
      Optional<Differences.Entry> skip = DIFFERENCES.skip(test.id(), step.name());
      Optional<Differences.Entry> diff = DIFFERENCES.difference(test.id(), step.name());
      CaseRunner.StepResult r;
      try {
        if (runner == null) {
          OperatorConfig cfg = configFor(test);
          Cluster cluster = clusters().create(cfg, test);
          String ns = test.namespace() != null ? test.namespace() : "chainsaw-" + test.name();
          cluster.createNamespace(ns);
          int minor = "legacy".equals(test.labels().get("sidecar")) ? 28 : 36;
          runner =
              new CaseRunner(
                  test,
                  cluster,
                  ns,
                  Map.of("collectorVersion", TextNode.valueOf(cfg.collectorVersion())),
                  minor);
        }
        r = runner.run(step, skip.isEmpty());
      } catch (RuntimeException e) {
        r =
            new CaseRunner.StepResult(
                step.name(), CaseRunner.Outcome.FAIL, List.of("error: " + e), List.of());
      }
      SUMMARY.step(test, r, diff.orElse(null), skip.orElse(null));
      String details = String.join("\n  ", r.messages());
      if (skip.isPresent()) {
        Assumptions.abort("skipped: " + skip.get().reason());
      }
      if (diff.isPresent()) {
        if (r.outcome() == CaseRunner.Outcome.PASS) {
          fail(
              test.id()
                  + " "
                  + step.name()
                  + " is listed as a deliberate difference but passes: remove it from"
                  + " differences.yaml");
        }
        Assumptions.abort("deliberate difference: " + diff.get().reason() + "\n  " + details);
      }
      switch (r.outcome()) {
        case PASS, SETUP -> {}
        case SKIPPED -> Assumptions.abort("skipped: " + String.join("; ", r.notes()));
        case PENDING -> Assumptions.abort(details);
        case FAIL -> fail(test.id() + " " + step.name() + ":\n  " + details);
      }
    }
  }

  @AfterAll
  static void writeSummary() throws IOException {
    String line = SUMMARY.line();
    System.out.println(line);
    Path target = Path.of("target");
    Files.createDirectories(target);
    Files.writeString(target.resolve("conformance-summary.txt"), line + "\n");
    Files.writeString(target.resolve("conformance-report.txt"), SUMMARY.report());
  }
}
