package dev.telescope.instrumentation;

import static dev.telescope.instrumentation.PodInstrumenterTest.ALL;
import static dev.telescope.instrumentation.PodInstrumenterTest.CTX;
import static dev.telescope.instrumentation.PodInstrumenterTest.env;
import static dev.telescope.instrumentation.PodInstrumenterTest.envNames;
import static dev.telescope.instrumentation.PodInstrumenterTest.inst;
import static dev.telescope.instrumentation.PodInstrumenterTest.pod;
import static dev.telescope.instrumentation.PodInstrumenterTest.source;
import static org.assertj.core.api.Assertions.assertThat;

import dev.telescope.api.instrumentation.Instrumentation;
import dev.telescope.settings.InstrumentationSettings;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Per-language and per-annotation mutations of the pure instrumenter, field by field. */
class LanguageMutationsTest {
  static final Instrumentation BASIC =
      inst("apps", "basic", "exporter:\n  endpoint: http://collector:4318\n");

  static String podYaml(String annotations, String containers) {
    return "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web-0\n  annotations:\n"
        + annotations.indent(4)
        + "spec:\n  containers:\n"
        + containers.indent(2);
  }

  static final String ONE = "- {name: app, image: registry/app:1.2.3}\n";
  static final String TWO =
      "- {name: app, image: registry/app:1.2.3}\n- {name: worker, image: registry/worker:7}\n";

  static PodInstrumenter.Result run(String annotations, String containers, Instrumentation... i) {
    return PodInstrumenter.instrument(pod(podYaml(annotations, containers)), CTX, ALL, source(i));
  }

  static Container container(Pod pod, String name) {
    return pod.getSpec().getContainers().stream()
        .filter(c -> c.getName().equals(name))
        .findFirst()
        .orElseThrow();
  }

  static List<String> initNames(Pod pod) {
    return pod.getSpec().getInitContainers().stream().map(Container::getName).toList();
  }

  static List<String> mounts(Container c) {
    return c.getVolumeMounts() == null
        ? List.of()
        : c.getVolumeMounts().stream().map(m -> m.getName() + ":" + m.getMountPath()).toList();
  }

  @Test
  void nodejsRequiresTheAgentAndCopiesIt() {
    PodInstrumenter.Result r =
        run("instrumentation.opentelemetry.io/inject-nodejs: \"true\"", ONE, BASIC);
    assertThat(r.injected()).containsExactly(Language.NODEJS);
    Container app = container(r.pod(), "app");
    assertThat(env(app, "NODE_OPTIONS"))
        .isEqualTo(" --require /otel-auto-instrumentation-nodejs/autoinstrumentation.js");
    assertThat(mounts(app))
        .containsExactly(
            "opentelemetry-auto-instrumentation-nodejs:/otel-auto-instrumentation-nodejs");
    Container init = r.pod().getSpec().getInitContainers().get(0);
    assertThat(init.getName()).isEqualTo("opentelemetry-auto-instrumentation-nodejs");
    assertThat(init.getCommand())
        .containsExactly("cp", "-r", "/autoinstrumentation/.", "/otel-auto-instrumentation-nodejs");
    assertThat(init.getImage()).isEqualTo(InstrumentationSettings.DEFAULT_IMAGES.get("nodejs"));
  }

  @Test
  void pythonGlibcByDefaultMuslByAnnotationAndOtlpDefaults() {
    PodInstrumenter.Result glibc =
        run("instrumentation.opentelemetry.io/inject-python: \"true\"", ONE, BASIC);
    Container app = container(glibc.pod(), "app");
    assertThat(env(app, "PYTHONPATH"))
        .isEqualTo(
            "/otel-auto-instrumentation-python/opentelemetry/instrumentation/auto_instrumentation"
                + ":/otel-auto-instrumentation-python");
    assertThat(env(app, "OTEL_EXPORTER_OTLP_PROTOCOL")).isEqualTo("http/protobuf");
    assertThat(env(app, "OTEL_TRACES_EXPORTER")).isEqualTo("otlp");
    assertThat(env(app, "OTEL_METRICS_EXPORTER")).isEqualTo("otlp");
    assertThat(env(app, "OTEL_LOGS_EXPORTER")).isEqualTo("otlp");
    assertThat(glibc.pod().getSpec().getInitContainers().get(0).getCommand())
        .contains("/autoinstrumentation/.");

    PodInstrumenter.Result musl =
        run(
            "instrumentation.opentelemetry.io/inject-python: \"true\"\n"
                + "instrumentation.opentelemetry.io/otel-python-platform: musl",
            ONE,
            BASIC);
    assertThat(musl.pod().getSpec().getInitContainers().get(0).getCommand())
        .contains("/autoinstrumentation-musl/.");
  }

