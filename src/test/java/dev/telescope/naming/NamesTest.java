package dev.telescope.naming;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Pattern;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NamesTest {
  private static final Pattern DNS_LABEL = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");
  private static final String HASH =
      "2d266e55025628659355f1271b689d6fb53648ef6cd5595831f5835d18e59a25";

  @Nested
  class EveryNameOfAnOrdinaryCollector {
    @Test
    void workloadAndServices() {
      assertThat(Names.collector("simplest")).isEqualTo("simplest-collector");
      assertThat(Names.headlessService("simplest")).isEqualTo("simplest-collector-headless");
      assertThat(Names.monitoringService("simplest")).isEqualTo("simplest-collector-monitoring");
      assertThat(Names.extensionService("jaeger-inmemory"))
          .isEqualTo("jaeger-inmemory-collector-extension");
    }

    @Test
    void configMapCarriesTheFirstEightHexDigitsOfTheHash() {
      // The unit golden build_collector_base: ConfigMap test-collector-2d266e55.
      assertThat(Names.configMap("test", HASH)).isEqualTo("test-collector-2d266e55");
      assertThat(Names.configMap("simple", "5723ff27")).isEqualTo("simple-collector-5723ff27");
    }

    @Test
    void ingressRoutesAndNetworkPolicy() {
      assertThat(Names.ingress("simplest")).isEqualTo("simplest-ingress");
      // e2e-openshift/route: otlp-grpc-simplest-route (port first).
      assertThat(Names.route("simplest", "otlp-grpc")).isEqualTo("otlp-grpc-simplest-route");
      assertThat(Names.httpRoute("simplest", "otlp-http"))
          .isEqualTo("simplest-otlp-http-httproute");
      assertThat(Names.networkPolicy("test")).isEqualTo("test-collector-networkpolicy");
    }

    @Test
    void clusterScopedRbacNamesIncludeTheNamespace() {
      // e2e-automatic-rbac/processor-k8sattributes.
      assertThat(Names.clusterRole("simplest", "chainsaw-k8sattributes"))
          .isEqualTo("simplest-chainsaw-k8sattributes-cluster-role");
      assertThat(Names.clusterRoleBinding("simplest", "chainsaw-k8sattributes"))
          .isEqualTo("simplest-chainsaw-k8sattributes-collector");
    }

    @Test
    void monitorsTargetAllocatorAndVolumes() {
      // e2e-prometheuscr: simplest-monitoring-collector.
      assertThat(Names.monitoringServiceMonitor("simplest"))
          .isEqualTo("simplest-monitoring-collector");
      assertThat(Names.targetAllocator("stateful")).isEqualTo("stateful-targetallocator");
      // e2e-sidecar/smoke-sidecar: configmap-example-config.
      assertThat(Names.configMapVolume("example-config")).isEqualTo("configmap-example-config");
    }

    @Test
    void fixedNames() {
      assertThat(Names.CONTAINER).isEqualTo("otc-container");
      assertThat(Names.CONFIG_VOLUME).isEqualTo("otc-internal");
      assertThat(Names.CONFIG_MOUNT_PATH).isEqualTo("/conf");
      assertThat(Names.CONFIG_KEY).isEqualTo("collector.yaml");
      assertThat(Names.MAX).isEqualTo(63);
    }

    @Test
    void instanceLabelIsNamespaceDotName() {
      assertThat(Names.instance("chainsaw-k8sattributes", "simplest"))
          .isEqualTo("chainsaw-k8sattributes.simplest");
      assertThat(Names.instance("test", "test")).isEqualTo("test.test");
    }
  }

  @Nested
  class Truncation {
    @Test
    void aNameThatFitsExactlyIsKept() {
      String name = "a".repeat(53); // 53 + "-collector" = 63
      assertThat(Names.collector(name)).isEqualTo(name + "-collector").hasSize(63);
    }

    @Test
    void oneCharacterOverCutsTheCrName() {
      String name = "a".repeat(53) + "b";
      assertThat(Names.collector(name)).isEqualTo("a".repeat(53) + "-collector").hasSize(63);
    }

    @Test
    void longCrNamesAreCutForEveryName() {
      String name = "x".repeat(100);
      assertThat(Names.collector(name)).hasSize(63).endsWith("-collector");
      assertThat(Names.headlessService(name)).hasSize(63).endsWith("-headless");
      assertThat(Names.monitoringService(name)).hasSize(63).endsWith("-monitoring");
      assertThat(Names.extensionService(name)).hasSize(63).endsWith("-extension");
      assertThat(Names.ingress(name)).hasSize(63).endsWith("-ingress");
      assertThat(Names.networkPolicy(name)).hasSize(63).endsWith("-collector-networkpolicy");
      assertThat(Names.monitoringServiceMonitor(name))
          .hasSize(63)
          .endsWith("-monitoring-collector");
      assertThat(Names.targetAllocator(name)).hasSize(63).endsWith("-targetallocator");
    }

    @Test
    void headlessServiceIsDerivedFromTheTruncatedServiceName() {
      String name = "a".repeat(60);
      // Service: a*53-collector (63); headless cuts that to 54 characters, ending in '-'.
      assertThat(Names.headlessService(name)).isEqualTo("a".repeat(53) + "--headless");
    }

    @Test
    void configMapKeepsTheHashWhenTheCrNameIsLong() {
      String name = "a".repeat(63);
      assertThat(Names.configMap(name, HASH))
          .isEqualTo("a".repeat(44) + "-collector-2d266e55")
          .hasSize(63);
    }

    @Test
    void aLongNamespaceEatsTheCrNameOfClusterRolesFirst() {
      // Upstream shortens the first value first: the CR name goes before the namespace does.
      String ns = "n".repeat(63);
      assertThat(Names.clusterRole("simplest", ns)).isEqualTo("n".repeat(49) + "-cluster-role");
      assertThat(Names.clusterRoleBinding("simplest", ns)).isEqualTo("n".repeat(52) + "-collector");
      String ns50 = "m".repeat(50);
      assertThat(Names.clusterRole("simplest", ns50)).isEqualTo("m".repeat(49) + "-cluster-role");
    }

    @Test
    void aLongCrNameIsCutBeforeTheNamespace() {
      String name = "c".repeat(60);
      assertThat(Names.clusterRole(name, "observability"))
          .isEqualTo("c".repeat(36) + "-observability-cluster-role")
          .hasSize(63);
    }

    @Test
    void nonAlphanumericsAreTrimmedFromBothEndsAfterCutting() {
      // The namespace is dropped entirely, leaving a leading '.', and the name is cut right after
      // a '-': both are trimmed.
      String name = "b".repeat(61) + "-" + "c".repeat(20);
      assertThat(Names.instance("ns", name)).isEqualTo("b".repeat(61));
      // A cut that ends on a dash, inside the format, is left alone (only the ends are trimmed).
      String dashy = "a".repeat(52) + "-bcdef";
      assertThat(Names.collector(dashy)).isEqualTo("a".repeat(52) + "--collector");
    }

    @Test
    void truncateMatchesUpstreamsTable() {
      // The cases of upstream's triming_test.go.
      assertThat(Names.truncate("%s-collector", 63, "simplest")).isEqualTo("simplest-collector");
      assertThat(
              Names.truncate(
                  "%s-collector",
                  63, "d0c1e62-4d96-11ea-b174-c85b7644b6b5-5d0c1e62-4d96-11ea-b174-c85b7644b6b5"))
          .isEqualTo("d0c1e62-4d96-11ea-b174-c85b7644b6b5-5d0c1e62-4d96-11e-collector");
      assertThat(
              Names.truncate(
                  "%s-%s-collector",
                  63,
                  "d0c1e62",
                  "4d96-11ea-b174-c85b7644b6b5-5d0c1e62-4d96-11ea-b174-c85b7644b6b5"))
          .isEqualTo("4d96-11ea-b174-c85b7644b6b5-5d0c1e62-4d96-11ea-b174--collector");
      assertThat(
              Names.truncate(
                  "%s-%s-collector",
                  63,
                  "4d96-11ea-b174-c85b7644b6b5-5d0c1e62-4d96-11ea-b174-c85b7644b6b5",
                  "d0c1e62"))
          .isEqualTo("4d96-11ea-b174-c85b7644b6b5-5d0c1e62-4d96-11e-d0c1e62-collector");
    }

    @Test
    void aFixedPartLongerThanMaxIsHardCappedWithoutTrimming() {
      String fixed = "d0c1e62-4d96-11ea-b174-c85b7644b6b5-5d0c1e62-4d96-11ea-b174-c85b7644b6b5";
      assertThat(Names.truncate(fixed, 63))
          .isEqualTo("d0c1e62-4d96-11ea-b174-c85b7644b6b5-5d0c1e62-4d96-11ea-b174-c85");
      // Cut on a dash: upstream returns the hard-capped string as it is.
      assertThat(Names.truncate("-".repeat(10) + "a".repeat(52) + "-zz", 63))
          .isEqualTo("-".repeat(10) + "a".repeat(52) + "-");
    }

    @Test
    void everyNameOfAHugeCrIsAValidDnsLabel() {
      String name = "Collector.With_Odd-Chars-" + "z".repeat(200);
      for (String n :
          new String[] {
            Names.collector(name),
            Names.headlessService(name),
            Names.monitoringService(name),
            Names.extensionService(name),
            Names.configMap(name, HASH),
            Names.ingress(name),
            Names.route(name, "otlp-grpc"),
            Names.httpRoute(name, "otlp-grpc"),
            Names.networkPolicy(name),
            Names.clusterRole(name, "ns"),
            Names.clusterRoleBinding(name, "ns"),
            Names.monitoringServiceMonitor(name),
            Names.targetAllocator(name),
            Names.configMapVolume(name)
          }) {
        assertThat(n).hasSizeLessThanOrEqualTo(63).matches(DNS_LABEL);
      }
    }
  }

  @Nested
  class DnsRewriting {
    @ParameterizedTest
    @CsvSource({
      // upstream's dns_test.go
      "simplest, simplest",
      "instance.with.dots-collector-headless, instance-with-dots-collector-headless",
      "TestQueryDottedServiceName.With.Dots, testquerydottedservicename-with-dots",
      "Service🦄, servicea",
      "📈Stock-Tracker, astock-tracker",
      "-📈Stock-Tracker, a-stock-tracker",
      "📈, a",
      "foo-, fooa",
      "-foo, afoo",
      // more
      "UPPER_case, upper-case",
      "_x_, axa",
      "a.b.c, a-b-c",
    })
    void rewritesLikeUpstream(String in, String out) {
      assertThat(Names.dns(in)).isEqualTo(out).matches(DNS_LABEL);
    }

    @Test
    void namesAreRewrittenAfterTruncation() {
      assertThat(Names.collector("My.Collector_X")).isEqualTo("my-collector-x-collector");
      assertThat(Names.configMapVolume("Extra_Config.v1")).isEqualTo("configmap-extra-config-v1");
    }

    @Test
    void unicodeNamesBecomeOneCharacterPerCodePoint() {
      assertThat(Names.collector("café-bar")).isEqualTo("caf--bar-collector");
      assertThat(Names.collector("x🦄y")).isEqualTo("x-y-collector");
    }

    @Test
    void nonAsciiLettersAtTheEndsAreTrimmedLikeOtherNonAlphanumerics() {
      // Truncate trims [^A-Za-z0-9] from both ends before the DNS rewrite, as upstream does.
      assertThat(Names.collector("Ünïcödé")).isEqualTo("n-c-d--collector");
      assertThat(Names.collector("é".repeat(70))).isEqualTo("collector");
      assertThat(Names.collector("🦄".repeat(40))).isEqualTo("collector");
      assertThat(Names.collector("a" + "é".repeat(70)))
          .isEqualTo("a" + "-".repeat(52) + "-collector")
          .hasSize(63)
          .matches(DNS_LABEL);
    }

    @Test
    void theInstanceLabelIsNotDnsRewritten() {
      // Dots are legal in label values, and the value is <namespace>.<name>.
      assertThat(Names.instance("my.ns", "My_Name")).isEqualTo("my.ns.My_Name");
      assertThat(Names.instance("default", "n".repeat(55)))
          .isEqualTo("default." + "n".repeat(55))
          .hasSize(63);
      // One over: the namespace is shortened first.
      assertThat(Names.instance("default", "n".repeat(56))).isEqualTo("defaul." + "n".repeat(56));
      // Namespace used up entirely: the leading '.' is trimmed.
      assertThat(Names.instance("default", "n".repeat(70))).isEqualTo("n".repeat(62));
    }
  }

  @Nested
  class PortNames {
    @ParameterizedTest
    @CsvSource({
      "otlp-grpc, 4317, otlp-grpc",
      "otlp/2-grpc, 4317, otlp-2-grpc",
      "k8s_cluster, 80, k8s-cluster",
      "fluent_forward, 8006, fluent-forward",
      "examplereceiver, 12345, examplereceiver",
      "examplereceiver2, 12345, port-12345",
      "jaeger-thrift_http, 14268, port-14268",
      "prometheus/prod, 8884, prometheus-prod",
      "health_check, 13133, health-check",
      "my receiver, 80, port-80",
      "-otlp, 80, port-80",
      "otlp-, 80, port-80",
      "otlp/, 80, port-80",
      "a@b, 80, port-80",
    })
    void likeUpstream(String component, int port, String expected) {
      assertThat(Names.portName(component, port)).isEqualTo(expected);
    }

    @Test
    void exactlyFifteenCharactersIsStillAName() {
      assertThat(Names.portName("abcdefghijklmno", 1)).isEqualTo("abcdefghijklmno");
      assertThat(Names.portName("abcdefghijklmnop", 1)).isEqualTo("port-1");
    }

    @Test
    void upperCaseOrDotsFallBackToTheNumber() {
      // Upstream's own check lets these through and then refuses the Service; a valid name is the
      // better answer.
      assertThat(Names.portName("Otlp", 4317)).isEqualTo("port-4317");
      assertThat(Names.portName("otlp.grpc", 4317)).isEqualTo("port-4317");
      assertThat(Names.portName(null, 1)).isEqualTo("port-1");
    }

    @Test
    void validPortNamesFollowKubernetes() {
      assertThat(Names.isValidPortName("otlp-grpc")).isTrue();
      assertThat(Names.isValidPortName("port-4317")).isTrue();
      assertThat(Names.isValidPortName("monitoring")).isTrue();
      assertThat(Names.isValidPortName("1234")).as("needs a letter").isFalse();
      assertThat(Names.isValidPortName("a--b")).as("no double hyphen").isFalse();
      assertThat(Names.isValidPortName("-ab")).isFalse();
      assertThat(Names.isValidPortName("Ab")).isFalse();
      assertThat(Names.isValidPortName("abcdefghijklmnop")).isFalse();
      assertThat(Names.isValidPortName("")).isFalse();
      assertThat(Names.isValidPortName(null)).isFalse();
      // portName can produce a double hyphen from an id like jaeger/_x, as upstream does; the
      // validity check is what catches it.
      assertThat(Names.portName("jaeger/_x-grpc", 1)).isEqualTo("jaeger--x-grpc");
      assertThat(Names.isValidPortName(Names.portName("jaeger/_x-grpc", 1))).isFalse();
    }
  }
}
