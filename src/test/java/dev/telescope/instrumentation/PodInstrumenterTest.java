package dev.telescope.instrumentation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.telescope.api.instrumentation.Instrumentation;
import dev.telescope.settings.InstrumentationSettings;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PodInstrumenterTest {
  static final InstrumentationSettings ALL =
      new InstrumentationSettings(
          InstrumentationSettings.DEFAULT_IMAGES,
          java.util.Set.copyOf(InstrumentationSettings.LANGUAGES),
          true);

  static Instrumentation inst(String ns, String name, String specYaml) {
    return Serialization.unmarshal(
        "apiVersion: opentelemetry.io/v1alpha1\nkind: Instrumentation\nmetadata:\n  name: "
            + name
            + "\n  namespace: "
            + ns
            + "\nspec:\n"
            + specYaml.indent(2),
        Instrumentation.class);
  }

  static Pod pod(String yaml) {
    return Serialization.unmarshal(yaml, Pod.class);
  }

  static Selection.Source source(Instrumentation... all) {
    return new Selection.Source() {
      @Override
      public List<Instrumentation> inNamespace(String namespace) {
        return java.util.Arrays.stream(all)
            .filter(i -> namespace.equals(i.getMetadata().getNamespace()))
            .toList();
      }

      @Override
      public Optional<Instrumentation> get(String namespace, String name) {
        return java.util.Arrays.stream(all)
            .filter(
                i ->
                    namespace.equals(i.getMetadata().getNamespace())
                        && name.equals(i.getMetadata().getName()))
            .findFirst();
      }
    };
  }

  static final PodContext CTX =
      new PodContext(
          "apps",
          Map.of(),
          List.of(
              new PodContext.Owner("ReplicaSet", "web-5d4f", "rs-uid"),
              new PodContext.Owner("Deployment", "web", "dep-uid")));

  static List<String> envNames(Container c) {
    return c.getEnv().stream().map(EnvVar::getName).toList();
  }

  static String env(Container c, String name) {
    return c.getEnv().stream()
        .filter(e -> e.getName().equals(name))
        .findFirst()
        .orElseThrow()
        .getValue();
  }

  static final String JAVA_POD =
      """
      apiVersion: v1
      kind: Pod
      metadata:
        annotations:
          instrumentation.opentelemetry.io/inject-java: "true"
      spec:
        containers:
        - name: app
          image: registry/app:1.2.3
      """;

  @Test
  void javaAddsAgentEnvInUpstreamOrderAndResourceAttributesLast() {
    Instrumentation inst =
        inst(
            "apps",
            "java",
            """
            exporter:
              endpoint: http://collector:4318
            propagators: [jaeger, b3]
            sampler: {type: parentbased_traceidratio, argument: "0.25"}
            env:
            - {name: OTEL_LOGS_EXPORTER, value: none}
            java:
              env:
              - {name: OTEL_JAVAAGENT_DEBUG, value: "true"}
            """);
    PodInstrumenter.Result r = PodInstrumenter.instrument(pod(JAVA_POD), CTX, ALL, source(inst));
    assertThat(r.injected()).containsExactly(Language.JAVA);
    Container app = r.pod().getSpec().getContainers().get(0);
    assertThat(envNames(app))
        .containsExactly(
            "OTEL_NODE_IP",
            "OTEL_POD_IP",
            "OTEL_JAVAAGENT_DEBUG",
            "OTEL_LOGS_EXPORTER",
            "JAVA_TOOL_OPTIONS",
            "OTEL_SERVICE_NAME",
            "OTEL_EXPORTER_OTLP_ENDPOINT",
            "OTEL_RESOURCE_ATTRIBUTES_POD_NAME",
            "OTEL_RESOURCE_ATTRIBUTES_NODE_NAME",
            "OTEL_PROPAGATORS",
            "OTEL_TRACES_SAMPLER",
            "OTEL_TRACES_SAMPLER_ARG",
            "OTEL_RESOURCE_ATTRIBUTES");
    assertThat(env(app, "JAVA_TOOL_OPTIONS"))
        .isEqualTo(" -javaagent:/otel-auto-instrumentation-java-app/javaagent.jar");
    assertThat(env(app, "OTEL_SERVICE_NAME")).isEqualTo("web");
    assertThat(env(app, "OTEL_PROPAGATORS")).isEqualTo("jaeger,b3");
    assertThat(env(app, "OTEL_RESOURCE_ATTRIBUTES"))
        .isEqualTo(
            "k8s.container.name=app,k8s.deployment.name=web,k8s.namespace.name=apps,"
                + "k8s.node.name=$(OTEL_RESOURCE_ATTRIBUTES_NODE_NAME),"
                + "k8s.pod.name=$(OTEL_RESOURCE_ATTRIBUTES_POD_NAME),k8s.replicaset.name=web-5d4f,"
                + "service.instance.id=apps.$(OTEL_RESOURCE_ATTRIBUTES_POD_NAME).app,"
                + "service.namespace=apps,service.version=1.2.3");
    Container init = r.pod().getSpec().getInitContainers().get(0);
    assertThat(init.getName()).isEqualTo("opentelemetry-auto-instrumentation-java");
    assertThat(init.getImage()).isEqualTo(InstrumentationSettings.DEFAULT_IMAGES.get("java"));
    assertThat(init.getCommand())
        .containsExactly("cp", "/javaagent.jar", "/otel-auto-instrumentation-java/javaagent.jar");
    assertThat(r.pod().getSpec().getVolumes().get(0).getEmptyDir().getSizeLimit().toString())
        .isEqualTo("200Mi");
    // The input is untouched, and a second admission changes nothing.
    assertThat(pod(JAVA_POD)).isEqualTo(pod(JAVA_POD));
    PodInstrumenter.Result again = PodInstrumenter.instrument(r.pod(), CTX, ALL, source(inst));
    assertThat(again.changed()).isFalse();
  }
}
