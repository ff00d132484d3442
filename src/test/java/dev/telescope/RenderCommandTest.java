package dev.telescope;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code render} prints what the operator and the allocator controller would write. */
class RenderCommandTest {
  @TempDir Path dir;

  String render(String yaml, String... flags) throws IOException {
    Path f = dir.resolve("cr.yaml");
    Files.writeString(f, yaml);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    List<String> args = new java.util.ArrayList<>(List.of("render", "-f", f.toString()));
    args.addAll(List.of(flags));
    int status =
        Main.run(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            java.util.Map.of());
    assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isZero();
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void enabledCollectorGetsItsAllocatorObjects() throws IOException {
    String out =
        render(
            """
            apiVersion: opentelemetry.io/v1beta1
            kind: OpenTelemetryCollector
            metadata:
              name: sts
              namespace: obs
            spec:
              mode: statefulset
              targetAllocator:
                enabled: true
              config:
                receivers:
                  prometheus:
                    config:
                      scrape_configs:
                      - job_name: self
                        static_configs:
                        - targets: ["0.0.0.0:8888"]
                exporters:
                  debug: {}
                service:
                  pipelines:
                    metrics:
                      receivers: [prometheus]
                      exporters: [debug]
            """,
            "--prometheus-crds");
    List<String> docs = List.of(out.split("(?m)^---$"));
    assertThat(docs).anyMatch(d -> d.contains("kind: TargetAllocator") && d.contains("name: sts"));
    for (String kind : List.of("ConfigMap", "Deployment", "ServiceAccount", "Service")) {
      assertThat(docs)
          .as(kind)
          .anyMatch(
              d -> d.contains("kind: " + kind + "\n") && d.contains("name: sts-targetallocator"));
    }
    assertThat(docs)
        .anyMatch(
            d ->
                d.contains("kind: PodDisruptionBudget") && d.contains("name: sts-targetallocator"));
    // The scrape configs moved to the allocator's config, the collector fetches them from it.
    assertThat(docs)
        .anyMatch(d -> d.contains("targetallocator.yaml") && d.contains("job_name: self"));
    assertThat(docs)
        .anyMatch(d -> d.contains("collector.yaml") && d.contains("http://sts-targetallocator:80"));
  }

  @Test
  void standaloneAllocatorRendersItsObjects() throws IOException {
    String out =
        render(
            """
            apiVersion: opentelemetry.io/v1alpha1
            kind: TargetAllocator
            metadata:
              name: cr
            spec:
              scrapeConfigs:
              - job_name: prometheus
                static_configs:
                - targets: ["localhost:9090"]
            """);
    assertThat(out).contains("name: cr-targetallocator").contains("kind: Deployment");
    assertThat(out).contains("namespace: default");
  }

  @Test
  void disabledAllocatorRendersNone() throws IOException {
    String out =
        render(
            """
            apiVersion: opentelemetry.io/v1beta1
            kind: OpenTelemetryCollector
            metadata:
              name: plain
            spec:
              config:
                receivers:
                  otlp:
                    protocols:
                      grpc: {}
                exporters:
                  debug: {}
                service:
                  pipelines:
                    traces:
                      receivers: [otlp]
                      exporters: [debug]
            """);
    assertThat(out).doesNotContain("targetallocator");
  }
}
