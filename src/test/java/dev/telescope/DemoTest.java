package dev.telescope;

import static org.assertj.core.api.Assertions.assertThat;

import dev.telescope.demo.Demo;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's first command: the demo runs the whole walkthrough and exits 0. */
class DemoTest {
  @Test
  void demoRunsTheWalkthroughEndToEnd() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Demo.run(
            List.of(),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(text)
        .contains("otel: v1alpha1 converted to v1beta1 by POST /convert")
        .contains("CA bundle injected into the MutatingWebhookConfiguration: true")
        .contains("Deployment            gateway-collector")
        .contains("ConfigMap             otel-collector-")
        .contains("label sidecar.opentelemetry.io/injected=otel-sample.otel")
        .contains("--config=env:OTEL_CONFIG")
        .contains("verbosity: detailed")
        .contains("initContainers [otc-container, opentelemetry-auto-instrumentation-java]")
        .contains("JAVA_TOOL_OPTIONS= -javaagent:/otel-auto-instrumentation-java-petclinic/")
        .contains("OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4318")
        .contains("java.injected=1")
        .contains("Demo finished");
  }

  @Test
  void embeddedWalkthroughIsTheExamplesFolder() throws Exception {
    StringBuilder joined = new StringBuilder();
    try (var files = Files.list(Path.of("examples/walkthrough"))) {
      List<Path> parts =
          files.filter(p -> p.getFileName().toString().matches("0\\d-.*\\.yaml")).sorted().toList();
      for (Path p : parts) {
        if (joined.length() > 0) {
          joined.append("\n---\n");
        }
        joined.append(Files.readString(p).strip());
      }
    }
    String embedded =
        new String(
            DemoTest.class
                .getClassLoader()
                .getResourceAsStream("demo/walkthrough.yaml")
                .readAllBytes(),
            StandardCharsets.UTF_8);
    assertThat(embedded.strip()).isEqualTo(joined.toString().strip());
  }
}
