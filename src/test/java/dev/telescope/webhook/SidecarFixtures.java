package dev.telescope.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.telescope.TestYaml;
import dev.telescope.api.v1beta1.Config;
import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import dev.telescope.settings.OperatorConfig;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Pods, namespaces and collectors shared by the sidecar tests. */
final class SidecarFixtures {
  static final OperatorConfig CFG = OperatorConfig.defaults();
  static final String NS = "apps";
  private static final ObjectMapper YAML = new YAMLMapper();

  private SidecarFixtures() {}

  /** A pod named {@code my-app} in {@link #NS} with one container and the given annotation. */
  static Pod pod(String inject) {
    PodBuilder b =
        new PodBuilder()
            .withNewMetadata()
            .withName("my-app")
            .withNamespace(NS)
            .addToLabels("app", "my-app")
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("myapp")
            .withImage("example/app:1")
            .endContainer()
            .endSpec();
    if (inject != null) {
      b.editMetadata().addToAnnotations(SidecarInjector.INJECT_ANNOTATION, inject).endMetadata();
    }
    return b.build();
  }

  static Namespace namespace(String name, String inject) {
    NamespaceBuilder b = new NamespaceBuilder().withNewMetadata().withName(name).endMetadata();
    if (inject != null) {
      b.editMetadata().addToAnnotations(SidecarInjector.INJECT_ANNOTATION, inject).endMetadata();
    }
    return b.build();
  }

  /** A small collector with an otlp receiver and a debug exporter. */
  static OpenTelemetryCollector collector(String namespace, String name, String mode) {
    return TestYaml.collector(
        """
        apiVersion: opentelemetry.io/v1beta1
        kind: OpenTelemetryCollector
        metadata:
          name: %s
          namespace: %s
        spec:
          mode: %s
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
        """
            .formatted(name, namespace, mode));
  }

  /** The upstream smoke-sidecar CR ({@code sidecar-for-my-app}), placed in {@code namespace}. */
  static OpenTelemetryCollector smokeCollector(String namespace) {
    return conformanceCollector("tests/e2e-sidecar/smoke-sidecar/00-install.yaml", namespace);
  }

  /** The upstream create-pm-prometheus-exporters CR ({@code simplest}). */
  static OpenTelemetryCollector prometheusCollector() {
    return conformanceCollector(
        "tests/e2e-prometheuscr/create-pm-prometheus-exporters/00-install.yaml", null);
  }

  private static OpenTelemetryCollector conformanceCollector(String file, String namespace) {
    Path p = TestYaml.shared().resolve("conformance/upstream").resolve(file);
    for (String doc : TestYaml.read(p).split("(?m)^---\\s*$")) {
      if (doc.contains("kind: OpenTelemetryCollector")) {
        OpenTelemetryCollector cr = TestYaml.collector(doc);
        if (namespace != null) {
          cr.getMetadata().setNamespace(namespace);
        }
        return cr;
      }
    }
    throw new IllegalStateException("no collector in " + p);
  }

  /** The seed blog's Namespace name and its v1alpha1 sidecar CR's YAML document. */
  static String seedCollectorYaml() {
    try (Stream<Path> files = Files.list(TestYaml.shared().resolve("seed"))) {
      for (Path f : files.sorted().toList()) {
        Matcher m =
            Pattern.compile(
                    "```yaml\\n(apiVersion: opentelemetry.io/v1alpha1\\n.*?)```", Pattern.DOTALL)
                .matcher(TestYaml.read(f));
        if (m.find()) {
          return m.group(1);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    throw new IllegalStateException("no v1alpha1 collector in the seed");
  }

  /**
   * The seed's v1alpha1 CR as v1beta1: the same metadata and mode, {@code spec.config} parsed from
   * its YAML string (what conversion does to the config; conversion itself is tested elsewhere).
   */
  static OpenTelemetryCollector seedCollector() {
    try {
      JsonNode alpha = YAML.readTree(seedCollectorYaml());
      OpenTelemetryCollector cr = new OpenTelemetryCollector();
      cr.setMetadata(
          new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
              .withName(alpha.at("/metadata/name").asText())
              .withNamespace(alpha.at("/metadata/namespace").asText())
              .build());
      dev.telescope.api.v1beta1.OpenTelemetryCollectorSpec spec =
          new dev.telescope.api.v1beta1.OpenTelemetryCollectorSpec();
      spec.mode = dev.telescope.api.common.Mode.SIDECAR;
      spec.serviceAccount = alpha.at("/spec/serviceAccount").asText();
      spec.config = YAML.treeToValue(seedConfigTree(), Config.class);
      cr.setSpec(spec);
      return cr;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The seed CR's {@code spec.config} string, parsed. */
  static JsonNode seedConfigTree() throws IOException {
    return YAML.readTree(YAML.readTree(seedCollectorYaml()).at("/spec/config").asText());
  }

  static JsonNode yaml(String text) throws IOException {
    return YAML.readTree(text);
  }

  static List<String> envNames(Container c) {
    return c.getEnv().stream().map(EnvVar::getName).toList();
  }

  static String env(Container c, String name) {
    return c.getEnv().stream()
        .filter(e -> e.getName().equals(name))
        .findFirst()
        .map(EnvVar::getValue)
        .orElseThrow(() -> new AssertionError("no env " + name));
  }

  static Container container(List<Container> containers, String name) {
    return containers.stream()
        .filter(c -> c.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no container " + name + " in " + containers));
  }

  /** A lookup over fixed objects. */
  static CollectorLookup lookup(List<OpenTelemetryCollector> collectors, Namespace... nss) {
    return CollectorLookup.of(collectors, List.of(nss), List.of());
  }

  static Map<String, String> labels(Pod p) {
    return p.getMetadata().getLabels();
  }
}
