package dev.telescope;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code render --pod}: the pod webhook's own admission over the given files, printed as the pod or
 * the workload it would admit, with clear errors when a pod does not get what it asks for.
 */
class PodRenderTest {
  static final String DIR = "src/test/resources/render-pod/";

  record Run(int status, String out, String err) {}

  static Run render(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        Main.run(
            java.util.stream.Stream.concat(
                    java.util.stream.Stream.of("render"), java.util.Arrays.stream(args))
                .toList(),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            java.util.Map.of());
    return new Run(
        status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static JsonNode yaml(String text) throws IOException {
    return RenderCommand.YAML.readTree(text);
  }

  @Test
  void javaInstrumentedDeploymentWithSidecarIsPrintedExactlyAsAdmitted() throws IOException {
    Run r =
        render(
            "-f",
            DIR + "instrumentation.yaml",
            "-f",
            DIR + "collector.yaml",
            "--pod",
            DIR + "app.yaml");
    assertThat(r.err()).isEmpty();
    assertThat(r.status()).isZero();
    assertThat(r.out()).isEqualTo(Files.readString(Path.of(DIR + "app-admitted.yaml")));
  }

  @Test
  void renderingTheAdmittedWorkloadAgainChangesNothing(@TempDir Path tmp) throws IOException {
    Path admitted = tmp.resolve("admitted.yaml");
    Files.copy(Path.of(DIR + "app-admitted.yaml"), admitted);
    Run r =
        render(
            "-f",
            DIR + "instrumentation.yaml",
            "-f",
            DIR + "collector.yaml",
            "--pod",
            admitted.toString());
    assertThat(r.status()).isZero();
    assertThat(r.out()).isEqualTo(Files.readString(admitted));
    assertThat(r.err()).contains("unchanged");
  }

  @Test
  void objectsWithoutANamespaceAreInThePodsAndNamespaceOverridesIt() throws IOException {
    Run own = render("-f", DIR + "instrumentation.yaml", "--pod", DIR + "other-namespace-pod.yaml");
    assertThat(own.status()).as(own.err()).isZero();
    JsonNode pod = yaml(own.out());
    assertThat(pod.at("/metadata/name").asText()).isEqualTo("worker");
    assertThat(pod.at("/spec/initContainers/0/name").asText())
        .isEqualTo("opentelemetry-auto-instrumentation-java");
    assertThat(own.out()).contains("k8s.namespace.name=batch,").contains("value: worker\n");

    Run other =
        render(
            "-f",
            DIR + "instrumentation.yaml",
            "--pod",
            DIR + "other-namespace-pod.yaml",
            "--namespace",
            "jobs");
    assertThat(other.status()).as(other.err()).isZero();
    assertThat(other.out()).contains("k8s.namespace.name=jobs,").doesNotContain("batch");
    assertThat(yaml(other.out()).at("/metadata/namespace").asText()).isEqualTo("jobs");
  }

  @Test
  void anInstrumentationInAnotherNamespaceIsNotFound(@TempDir Path tmp) throws IOException {
    Path inst = tmp.resolve("inst.yaml");
    Files.writeString(
        inst,
        Files.readString(Path.of(DIR + "instrumentation.yaml"))
            .replace("  name: java\n", "  name: java\n  namespace: elsewhere\n"));
    Run r = render("-f", inst.toString(), "--pod", DIR + "other-namespace-pod.yaml");
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err())
        .isEqualTo(
            "error: Pod batch/worker: OpenTelemetry auto-instrumentation not injected: "
                + "no OpenTelemetry Instrumentation instances available\n");
    // The pod is printed as the webhook admits it: unchanged (it fails open).
    assertThat(yaml(r.out()))
        .isEqualTo(RenderCommand.read(DIR + "other-namespace-pod.yaml").get(0));
  }

  @Test
  void withNothingToInjectBothStepsSayWhyAndTheWorkloadIsUnchanged() throws IOException {
    Run r = render("--pod", DIR + "app.yaml");
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err())
        .contains(
            "error: Deployment apps/shop: OpenTelemetry auto-instrumentation not injected: "
                + "no OpenTelemetry Instrumentation instances available")
        .contains(
            "error: Deployment apps/shop: OpenTelemetry sidecar not injected: "
                + "no OpenTelemetry Collector instances available");
    assertThat(yaml(r.out())).isEqualTo(RenderCommand.read(DIR + "app.yaml").get(0));
  }

