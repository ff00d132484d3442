package dev.telescope.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Upstream's manager flags and environment, as its manifests pass them, start Telescope. */
class UpstreamFlagsTest {
  static SettingsParser.Parsed parse(List<String> args, Map<String, String> env) {
    return SettingsParser.parse(args, env);
  }

  static SettingsParser.Parsed parse(String... args) {
    return parse(List.of(args), Map.of());
  }

  @Nested
  class ManagerArgs {
    @Test
    void upstreamsKustomizeManagerArgsStartWithTheSameMeaning() {
      // config/manager/manager.yaml and the OLM bundle's CSV of upstream 0.158.
      SettingsParser.Parsed p =
          parse(
              "--metrics-addr=127.0.0.1:8080",
              "--enable-leader-election",
              "--zap-log-level=info",
              "--zap-time-encoding=rfc3339nano",
              "--enable-nginx-instrumentation=true",
              "--enable-go-instrumentation=true",
              "--enable-multi-instrumentation=true",
              "--health-probe-addr=:8081",
              "--webhook-port=9443",
              "--feature-gates=+operator.targetallocator.fallbackstrategy,-operand.networkpolicy");
      OperatorConfig c = p.config();
      assertThat(c.metricsPort()).isEqualTo(8080);
      assertThat(c.metricsHost()).isEqualTo("127.0.0.1");
      assertThat(c.healthPort()).isEqualTo(8081);
      assertThat(c.healthHost()).isEmpty();
      assertThat(c.webhookPort()).isEqualTo(9443);
      assertThat(c.leaderElection()).isTrue();
      assertThat(c.logging().level()).isEqualTo("info");
      assertThat(c.logging().timeEncoding()).isEqualTo("rfc3339nano");
      assertThat(c.logging().format())
          .as("upstream logs JSON unless in development mode")
          .isEqualTo("json");
      assertThat(c.instrumentation().isEnabled("nginx")).isTrue();
      assertThat(c.instrumentation().isEnabled("go")).isTrue();
      assertThat(c.instrumentation().multiInstrumentation()).isTrue();
      assertThat(c.featureGate("operator.targetallocator.fallbackstrategy")).isTrue();
      assertThat(c.featureGate("operand.networkpolicy")).isFalse();
      assertThat(c.networkPolicyByDefault())
          .as("-operand.networkpolicy turns the default of spec.networkPolicy.enabled off")
          .isFalse();
      assertThat(p.warnings()).isEmpty();
    }

    @Test
    void booleanFlagsTakeAValueOrNone() {
      assertThat(parse("--enable-leader-election=false").config().leaderElection()).isFalse();
      assertThat(parse("--leader-election", "false").config().leaderElection()).isFalse();
      assertThat(parse("--leader-election").config().leaderElection()).isTrue();
      assertThat(parse("--enable-java-instrumentation=false").config().instrumentation())
          .matches(i -> !i.isEnabled("java"));
      assertThat(parse("--create-rbac-permissions").config().createRbac()).isEqualTo(Toggle.TRUE);
      assertThat(parse("--create-rbac-permissions=false").config().createRbac())
          .isEqualTo(Toggle.FALSE);
    }

