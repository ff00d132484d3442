package dev.telescope.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.telescope.TestYaml;
import dev.telescope.api.common.AutoscalerSpec;
import dev.telescope.api.common.IngressSpec;
import dev.telescope.api.common.MetricSpec;
import dev.telescope.api.common.Mode;
import dev.telescope.api.common.PortsSpec;
import dev.telescope.api.common.ProbeSpec;
import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import dev.telescope.api.v1beta1.OpenTelemetryCollectorSpec;
import dev.telescope.api.v1beta1.TargetAllocatorEmbedded;
import dev.telescope.settings.OperatorConfig;
import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSetUpdateStrategy;
import io.fabric8.kubernetes.api.model.apps.DaemonSetUpdateStrategyBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStrategyBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetPersistentVolumeClaimRetentionPolicyBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBehaviorBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.PodsMetricSourceBuilder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class ValidationTest {

  static final String OTLP =
      """
      receivers:
        otlp:
          protocols:
            grpc: {}
            http: {}
      exporters:
        debug: {}
      service:
        pipelines:
          traces:
            receivers: [otlp]
            exporters: [debug]
      """;

  static OpenTelemetryCollector cr(String config) {
    OpenTelemetryCollector cr = new OpenTelemetryCollector();
    ObjectMeta meta = new ObjectMeta();
    meta.setName("otel");
    meta.setNamespace("observability");
    cr.setMetadata(meta);
    cr.setSpec(new OpenTelemetryCollectorSpec());
    cr.getSpec().config = TestYaml.config(config);
    return cr;
  }

  static OpenTelemetryCollector cr(Mode mode) {
    OpenTelemetryCollector cr = cr(OTLP);
    cr.getSpec().mode = mode;
    return cr;
  }

  static Validation.Result validate(OpenTelemetryCollector cr) {
    return Validation.validate(cr, null, OperatorConfig.defaults());
  }

  static OpenTelemetryCollector autoscaled(Integer min, Integer max) {
    OpenTelemetryCollector cr = cr(OTLP);
    cr.getSpec().autoscaler = new AutoscalerSpec();
    cr.getSpec().autoscaler.minReplicas = min;
    cr.getSpec().autoscaler.maxReplicas = max;
    return cr;
  }

  static PortsSpec port(String name, Integer number) {
    PortsSpec p = new PortsSpec();
    p.name = name;
    p.port = number;
    return p;
  }

  static MetricSpec podsMetric(String targetType, String quantity) {
    MetricSpec m = new MetricSpec();
    m.type = "Pods";
    var b =
        new PodsMetricSourceBuilder()
            .withNewMetric()
            .withName("queue")
            .endMetric()
            .withNewTarget()
            .withType(targetType);
    if ("AverageValue".equals(targetType)) {
      b = b.withAverageValue(new Quantity(quantity));
    } else {
      b = b.withValue(new Quantity(quantity));
    }
    m.pods = b.endTarget().build();
    return m;
  }

  // ---- what passes

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aPlainCollectorIsAllowedInEveryMode(Mode mode) {
    Validation.Result r = validate(cr(mode));
    assertThat(r.allowed()).isTrue();
    assertThat(r.errors()).isEmpty();
    assertThat(r.warnings()).isEmpty();
    assertThat(r.beyondUpstream()).isEmpty();
  }

  @Test
  void aDefaultedCollectorIsAllowed() {
    var cfg = OperatorConfig.defaults();
    OpenTelemetryCollector cr = Defaults.apply(cr(OTLP), cfg).collector();
    assertThat(Validation.validate(cr, cr, cfg).allowed()).isTrue();
  }

  @Test
  void aMissingSpecIsRefused() {
    OpenTelemetryCollector cr = cr(OTLP);
    cr.setSpec(null);
    assertThat(validate(cr).errors())
        .containsExactly("the OpenTelemetry Collector spec is required");
  }

  // ---- mode

  @Test
  void theModeCannotChangeOnUpdate() {
    OpenTelemetryCollector old = cr(Mode.DEPLOYMENT);
    OpenTelemetryCollector updated = cr(Mode.STATEFULSET);
    assertThat(Validation.validate(updated, old, OperatorConfig.defaults()).errors())
        .containsExactly(
            "the OpenTelemetry Collector mode is set to deployment, which does not support"
                + " modification");
  }

  @Test
  void anUnsetModeIsDeploymentWhenComparing() {
    OpenTelemetryCollector old = cr(OTLP);
    assertThat(Validation.validate(cr(Mode.DEPLOYMENT), old, OperatorConfig.defaults()).allowed())
        .isTrue();
    assertThat(Validation.validate(cr(Mode.SIDECAR), old, OperatorConfig.defaults()).errors())
        .containsExactly(
            "the OpenTelemetry Collector mode is set to deployment, which does not support"
                + " modification");
  }

  // ---- statefulset-only fields

  @ParameterizedTest
  @EnumSource(
      value = Mode.class,
      names = {"DEPLOYMENT", "DAEMONSET", "SIDECAR"})
  void claimTemplatesAndRetentionOnlyForStatefulSets(Mode mode) {
    OpenTelemetryCollector cr = cr(mode);
    cr.getSpec().volumeClaimTemplates =
        List.of(
            new PersistentVolumeClaimBuilder()
                .withNewMetadata()
                .withName("v")
                .endMetadata()
                .build());
    cr.getSpec().persistentVolumeClaimRetentionPolicy =
        new StatefulSetPersistentVolumeClaimRetentionPolicyBuilder()
            .withWhenDeleted("Delete")
            .build();
    assertThat(validate(cr).errors())
        .containsExactly(
            "the OpenTelemetry Collector mode is set to "
                + mode
                + ", which does not support the attribute 'volumeClaimTemplates'",
            "the OpenTelemetry Collector mode is set to "
                + mode
                + ", which does not support the attribute 'persistentVolumeClaimRetentionPolicy'");
    cr.getSpec().mode = Mode.STATEFULSET;
    assertThat(validate(cr).allowed()).isTrue();
  }

  @Test
  void anEmptyClaimTemplateListIsFine() {
    OpenTelemetryCollector cr = cr(Mode.DEPLOYMENT);
    cr.getSpec().volumeClaimTemplates = List.of();
    assertThat(validate(cr).allowed()).isTrue();
  }

  // ---- sidecar

  @Test
  void sidecarRefusesPodSchedulingFields() {
    OpenTelemetryCollector cr = cr(Mode.SIDECAR);
    cr.getSpec().tolerations = List.of(new TolerationBuilder().withKey("k").build());
    cr.getSpec().priorityClassName = "high";
    cr.getSpec().affinity = new AffinityBuilder().build();
    cr.getSpec().additionalContainers = List.of(new ContainerBuilder().withName("x").build());
    assertThat(validate(cr).errors())
        .containsExactly(
            "the OpenTelemetry Collector mode is set to sidecar, which does not support the attribute 'tolerations'",
            "the OpenTelemetry Collector mode is set to sidecar, which does not support the attribute 'priorityClassName'",
            "the OpenTelemetry Collector mode is set to sidecar, which does not support the attribute 'affinity'",
            "the OpenTelemetry Collector mode is set to sidecar, which does not support the attribute 'additionalContainers'");
  }

  @Test
  void emptySchedulingFieldsAreFineInSidecarMode() {
    OpenTelemetryCollector cr = cr(Mode.SIDECAR);
    cr.getSpec().tolerations = List.of();
    cr.getSpec().priorityClassName = "";
    cr.getSpec().additionalContainers = List.of();
    assertThat(validate(cr).allowed()).isTrue();
  }

  @Test
  void schedulingFieldsAreFineOutsideSidecarMode() {
    OpenTelemetryCollector cr = cr(Mode.DAEMONSET);
    cr.getSpec().tolerations = List.of(new TolerationBuilder().withKey("k").build());
    cr.getSpec().priorityClassName = "high";
    cr.getSpec().affinity = new AffinityBuilder().build();
    cr.getSpec().additionalContainers = List.of(new ContainerBuilder().withName("x").build());
    assertThat(validate(cr).allowed()).isTrue();
  }

  /** Upstream's e2e-crd-validations/sidecar: each CR is refused naming its attribute. */
  @ParameterizedTest
  @CsvSource({
    "00-install-priority-class.yaml,priorityClassName",
    "01-install-tolerations.yaml,tolerations",
    "02-install-affinity.yaml,affinity",
    "03-install-additional-containers.yaml,additionalContainers"
  })
  void upstreamSidecarCrdValidationCases(String file, String attribute) {
    Path dir = TestYaml.shared().resolve("conformance/upstream/tests/e2e-crd-validations/sidecar");
    OpenTelemetryCollector cr = TestYaml.collector(TestYaml.read(dir.resolve(file)));
    Validation.Result r = validate(Defaults.apply(cr, OperatorConfig.defaults()).collector());
    assertThat(r.allowed()).isFalse();
    assertThat(r.errors())
        .containsExactly(
            "the OpenTelemetry Collector mode is set to sidecar, which does not support the attribute '"
                + attribute
                + "'");
    assertThat(r.beyondUpstream()).isEmpty();
  }

  // ---- target allocator

  static OpenTelemetryCollector withTa(Mode mode, String strategy) {
    OpenTelemetryCollector cr = cr(mode);
    cr.getSpec().targetAllocator = new TargetAllocatorEmbedded();
    cr.getSpec().targetAllocator.enabled = true;
    cr.getSpec().targetAllocator.allocationStrategy = strategy;
    return cr;
  }

  @ParameterizedTest
  @EnumSource(
      value = Mode.class,
      names = {"DEPLOYMENT", "SIDECAR"})
  void targetAllocatorNeedsAStatefulSetOrDaemonSet(Mode mode) {
    assertThat(validate(withTa(mode, null)).errors())
        .containsExactly(
            "the OpenTelemetry Collector mode is set to "
                + mode
                + ", which does not support the target allocation deployment");
  }

  @Test
  void daemonSetNeedsThePerNodeStrategy() {
    assertThat(validate(withTa(Mode.DAEMONSET, null)).errors())
        .containsExactly(
            "the OpenTelemetry Collector mode is set to daemonset, which must be used with target"
                + " allocation strategy per-node");
    assertThat(validate(withTa(Mode.DAEMONSET, "consistent-hashing")).allowed()).isFalse();
    assertThat(validate(withTa(Mode.DAEMONSET, "per-node")).allowed()).isTrue();
  }

  @Test
  void perNodeOnlyWithDaemonSets() {
    assertThat(validate(withTa(Mode.STATEFULSET, "per-node")).errors())
        .containsExactly(
            "target allocation strategy per-node is only supported in OpenTelemetry Collector mode"
                + " daemonset");
    assertThat(validate(withTa(Mode.STATEFULSET, "least-weighted")).allowed()).isTrue();
    assertThat(validate(withTa(Mode.STATEFULSET, null)).allowed()).isTrue();
  }

  @Test
  void aDisabledTargetAllocatorIsNotChecked() {
    OpenTelemetryCollector cr = withTa(Mode.DEPLOYMENT, "per-node");
    cr.getSpec().targetAllocator.enabled = false;
    assertThat(validate(cr).allowed()).isTrue();
  }

  // ---- spec.ports

  @Test
  void specPortsAreCheckedLikeKubernetesDoes() {
    OpenTelemetryCollector cr = cr(OTLP);
    cr.getSpec().ports =
        List.of(
            port("good", 9090),
            port("Bad_Name", 9091),
            port("ok-name", 0),
            port("a-very-long-port-name", 70000));
    assertThat(validate(cr).errors())
        .containsExactly(
            "the OpenTelemetry Spec Ports configuration is incorrect, port name 'Bad_Name' errors:"
                + " [must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)], num"
                + " '9091' errors: []",
            "the OpenTelemetry Spec Ports configuration is incorrect, port name 'ok-name' errors:"
                + " [], num '0' errors: [must be between 1 and 65535, inclusive]",
            "the OpenTelemetry Spec Ports configuration is incorrect, port name"
                + " 'a-very-long-port-name' errors: [must be no more than 15 characters], num"
                + " '70000' errors: [must be between 1 and 65535, inclusive]");
  }

  @ParameterizedTest
  @CsvSource(
      value = {
        "''|must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)",
        "1234|must contain at least one letter (a-z)",
        "a--b|must not contain consecutive hyphens",
        "-ab|must not begin or end with a hyphen",
        "ab-|must not begin or end with a hyphen"
      },
      delimiter = '|')
  void portNameRules(String name, String error) {
    assertThat(Validation.portNameErrors(name)).contains(error);
  }

  @Test
  void aPortWithoutNumberIsRefused() {
    OpenTelemetryCollector cr = cr(OTLP);
    cr.getSpec().ports = List.of(port("nameonly", null));
    assertThat(validate(cr).errors()).singleElement().asString().contains("num '0' errors");
  }

  // ---- the collector config

  @Test
  void invalidConfigPortsAreRefusedNamingThePath() {
    OpenTelemetryCollector cr = cr(OTLP.replace("grpc: {}", "grpc: {endpoint: \"0.0.0.0:70000\"}"));
    Validation.Result r = validate(cr);
    assertThat(r.errors())
        .containsExactly(
            "the OpenTelemetry config is incorrect. The port numbers are invalid:"
                + " spec.config.receivers.otlp.protocols.grpc.endpoint: port 70000 is not a valid"
                + " port number (1-65535)");
    assertThat(r.beyondUpstream()).isEmpty();
  }

  @Test
  void unknownProtocolsAreRefused() {
    OpenTelemetryCollector cr = cr(OTLP.replace("http: {}", "websocket: {}"));
    assertThat(validate(cr).errors())
        .singleElement()
        .asString()
        .startsWith("the OpenTelemetry config is incorrect. The port numbers are invalid:")
        .contains("spec.config.receivers.otlp.protocols.websocket")
        .contains("unknown protocol 'websocket'");
  }

  @Test
  void pipelinesNamingUndefinedComponentsAreRefusedWithTheExactPath() {
    OpenTelemetryCollector cr =
        cr(
            OTLP.replace("receivers: [otlp]", "receivers: [otlp, zipkin]")
                .replace("exporters: [debug]", "processors: [batch]\n      exporters: [debug]"));
    Validation.Result r = validate(cr);
    assertThat(r.errors())
        .containsExactly(
            "the OpenTelemetry config is incorrect: spec.config.service.pipelines.traces.receivers[1]:"
                + " receiver 'zipkin' is not defined under receivers or connectors",
            "the OpenTelemetry config is incorrect: spec.config.service.pipelines.traces.processors[0]:"
                + " processor 'batch' is not defined under processors");
    assertThat(r.beyondUpstream()).isEqualTo(r.errors());
  }

  @Test
  void undefinedServiceExtensionsAreRefused() {
    OpenTelemetryCollector cr =
        cr(OTLP.replace("service:\n", "service:\n  extensions: [health_check]\n"));
    assertThat(validate(cr).errors())
        .containsExactly(
            "the OpenTelemetry config is incorrect: spec.config.service.extensions[0]: extension"
                + " 'health_check' is not defined under extensions");
  }

  @Test
  void aConfigWithoutPipelinesIsRefused() {
    OpenTelemetryCollector cr =
        cr(
            """
            receivers: {}
            exporters: {}
            service:
              pipelines: {}
            """);
    Validation.Result r = validate(cr);
    assertThat(r.errors())
        .containsExactly(
            "the OpenTelemetry config is incorrect: spec.config.service.pipelines: no pipelines are"
                + " defined, so the collector would not start");
    assertThat(r.beyondUpstream()).isEqualTo(r.errors());
  }

  @Test
  void aMissingConfigIsRefused() {
    OpenTelemetryCollector cr = cr(OTLP);
    cr.getSpec().config = null;
    assertThat(validate(cr).errors())
        .containsExactly("the OpenTelemetry config is incorrect: spec.config is required");
  }

  @Test
  void anUnreadableV1alpha1ConfigIsRefusedNamingSpecConfig() {
    OpenTelemetryCollector cr =
        cr(
            """
            receivers: {}
            exporters: {}
            service:
              pipelines: {}
            """);
    cr.getMetadata()
        .setAnnotations(Map.of(Validation.INVALID_CONFIG_ANNOTATION, "receivers:\n  otlp: [\n"));
    Validation.Result r = validate(cr);
    assertThat(r.errors())
        .singleElement()
        .asString()
        .startsWith(
            "the OpenTelemetry config is incorrect: spec.config could not be read from the v1alpha1 config string (not valid YAML at line")
        .endsWith(
            "the original text is kept in the annotation telescope.dev/v1alpha1-invalid-config");
    assertThat(r.beyondUpstream()).isEqualTo(r.errors());
  }

  @ParameterizedTest
  @CsvSource(
      value = {
        "null|it is empty or null, not a map",
        "''|it is empty or null, not a map",
        "[a, b]|it is a list, not a map",
        "just text|it is a string, not a map"
      },
      delimiter = '|')
  void whyAV1alpha1StringIsNoConfig(String text, String why) {
    assertThat(Validation.whyNotAConfig(text)).isEqualTo(why);
  }

  @Test
  void yamlErrorsAreOneReadableLine() {
    assertThat(Validation.whyNotAConfig("a: b: c"))
        .isEqualTo("not valid YAML at line 1, column 5: mapping values are not allowed here");
    assertThat(Validation.whyNotAConfig("receivers:\n  otlp: [\n"))
        .isEqualTo(
            "not valid YAML at line 2, column 10: while parsing a flow node; expected the node"
                + " content, but found '<stream end>'");
  }

  // ---- warnings

  @Test
  void nullComponentsAreOnlyAWarningWithUpstreamsText() {
    OpenTelemetryCollector cr =
        cr(
            """
            receivers:
              otlp:
                protocols:
                  grpc:
                  http: {}
            processors:
              batch:
            exporters:
              debug:
            service:
              pipelines:
                traces:
                  receivers: [otlp]
                  processors: [batch]
                  exporters: [debug]
            """);
    Validation.Result r = validate(cr);
    assertThat(r.allowed()).isTrue();
    assertThat(r.warnings())
        .containsExactly(
            "Collector config spec.config has null objects: exporters.debug:, processors.batch:,"
                + " receivers.otlp.protocols.grpc:. For compatibility with other tooling, such as"
                + " kustomize and kubectl edit, it is recommended to use empty objects e.g. batch:"
                + " {}.");
  }

  @Test
  void longDerivedPortNamesAreAWarning() {
    OpenTelemetryCollector cr =
        cr(
            """
            receivers:
              otlp/very-long-name:
                protocols:
                  grpc: {}
              zipkin/also-far-too-long:
                endpoint: 0.0.0.0:9411
            exporters:
              debug: {}
            service:
              pipelines:
                traces:
                  receivers: [otlp/very-long-name, zipkin/also-far-too-long]
                  exporters: [debug]
            """);
    Validation.Result r = validate(cr);
    assertThat(r.allowed()).isTrue();
    assertThat(r.warnings())
        .containsExactlyInAnyOrder(
            "the OpenTelemetry config port name 'otlp-very-long-name-grpc' exceeds the maximum length of 15 characters and has been replaced by 'port-4317'",
            "the OpenTelemetry config port name 'zipkin-also-far-too-long' exceeds the maximum length of 15 characters and has been replaced by 'port-9411'");
  }

  // ---- autoscaler

  @Test
  void minReplicasNeedMaxReplicas() {
    assertThat(validate(autoscaled(2, null)).errors())
        .containsExactly("spec.maxReplica must be set when spec.minReplica is set");
  }

  @Test
  void replicasAndMinReplicasMustNotExceedMax() {
    OpenTelemetryCollector cr = autoscaled(4, 3);
    cr.getSpec().replicas = 5;
    assertThat(validate(cr).errors())
        .containsExactly(
            "the OpenTelemetry Spec autoscale configuration is incorrect, replicas must not be greater than maxReplicas",
            "the OpenTelemetry Spec autoscale configuration is incorrect, minReplicas must not be greater than maxReplicas");
  }

  @Test
  void replicasStandInForAMissingMinimum() {
    OpenTelemetryCollector cr = autoscaled(null, 2);
    cr.getSpec().replicas = 3;
    assertThat(validate(cr).errors())
        .contains(
            "the OpenTelemetry Spec autoscale configuration is incorrect, minReplicas must not be greater than maxReplicas");
  }

  @Test
  void aSensibleAutoscalerPasses() {
    OpenTelemetryCollector cr = autoscaled(1, 3);
    cr.getSpec().replicas = 2;
    cr.getSpec().autoscaler.metrics =
        List.of(podsMetric("AverageValue", "100"), podsMetric("Value", "2"));
    assertThat(validate(cr).allowed()).isTrue();
  }

  @ParameterizedTest
  @CsvSource({
    "scaleUp,-1,true",
    "scaleUp,3601,true",
    "scaleDown,4000,true",
    "scaleDown,3600,false",
    "scaleUp,0,false"
  })
  void stabilizationWindowsStayWithinAnHour(String direction, int seconds, boolean refused) {
    OpenTelemetryCollector cr = autoscaled(1, 3);
    var b = new HorizontalPodAutoscalerBehaviorBuilder();
    if (direction.equals("scaleUp")) {
      b.withNewScaleUp().withStabilizationWindowSeconds(seconds).endScaleUp();
    } else {
      b.withNewScaleDown().withStabilizationWindowSeconds(seconds).endScaleDown();
    }
    cr.getSpec().autoscaler.behavior = b.build();
    var errors = validate(cr).errors();
    if (refused) {
      assertThat(errors)
          .containsExactly(
              "the OpenTelemetry Spec autoscale configuration is incorrect, "
                  + direction
                  + ".stabilizationWindowSeconds should be >=0 and <=3600");
    } else {
      assertThat(errors).isEmpty();
    }
  }

  @Test
  void onlyPodsMetricsAreAccepted() {
    OpenTelemetryCollector cr = autoscaled(1, 3);
    MetricSpec resource = new MetricSpec();
    resource.type = "Resource";
    cr.getSpec().autoscaler.metrics = List.of(resource);
    assertThat(validate(cr).errors())
        .containsExactly(
            "the OpenTelemetry Spec autoscale configuration is incorrect, metric type unsupported."
                + " Expected metric of source type Pod");
  }

  @ParameterizedTest
  @CsvSource({
    "AverageValue,0,average value should be greater than 0",
    "AverageValue,500m,average value should be greater than 0",
    "Value,0,value should be greater than 0",
    "Utilization,50,invalid pods target type"
  })
  void podsTargetsMustBeWholeValuesOfAtLeastOne(String type, String quantity, String error) {
    OpenTelemetryCollector cr = autoscaled(1, 3);
    cr.getSpec().autoscaler.metrics = List.of(podsMetric(type, quantity));
    assertThat(validate(cr).errors())
        .containsExactly("the OpenTelemetry Spec autoscale configuration is incorrect, " + error);
  }

  @Test
  void maxReplicasBelowOneIsRefused() {
    assertThat(validate(autoscaled(null, 0)).errors())
        .contains(
            "the OpenTelemetry Spec autoscale configuration is incorrect, maxReplicas should be"
                + " defined and one or more");
  }

  // ---- ingress

  @Test
  void ingressIsNotForSidecars() {
    OpenTelemetryCollector cr = cr(Mode.SIDECAR);
    cr.getSpec().ingress = new IngressSpec();
    cr.getSpec().ingress.type = IngressSpec.Type.INGRESS;
    assertThat(validate(cr).errors())
        .containsExactly(
            "the OpenTelemetry Spec Ingress configuration is incorrect. Ingress can only be used in"
                + " combination with the modes: deployment, daemonset, statefulset");
    cr.getSpec().ingress.type = IngressSpec.Type.ROUTE;
    assertThat(validate(cr).allowed()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "*", "<null>"})
  void subdomainRulesNeedARealHostname(String hostname) {
    OpenTelemetryCollector cr = cr(Mode.DEPLOYMENT);
    cr.getSpec().ingress = new IngressSpec();
    cr.getSpec().ingress.type = IngressSpec.Type.INGRESS;
    cr.getSpec().ingress.ruleType = IngressSpec.RuleType.SUBDOMAIN;
    cr.getSpec().ingress.hostname = hostname.equals("<null>") ? null : hostname;
    assertThat(validate(cr).errors())
        .containsExactly("a valid Ingress hostname has to be defined for subdomain ruleType");
    cr.getSpec().ingress.hostname = "example.com";
    assertThat(validate(cr).allowed()).isTrue();
  }

  // ---- update strategies and probes

  @ParameterizedTest
  @EnumSource(
      value = Mode.class,
      names = {"DEPLOYMENT", "STATEFULSET", "SIDECAR"})
  void daemonSetUpdateStrategyOnlyForDaemonSets(Mode mode) {
    OpenTelemetryCollector cr = cr(mode);
    cr.getSpec().daemonSetUpdateStrategy =
        new DaemonSetUpdateStrategyBuilder().withType("RollingUpdate").build();
    assertThat(validate(cr).errors())
        .containsExactly(
            "the OpenTelemetry Collector mode is set to "
                + mode
                + ", which does not support the attribute 'updateStrategy'");
    cr.getSpec().mode = Mode.DAEMONSET;
    assertThat(validate(cr).allowed()).isTrue();
  }

  @Test
  void anUntypedDaemonSetStrategyIsFineAnywhere() {
    OpenTelemetryCollector cr = cr(Mode.DEPLOYMENT);
    cr.getSpec().daemonSetUpdateStrategy = new DaemonSetUpdateStrategy();
    assertThat(validate(cr).allowed()).isTrue();
  }

  @ParameterizedTest
  @EnumSource(
      value = Mode.class,
      names = {"DAEMONSET", "STATEFULSET", "SIDECAR"})
  void deploymentUpdateStrategyOnlyForDeployments(Mode mode) {
    OpenTelemetryCollector cr = cr(mode);
    cr.getSpec().deploymentUpdateStrategy =
        new DeploymentStrategyBuilder().withType("Recreate").build();
    assertThat(validate(cr).errors())
        .containsExactly(
            "the OpenTelemetry Collector mode is set to "
                + mode
                + ", which does not support the attribute 'deploymentUpdateStrategy'");
    cr.getSpec().mode = Mode.DEPLOYMENT;
    assertThat(validate(cr).allowed()).isTrue();
  }

  @Test
  void probeTuningMustBePositive() {
    OpenTelemetryCollector cr = cr(OTLP);
    cr.getSpec().livenessProbe = new ProbeSpec();
    cr.getSpec().livenessProbe.periodSeconds = 0;
    cr.getSpec().readinessProbe = new ProbeSpec();
    cr.getSpec().readinessProbe.initialDelaySeconds = -1;
    cr.getSpec().startupProbe = new ProbeSpec();
    cr.getSpec().startupProbe.initialDelaySeconds = 0;
    assertThat(validate(cr).errors())
        .containsExactly(
            "the OpenTelemetry Spec LivenessProbe PeriodSeconds configuration is incorrect."
                + " PeriodSeconds should be greater than or equal to 1",
            "the OpenTelemetry Spec ReadinessProbe InitialDelaySeconds configuration is incorrect."
                + " InitialDelaySeconds should be greater than or equal to 0");
  }

  // ---- several at once

  @Test
  void everyProblemIsReportedAtOnceInUpstreamsOrder() {
    OpenTelemetryCollector cr = cr(OTLP.replace("exporters: [debug]", "exporters: [nope]"));
    cr.getSpec().mode = Mode.SIDECAR;
    cr.getSpec().priorityClassName = "high";
    cr.getSpec().ports = List.of(port("UPPER", 1));
    cr.getSpec().ingress = new IngressSpec();
    cr.getSpec().ingress.type = IngressSpec.Type.INGRESS;
    Validation.Result r = validate(cr);
    assertThat(r.errors()).hasSize(4);
    assertThat(r.errors().get(0)).contains("'priorityClassName'");
    assertThat(r.errors().get(1)).startsWith("the OpenTelemetry Spec Ports configuration");
    assertThat(r.errors().get(2)).contains("spec.config.service.pipelines.traces.exporters[0]");
    assertThat(r.errors().get(3)).startsWith("the OpenTelemetry Spec Ingress configuration");
    assertThat(r.beyondUpstream()).containsExactly(r.errors().get(2));
  }

  @Test
  void resultListsAreImmutable() {
    Validation.Result r = validate(cr(OTLP));
    assertThat(r.errors()).isUnmodifiable();
    assertThat(r.warnings()).isUnmodifiable();
  }

  @Test
  void quantitiesMustBeWholeAndPositive() {
    assertThat(Validation.atLeastOne(new Quantity("1"))).isTrue();
    assertThat(Validation.atLeastOne(new Quantity("1k"))).isTrue();
    assertThat(Validation.atLeastOne(new Quantity("1500m"))).isFalse();
    assertThat(Validation.atLeastOne(new Quantity("0"))).isFalse();
    assertThat(Validation.atLeastOne(null)).isFalse();
  }
}