  @Test
  void aCronJobsTemplateIsAdmittedAsItsPodAndOtherKindsAreLeftOut() throws IOException {
    Run r = render("-f", DIR + "instrumentation.yaml", "--pod", DIR + "cronjob.yaml");
    assertThat(r.status()).as(r.err()).isZero();
    JsonNode cron = yaml(r.out());
    assertThat(cron.path("kind").asText()).isEqualTo("CronJob");
    JsonNode template = cron.at("/spec/jobTemplate/spec/template");
    assertThat(template.path("metadata").has("ownerReferences")).isFalse();
    assertThat(template.at("/spec/restartPolicy").asText()).isEqualTo("OnFailure");
    assertThat(r.out())
        .doesNotContain("kind: Service")
        .contains("name: OTEL_SERVICE_NAME\n              value: nightly\n")
        .contains("k8s.cronjob.name=nightly,k8s.namespace.name=default,");
  }

  @Test
  void aFileWithoutPodsOrAMissingFileIsAClearError() {
    Run none = render("-f", DIR + "instrumentation.yaml", "--pod", DIR + "service.yaml");
    assertThat(none.status()).isEqualTo(1);
    assertThat(none.out()).isEmpty();
    assertThat(none.err())
        .isEqualTo(
            "error: "
                + DIR
                + "service.yaml holds no Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, "
                + "Job or CronJob\n");

    Run missing = render("--pod", DIR + "nope.yaml");
    assertThat(missing.status()).isEqualTo(1);
    assertThat(missing.err()).startsWith("error: cannot read " + DIR + "nope.yaml");
  }

  @Test
  void theInstrumentationExamplesInstrumentTheExampleApp() throws IOException {
    List<String> args = new java.util.ArrayList<>();
    for (String language :
        List.of("java", "nodejs", "python", "dotnet", "go", "apache-httpd", "nginx")) {
      args.add("-f");
      args.add("examples/instrumentation/" + language + ".yaml");
    }
    args.add("--pod");
    args.add("examples/instrumentation/app.yaml");
    Run r = render(args.toArray(String[]::new));
    assertThat(r.err()).isEmpty();
    assertThat(r.status()).isZero();
    JsonNode template = yaml(r.out()).at("/spec/template");
    assertThat(template.at("/spec/initContainers/0/name").asText())
        .isEqualTo("opentelemetry-auto-instrumentation-java");
    assertThat(r.out())
        .contains("value: http://gateway-collector:4318\n")
        .contains("deployment.environment.name=staging")
        .contains("-javaagent:/otel-auto-instrumentation-java-petclinic/javaagent.jar");
  }

  @Test
  void listsAsKubectlGetPrintsThemAreRead(@TempDir Path tmp) throws IOException {
    Path list = tmp.resolve("list.yaml");
    Files.writeString(
        list,
        "apiVersion: v1\nkind: List\nitems:\n"
            + Files.readString(Path.of(DIR + "instrumentation.yaml"))
                .replaceAll("(?m)^", "  ")
                .replaceFirst("  apiVersion", "- apiVersion"));
    Run r = render("-f", list.toString(), "--pod", DIR + "other-namespace-pod.yaml");
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out()).contains("name: opentelemetry-auto-instrumentation-java");
  }

  @Test
  void anUnreadableCollectorIsAnErrorForThePodsThatNeedIt(@TempDir Path tmp) throws IOException {
    Path bad = tmp.resolve("bad.yaml");
    Files.writeString(
        bad,
        "apiVersion: opentelemetry.io/v1beta1\nkind: OpenTelemetryCollector\n"
            + "metadata: {name: broken}\nspec: {mode: 42sidecar, replicas: many}\n");
    Run r = render("-f", bad.toString(), "--pod", DIR + "app.yaml");
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err())
        .startsWith("error: Deployment apps/shop: not an OpenTelemetryCollector: ")
        .doesNotContain("holds no");
  }
}