  @Test
  void pythonKeepsTheContainersOwnPathAndExporters() {
    PodInstrumenter.Result r =
        run(
            "instrumentation.opentelemetry.io/inject-python: \"true\"",
            "- name: app\n  image: app:1\n  env:\n  - {name: PYTHONPATH, value: /mine}\n"
                + "  - {name: OTEL_TRACES_EXPORTER, value: console}\n",
            BASIC);
    Container app = container(r.pod(), "app");
    assertThat(env(app, "PYTHONPATH"))
        .isEqualTo(
            "/otel-auto-instrumentation-python/opentelemetry/instrumentation/auto_instrumentation"
                + ":/mine:/otel-auto-instrumentation-python");
    assertThat(env(app, "OTEL_TRACES_EXPORTER")).isEqualTo("console");
    assertThat(envNames(app).stream().filter("PYTHONPATH"::equals)).hasSize(1);
  }

  @Test
  void dotnetGlibcAndMuslRuntimes() {
    PodInstrumenter.Result r =
        run("instrumentation.opentelemetry.io/inject-dotnet: \"true\"", ONE, BASIC);
    Container app = container(r.pod(), "app");
    String home = "/otel-auto-instrumentation-dotnet";
    assertThat(env(app, "CORECLR_ENABLE_PROFILING")).isEqualTo("1");
    assertThat(env(app, "CORECLR_PROFILER")).isEqualTo("{918728DD-259F-4A6A-AC2B-B85E1B658318}");
    assertThat(env(app, "CORECLR_PROFILER_PATH"))
        .isEqualTo(home + "/linux/OpenTelemetry.AutoInstrumentation.Native.so");
    assertThat(env(app, "OTEL_DOTNET_AUTO_HOME")).isEqualTo(home);
    assertThat(env(app, "DOTNET_STARTUP_HOOKS"))
        .isEqualTo(home + "/net/OpenTelemetry.AutoInstrumentation.StartupHook.dll");
    assertThat(envNames(app)).contains("DOTNET_ADDITIONAL_DEPS", "DOTNET_SHARED_STORE");

    PodInstrumenter.Result musl =
        run(
            "instrumentation.opentelemetry.io/inject-dotnet: \"true\"\n"
                + "instrumentation.opentelemetry.io/otel-dotnet-auto-runtime: linux-musl-x64",
            ONE,
            BASIC);
    assertThat(env(container(musl.pod(), "app"), "CORECLR_PROFILER_PATH"))
        .isEqualTo(home + "/linux-musl/OpenTelemetry.AutoInstrumentation.Native.so");
  }

  @Test
  void goAddsAPrivilegedAgentSidecarAndSharesTheProcessNamespace() {
    PodInstrumenter.Result r =
        run(
            "instrumentation.opentelemetry.io/inject-go: \"true\"\n"
                + "instrumentation.opentelemetry.io/otel-go-auto-target-exe: /usr/bin/app",
            ONE,
            BASIC);
    assertThat(r.injected()).containsExactly(Language.GO);
    Pod pod = r.pod();
    assertThat(pod.getSpec().getShareProcessNamespace()).isTrue();
    Container agent = container(pod, "opentelemetry-auto-instrumentation");
    assertThat(agent.getImage()).isEqualTo(InstrumentationSettings.DEFAULT_IMAGES.get("go"));
    assertThat(agent.getSecurityContext().getPrivileged()).isTrue();
    assertThat(agent.getSecurityContext().getRunAsUser()).isZero();
    assertThat(env(agent, "OTEL_GO_AUTO_TARGET_EXE")).isEqualTo("/usr/bin/app");
    assertThat(env(agent, "OTEL_SERVICE_NAME")).isEqualTo("web");
    assertThat(mounts(agent)).contains("kernel-debug:/sys/kernel/debug");
    assertThat(pod.getSpec().getVolumes())
        .extracting(Volume::getName)
        .containsExactly("kernel-debug");
    assertThat(envNames(container(pod, "app"))).isEmpty();
  }

