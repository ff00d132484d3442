package dev.telescope.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OperatorConfigTest {
  static OperatorConfig parse(String... flags) {
    return OperatorConfig.parse(List.of(flags), Map.of());
  }

  @Nested
  class Defaults {
    @Test
    void portsPathsAndImage() {
      for (OperatorConfig c : List.of(OperatorConfig.defaults(), parse())) {
        assertThat(c.webhookPort()).isEqualTo(9443);
        assertThat(c.healthPort()).isEqualTo(8081);
        assertThat(c.metricsPort()).isEqualTo(8080);
        assertThat(c.certDir()).isEqualTo(Path.of("/tmp/k8s-webhook-server/serving-certs"));
        assertThat(c.certMode()).isEqualTo(CertMode.AUTO);
        assertThat(c.collectorImage())
            .isEqualTo(
                "ghcr.io/open-telemetry/opentelemetry-collector-releases/opentelemetry-collector:0.158.0");
        assertThat(c.collectorVersion()).isEqualTo("0.158.0");
        assertThat(c.watchNamespaces()).isEmpty();
        assertThat(c.operatorNamespace()).isEqualTo("telescope-system");
        assertThat(c.webhookServiceName()).isEqualTo("telescope-webhook");
        assertThat(c.webhookSecretName()).isEqualTo("telescope-webhook-cert");
        assertThat(c.mutatingWebhookConfigName())
            .isEqualTo("telescope-mutating-webhook-configuration");
        assertThat(c.validatingWebhookConfigName())
            .isEqualTo("telescope-validating-webhook-configuration");
        assertThat(c.crdName()).isEqualTo("opentelemetrycollectors.opentelemetry.io");
        assertThat(c.networkPolicyByDefault()).isTrue();
        assertThat(c.leaderElection()).isEqualTo(InCluster.running());
        assertThat(c.createRbac()).isEqualTo(Toggle.AUTO);
        assertThat(c.capabilities()).isEqualTo(Capabilities.NONE);
        assertThat(c.webhookThreads()).isGreaterThanOrEqualTo(4);
        assertThat(c.labelsFilter()).isEmpty();
      }
    }

    @Test
    void theAnnotationsFilterDropsLastAppliedConfiguration() {
      OperatorConfig c = OperatorConfig.defaults();
      assertThat(c.annotationFiltered("kubectl.kubernetes.io/last-applied-configuration")).isTrue();
      assertThat(c.annotationFiltered("kubectl.kubernetes.io/restartedAt")).isFalse();
      assertThat(c.annotationFiltered("team")).isFalse();
      assertThat(c.labelFiltered("anything")).isFalse();
    }

    @Test
    void everyNamespaceIsWatchedByDefault() {
      assertThat(OperatorConfig.defaults().watches("any")).isTrue();
    }
  }

  @Nested
  class Flags {
    @Test
    void equalsFormAndSeparateValueForm() {
      OperatorConfig c =
          parse(
              "--webhook-port=9444",
              "--health-port",
              "9091",
              "--metrics-port=0",
              "--cert-dir",
              "/certs",
              "--cert-mode=self-managed",
              "--collector-image=my/collector:1");
      assertThat(c.webhookPort()).isEqualTo(9444);
      assertThat(c.healthPort()).isEqualTo(9091);
      assertThat(c.metricsPort()).as("0 disables metrics").isZero();
      assertThat(c.certDir()).isEqualTo(Path.of("/certs"));
      assertThat(c.certMode()).isEqualTo(CertMode.SELF_MANAGED);
      assertThat(c.collectorImage()).isEqualTo("my/collector:1");
    }

    @Test
    void anEqualsSignInTheValueIsKept() {
      assertThat(parse("--labels-filter=a=b").labelsFilter())
          .extracting(Pattern::pattern)
          .containsExactly("a=b");
    }

    @Test
    void repeatedFiltersAccumulate() {
      // The e2e-metadata-filters operator flags.
      OperatorConfig c =
          parse(
              "--annotations-filter=.*filter.out",
              "--annotations-filter=config.*.gke.io.*",
              "--labels-filter=.*filter.out");
      assertThat(c.annotationsFilter())
          .extracting(Pattern::pattern)
          .containsExactly(".*filter.out", "config.*.gke.io.*");
      assertThat(c.annotationFiltered("annotation.filter.out")).isTrue();
      assertThat(c.annotationFiltered("configmanagement.gke.io/token")).isTrue();
      assertThat(c.annotationFiltered("kubectl.kubernetes.io/last-applied-configuration"))
          .as("a given filter list replaces the default")
          .isFalse();
      assertThat(c.labelFiltered("label.filter.out")).isTrue();
      assertThat(c.labelFiltered("app")).isFalse();
    }

    @Test
    void filtersMatchAnywhereInTheKeyAsUpstream() {
      // Upstream compiles each filter and drops a key when the expression matches anywhere in it.
      OperatorConfig c = parse("--labels-filter=filter", "--annotations-filter=^team$");
      assertThat(c.labelFiltered("filter")).isTrue();
      assertThat(c.labelFiltered("my.filter.out")).isTrue();
      assertThat(c.labelFiltered("app")).isFalse();
      assertThat(c.annotationFiltered("team")).isTrue();
      assertThat(c.annotationFiltered("team.owner")).as("anchors still anchor").isFalse();
    }

    @Test
    void watchNamespacesCommaSeparatedAndRepeated() {
      OperatorConfig c = parse("--watch-namespaces=a, b,,c", "--watch-namespaces", "d");
      assertThat(c.watchNamespaces()).containsExactlyInAnyOrder("a", "b", "c", "d");
      assertThat(c.watches("a")).isTrue();
      assertThat(c.watches("e")).isFalse();
    }

    @Test
    void theLastValueOfASingleFlagWins() {
      assertThat(parse("--webhook-port=1", "--webhook-port=2").webhookPort()).isEqualTo(2);
    }

    @Test
    void toggles() {
      OperatorConfig c =
          parse(
              "--create-rbac=true",
              "--openshift-routes=false",
              "--prometheus-crds=AUTO",
              "--native-sidecars",
              "true",
              "--network-policy-default=false",
              "--leader-election=False");
      assertThat(c.createRbac()).isEqualTo(Toggle.TRUE);
      assertThat(c.openShiftRoutes()).isEqualTo(Toggle.FALSE);
      assertThat(c.prometheusCrds()).isEqualTo(Toggle.AUTO);
      assertThat(c.nativeSidecars()).isEqualTo(Toggle.TRUE);
      assertThat(c.networkPolicyByDefault()).isFalse();
      assertThat(c.leaderElection()).isFalse();
    }
  }

  @Nested
  class Environment {
    @Test
    void telescopeVariablesAreReadAndFlagsOverrideThem() {
      Map<String, String> env =
          Map.of(
              "TELESCOPE_WEBHOOK_PORT", "9000",
              "TELESCOPE_COLLECTOR_IMAGE", "env/image:1",
              "TELESCOPE_WATCH_NAMESPACES", "x,y",
              "TELESCOPE_LABELS_FILTER", "env.*");
      OperatorConfig fromEnv = OperatorConfig.parse(List.of(), env);
      assertThat(fromEnv.webhookPort()).isEqualTo(9000);
      assertThat(fromEnv.collectorImage()).isEqualTo("env/image:1");
      assertThat(fromEnv.watchNamespaces()).containsExactlyInAnyOrder("x", "y");
      assertThat(fromEnv.labelFiltered("env.a")).isTrue();

      OperatorConfig flagged =
          OperatorConfig.parse(
              List.of("--webhook-port=9999", "--watch-namespaces=z", "--labels-filter=flag.*"),
              env);
      assertThat(flagged.webhookPort()).isEqualTo(9999);
      assertThat(flagged.collectorImage()).isEqualTo("env/image:1");
      assertThat(flagged.watchNamespaces()).containsExactly("z");
      assertThat(flagged.labelFiltered("env.a")).isFalse();
      assertThat(flagged.labelFiltered("flag.a")).isTrue();
    }

    @Test
    void blankVariablesAreIgnored() {
      assertThat(
              OperatorConfig.parse(List.of(), Map.of("TELESCOPE_WEBHOOK_PORT", " ")).webhookPort())
          .isEqualTo(9443);
    }

    @Test
    void podNamespaceAndProxyVariables() {
      OperatorConfig c =
          OperatorConfig.parse(
              List.of(),
              Map.of(
                  "POD_NAMESPACE", "observability",
                  "HTTPS_PROXY", "http://proxy:3128",
                  "no_proxy", ".svc",
                  "OTHER", "x"));
      assertThat(c.operatorNamespace()).isEqualTo("observability");
      assertThat(c.proxyEnv())
          .containsExactlyInAnyOrderEntriesOf(
              Map.of("HTTPS_PROXY", "http://proxy:3128", "no_proxy", ".svc"));
      assertThat(
              OperatorConfig.parse(
                      List.of("--operator-namespace=flagged"), Map.of("POD_NAMESPACE", "env"))
                  .operatorNamespace())
          .isEqualTo("flagged");
    }

    @Test
    void envNames() {
      assertThat(EnvDefaults.envName("--collector-image")).isEqualTo("TELESCOPE_COLLECTOR_IMAGE");
      assertThat(EnvDefaults.envName("--webhook-port")).isEqualTo("TELESCOPE_WEBHOOK_PORT");
    }
  }

  @Nested
  class BadInput {
    @ParameterizedTest
    @CsvSource(
        delimiter = '|',
        value = {
          "--webhook-port=abc          | --webhook-port",
          "--webhook-port=70000        | --webhook-port",
          "--health-port=-1            | --health-port",
          "--metrics-port=8080x        | --metrics-port",
          "--webhook-threads=many      | --webhook-threads",
          "--bogus=1                   | --bogus",
          "--labels-filter=(unclosed   | --labels-filter",
          "--annotations-filter=[a     | --annotations-filter",
          "--create-rbac=maybe         | --create-rbac",
          "--native-sidecars=yes       | --native-sidecars",
          "--cert-mode=manual          | --cert-mode",
          "--leader-election=yes       | --leader-election",
          "--network-policy-default=1  | --network-policy-default",
          "--cert-dir                  | --cert-dir",
          "positional                  | positional",
        })
    void isRefusedNamingTheFlag(String flag, String named) {
      assertThatThrownBy(() -> parse(flag))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(named);
    }

    @Test
    void aFlagFollowedByAnotherFlagHasNoValue() {
      assertThatThrownBy(() -> parse("--collector-image", "--webhook-port=1"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("--collector-image");
      assertThatThrownBy(() -> parse("--bogus", "value"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("Unknown option")
          .hasMessageContaining("'--bogus'");
    }

    @Test
    void badEnvironmentValuesNameTheFlagToo() {
      assertThatThrownBy(
              () -> OperatorConfig.parse(List.of(), Map.of("TELESCOPE_HEALTH_PORT", "x")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("--health-port");
    }
  }

  @Nested
  class CapabilitiesResolution {
    @Test
    void autoTakesWhatWasDetectedTrueAndFalseForce() {
      Capabilities detected = new Capabilities(true, false, true, false);
      Capabilities auto = parse().withCapabilities(detected).capabilities();
      assertThat(auto).isEqualTo(detected);

      Capabilities forced =
          parse(
                  "--openshift-routes=false",
                  "--prometheus-crds=true",
                  "--create-rbac=false",
                  "--native-sidecars=true")
              .withCapabilities(detected)
              .capabilities();
      assertThat(forced).isEqualTo(new Capabilities(false, true, false, true));
    }

    @Test
    void everythingElseIsKept() {
      OperatorConfig c = parse("--webhook-port=1234", "--labels-filter=x");
      OperatorConfig resolved = c.withCapabilities(new Capabilities(true, true, true, true));
      assertThat(resolved.webhookPort()).isEqualTo(1234);
      assertThat(resolved.labelsFilter()).isEqualTo(c.labelsFilter());
      assertThat(resolved.createRbac()).isEqualTo(Toggle.AUTO);
      assertThat(c.capabilities()).as("the original is unchanged").isEqualTo(Capabilities.NONE);
    }

    @Test
    void toggleParsing() {
      assertThat(Toggle.AUTO.resolve(true)).isTrue();
      assertThat(Toggle.AUTO.resolve(false)).isFalse();
      assertThat(Toggle.TRUE.resolve(false)).isTrue();
      assertThat(Toggle.FALSE.resolve(true)).isFalse();
      assertThat(Toggle.parse(" True ")).isEqualTo(Toggle.TRUE);
      assertThat(CertMode.parse("self-managed")).isEqualTo(CertMode.SELF_MANAGED);
      assertThat(CertMode.SELF_MANAGED.flag()).isEqualTo("self-managed");
    }
  }
}
