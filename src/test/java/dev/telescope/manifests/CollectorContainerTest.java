package dev.telescope.manifests;

import static dev.telescope.manifests.Fixtures.cfg;
import static dev.telescope.manifests.Fixtures.cr;
import static dev.telescope.manifests.Fixtures.ctx;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.telescope.api.ConfigYaml;
import dev.telescope.api.common.ConfigMapsSpec;
import dev.telescope.api.common.ProbeSpec;
import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSourceBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LifecycleBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CollectorContainerTest {

  static final String HEALTH =
      """
      receivers:
        otlp:
          protocols:
            grpc: {}
      exporters:
        debug: {}
      extensions:
        health_check: {}
      service:
        extensions: [health_check]
        pipelines:
          traces:
            receivers: [otlp]
            exporters: [debug]
      """;

  static final String KUBELET =
      """
      receivers:
        kubeletstats:
          auth_type: serviceAccount
      exporters:
        debug: {}
      service:
        pipelines:
          metrics:
            receivers: [kubeletstats]
            exporters: [debug]
      """;

  static List<String> names(List<EnvVar> env) {
    return env.stream().map(EnvVar::getName).toList();
  }

  @Test
  void nameImageAndPullPolicy() {
    Container c = CollectorContainer.workload(ctx(cr()));
    assertThat(c.getName()).isEqualTo("otc-container");
    assertThat(c.getImage()).isEqualTo("default-collector");
    assertThat(c.getImagePullPolicy()).isNull();

    OpenTelemetryCollector cr = cr();
    cr.getSpec().image = "my/collector:1";
    cr.getSpec().imagePullPolicy = "Always";
    c = CollectorContainer.workload(ctx(cr));
    assertThat(c.getImage()).isEqualTo("my/collector:1");
    assertThat(c.getImagePullPolicy()).isEqualTo("Always");
  }

  @Test
  void argsStartWithTheConfigThenTheSortedUserArgsWithoutConfig() {
    OpenTelemetryCollector cr = cr();
    Map<String, String> args = new LinkedHashMap<>();
    args.put("feature-gates", "+a");
    args.put("config", "/elsewhere.yaml");
    args.put("b-flag", "2");
    cr.getSpec().args = args;
    assertThat(CollectorContainer.workload(ctx(cr)).getArgs())
        .containsExactly("--config=/conf/collector.yaml", "--b-flag=2", "--feature-gates=+a");
  }

  @Test
  void sidecarArgsEndWithTheEnvConfig() {
    OpenTelemetryCollector cr = cr();
    cr.getSpec().args = Map.of("z", "1", "a", "2", "config", "x");
    assertThat(CollectorContainer.sidecar(ctx(cr)).getArgs())
        .containsExactly("--a=2", "--z=1", "--config=env:OTEL_CONFIG");
  }

  @Test
  void commandComesFromTheSpecOnly() {
    assertThat(CollectorContainer.workload(ctx(cr())).getCommand()).isNullOrEmpty();
    OpenTelemetryCollector cr = cr();
    cr.getSpec().command = List.of("/otelcol-contrib", "--x");
    assertThat(CollectorContainer.workload(ctx(cr)).getCommand())
        .containsExactly("/otelcol-contrib", "--x");
  }

  @Test
  void defaultEnvIsPodNameThenGoRuntimeLimits() {
    List<EnvVar> env = CollectorContainer.workload(ctx(cr())).getEnv();
    assertThat(names(env)).containsExactly("POD_NAME", "GOMEMLIMIT", "GOMAXPROCS");
    assertThat(env.get(0).getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.name");
    var mem = env.get(1).getValueFrom().getResourceFieldRef();
    assertThat(mem.getResource()).isEqualTo("limits.memory");
    assertThat(mem.getContainerName()).isEqualTo("otc-container");
    assertThat(mem.getDivisor()).isEqualTo(new Quantity("0"));
    assertThat(env.get(2).getValueFrom().getResourceFieldRef().getResource())
        .isEqualTo("limits.cpu");
  }

  @Test
  void userEnvComesFirstAndSuppressesInferredVarsOfTheSameName() {
    OpenTelemetryCollector cr = cr();
    cr.getSpec().env = List.of(new EnvVar("ZED", "1", null), new EnvVar("GOMAXPROCS", "2", null));
    List<EnvVar> env = CollectorContainer.workload(ctx(cr)).getEnv();
    assertThat(env)
        .extracting(EnvVar::getName, EnvVar::getValue)
        .containsExactly(
            tuple("ZED", "1"),
            tuple("GOMAXPROCS", "2"),
            tuple("POD_NAME", null),
            tuple("GOMEMLIMIT", null));
  }

  @Test
  void kubeletstatsAddsTheNodeNameAfterTheRuntimeVars() {
    List<EnvVar> env = CollectorContainer.workload(ctx(cr(KUBELET))).getEnv();
    assertThat(names(env)).containsExactly("POD_NAME", "GOMEMLIMIT", "GOMAXPROCS", "K8S_NODE_NAME");
    assertThat(env.get(3).getValueFrom().getFieldRef().getFieldPath()).isEqualTo("spec.nodeName");
  }

  @Test
  void proxyEnvOfTheOperatorComesLast() {
    var cfg =
        cfg(
            List.of(),
            Map.of(
                "HTTPS_PROXY", "http://proxy:3128", "no_proxy", ".svc", "HTTP_PROXY", "http://p"));
    List<EnvVar> env = CollectorContainer.workload(ctx(cr(KUBELET), cfg)).getEnv();
    assertThat(env)
        .extracting(EnvVar::getName, EnvVar::getValue)
        .endsWith(
            tuple("K8S_NODE_NAME", null),
            tuple("HTTP_PROXY", "http://p"),
            tuple("HTTPS_PROXY", "http://proxy:3128"),
            tuple("no_proxy", ".svc"));
  }

  @Test
  void sidecarEnvEndsWithTheConfigAsYaml() {
    var ctx = ctx(cr());
    List<EnvVar> env = CollectorContainer.sidecar(ctx).getEnv();
    assertThat(names(env)).containsExactly("POD_NAME", "GOMEMLIMIT", "GOMAXPROCS", "OTEL_CONFIG");
    assertThat(env.get(3).getValue()).isEqualTo(ConfigYaml.render(ctx.config().source()));
  }

  @Test
  void volumeMountsAreConfigThenUserThenConfigMaps() {
    OpenTelemetryCollector cr = cr();
    cr.getSpec().volumeMounts =
        List.of(new VolumeMountBuilder().withName("data").withMountPath("/data").build());
    ConfigMapsSpec a = new ConfigMapsSpec();
    a.name = "example-config";
    a.mountpath = "/tmp/example-config";
    ConfigMapsSpec b = new ConfigMapsSpec();
    b.name = "plain";
    cr.getSpec().configmaps = List.of(a, b);
    assertThat(CollectorContainer.workload(ctx(cr)).getVolumeMounts())
        .extracting(VolumeMount::getName, VolumeMount::getMountPath)
        .containsExactly(
            tuple("otc-internal", "/conf"),
            tuple("data", "/data"),
            tuple(
                "configmap-example-config",
                "/var/conf/tmp/example-config/configmap-example-config"),
            tuple("configmap-plain", "/var/conf/configmap-plain"));
  }

  @Test
  void sidecarHasNoConfigMount() {
    assertThat(CollectorContainer.sidecar(ctx(cr())).getVolumeMounts()).isNullOrEmpty();
  }

  @Test
  void mountPathsAreCleanedLikeGoPathJoin() {
    assertThat(CollectorContainer.joinPath("/var/conf", "a/../b/./c/", "x"))
        .isEqualTo("/var/conf/b/c/x");
    assertThat(CollectorContainer.joinPath("/var/conf", null, "x")).isEqualTo("/var/conf/x");
    assertThat(CollectorContainer.joinPath("/var/conf", "//", "x")).isEqualTo("/var/conf/x");
  }

  @Test
  void resourcesAreAnEmptyObjectByDefault() throws Exception {
    Container c = CollectorContainer.workload(ctx(cr()));
    assertThat(Fixtures.tree(c).get("resources").toString()).isEqualTo("{}");
    OpenTelemetryCollector cr = cr();
    cr.getSpec().resources =
        new ResourceRequirementsBuilder().addToLimits("memory", new Quantity("128Mi")).build();
    assertThat(CollectorContainer.workload(ctx(cr)).getResources().getLimits())
        .containsEntry("memory", new Quantity("128Mi"));
  }

  @Test
  void securityContextLifecycleAndEnvFromAreCopied() {
    OpenTelemetryCollector cr = cr();
    cr.getSpec().securityContext = new SecurityContextBuilder().withRunAsNonRoot(true).build();
    cr.getSpec().lifecycle =
        new LifecycleBuilder().withNewPreStop().withNewSleep(5L).endPreStop().build();
    cr.getSpec().envFrom =
        List.of(new EnvFromSourceBuilder().withNewSecretRef("creds", false).build());
    Container c = CollectorContainer.workload(ctx(cr));
    assertThat(c.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(c.getLifecycle().getPreStop().getSleep().getSeconds()).isEqualTo(5L);
    assertThat(c.getEnvFrom()).hasSize(1);
    assertThat(c.getEnvFrom().get(0).getSecretRef().getName()).isEqualTo("creds");
  }

  @Test
  void portsAreThePortsModule() {
    var ctx = ctx(cr(HEALTH));
    assertThat(CollectorContainer.workload(ctx).getPorts()).isEqualTo(Ports.container(ctx));
  }

  @Test
  void noProbesWithoutAnEnabledHealthCheck() {
    String defined = HEALTH.replace("  extensions: [health_check]\n", "");
    for (String config : List.of(Fixtures.OTLP, defined)) {
      Container c = CollectorContainer.workload(ctx(cr(config)));
      assertThat(c.getLivenessProbe()).isNull();
      assertThat(c.getReadinessProbe()).isNull();
      assertThat(c.getStartupProbe()).isNull();
    }
  }

  @Test
  void healthCheckGivesThreeHttpProbesOnItsDefaults() {
    Container c = CollectorContainer.workload(ctx(cr(HEALTH)));
    for (var p : List.of(c.getLivenessProbe(), c.getReadinessProbe(), c.getStartupProbe())) {
      assertThat(p.getHttpGet().getPath()).isEqualTo("/");
      assertThat(p.getHttpGet().getPort()).isEqualTo(new IntOrString(13133));
      assertThat(p.getInitialDelaySeconds()).isNull();
      assertThat(p.getPeriodSeconds()).isNull();
    }
  }

  @Test
  void healthCheckEndpointAndPathAreFollowed() {
    String custom =
        HEALTH.replace(
            "health_check: {}", "health_check: {endpoint: \"0.0.0.0:8080\", path: /health/status}");
    Container c = CollectorContainer.workload(ctx(cr(custom)));
    assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/health/status");
    assertThat(c.getLivenessProbe().getHttpGet().getPort()).isEqualTo(new IntOrString(8080));
  }

  @Test
  void probeTuningAppliesFieldByFieldToItsProbeOnly() {
    OpenTelemetryCollector cr = cr(HEALTH);
    ProbeSpec live = new ProbeSpec();
    live.initialDelaySeconds = 10;
    live.periodSeconds = 20;
    live.timeoutSeconds = 3;
    live.successThreshold = 1;
    live.failureThreshold = 6;
    live.terminationGracePeriodSeconds = 30L;
    cr.getSpec().livenessProbe = live;
    ProbeSpec startup = new ProbeSpec();
    startup.failureThreshold = 30;
    cr.getSpec().startupProbe = startup;
    Container c = CollectorContainer.workload(ctx(cr));
    var l = c.getLivenessProbe();
    assertThat(
            List.of(
                l.getInitialDelaySeconds(),
                l.getPeriodSeconds(),
                l.getTimeoutSeconds(),
                l.getSuccessThreshold(),
                l.getFailureThreshold()))
        .containsExactly(10, 20, 3, 1, 6);
    assertThat(l.getTerminationGracePeriodSeconds()).isEqualTo(30L);
    assertThat(l.getHttpGet().getPath()).isEqualTo("/");
    assertThat(c.getReadinessProbe().getFailureThreshold()).isNull();
    assertThat(c.getStartupProbe().getFailureThreshold()).isEqualTo(30);
    assertThat(c.getStartupProbe().getInitialDelaySeconds()).isNull();
  }

  @Test
  void workloadAndSidecarShareEverythingButTheConfigPlumbing() {
    OpenTelemetryCollector cr = cr(HEALTH);
    cr.getSpec().env = List.of(new EnvVar("A", "1", null));
    Container w = CollectorContainer.workload(ctx(cr));
    Container s = CollectorContainer.sidecar(ctx(cr));
    assertThat(s.getName()).isEqualTo(w.getName());
    assertThat(s.getImage()).isEqualTo(w.getImage());
    assertThat(s.getPorts()).isEqualTo(w.getPorts());
    assertThat(s.getLivenessProbe()).isEqualTo(w.getLivenessProbe());
    assertThat(s.getEnv().subList(0, w.getEnv().size())).isEqualTo(w.getEnv());
  }
}