  @Test
  void goWithoutTargetExeIsSkipped() {
    PodInstrumenter.Result r =
        run("instrumentation.opentelemetry.io/inject-go: \"true\"", ONE, BASIC);
    assertThat(r.changed()).isFalse();
    assertThat(r.skipped()).anySatisfy(s -> assertThat(s).contains("OTEL_GO_AUTO_TARGET_EXE"));
  }

  @Test
  void apacheClonesTheConfigDirectoryAndAttachesTheAgent() {
    PodInstrumenter.Result r =
        run("instrumentation.opentelemetry.io/inject-apache-httpd: \"true\"", ONE, BASIC);
    assertThat(r.injected()).containsExactly(Language.APACHE_HTTPD);
    assertThat(initNames(r.pod()))
        .containsExactly("otel-agent-source-container-clone", "otel-agent-attach-apache");
    Container app = container(r.pod(), "app");
    assertThat(mounts(app))
        .anySatisfy(m -> assertThat(m).endsWith(":/usr/local/apache2/conf"))
        .anySatisfy(m -> assertThat(m).endsWith(":/opt/opentelemetry-webserver/agent"));
  }

  @Test
  void nginxClonesTheConfigFileDirectory() {
    PodInstrumenter.Result r =
        run("instrumentation.opentelemetry.io/inject-nginx: \"true\"", ONE, BASIC);
    assertThat(r.injected()).containsExactly(Language.NGINX);
    assertThat(initNames(r.pod()))
        .containsExactly("otel-agent-source-container-clone", "otel-agent-attach-nginx");
    assertThat(mounts(container(r.pod(), "app")))
        .anySatisfy(m -> assertThat(m).endsWith(":/etc/nginx"))
        .anySatisfy(m -> assertThat(m).endsWith(":/opt/opentelemetry-webserver/agent"));
  }

  @Test
  void nginxExtendsTheLibraryPathAndMovesConfigMountsToTheClone() {
    PodInstrumenter.Result r =
        run(
            "instrumentation.opentelemetry.io/inject-nginx: \"true\"",
            """
            - name: app
              image: nginx:1.27
              env: [{name: LD_LIBRARY_PATH, value: /opt}]
              ports: [{containerPort: 80}]
              readinessProbe: {httpGet: {path: /, port: 80}}
              volumeMounts:
              - {name: nginx-conf, mountPath: /etc/nginx/nginx.conf, subPath: nginx.conf}
            """,
            BASIC);
    Container app = container(r.pod(), "app");
    assertThat(env(app, "LD_LIBRARY_PATH"))
        .isEqualTo("/opt:/opt/opentelemetry-webserver/agent/sdk_lib/lib");
    assertThat(mounts(app))
        .containsExactly(
            "otel-nginx-agent:/opt/opentelemetry-webserver/agent",
            "otel-nginx-conf-dir:/etc/nginx");
    Container clone = r.pod().getSpec().getInitContainers().get(0);
    assertThat(clone.getCommand())
        .containsExactly("cp", "-r", "/etc/nginx/.", "/opt/opentelemetry-webserver/source-conf");
    assertThat(mounts(clone))
        .containsExactly(
            "nginx-conf:/etc/nginx/nginx.conf",
            "otel-nginx-conf-dir:/opt/opentelemetry-webserver/source-conf");
    assertThat(clone.getReadinessProbe()).isNull();
    assertThat(clone.getPorts()).isNullOrEmpty();
  }

