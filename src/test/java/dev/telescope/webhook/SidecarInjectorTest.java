package dev.telescope.webhook;

import static dev.telescope.webhook.SidecarFixtures.CFG;
import static dev.telescope.webhook.SidecarFixtures.NS;
import static dev.telescope.webhook.SidecarFixtures.collector;
import static dev.telescope.webhook.SidecarFixtures.container;
import static dev.telescope.webhook.SidecarFixtures.env;
import static dev.telescope.webhook.SidecarFixtures.envNames;
import static dev.telescope.webhook.SidecarFixtures.labels;
import static dev.telescope.webhook.SidecarFixtures.lookup;
import static dev.telescope.webhook.SidecarFixtures.namespace;
import static dev.telescope.webhook.SidecarFixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.telescope.api.common.ConfigMapsSpec;
import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import dev.telescope.manifests.CollectorContainer;
import dev.telescope.manifests.CollectorContext;
import dev.telescope.manifests.Labels;
import dev.telescope.naming.Names;
import dev.telescope.webhook.SidecarInjector.Decision;
import dev.telescope.webhook.SidecarInjector.Inject;
import dev.telescope.webhook.SidecarInjector.Named;
import dev.telescope.webhook.SidecarInjector.NoTarget;
import dev.telescope.webhook.SidecarInjector.Owners;
import dev.telescope.webhook.SidecarInjector.Remove;
import dev.telescope.webhook.SidecarInjector.RemoveTarget;
import dev.telescope.webhook.SidecarInjector.SingleInNamespace;
import dev.telescope.webhook.SidecarInjector.Unchanged;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SidecarInjectorTest {
  private final SidecarInjector legacy = new SidecarInjector(CFG, false);
  private final SidecarInjector nativeInjector = new SidecarInjector(CFG, true);

  /** The env every injected sidecar of a CR without user env carries, in this order. */
  static final List<String> SMOKE_ENV =
      List.of(
          "POD_NAME",
          "GOMEMLIMIT",
          "GOMAXPROCS",
          "OTEL_CONFIG",
          "OTEL_RESOURCE_ATTRIBUTES_POD_NAME",
          "OTEL_RESOURCE_ATTRIBUTES_POD_UID",
          "OTEL_RESOURCE_ATTRIBUTES_NODE_NAME",
          "OTEL_RESOURCE_ATTRIBUTES");

  @Nested
  class AnnotationPrecedence {
    // pod value | namespace value | effective ('-' = no annotation)
    @ParameterizedTest(name = "pod={0} namespace={1} -> {2}")
    @CsvSource({
      "-, -, ''",
      "true, -, true",
      "false, -, false",
      "my-col, -, my-col",
      "other/my-col, -, other/my-col",
      "-, true, true",
      "-, false, false",
      "-, ns-col, ns-col",
      "false, true, false",
      "my-col, true, my-col",
      "my-col, false, my-col",
      "other/x, ns-col, other/x",
      "false, ns-col, false",
      "true, false, true",
      "TRUE, FALSE, TRUE",
      "true, true, true",
      "true, ns-col, ns-col",
      "True, other/ns-col, other/ns-col",
    })
    void effectiveValueFollowsUpstreamPrecedence(String podValue, String nsValue, String want) {
      Pod p = pod("-".equals(podValue) ? null : podValue);
      Namespace ns = namespace(NS, "-".equals(nsValue) ? null : nsValue);
      assertThat(SidecarInjector.effectiveValue(p, ns)).isEqualTo(want);
    }

    @Test
    void anUnknownNamespaceCountsAsUnannotated() {
      assertThat(SidecarInjector.effectiveValue(pod("true"), null)).isEqualTo("true");
      assertThat(SidecarInjector.effectiveValue(pod(null), null)).isEmpty();
    }

    @Test
    void valuesParseIntoTargets() {
      assertThat(SidecarInjector.target("", NS)).isInstanceOf(NoTarget.class);
      assertThat(SidecarInjector.target("false", NS)).isInstanceOf(RemoveTarget.class);
      assertThat(SidecarInjector.target("FaLsE", NS)).isInstanceOf(RemoveTarget.class);
      assertThat(SidecarInjector.target("true", NS)).isInstanceOf(SingleInNamespace.class);
      assertThat(SidecarInjector.target("True", NS)).isInstanceOf(SingleInNamespace.class);
      assertThat(SidecarInjector.target("my-col", NS)).isEqualTo(new Named(NS, "my-col"));
      assertThat(SidecarInjector.target("other/my-col", NS))
          .isEqualTo(new Named("other", "my-col"));
    }
  }

  @Nested
  class Selection {
    @Test
    void trueInjectsTheOnlySidecarCollectorOfThePodsNamespace() {
      CollectorLookup lookup =
          lookup(
              List.of(
                  collector(NS, "side", "sidecar"),
                  collector(NS, "gateway", "deployment"),
                  collector("elsewhere", "other-side", "sidecar")));
      Decision d = legacy.decide(pod("true"), NS, namespace(NS, null), lookup);
      assertThat(d).isInstanceOf(Inject.class);
      assertThat(((Inject) d).collector()).isEqualTo(NS + "/side");
      assertThat(labels(((Inject) d).pod())).containsEntry(Labels.SIDECAR_INJECTED, NS + ".side");
    }

    @Test
    void trueWithoutSidecarCollectorsChangesNothingAndSaysWhy() {
      CollectorLookup lookup =
          lookup(
              List.of(
                  collector(NS, "gateway", "deployment"),
                  collector("elsewhere", "side", "sidecar")));
      assertThat(legacy.decide(pod("true"), NS, namespace(NS, null), lookup))
          .isEqualTo(new Unchanged(SidecarInjector.NO_INSTANCES, true));
      assertThat(SidecarInjector.NO_INSTANCES)
          .isEqualTo("no OpenTelemetry Collector instances available");
    }

    @Test
    void trueWithSeveralSidecarCollectorsChangesNothingAndSaysWhy() {
      CollectorLookup lookup =
          lookup(List.of(collector(NS, "a", "sidecar"), collector(NS, "b", "sidecar")));
      assertThat(legacy.decide(pod("true"), NS, namespace(NS, null), lookup))
          .isEqualTo(new Unchanged(SidecarInjector.MULTIPLE_INSTANCES, true));
      assertThat(SidecarInjector.MULTIPLE_INSTANCES)
          .isEqualTo(
              "multiple OpenTelemetry Collector instances available, cannot determine which one"
                  + " to select");
    }

    @Test
    void aNameSelectsThatCollectorInThePodsNamespaceEvenAmongSeveral() {
      CollectorLookup lookup =
          lookup(
              List.of(
                  collector(NS, "a", "sidecar"),
                  collector(NS, "b", "sidecar"),
                  collector("other", "b", "sidecar")));
      Decision d = legacy.decide(pod("b"), NS, namespace(NS, null), lookup);
      assertThat(((Inject) d).collector()).isEqualTo(NS + "/b");
      assertThat(labels(((Inject) d).pod())).containsEntry(Labels.SIDECAR_INJECTED, NS + ".b");
    }

    @Test
    void aNamespacedNameSelectsACollectorOfAnotherNamespace() {
      CollectorLookup lookup =
          lookup(List.of(collector(NS, "b", "sidecar"), collector("shared", "b", "sidecar")));
      Decision d = legacy.decide(pod("shared/b"), NS, namespace(NS, null), lookup);
      Pod out = ((Inject) d).pod();
      assertThat(((Inject) d).collector()).isEqualTo("shared/b");
      assertThat(labels(out)).containsEntry(Labels.SIDECAR_INJECTED, "shared.b");
      // The resource attributes describe where the pod runs, not where the collector CR lives.
      assertThat(
              env(
                  container(out.getSpec().getContainers(), Names.CONTAINER),
                  "OTEL_RESOURCE_ATTRIBUTES"))
          .contains("k8s.namespace.name=" + NS);
    }

    @Test
    void aNamedCollectorNotInSidecarModeChangesNothingAndSaysWhy() {
      CollectorLookup lookup = lookup(List.of(collector(NS, "gateway", "deployment")));
      assertThat(legacy.decide(pod("gateway"), NS, namespace(NS, null), lookup))
          .isEqualTo(new Unchanged(SidecarInjector.NOT_SIDECAR, true));
      assertThat(SidecarInjector.NOT_SIDECAR)
          .isEqualTo("the OpenTelemetry Collector's mode is not set to sidecar");
    }

    @Test
    void aCollectorWithoutModeIsADeploymentNotASidecar() {
      OpenTelemetryCollector noMode = collector(NS, "plain", "sidecar");
      noMode.getSpec().mode = null;
      assertThat(legacy.decide(pod("plain"), NS, namespace(NS, null), lookup(List.of(noMode))))
          .isEqualTo(new Unchanged(SidecarInjector.NOT_SIDECAR, true));
    }

    @Test
    void aMissingNamedCollectorChangesNothingAndNamesIt() {
      Decision d = legacy.decide(pod("other/nope"), NS, namespace(NS, null), lookup(List.of()));
      assertThat(d).isInstanceOf(Unchanged.class);
      assertThat(((Unchanged) d).requested()).isTrue();
      assertThat(((Unchanged) d).reason())
          .isEqualTo("the OpenTelemetry Collector other/nope does not exist");
    }

    @Test
    void aMalformedNamespacedNameIsReportedNotLookedUp() {
      Decision d = legacy.decide(pod("/nope"), NS, namespace(NS, null), lookup(List.of()));
      assertThat(((Unchanged) d).reason()).contains("is not <namespace>/<name>");
    }

    @Test
    void aNamespaceAnnotationAloneInjects() {
      CollectorLookup lookup = lookup(List.of(collector(NS, "side", "sidecar")));
      assertThat(legacy.decide(pod(null), NS, namespace(NS, "true"), lookup))
          .isInstanceOf(Inject.class);
    }

    @Test
    void aNamespaceNamingACollectorWinsOverAPodTrue() {
      CollectorLookup lookup =
          lookup(List.of(collector(NS, "a", "sidecar"), collector(NS, "b", "sidecar")));
      Decision d = legacy.decide(pod("true"), NS, namespace(NS, "b"), lookup);
      assertThat(((Inject) d).collector()).isEqualTo(NS + "/b");
    }

    @Test
    void aPodFalseWinsOverANamespaceTrue() {
      CollectorLookup lookup = lookup(List.of(collector(NS, "side", "sidecar")));
      Decision d = legacy.decide(pod("false"), NS, namespace(NS, "true"), lookup);
      assertThat(d)
          .isEqualTo(
              new Unchanged(
                  SidecarInjector.INJECT_ANNOTATION + " is false and there is no sidecar to remove",
                  false));
    }

    @Test
    void noAnnotationAnywhereIsNotARequest() {
      CollectorLookup lookup = lookup(List.of(collector(NS, "side", "sidecar")));
      Decision d = legacy.decide(pod(null), NS, namespace(NS, null), lookup);
      assertThat(d).isInstanceOf(Unchanged.class);
      assertThat(((Unchanged) d).requested()).isFalse();
    }
  }

  @Nested
  class Mutation {
    private final CollectorLookup one = lookup(List.of(collector(NS, "side", "sidecar")));

    @Test
    void legacyAppendsTheContainerBuiltByTheSharedBuilder() {
      Pod out = ((Inject) legacy.decide(pod("true"), NS, namespace(NS, null), one)).pod();
      List<Container> containers = out.getSpec().getContainers();
      assertThat(containers)
          .extracting(Container::getName)
          .containsExactly("myapp", "otc-container");
      assertThat(out.getSpec().getInitContainers()).isEmpty();
      Container sidecar = containers.get(1);
      Container built =
          CollectorContainer.sidecar(CollectorContext.of(collector(NS, "side", "sidecar"), CFG));
      assertThat(sidecar.getImage()).isEqualTo(built.getImage()).isEqualTo(CFG.collectorImage());
      assertThat(sidecar.getArgs()).isEqualTo(built.getArgs()).contains("--config=env:OTEL_CONFIG");
      assertThat(sidecar.getPorts()).isEqualTo(built.getPorts());
      assertThat(sidecar.getEnv()).startsWith(built.getEnv().toArray(EnvVar[]::new));
      assertThat(envNames(sidecar)).isEqualTo(SMOKE_ENV);
      assertThat(sidecar.getRestartPolicy()).isNull();
    }

    @Test
    void nativeAppendsAnInitContainerThatRestartsAlways() {
      OpenTelemetryCollector cr = collector(NS, "side", "sidecar");
      cr.getSpec().initContainers =
          List.of(new ContainerBuilder().withName("cr-init").withImage("busybox").build());
      Pod in =
          new PodBuilder(pod("true"))
              .editSpec()
              .addNewInitContainer()
              .withName("app-init")
              .withImage("busybox")
              .endInitContainer()
              .endSpec()
              .build();
      Pod out = ((Inject) nativeInjector.decide(in, NS, null, lookup(List.of(cr)))).pod();
      assertThat(out.getSpec().getContainers())
          .extracting(Container::getName)
          .containsExactly("myapp");
      assertThat(out.getSpec().getInitContainers())
          .extracting(Container::getName)
          .containsExactly("app-init", "cr-init", "otc-container");
      Container sidecar = out.getSpec().getInitContainers().get(2);
      assertThat(sidecar.getRestartPolicy()).isEqualTo("Always");
      assertThat(envNames(sidecar)).isEqualTo(SMOKE_ENV);
    }

    @Test
    void nativeSidecarsGetAStartupProbeWhenTheCollectorHasHealthChecks() {
      OpenTelemetryCollector cr =
          dev.telescope.TestYaml.collector(
              """
              apiVersion: opentelemetry.io/v1beta1
              kind: OpenTelemetryCollector
              metadata: {name: side, namespace: apps}
              spec:
                mode: sidecar
                config:
                  receivers: {otlp: {protocols: {grpc: {}}}}
                  exporters: {debug: {}}
                  extensions: {health_check: {}}
                  service:
                    extensions: [health_check]
                    pipelines: {traces: {receivers: [otlp], exporters: [debug]}}
              """);
      Pod out = ((Inject) nativeInjector.decide(pod("true"), NS, null, lookup(List.of(cr)))).pod();
      Container sidecar = container(out.getSpec().getInitContainers(), Names.CONTAINER);
      assertThat(sidecar.getReadinessProbe()).isNotNull();
      assertThat(sidecar.getStartupProbe()).isNotNull();
      assertThat(sidecar.getStartupProbe().getHttpGet())
          .isEqualTo(sidecar.getReadinessProbe().getHttpGet());
    }

    @Test
    void legacyAppendsTheCollectorsInitContainersToThePods() {
      OpenTelemetryCollector cr = collector(NS, "side", "sidecar");
      cr.getSpec().initContainers =
          List.of(new ContainerBuilder().withName("cr-init").withImage("busybox").build());
      Pod out = ((Inject) legacy.decide(pod("true"), NS, null, lookup(List.of(cr)))).pod();
      assertThat(out.getSpec().getInitContainers())
          .extracting(Container::getName)
          .containsExactly("cr-init");
      assertThat(out.getSpec().getContainers())
          .extracting(Container::getName)
          .containsExactly("myapp", "otc-container");
    }

    @Test
    void volumesOfTheCollectorAreAddedOnceAndThePodsOwnWin() {
      OpenTelemetryCollector cr = collector(NS, "side", "sidecar");
      cr.getSpec().volumes =
          List.of(
              new VolumeBuilder().withName("logs").withNewEmptyDir().endEmptyDir().build(),
              new VolumeBuilder().withName("shared").withNewEmptyDir().endEmptyDir().build());
      ConfigMapsSpec cm = new ConfigMapsSpec();
      cm.name = "extra";
      cm.mountpath = "x";
      cr.getSpec().configmaps = List.of(cm);
      Pod in =
          new PodBuilder(pod("true"))
              .editSpec()
              .addNewVolume()
              .withName("logs")
              .withNewHostPath()
              .withPath("/var/log")
              .endHostPath()
              .endVolume()
              .endSpec()
              .build();
      Pod out = ((Inject) legacy.decide(in, NS, null, lookup(List.of(cr)))).pod();
      assertThat(out.getSpec().getVolumes())
          .extracting(Volume::getName)
          .containsExactly("logs", "shared", "configmap-extra");
      assertThat(out.getSpec().getVolumes().get(0).getHostPath()).isNotNull();
      assertThat(out.getSpec().getVolumes().get(2).getConfigMap().getName()).isEqualTo("extra");
    }

    @Test
    void resourceAttributesDescribeThePodAndItsOwners() {
      Pod in =
          new PodBuilder(pod("true"))
              .editMetadata()
              .withName(null)
              .withGenerateName("web-7d4b9c-")
              .addToOwnerReferences(
                  new OwnerReferenceBuilder()
                      .withApiVersion("apps/v1")
                      .withKind("ReplicaSet")
                      .withName("web-7d4b9c")
                      .withUid("rs-uid")
                      .withController(true)
                      .build())
              .endMetadata()
              .build();
      ReplicaSet rs =
          new ReplicaSetBuilder()
              .withNewMetadata()
              .withName("web-7d4b9c")
              .withNamespace(NS)
              .withUid("rs-uid")
              .addNewOwnerReference()
              .withApiVersion("apps/v1")
              .withKind("Deployment")
              .withName("web")
              .withUid("deploy-uid")
              .withController(true)
              .endOwnerReference()
              .endMetadata()
              .build();
      CollectorLookup withRs =
          CollectorLookup.of(List.of(collector(NS, "side", "sidecar")), List.of(), List.of(rs));
      Container sidecar =
          container(
              ((Inject) legacy.decide(in, NS, null, withRs)).pod().getSpec().getContainers(),
              Names.CONTAINER);
      assertThat(env(sidecar, "OTEL_RESOURCE_ATTRIBUTES"))
          .isEqualTo(
              "k8s.deployment.name=web,k8s.deployment.uid=deploy-uid,"
                  + "k8s.namespace.name=apps,"
                  + "k8s.node.name=$(OTEL_RESOURCE_ATTRIBUTES_NODE_NAME),"
                  + "k8s.pod.name=$(OTEL_RESOURCE_ATTRIBUTES_POD_NAME),"
                  + "k8s.pod.uid=$(OTEL_RESOURCE_ATTRIBUTES_POD_UID),"
                  + "k8s.replicaset.name=web-7d4b9c,k8s.replicaset.uid=rs-uid");
      assertThat(envNames(sidecar)).isEqualTo(SMOKE_ENV);

      // The ReplicaSet comes from the pod itself; only the Deployment needs the lookup.
      Container withoutRs =
          container(
              ((Inject) legacy.decide(in, NS, null, one)).pod().getSpec().getContainers(),
              Names.CONTAINER);
      assertThat(env(withoutRs, "OTEL_RESOURCE_ATTRIBUTES"))
          .isEqualTo(
              "k8s.namespace.name=apps,"
                  + "k8s.node.name=$(OTEL_RESOURCE_ATTRIBUTES_NODE_NAME),"
                  + "k8s.pod.name=$(OTEL_RESOURCE_ATTRIBUTES_POD_NAME),"
                  + "k8s.pod.uid=$(OTEL_RESOURCE_ATTRIBUTES_POD_UID),"
                  + "k8s.replicaset.name=web-7d4b9c,k8s.replicaset.uid=rs-uid");
    }

    @Test
    void downwardApiEnvPointsAtThePodIdentity() {
      Container sidecar =
          container(
              ((Inject) legacy.decide(pod("true"), NS, null, one)).pod().getSpec().getContainers(),
              Names.CONTAINER);
      assertThat(fieldPath(sidecar, "OTEL_RESOURCE_ATTRIBUTES_POD_NAME"))
          .isEqualTo("metadata.name");
      assertThat(fieldPath(sidecar, "OTEL_RESOURCE_ATTRIBUTES_POD_UID")).isEqualTo("metadata.uid");
      assertThat(fieldPath(sidecar, "OTEL_RESOURCE_ATTRIBUTES_NODE_NAME"))
          .isEqualTo("spec.nodeName");
    }

    @Test
    void aUserProvidedResourceAttributesEnvIsLeftAlone() {
      OpenTelemetryCollector cr = collector(NS, "side", "sidecar");
      cr.getSpec().env = List.of(new EnvVar("OTEL_RESOURCE_ATTRIBUTES", "team=a", null));
      Container sidecar =
          container(
              ((Inject) legacy.decide(pod("true"), NS, null, lookup(List.of(cr))))
                  .pod()
                  .getSpec()
                  .getContainers(),
              Names.CONTAINER);
      assertThat(envNames(sidecar))
          .containsExactly(
              "OTEL_RESOURCE_ATTRIBUTES", "POD_NAME", "GOMEMLIMIT", "GOMAXPROCS", "OTEL_CONFIG");
      assertThat(env(sidecar, "OTEL_RESOURCE_ATTRIBUTES")).isEqualTo("team=a");
    }

    @Test
    void theInjectedLabelIsTruncatedTo63Characters() {
      String longNs = "n".repeat(40);
      String longName = "c".repeat(40);
      Pod out =
          ((Inject)
                  legacy.decide(
                      pod(longNs + "/" + longName),
                      NS,
                      null,
                      lookup(List.of(collector(longNs, longName, "sidecar")))))
              .pod();
      String label = labels(out).get(Labels.SIDECAR_INJECTED);
      assertThat(label).hasSize(63).isEqualTo(Names.instance(longNs, longName));
      assertThat(labels(out)).containsEntry("app", "my-app");
    }

    @Test
    void theInputPodIsNeverModified() {
      OpenTelemetryCollector cr = collector(NS, "side", "sidecar");
      cr.getSpec().volumes =
          List.of(new VolumeBuilder().withName("v").withNewEmptyDir().endEmptyDir().build());
      Pod in = pod("true");
      JsonNode before = JsonPatches.tree(in);
      JsonNode crBefore = JsonPatches.tree(cr);
      Pod out = ((Inject) nativeInjector.decide(in, NS, null, lookup(List.of(cr)))).pod();
      assertThat(JsonPatches.tree(in)).isEqualTo(before);
      assertThat(JsonPatches.tree(cr)).isEqualTo(crBefore);
      assertThat(out).isNotSameAs(in);

      Pod withSidecar = out;
      JsonNode injectedBefore = JsonPatches.tree(withSidecar);
      nativeInjector.remove(withSidecar);
      assertThat(JsonPatches.tree(withSidecar)).isEqualTo(injectedBefore);
    }

    @Test
    void aNewResourceVersionOfTheCollectorIsInjectedNotTheCachedOne() {
      SidecarInjector injector = new SidecarInjector(CFG, false);
      OpenTelemetryCollector v1 = collector(NS, "side", "sidecar");
      v1.getMetadata().setUid("uid-1");
      v1.getMetadata().setResourceVersion("1");
      OpenTelemetryCollector v2 = collector(NS, "side", "sidecar");
      v2.getMetadata().setUid("uid-1");
      v2.getMetadata().setResourceVersion("2");
      ((com.fasterxml.jackson.databind.node.ObjectNode) v2.getSpec().config.exporters)
          .putObject("otlp/v2")
          .put("endpoint", "gw:4317");

      String first = otelConfig(injector.decide(pod("true"), NS, null, lookup(List.of(v1))));
      String again = otelConfig(injector.decide(pod("true"), NS, null, lookup(List.of(v1))));
      String second = otelConfig(injector.decide(pod("true"), NS, null, lookup(List.of(v2))));
      assertThat(first).isEqualTo(again).doesNotContain("otlp/v2");
      assertThat(second).contains("otlp/v2");
    }

    @Test
    void theCachedSidecarIsNeverSharedBetweenPods() {
      OpenTelemetryCollector cr = collector(NS, "side", "sidecar");
      cr.getMetadata().setUid("uid-1");
      cr.getMetadata().setResourceVersion("7");
      SidecarInjector injector = new SidecarInjector(CFG, false);
      Pod a = ((Inject) injector.decide(pod("true"), NS, null, lookup(List.of(cr)))).pod();
      Pod b =
          ((Inject) injector.decide(pod(NS + "/side"), "other", null, lookup(List.of(cr)))).pod();
      Container sa = container(a.getSpec().getContainers(), Names.CONTAINER);
      Container sb = container(b.getSpec().getContainers(), Names.CONTAINER);
      assertThat(sa).isNotSameAs(sb);
      assertThat(sa.getEnv()).isNotSameAs(sb.getEnv());
      assertThat(env(sa, "OTEL_RESOURCE_ATTRIBUTES")).contains("k8s.namespace.name=" + NS);
      assertThat(env(sb, "OTEL_RESOURCE_ATTRIBUTES")).contains("k8s.namespace.name=other");
    }

    @Test
    void theReceivedJsonIsNeverModifiedAndUnknownFieldsSurvive() {
      com.fasterxml.jackson.databind.node.ObjectNode in =
          (com.fasterxml.jackson.databind.node.ObjectNode) JsonPatches.tree(pod("true"));
      ((com.fasterxml.jackson.databind.node.ObjectNode) in.get("spec"))
          .put("someFutureField", "kept");
      JsonNode before = in.deepCopy();
      Decision d = legacy.decide(in, NS, null, one);
      assertThat(in).isEqualTo(before);
      com.fasterxml.jackson.databind.node.ObjectNode out = ((Inject) d).tree();
      assertThat(out).isNotSameAs(in);
      assertThat(out.at("/spec/someFutureField").asText()).isEqualTo("kept");
      assertThat(JsonPatches.diff(in, out))
          .extracting(op -> op.get("path").asText())
          .containsExactlyInAnyOrder(
              "/spec/containers/1",
              "/metadata/labels/" + Labels.SIDECAR_INJECTED.replace("/", "~1"));
    }

    @Test
    void aPodWhoseFieldsHaveTheWrongJsonTypesIsAnErrorNotAGuess() {
      com.fasterxml.jackson.databind.node.ObjectNode in =
          (com.fasterxml.jackson.databind.node.ObjectNode) JsonPatches.tree(pod("true"));
      ((com.fasterxml.jackson.databind.node.ObjectNode) in.get("spec")).put("containers", "app");
      assertThatThrownBy(() -> legacy.decide(in, NS, null, one))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("containers is not a list");
    }

    private String otelConfig(Decision d) {
      return env(
          container(((Inject) d).pod().getSpec().getContainers(), Names.CONTAINER),
          CollectorContainer.OTEL_CONFIG);
    }

    @Test
    void injectionIsIdempotent() {
      Pod once = ((Inject) legacy.decide(pod("true"), NS, null, one)).pod();
      Decision twice = legacy.decide(once, NS, null, one);
      assertThat(twice).isInstanceOf(Unchanged.class);
      assertThat(((Unchanged) twice).requested()).isFalse();

      Pod nativeOnce = ((Inject) nativeInjector.decide(pod("true"), NS, null, one)).pod();
      assertThat(nativeInjector.decide(nativeOnce, NS, null, one)).isInstanceOf(Unchanged.class);
      // Without native sidecars only regular containers count, as upstream.
      assertThat(legacy.hasSidecar(nativeOnce)).isFalse();
      assertThat(nativeInjector.hasSidecar(nativeOnce)).isTrue();
    }

    @Test
    void falseRemovesTheSidecar() {
      Pod injected = ((Inject) legacy.decide(pod("true"), NS, null, one)).pod();
      Pod refused = annotate(injected, "false");
      Decision d = legacy.decide(refused, NS, null, one);
      assertThat(d).isInstanceOf(Remove.class);
      assertThat(((Remove) d).pod().getSpec().getContainers())
          .extracting(Container::getName)
          .containsExactly("myapp");
    }

    @Test
    void falseRemovesANativeSidecarOnlyWhenNativeSidecarsAreOn() {
      Pod injected = ((Inject) nativeInjector.decide(pod("true"), NS, null, one)).pod();
      Pod refused = annotate(injected, "FALSE");
      Decision d = nativeInjector.decide(refused, NS, null, one);
      assertThat(((Remove) d).pod().getSpec().getInitContainers()).isEmpty();
      assertThat(legacy.decide(refused, NS, null, one)).isInstanceOf(Unchanged.class);
    }

    @Test
    void falseRemovesFromBothListsWhenNative() {
      Container stray = new ContainerBuilder().withName(Names.CONTAINER).withImage("x").build();
      Pod both =
          new PodBuilder(pod("false"))
              .editSpec()
              .addToContainers(stray)
              .addToInitContainers(stray)
              .endSpec()
              .build();
      Pod out = ((Remove) nativeInjector.decide(both, NS, null, one)).pod();
      assertThat(out.getSpec().getContainers())
          .extracting(Container::getName)
          .containsExactly("myapp");
      assertThat(out.getSpec().getInitContainers()).isEmpty();
    }

    private static String fieldPath(Container c, String name) {
      return c.getEnv().stream()
          .filter(e -> e.getName().equals(name))
          .findFirst()
          .orElseThrow()
          .getValueFrom()
          .getFieldRef()
          .getFieldPath();
    }
  }

  @Nested
  class UpstreamFixtures {
    @Test
    void smokeSidecarGetsExactlyTheAssertedEnvAndTheConfigMapVolume() {
      OpenTelemetryCollector cr = SidecarFixtures.smokeCollector("smoke");
      for (SidecarInjector injector : List.of(legacy, nativeInjector)) {
        Pod p = pod("true");
        p.getMetadata().setNamespace("smoke");
        Pod out = ((Inject) injector.decide(p, "smoke", null, lookup(List.of(cr)))).pod();
        List<Container> where =
            injector.nativeSidecars()
                ? out.getSpec().getInitContainers()
                : out.getSpec().getContainers();
        Container sidecar = container(where, Names.CONTAINER);
        assertThat(envNames(sidecar)).isEqualTo(SMOKE_ENV);
        assertThat(out.getSpec().getVolumes())
            .extracting(Volume::getName)
            .anyMatch(n -> n.startsWith("configmap-example-config"));
        assertThat(sidecar.getVolumeMounts())
            .extracting(VolumeMount::getName)
            .anyMatch(n -> n.startsWith("configmap-example-config"));
        assertThat(out.getSpec().getContainers().get(0).getName()).isEqualTo("myapp");
        assertThat(labels(out))
            .containsEntry("app", "my-app")
            .containsEntry(Labels.SIDECAR_INJECTED, "smoke.sidecar-for-my-app");
      }
    }

    @Test
    void prometheusExportersSidecarGetsExactlyTheAssertedEnv() {
      OpenTelemetryCollector cr = SidecarFixtures.prometheusCollector();
      String ns = cr.getMetadata().getNamespace();
      Pod out = ((Inject) legacy.decide(pod("true"), ns, null, lookup(List.of(cr)))).pod();
      assertThat(envNames(container(out.getSpec().getContainers(), Names.CONTAINER)))
          .isEqualTo(SMOKE_ENV);
    }

    /**
     * The seed walkthrough: the blog's sidecar CR in {@code otel-sample}, its Deployment's pod
     * annotated {@code "true"}, gets {@code otc-container} running the CR's config.
     */
    @Test
    void seedWalkthroughInjectsTheBlogsCollector() throws Exception {
      OpenTelemetryCollector cr = SidecarFixtures.seedCollector();
      assertThat(cr.getMetadata().getNamespace()).isEqualTo("otel-sample");
      Pod p =
          new PodBuilder()
              .withNewMetadata()
              .withGenerateName("otel-sample-deployment-b8696df8d-")
              .withNamespace("otel-sample")
              .addToLabels("app", "otel-sample")
              .addToAnnotations(SidecarInjector.INJECT_ANNOTATION, "true")
              .endMetadata()
              .withNewSpec()
              .withServiceAccountName("otel-collector-sidecar")
              .addNewContainer()
              .withName("otel-sample")
              .withImage("ghcr.io/nishipy/go-otel-sample:latest")
              .addNewPort()
              .withContainerPort(8080)
              .endPort()
              .endContainer()
              .endSpec()
              .build();
      Decision d =
          legacy.decide(p, "otel-sample", namespace("otel-sample", null), lookup(List.of(cr)));
      Pod out = ((Inject) d).pod();
      assertThat(out.getSpec().getContainers())
          .extracting(Container::getName)
          .containsExactly("otel-sample", "otc-container");
      Container sidecar = out.getSpec().getContainers().get(1);
      assertThat(sidecar.getArgs()).containsExactly("--config=env:OTEL_CONFIG");
      assertThat(sidecar.getPorts())
          .extracting(p2 -> p2.getName() + ":" + p2.getContainerPort())
          .containsExactly("metrics:8888", "otlp-grpc:4317", "otlp-http:4318");
      // OTEL_CONFIG holds the blog's config (nulls such as "grpc:" kept).
      JsonNode config = SidecarFixtures.yaml(env(sidecar, "OTEL_CONFIG"));
      assertThat(config).isEqualTo(SidecarFixtures.seedConfigTree());
      assertThat(envNames(sidecar)).isEqualTo(SMOKE_ENV);
      assertThat(labels(out)).containsEntry(Labels.SIDECAR_INJECTED, "otel-sample.otel");
      // The app's own ServiceAccount is kept: a sidecar runs as the pod's identity.
      assertThat(out.getSpec().getServiceAccountName()).isEqualTo("otel-collector-sidecar");
    }
  }

  private static Pod annotate(Pod p, String inject) {
    return new PodBuilder(p)
        .editMetadata()
        .addToAnnotations(SidecarInjector.INJECT_ANNOTATION, inject)
        .endMetadata()
        .build();
  }

  @Test
  void ownersNeedAReplicaSetOwner() {
    assertThat(SidecarInjector.owners(pod("true"), NS, lookup(List.of()))).isEqualTo(Owners.NONE);
  }
}
