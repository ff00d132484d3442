package dev.telescope.reconciler;

import static dev.telescope.reconciler.FaultCluster.NS;
import static dev.telescope.reconciler.FaultCluster.WAIT;
import static dev.telescope.reconciler.MockCluster.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telescope.TestYaml;
import dev.telescope.api.ConfigYaml;
import dev.telescope.api.Conversion;
import dev.telescope.api.common.PortsSpec;
import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import dev.telescope.config.Defaults;
import dev.telescope.config.Validation;
import dev.telescope.manifests.CollectorContext;
import dev.telescope.manifests.CollectorManifests;
import dev.telescope.settings.OperatorConfig;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Hostile and broken input from users: v1alpha1 config strings that are YAML bombs, absurdly
 * nested, huge, binary or not a map; names at and beyond Kubernetes' limits; ports out of range.
 * Parsing, conversion and validation must answer clearly within a bound, and the reconciler must
 * report (Ready=False, a Warning event) instead of crashing or looping.
 */
class BadInputTest {
  private static final OperatorConfig CFG = FaultCluster.config();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration FAST = Duration.ofSeconds(5);
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern DNS_1035 = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern LABEL_VALUE =
      Pattern.compile("(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?");

  private static final String VALID_REST =
      "exporters:\n  debug: {}\nservice:\n  pipelines:\n    traces:\n"
          + "      receivers: [otlp]\n      exporters: [debug]\n";

  /** The classic billion laughs: 9 levels of 10 aliases each, 10^9 values once expanded. */
  static String billionLaughs() {
    StringBuilder b = new StringBuilder("receivers:\n  otlp: {}\n" + VALID_REST + "x:\n");
    b.append("  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for (int i = 1; i <= 9; i++) {
      b.append("  a").append(i).append(": &a").append(i).append(" [");
      for (int j = 0; j < 10; j++) {
        b.append(j == 0 ? "" : ", ").append("*a").append(i - 1);
      }
      b.append("]\n");
    }
    return b.toString();
  }

  /** Bad config strings, each with a fragment the answer must contain. */
  static Map<String, String[]> badConfigs() {
    Map<String, String[]> m = new LinkedHashMap<>();
    m.put("billion laughs", new String[] {billionLaughs(), "anchors and aliases that expand"});
    m.put(
        "an alias inside its own anchor",
        new String[] {"receivers: &r\n  otlp: *r\n" + VALID_REST, "contains it"});
    m.put(
        "10k levels of flow nesting",
        new String[] {
          "receivers: {otlp: {}}\nx: " + "[".repeat(10_000) + "]".repeat(10_000) + "\n",
          "nested too deeply"
        });
    StringBuilder block = new StringBuilder("receivers:\n  otlp: {}\n" + VALID_REST + "x:\n");
    for (int i = 1; i <= 600; i++) {
      block.append("  ".repeat(i)).append("k:\n");
    }
    block.append("  ".repeat(601)).append("v\n");
    m.put("600 levels of block nesting", new String[] {block.toString(), "nested more than 500"});
    m.put(
        "5 MiB",
        new String[] {
          "receivers:\n  otlp: {}\nx: \"" + "y".repeat(5 << 20) + "\"\n", "more than the limit"
        });
    byte[] noise = new byte[4096];
    new Random(7).nextBytes(noise);
    m.put(
        "binary", new String[] {new String(noise, StandardCharsets.ISO_8859_1), "not valid YAML"});
    m.put("a list", new String[] {"- receivers\n- exporters\n", "not a YAML mapping"});
    m.put("a scalar", new String[] {"just words", "not a YAML mapping"});
    m.put("empty", new String[] {"", "empty"});
    m.put("NaN", new String[] {"receivers: {otlp: {}}\nx: .nan\n", "no JSON form"});
    return m;
  }

  @Test
  void badConfigStringsAreRefusedClearlyAndFast() {
    for (Map.Entry<String, String[]> c : badConfigs().entrySet()) {
      String text = c.getValue()[0];
      String expected = c.getValue()[1];
      ConfigYaml.Parsed parsed =
          assertTimeoutPreemptively(FAST, () -> ConfigYaml.parse(text), c.getKey());
      assertThat(parsed.valid()).as(c.getKey()).isFalse();
      assertThat(parsed.error())
          .as(c.getKey())
          .hasValueSatisfying(e -> assertThat(e).contains(expected));
      assertThat(parsed.error().get()).as(c.getKey()).doesNotContain("\n").hasSizeLessThan(300);

      // The conversion webhook keeps the text and stores the empty config ...
      OpenTelemetryCollector beta =
          assertTimeoutPreemptively(FAST, () -> convert(text), c.getKey());
      assertThat(beta.getMetadata().getAnnotations())
          .containsEntry(Conversion.INVALID_CONFIG_ANNOTATION, text);
      // ... and validation names the problem.
      List<String> errors =
          assertTimeoutPreemptively(
              FAST, () -> Validation.validate(beta, null, CFG).errors(), c.getKey());
      assertThat(errors)
          .as(c.getKey())
          .singleElement()
          .satisfies(
              e ->
                  assertThat(e)
                      .contains("could not be read from the v1alpha1 config string")
                      .doesNotContain("\n")
                      .hasSizeLessThan(600));
    }
  }