  @Test
  void nodejsTurnsOnOtlpMetricsUnlessSet() {
    assertThat(
            env(
                container(
                    run("instrumentation.opentelemetry.io/inject-nodejs: \"true\"", ONE, BASIC)
                        .pod(),
                    "app"),
                "OTEL_METRICS_EXPORTER"))
        .isEqualTo("otlp");
    PodInstrumenter.Result own =
        run(
            "instrumentation.opentelemetry.io/inject-nodejs: \"true\"",
            "- name: app\n  image: n:1\n  env: [{name: OTEL_METRICS_EXPORTER, value: none}]\n",
            BASIC);
    assertThat(env(container(own.pod(), "app"), "OTEL_METRICS_EXPORTER")).isEqualTo("none");
  }

  @Test
  void sdkAddsOnlyTheCommonEnvironment() {
    PodInstrumenter.Result r =
        run("instrumentation.opentelemetry.io/inject-sdk: \"true\"", ONE, BASIC);
    assertThat(r.pod().getSpec().getInitContainers()).isNullOrEmpty();
    assertThat(r.pod().getSpec().getVolumes()).isNullOrEmpty();
    assertThat(envNames(container(r.pod(), "app")))
        .containsExactly(
            "OTEL_NODE_IP",
            "OTEL_POD_IP",
            "OTEL_SERVICE_NAME",
            "OTEL_EXPORTER_OTLP_ENDPOINT",
            "OTEL_RESOURCE_ATTRIBUTES_POD_NAME",
            "OTEL_RESOURCE_ATTRIBUTES_NODE_NAME",
            "OTEL_RESOURCE_ATTRIBUTES");
  }

  @Test
  void everyLanguageIsInstrumentedOnlyOnce() {
    for (String annotations :
        List.of(
            "instrumentation.opentelemetry.io/inject-java: \"true\"",
            "instrumentation.opentelemetry.io/inject-nodejs: \"true\"",
            "instrumentation.opentelemetry.io/inject-python: \"true\"",
            "instrumentation.opentelemetry.io/inject-dotnet: \"true\"",
            "instrumentation.opentelemetry.io/inject-go: \"true\"\n"
                + "instrumentation.opentelemetry.io/otel-go-auto-target-exe: /app",
            "instrumentation.opentelemetry.io/inject-apache-httpd: \"true\"",
            "instrumentation.opentelemetry.io/inject-nginx: \"true\"",
            "instrumentation.opentelemetry.io/inject-sdk: \"true\"")) {
      PodInstrumenter.Result first = run(annotations, ONE, BASIC);
      assertThat(first.changed()).as(annotations).isTrue();
      PodInstrumenter.Result second =
          PodInstrumenter.instrument(first.pod(), CTX, ALL, source(BASIC));
      assertThat(second.changed()).as(annotations).isFalse();
      assertThat(second.pod()).isSameAs(first.pod());
    }
  }

  @Test
  void instanceFromAnotherNamespaceByNamespaceSlashName() {
    Instrumentation other =
        inst("observability", "shared", "exporter:\n  endpoint: http://central:4318\n");
    PodInstrumenter.Result r =
        run("instrumentation.opentelemetry.io/inject-sdk: observability/shared", ONE, BASIC, other);
    assertThat(env(container(r.pod(), "app"), "OTEL_EXPORTER_OTLP_ENDPOINT"))
        .isEqualTo("http://central:4318");
    PodInstrumenter.Result missing =
        run("instrumentation.opentelemetry.io/inject-sdk: observability/nope", ONE, BASIC, other);
    assertThat(missing.changed()).isFalse();
    assertThat(missing.problems())
        .containsExactly("the OpenTelemetry Instrumentation observability/nope does not exist");
  }