    @Test
    void addressesTakeHostAndPort() {
      OperatorConfig c =
          parse("--metrics-addr=[::1]:9090", "--health-probe-addr=0.0.0.0:9091").config();
      assertThat(c.metricsHost()).isEqualTo("::1");
      assertThat(c.metricsPort()).isEqualTo(9090);
      assertThat(c.healthHost()).isEqualTo("0.0.0.0");
      assertThat(c.healthPort()).isEqualTo(9091);
      assertThat(parse("--metrics-addr=0").config().metricsPort()).as("0 disables").isZero();
      assertThatThrownBy(() -> parse("--metrics-addr=8080"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("--metrics-addr");
      assertThatThrownBy(() -> parse("--health-probe-addr=:http"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("--health-probe-addr");
    }

    @Test
    void ourSpellingWinsOverUpstreamsGivenTheSameWay() {
      OperatorConfig c =
          parse(
                  "--metrics-addr=:9000",
                  "--metrics-port=9100",
                  "--log-level=warn",
                  "--zap-log-level=debug")
              .config();
      assertThat(c.metricsPort()).isEqualTo(9100);
      assertThat(c.logging().level()).isEqualTo("warn");
    }

    @Test
    void watchNamespaceIsOurWatchNamespaces() {
      assertThat(parse("--watch-namespace=a,b").config().watchNamespaces())
          .containsExactlyInAnyOrder("a", "b");
    }
  }

  @Nested
  class Environment {
    @Test
    void upstreamsVariablesAreRead() {
      Map<String, String> env =
          Map.of(
              "WATCH_NAMESPACE", "team-a,team-b",
              "RELATED_IMAGE_COLLECTOR", "registry.example/collector:1",
              "RELATED_IMAGE_TARGETALLOCATOR", "registry.example/ta:1",
              "RELATED_IMAGE_AUTO_INSTRUMENTATION_JAVA", "registry.example/java:1",
              "RELATED_IMAGE_AUTO_INSTRUMENTATION_APACHE_HTTPD", "registry.example/httpd:1",
              "ENABLE_GO_AUTO_INSTRUMENTATION", "true",
              "FEATURE_GATES", "operator.targetallocator.fallbackstrategy",
              "LABELS_FILTER", "team,.*filter.out");
      OperatorConfig c = parse(List.of(), env).config();
      assertThat(c.watchNamespaces()).containsExactlyInAnyOrder("team-a", "team-b");
      assertThat(c.collectorImage()).isEqualTo("registry.example/collector:1");
      assertThat(c.targetAllocatorImage()).isEqualTo("registry.example/ta:1");
      assertThat(c.instrumentation().image("java")).isEqualTo("registry.example/java:1");
      assertThat(c.instrumentation().image("apache-httpd")).isEqualTo("registry.example/httpd:1");
      assertThat(c.instrumentation().isEnabled("go")).isTrue();
      assertThat(c.featureGate("operator.targetallocator.fallbackstrategy")).isTrue();
      assertThat(c.labelFiltered("my-team")).as("LABELS_FILTER is comma-separated").isTrue();
      assertThat(c.labelFiltered("label.filter.out")).isTrue();
    }

    @Test
    void flagsBeatTelescopeVariablesWhichBeatUpstreamVariables() {
      Map<String, String> env =
          Map.of(
              "WATCH_NAMESPACE", "upstream",
              "TELESCOPE_WATCH_NAMESPACES", "ours",
              "RELATED_IMAGE_COLLECTOR", "upstream/collector:1",
              "TELESCOPE_LOG_LEVEL", "debug",
              "ENABLE_LEADER_ELECTION", "false");
      OperatorConfig fromEnv = parse(List.of(), env).config();
      assertThat(fromEnv.watchNamespaces()).containsExactly("ours");
      assertThat(fromEnv.collectorImage()).isEqualTo("upstream/collector:1");
      assertThat(fromEnv.logging().level()).isEqualTo("debug");
      assertThat(fromEnv.leaderElection()).isFalse();

      OperatorConfig flagged =
          parse(
                  List.of(
                      "--watch-namespace=flag",
                      "--collector-image=flag/collector:2",
                      "--zap-log-level=error",
                      "--leader-election"),
                  env)
              .config();
      assertThat(flagged.watchNamespaces()).containsExactly("flag");
      assertThat(flagged.collectorImage()).isEqualTo("flag/collector:2");
      assertThat(flagged.logging().level())
          .as("upstream's flag on the command line beats our variable")
          .isEqualTo("error");
      assertThat(flagged.leaderElection()).isTrue();
    }

    @Test
    void kubernetesServiceLinkVariablesAreNotSettings() {
      // A Service named telescope-webhook in the operator's namespace puts this into every pod.
      OperatorConfig c =
          parse(
                  List.of(),
                  Map.of(
                      "TELESCOPE_WEBHOOK_PORT", "tcp://10.96.12.7:443",
                      "TELESCOPE_METRICS_PORT", "tcp://10.96.12.8:8080"))
              .config();
      assertThat(c.webhookPort()).isEqualTo(9443);
      assertThat(c.metricsPort()).isEqualTo(8080);
    }

    @Test
    void operatorNamespaceFromPodNamespaceOrUpstreamsNamespace() {
      assertThat(parse(List.of(), Map.of("NAMESPACE", "otel")).config().operatorNamespace())
          .isEqualTo("otel");
      assertThat(
              parse(List.of(), Map.of("NAMESPACE", "otel", "POD_NAMESPACE", "pod"))
                  .config()
                  .operatorNamespace())
          .isEqualTo("pod");
    }
  }

  @Nested
  class Warnings {
    @Test
    void eachIgnoredFlagGetsOneWarningSayingWhatItWouldHaveDone() {
      SettingsParser.Parsed p =
          parse(
              List.of(
                  "--pprof-addr=:6060",
                  "--openshift-create-dashboard",
                  "--enable-webhooks=false",
                  "--tls-min-version",
                  "VersionTLS13",
                  "--zap-stacktrace-level=error"),
              Map.of("CREATE_SM_OPERATOR_METRICS", "true"));
      assertThat(p.warnings())
          .hasSize(6)
          .anySatisfy(w -> assertThat(w).startsWith("--pprof-addr=:6060").contains("pprof"))
          .anySatisfy(w -> assertThat(w).startsWith("--openshift-create-dashboard=true"))
          .anySatisfy(w -> assertThat(w).startsWith("--enable-webhooks=false"))
          .anySatisfy(w -> assertThat(w).startsWith("--tls-min-version=VersionTLS13"))
          .anySatisfy(w -> assertThat(w).startsWith("--zap-stacktrace-level=error"))
          .anySatisfy(
              w ->
                  assertThat(w)
                      .startsWith("$CREATE_SM_OPERATOR_METRICS=true")
                      .contains("ServiceMonitor"));
      assertThat(p.warnings()).allSatisfy(w -> assertThat(w).contains("would have"));
    }

    @Test
    void everyUpstreamFlagIsAccepted() {
      for (UpstreamFlags.Ignored i : UpstreamFlags.IGNORED) {
        String arg = i.bool() ? i.flag() : i.flag() + "=x";
        assertThat(parse(arg).warnings()).as(arg).hasSize(1);
      }
    }

    @Test
    void featureGatesThatDoNotApplyOrDoNotExistAreWarnedNotRefused() {
      SettingsParser.Parsed p =
          parse(
              "--feature-gates=operator.sidecarcontainers.native,-operator.golang.flags,"
                  + "operator.clusterobservability");
      assertThat(p.warnings())
          .hasSize(3)
          .anySatisfy(
              w ->
                  assertThat(w)
                      .contains("operator.sidecarcontainers.native")
                      .contains("not a feature gate"))
          .anySatisfy(w -> assertThat(w).contains("operator.golang.flags").contains("stable"))
          .anySatisfy(w -> assertThat(w).contains("ClusterObservability"));
      assertThat(p.config().featureGate("operator.golang.flags")).isTrue();
      assertThat(p.config().featureGate("operand.networkpolicy")).as("default on").isTrue();
    }

    @Test
    void ourNetworkPolicyFlagBeatsTheGate() {
      assertThat(
              parse("--feature-gates=-operand.networkpolicy", "--network-policy-default=true")
                  .config()
                  .networkPolicyByDefault())
          .isTrue();
    }
  }

  @Nested
  class Logging {
    @Test
    void zapSpellings() {
      assertThat(parse("--zap-encoder=console", "--zap-log-level=debug").config().logging())
          .extracting(LogSettings::format, LogSettings::level)
          .containsExactly("text", "debug");
      assertThat(parse("--zap-log-level=2").config().logging().level()).isEqualTo("trace");
      assertThat(parse("--zap-log-level=panic").config().logging().level()).isEqualTo("error");
      assertThat(parse("--zap-devel").config().logging())
          .extracting(LogSettings::format, LogSettings::level)
          .containsExactly("text", "debug");
      LogSettings keys =
          parse(
                  "--zap-message-key=msg",
                  "--zap-level-key=severity",
                  "--zap-time-key=ts",
                  "--zap-level-format=lowercase")
              .config()
              .logging();
      assertThat(keys.messageKey()).isEqualTo("msg");
      assertThat(keys.levelKey()).isEqualTo("severity");
      assertThat(keys.timeKey()).isEqualTo("ts");
      assertThat(keys.upperCaseLevels()).isFalse();
    }

    @Test
    void ourFlagsAndDefaults() {
      assertThat(parse().config().logging()).isEqualTo(LogSettings.DEFAULT);
      assertThat(parse("--log-format=json", "--log-level=WARN").config().logging())
          .extracting(LogSettings::format, LogSettings::level)
          .containsExactly("json", "warn");
      assertThat(parse("--log-format=text", "--zap-encoder=json").config().logging().format())
          .isEqualTo("text");
    }

    @Test
    void badValuesNameTheFlag() {
      for (String[] bad :
          List.of(
              new String[] {"--log-level=loud", "--log-level"},
              new String[] {"--log-format=xml", "--log-format"},
              new String[] {"--zap-log-level=loud", "--zap-log-level"},
              new String[] {"--zap-encoder=xml", "--zap-encoder"},
              new String[] {"--zap-time-encoding=unix", "--zap-time-encoding"},
              new String[] {"--zap-level-format=capital", "--zap-level-format"})) {
        assertThatThrownBy(() -> parse(bad[0]))
            .as(bad[0])
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining(bad[1]);
      }
    }
  }
}