  @Test
  void aValidConfigWithModestAliasesStillParses() {
    String text =
        "receivers:\n  otlp: &p\n    protocols:\n      grpc: {}\n  otlp/2: *p\n" + VALID_REST;
    ConfigYaml.Parsed parsed = ConfigYaml.parse(text);
    assertThat(parsed.error()).isEmpty();
    assertThat(parsed.config().get().at("/receivers/otlp~12/protocols/grpc").isObject()).isTrue();
  }

  static OpenTelemetryCollector convert(String configText) {
    Map<String, Object> alpha = new LinkedHashMap<>();
    alpha.put("apiVersion", Conversion.V1ALPHA1);
    alpha.put("kind", "OpenTelemetryCollector");
    alpha.put("metadata", Map.of("name", "bad", "namespace", NS));
    alpha.put("spec", Map.of("mode", "deployment", "config", configText));
    Map<String, Object> beta = Conversion.convert(alpha, Conversion.V1BETA1);
    return JSON.convertValue(beta, OpenTelemetryCollector.class);
  }

  @Test
  void theReconcilerReportsBadConfigStringsWithoutCrashingOrLooping() {
    try (FaultCluster c = new FaultCluster()) {
      OperatorRuntime runtime = c.operator(Duration.ofMillis(300));
      Map<String, String[]> cases = badConfigs();
      cases.remove("5 MiB"); // larger than any annotation the API server would store
      int i = 0;
      Map<String, String> names = new LinkedHashMap<>();
      for (Map.Entry<String, String[]> e : cases.entrySet()) {
        OpenTelemetryCollector cr = convert(e.getValue()[0]);
        String name = "bad-" + i++;
        cr.getMetadata().setName(name);
        c.client.resource(cr).create();
        names.put(name, e.getKey());
      }
      for (Map.Entry<String, String> n : names.entrySet()) {
        await(n.getValue() + " reported", WAIT, () -> "False".equals(c.ready(n.getKey())));
        assertThat(c.readyMessage(n.getKey()))
            .as(n.getValue())
            .startsWith("the collector spec is invalid, nothing was changed:")
            .contains("could not be read from the v1alpha1 config string");
      }
      await(
          "a Warning event per collector",
          WAIT,
          () ->
              names.keySet().stream()
                  .allMatch(
                      n ->
                          c.events().stream()
                              .anyMatch(
                                  ev ->
                                      "Warning".equals(ev.getType())
                                          && n.equals(ev.getRegarding().getName()))));
      assertThat(c.names(Deployment.class)).isEmpty();

      // No loop: resyncs keep coming, but nothing is written any more.
      await(
          "settled",
          WAIT,
          () -> {
            MockCluster.drain(c.server);
            long r = runtime.reconciles();
            await("resyncs", WAIT, () -> runtime.reconciles() >= r + names.size());
            return MockCluster.writes(MockCluster.drain(c.server)).isEmpty();
          });
    }
  }

  @Test
  void longAndUnicodeNamesRenderValidTruncatedNames() {
    Map<String, String> names = new LinkedHashMap<>();
    names.put("exactly 63", "c".repeat(60) + "-63");
    names.put("64", "c".repeat(61) + "-64");
    names.put("100 with hyphens", ("long-name-" + "x".repeat(9)).repeat(5));
    names.put("253 with dots", ("a".repeat(49) + ".").repeat(5) + "end");
    names.put("unicode", "collecteur-télémétrie-🦄-" + "ü".repeat(60));
    for (Map.Entry<String, String> n : names.entrySet()) {
      for (String mode : List.of("deployment", "statefulset", "daemonset", "sidecar")) {
        OpenTelemetryCollector cr = TestYaml.collector(FaultCluster.cr("x", mode, "k8sattributes"));
        cr.getMetadata().setName(n.getValue());
        cr.getSpec().ingress = new dev.telescope.api.common.IngressSpec();
        cr.getSpec().ingress.type = dev.telescope.api.common.IngressSpec.Type.INGRESS;
        if (mode.equals("sidecar")) {
          cr.getSpec().ingress = null;
        }
        OpenTelemetryCollector defaulted = Defaults.apply(cr, CFG).collector();
        List<HasMetadata> objects =
            CollectorManifests.build(CollectorContext.of(defaulted, CFG)).objects();
        assertThat(objects).as(n.getKey() + " " + mode).isNotEmpty();
        for (HasMetadata o : objects) {
          String what = n.getKey() + " " + mode + " " + o.getKind();
          String name = o.getMetadata().getName();
          assertThat(name).as(what).hasSizeLessThanOrEqualTo(63).matches(DNS_LABEL);
          if (o instanceof Service) {
            assertThat(name).as(what + " (Service names are DNS-1035 labels)").matches(DNS_1035);
          }
          if (!n.getKey().equals("unicode") && o.getMetadata().getLabels() != null) {
            o.getMetadata()
                .getLabels()
                .forEach(
                    (k, v) ->
                        assertThat(v)
                            .as(what + " label " + k)
                            .hasSizeLessThanOrEqualTo(63)
                            .matches(LABEL_VALUE));
          }
        }
      }
    }
  }