  @Test
  void falseAndNamespaceAnnotations() {
    PodContext nsTrue =
        new PodContext(
            "apps",
            java.util.Map.of("instrumentation.opentelemetry.io/inject-sdk", "true"),
            CTX.owners());
    Pod fromNamespace = pod(podYaml("{}", ONE));
    assertThat(PodInstrumenter.instrument(fromNamespace, nsTrue, ALL, source(BASIC)).changed())
        .isTrue();
    Pod optedOut = pod(podYaml("instrumentation.opentelemetry.io/inject-sdk: \"false\"", ONE));
    PodInstrumenter.Result r = PodInstrumenter.instrument(optedOut, nsTrue, ALL, source(BASIC));
    assertThat(r.changed()).isFalse();
    assertThat(r.problems()).isEmpty();
  }

  @Test
  void severalContainersByContainerNames() {
    PodInstrumenter.Result r =
        run(
            "instrumentation.opentelemetry.io/inject-java: \"true\"\n"
                + "instrumentation.opentelemetry.io/container-names: app,worker",
            TWO,
            BASIC);
    assertThat(envNames(container(r.pod(), "app"))).contains("JAVA_TOOL_OPTIONS");
    assertThat(envNames(container(r.pod(), "worker"))).contains("JAVA_TOOL_OPTIONS");
    assertThat(env(container(r.pod(), "worker"), "OTEL_RESOURCE_ATTRIBUTES"))
        .contains("k8s.container.name=worker", "service.version=7");
    // One agent copy serves both containers.
    assertThat(initNames(r.pod())).containsExactly("opentelemetry-auto-instrumentation-java");
  }

  @Test
  void firstContainerByDefault() {
    PodInstrumenter.Result r =
        run("instrumentation.opentelemetry.io/inject-java: \"true\"", TWO, BASIC);
    assertThat(envNames(container(r.pod(), "app"))).contains("JAVA_TOOL_OPTIONS");
    assertThat(container(r.pod(), "worker").getEnv()).isNullOrEmpty();
  }

  @Test
  void multiInstrumentationByLanguageContainerNames() {
    PodInstrumenter.Result r =
        run(
            "instrumentation.opentelemetry.io/inject-java: \"true\"\n"
                + "instrumentation.opentelemetry.io/java-container-names: app\n"
                + "instrumentation.opentelemetry.io/inject-python: \"true\"\n"
                + "instrumentation.opentelemetry.io/python-container-names: worker",
            TWO,
            BASIC);
    assertThat(r.injected()).containsExactly(Language.JAVA, Language.PYTHON);
    assertThat(envNames(container(r.pod(), "app")))
        .contains("JAVA_TOOL_OPTIONS")
        .doesNotContain("PYTHONPATH");
    assertThat(envNames(container(r.pod(), "worker")))
        .contains("PYTHONPATH")
        .doesNotContain("JAVA_TOOL_OPTIONS");
    assertThat(initNames(r.pod()))
        .containsExactly(
            "opentelemetry-auto-instrumentation-java", "opentelemetry-auto-instrumentation-python");
  }

  @Test
  void multiInstrumentationNeedsContainerNamesForEveryLanguage() {
    PodInstrumenter.Result r =
        run(
            "instrumentation.opentelemetry.io/inject-java: \"true\"\n"
                + "instrumentation.opentelemetry.io/java-container-names: app\n"
                + "instrumentation.opentelemetry.io/inject-python: \"true\"",
            TWO,
            BASIC);
    assertThat(r.changed()).isFalse();
    assertThat(r.problems()).singleElement().asString().contains("provide container names");
    PodInstrumenter.Result duplicated =
        run(
            "instrumentation.opentelemetry.io/inject-java: \"true\"\n"
                + "instrumentation.opentelemetry.io/java-container-names: app\n"
                + "instrumentation.opentelemetry.io/inject-python: \"true\"\n"
                + "instrumentation.opentelemetry.io/python-container-names: app",
            TWO,
            BASIC);
    assertThat(duplicated.changed()).isFalse();
    assertThat(duplicated.problems()).singleElement().asString().contains("duplicated");
    InstrumentationSettings single =
        new InstrumentationSettings(ALL.images(), Set.copyOf(ALL.enabled()), false);
    PodInstrumenter.Result off =
        PodInstrumenter.instrument(
            pod(
                podYaml(
                    "instrumentation.opentelemetry.io/inject-java: \"true\"\n"
                        + "instrumentation.opentelemetry.io/inject-python: \"true\"",
                    TWO)),
            CTX,
            single,
            source(BASIC));
    assertThat(off.changed()).isFalse();
    assertThat(off.problems()).singleElement().asString().contains("multi-instrumentation");
  }