  @Test
  void longNamesReconcileToValidObjects() {
    try (FaultCluster c = new FaultCluster()) {
      c.operator(Duration.ofMinutes(10));
      String at = "c".repeat(60) + "-63";
      String over = ("long-name-" + "x".repeat(9)).repeat(5);
      for (String n : List.of(at, over)) {
        OpenTelemetryCollector cr =
            TestYaml.collector(FaultCluster.cr("x", "deployment", "k8sattributes"));
        cr.getMetadata().setName(n);
        c.client.resource(cr).create();
      }
      c.awaitConverged(at, over);
      List<String> all = new java.util.ArrayList<>();
      all.addAll(c.names(Deployment.class));
      all.addAll(c.names(Service.class));
      all.addAll(c.names(io.fabric8.kubernetes.api.model.ConfigMap.class));
      all.addAll(c.names(io.fabric8.kubernetes.api.model.ServiceAccount.class));
      c.client
          .rbac()
          .clusterRoles()
          .list()
          .getItems()
          .forEach(r -> all.add(r.getMetadata().getName()));
      c.client
          .rbac()
          .clusterRoleBindings()
          .list()
          .getItems()
          .forEach(r -> all.add(r.getMetadata().getName()));
      assertThat(all).hasSizeGreaterThanOrEqualTo(2 * 8);
      assertThat(all)
          .allSatisfy(n -> assertThat(n).hasSizeLessThanOrEqualTo(63).matches(DNS_LABEL));
      // Two collectors whose names share a long prefix must not collide after truncation.
      assertThat(c.client.rbac().clusterRoles().list().getItems()).hasSize(2);
    }
  }

  private static List<String> validateWithEndpoint(String endpoint) {
    OpenTelemetryCollector cr =
        TestYaml.collector(
            FaultCluster.cr("p", "deployment", "")
                .replace("grpc: {}", "grpc:\n              endpoint: \"" + endpoint + "\""));
    return Validation.validate(Defaults.apply(cr, CFG).collector(), null, CFG).errors();
  }

  @Test
  void portsOutOfRangeAreRejectedByValidationAndReportedByTheReconciler() {
    for (int port : new int[] {0, -1, 65536, Integer.MAX_VALUE, Integer.MIN_VALUE}) {
      OpenTelemetryCollector cr = TestYaml.collector(FaultCluster.cr("p", "deployment", ""));
      PortsSpec p = new PortsSpec();
      p.name = "extra";
      p.port = port;
      cr.getSpec().ports = List.of(p);
      assertThat(Validation.validate(Defaults.apply(cr, CFG).collector(), null, CFG).errors())
          .as("spec.ports port " + port)
          .singleElement()
          .satisfies(
              e ->
                  assertThat(e)
                      .contains("Spec Ports")
                      .contains("port name 'extra'")
                      .contains("num '" + port + "' errors: [must be between 1 and 65535"));
    }
    for (String endpoint : List.of("0.0.0.0:65536", ":70000", "0.0.0.0:2147483647")) {
      assertThat(validateWithEndpoint(endpoint))
          .as("config endpoint " + endpoint)
          .singleElement()
          .satisfies(
              e ->
                  assertThat(e)
                      .contains("The port numbers are invalid")
                      .contains("spec.config.receivers.otlp.protocols.grpc.endpoint"));
    }
    // As upstream: 0 and numbers beyond 32 bits mean "no port written", so the default applies.
    for (String endpoint : List.of("0.0.0.0:0", "0.0.0.0:99999999999", "0.0.0.0:-1")) {
      assertThat(validateWithEndpoint(endpoint)).as("config endpoint " + endpoint).isEmpty();
    }
    try (FaultCluster c = new FaultCluster()) {
      c.operator(Duration.ofMinutes(10));
      OpenTelemetryCollector spec =
          TestYaml.collector(FaultCluster.cr("spec-port", "deployment", ""));
      PortsSpec p = new PortsSpec();
      p.name = "extra";
      p.port = 65536;
      spec.getSpec().ports = List.of(p);
      c.client.resource(spec).create();
      c.create(
          FaultCluster.cr("config-port", "deployment", "")
              .replace("grpc: {}", "grpc:\n              endpoint: \"0.0.0.0:70000\""));
      await("spec port reported", WAIT, () -> "False".equals(c.ready("spec-port")));
      await("config port reported", WAIT, () -> "False".equals(c.ready("config-port")));
      assertThat(c.readyMessage("spec-port")).contains("num '65536' errors");
      assertThat(c.readyMessage("config-port"))
          .contains("spec.config.receivers.otlp.protocols.grpc.endpoint");
      assertThat(c.names(Deployment.class)).isEmpty();
      assertThat(c.names(Service.class)).isEmpty();
    }
  }
}