  @Test
  void containerNotFoundIsAProblem() {
    PodInstrumenter.Result r =
        run(
            "instrumentation.opentelemetry.io/inject-java: \"true\"\n"
                + "instrumentation.opentelemetry.io/container-names: app,ghost",
            ONE,
            BASIC);
    assertThat(envNames(container(r.pod(), "app"))).contains("JAVA_TOOL_OPTIONS");
    assertThat(r.problems()).singleElement().asString().contains("ghost").contains("not found");
  }

  @Test
  void agentCopyFollowsOtherInitContainersUnlessOneOfThemIsInstrumented() {
    String init = "  initContainers:\n  - {name: migrate, image: migrate:1}\n";
    PodInstrumenter.Result r =
        PodInstrumenter.instrument(
            pod(podYaml("instrumentation.opentelemetry.io/inject-java: \"true\"", ONE) + init),
            CTX,
            ALL,
            source(BASIC));
    assertThat(initNames(r.pod()))
        .containsExactly("migrate", "opentelemetry-auto-instrumentation-java");
    assertThat(r.pod().getSpec().getInitContainers().get(0).getEnv()).isNullOrEmpty();

    PodInstrumenter.Result target =
        PodInstrumenter.instrument(
            pod(
                podYaml(
                        "instrumentation.opentelemetry.io/inject-java: \"true\"\n"
                            + "instrumentation.opentelemetry.io/container-names: migrate",
                        ONE)
                    + init),
            CTX,
            ALL,
            source(BASIC));
    assertThat(initNames(target.pod()))
        .containsExactly("opentelemetry-auto-instrumentation-java", "migrate");
    Container migrate = target.pod().getSpec().getInitContainers().get(1);
    assertThat(envNames(migrate)).contains("JAVA_TOOL_OPTIONS", "OTEL_SERVICE_NAME");
    assertThat(container(target.pod(), "app").getEnv()).isNullOrEmpty();
  }

  @Test
  void tlsFilesComeFromTheSecretAndConfigMapMounts() {
    Instrumentation tls =
        inst(
            "apps",
            "tls",
            """
            exporter:
              endpoint: https://collector:4318
              tls:
                secretName: client-certs
                configMapName: ca-bundle
                ca_file: ca.crt
                cert_file: tls.crt
                key_file: tls.key
            """);
    PodInstrumenter.Result r =
        run("instrumentation.opentelemetry.io/inject-sdk: \"true\"", ONE, tls);
    Container app = container(r.pod(), "app");
    assertThat(env(app, "OTEL_EXPORTER_OTLP_CERTIFICATE"))
        .isEqualTo("/otel-auto-instrumentation-configmap-ca-bundle/ca.crt");
    assertThat(env(app, "OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE"))
        .isEqualTo("/otel-auto-instrumentation-secret-client-certs/tls.crt");
    assertThat(env(app, "OTEL_EXPORTER_OTLP_CLIENT_KEY"))
        .isEqualTo("/otel-auto-instrumentation-secret-client-certs/tls.key");
    assertThat(app.getVolumeMounts())
        .extracting(VolumeMount::getMountPath, VolumeMount::getReadOnly)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(
                "/otel-auto-instrumentation-secret-client-certs", true),
            org.assertj.core.groups.Tuple.tuple(
                "/otel-auto-instrumentation-configmap-ca-bundle", true));
    assertThat(r.pod().getSpec().getVolumes())
        .extracting(Volume::getName)
        .containsExactlyInAnyOrder(
            "otel-auto-secret-client-certs", "otel-auto-configmap-ca-bundle");
    assertThat(
            r.pod().getSpec().getVolumes().stream()
                .filter(v -> v.getSecret() != null)
                .findFirst()
                .orElseThrow()
                .getSecret()
                .getSecretName())
        .isEqualTo("client-certs");
  }
}
