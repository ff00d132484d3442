package dev.telescope.install;

import static dev.telescope.install.InstallFiles.id;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telescope.api.common.Mode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The files under examples/ are what users copy first: each must parse, use only APIs served by
 * Kubernetes 1.25+, carry no misplaced fields, and its collectors must be read by our own model
 * without unknown properties.
 */
class ExamplesTest {
  static final String COLLECTOR_GROUP = "opentelemetry.io";

  /** Components that the core collector image lacks; a CR using them must pick another image. */
  static final Set<String> NOT_IN_CORE_IMAGE =
      Set.of(
          "k8sattributes",
          "k8s_attributes",
          "resourcedetection",
          "resource_detection",
          "file_storage",
          "k8s_cluster",
          "k8s_events",
          "k8sobjects",
          "k8s_objects",
          "kubeletstats",
          "kubelet_stats");

  /** Every example object by file, kustomization files excluded. */
  static Map<Path, List<ObjectNode>> examples() {
    Map<Path, List<ObjectNode>> out = new LinkedHashMap<>();
    for (Path p : InstallFiles.yamlFiles(InstallFiles.examples())) {
      if (p.getFileName().toString().equals("kustomization.yaml")) {
        continue;
      }
      out.put(p, InstallFiles.readObjects(p));
    }
    return out;
  }

  static List<ObjectNode> collectors() {
    List<ObjectNode> out = new ArrayList<>();
    examples()
        .values()
        .forEach(l -> l.stream().filter(ExamplesTest::isCollector).forEach(out::add));
    return out;
  }

  static boolean isCollector(JsonNode o) {
    return o.path("apiVersion").asText().startsWith(COLLECTOR_GROUP + "/") && !isInstrumentation(o);
  }

  static boolean isInstrumentation(JsonNode o) {
    return o.path("apiVersion").asText().startsWith(COLLECTOR_GROUP + "/")
        && o.path("kind").asText().equals("Instrumentation");
  }

  static List<ObjectNode> instrumentations() {
    List<ObjectNode> out = new ArrayList<>();
    examples()
        .values()
        .forEach(l -> l.stream().filter(ExamplesTest::isInstrumentation).forEach(out::add));
    return out;
  }

  /** A collector example read strictly into the matching model class. */
  static Object readCollector(ObjectNode o) throws Exception {
    String apiVersion = o.path("apiVersion").asText();
    Class<?> type =
        switch (apiVersion) {
          case "opentelemetry.io/v1alpha1" ->
              dev.telescope.api.v1alpha1.OpenTelemetryCollector.class;
          case "opentelemetry.io/v1beta1" -> dev.telescope.api.v1beta1.OpenTelemetryCollector.class;
          default -> throw new AssertionError(id(o) + ": unexpected apiVersion " + apiVersion);
        };
    return Strict.STRICT_YAML.treeToValue(o, type);
  }

  @Test
  void everyExampleParsesIntoObjectsWithApisServedByKubernetes125() {
    Map<Path, List<ObjectNode>> examples = examples();
    assertThat(examples).isNotEmpty();
    examples.forEach(
        (file, objects) -> {
          assertThat(objects).as(file.toString()).isNotEmpty();
          for (ObjectNode o : objects) {
            assertThat(o.path("apiVersion").asText()).as(file + " apiVersion").isNotBlank();
            assertThat(o.path("kind").asText()).as(file + " kind").isNotBlank();
            assertThat(o.path("metadata").path("name").asText()).as(file + " name").isNotBlank();
            assertThat(KubeApis.problem(o.path("apiVersion").asText()))
                .as(file + " " + id(o))
                .isNull();
          }
        });
  }

  @Test
  void kubernetesObjectsHaveNoMisplacedFields() {
    examples()
        .forEach(
            (file, objects) -> {
              for (ObjectNode o : objects) {
                if (isCollector(o) || isInstrumentation(o)) {
                  continue;
                }
                HasMetadata typed = Strict.typed(o);
                if (Strict.isGeneric(typed)) {
                  // Kinds without a fabric8 model (OpenShift Route): checked by the API server
                  // only.
                  assertThat(o.path("apiVersion").asText())
                      .as(file.toString())
                      .startsWith("route.openshift.io/");
                  continue;
                }
                assertThat(Strict.unknownFields(typed)).as(file + " " + id(o)).isEmpty();
              }
            });
  }

  @Test
  void collectorsDeserializeStrictlyIntoTheModel() throws Exception {
    List<ObjectNode> collectors = collectors();
    assertThat(collectors).isNotEmpty();
    for (ObjectNode o : collectors) {
      assertThat(o.path("kind").asText()).isEqualTo("OpenTelemetryCollector");
      Object cr = readCollector(o);
      assertThat(Strict.unknownFields(cr)).as(id(o)).isEmpty();
    }
  }

  @Test
  void thereIsAnInstrumentationPerLanguageReadStrictlyByTheModel() throws Exception {
    Set<String> languages = new HashSet<>();
    for (ObjectNode o : instrumentations()) {
      assertThat(o.path("apiVersion").asText()).isEqualTo("opentelemetry.io/v1alpha1");
      var typed =
          Strict.STRICT_YAML.treeToValue(
              o, dev.telescope.api.instrumentation.Instrumentation.class);
      assertThat(Strict.unknownFields(typed)).as(id(o)).isEmpty();
      assertThat(typed.getSpec().exporter.endpoint).as(id(o)).isNotBlank();
      o.path("spec")
          .fieldNames()
          .forEachRemaining(
              f -> {
                if (List.of("java", "nodejs", "python", "dotnet", "go", "apacheHttpd", "nginx")
                    .contains(f)) {
                  languages.add(f);
                }
              });
    }
    assertThat(languages)
        .containsExactlyInAnyOrder(
            "java", "nodejs", "python", "dotnet", "go", "apacheHttpd", "nginx");
  }

  @Test
  void theInstrumentedAppNamesAnInstrumentationThatExists() {
    Set<String> names = new HashSet<>();
    instrumentations().forEach(i -> names.add(i.path("metadata").path("name").asText()));
    List<ObjectNode> app =
        InstallFiles.readObjects(InstallFiles.examples().resolve("instrumentation/app.yaml"));
    assertThat(app).hasSize(1);
    JsonNode annotations = app.get(0).at("/spec/template/metadata/annotations");
    List<String> injects = new ArrayList<>();
    annotations
        .fields()
        .forEachRemaining(
            e -> {
              if (e.getKey().startsWith("instrumentation.opentelemetry.io/inject-")) {
                injects.add(e.getValue().asText());
              }
            });
    assertThat(injects).isNotEmpty();
    assertThat(names).containsAll(injects);
  }

  /** The collector config as a tree, whichever version the CR is. */
  static JsonNode config(ObjectNode cr) throws Exception {
    JsonNode config = cr.path("spec").path("config");
    return config.isTextual() ? InstallFiles.YAML.readTree(config.asText()) : config;
  }

  @Test
  void collectorConfigsOnlyReferenceComponentsTheyDefine() throws Exception {
    for (ObjectNode cr : collectors()) {
      JsonNode config = config(cr);
      assertThat(config.path("receivers").isObject()).as(id(cr) + " receivers").isTrue();
      assertThat(config.path("exporters").isObject()).as(id(cr) + " exporters").isTrue();
      JsonNode pipelines = config.path("service").path("pipelines");
      assertThat(pipelines.size()).as(id(cr) + " pipelines").isPositive();
      for (var pipeline : pipelines.properties()) {
        for (String section : List.of("receivers", "processors", "exporters")) {
          for (JsonNode ref : pipeline.getValue().path(section)) {
            assertThat(config.path(section).has(ref.asText()))
                .as(
                    id(cr)
                        + " pipeline "
                        + pipeline.getKey()
                        + " uses undefined "
                        + section
                        + " "
                        + ref)
                .isTrue();
          }
        }
        assertThat(pipeline.getValue().path("receivers").size())
            .as(id(cr) + " " + pipeline.getKey())
            .isPositive();
        assertThat(pipeline.getValue().path("exporters").size())
            .as(id(cr) + " " + pipeline.getKey())
            .isPositive();
      }
      for (JsonNode ext : config.path("service").path("extensions")) {
        assertThat(config.path("extensions").has(ext.asText()))
            .as(id(cr) + " extension " + ext)
            .isTrue();
      }
    }
  }

  @Test
  void collectorsUsingContribComponentsChooseAnImageThatHasThem() throws Exception {
    for (ObjectNode cr : collectors()) {
      JsonNode config = config(cr);
      Set<String> used = new HashSet<>();
      for (String section : List.of("receivers", "processors", "exporters", "extensions")) {
        config.path(section).fieldNames().forEachRemaining(n -> used.add(n.split("/")[0]));
      }
      used.retainAll(NOT_IN_CORE_IMAGE);
      if (!used.isEmpty()) {
        assertThat(cr.path("spec").path("image").asText())
            .as(id(cr) + " uses " + used + ", which the default core image does not contain")
            .isNotBlank()
            .doesNotEndWith(
                "/opentelemetry-collector:" + BundleChecklistTest.pomProperty("collector.version"));
      }
    }
  }

  @Test
  void thereIsAv1beta1ExampleForEveryMode() throws Exception {
    Set<Mode> modes = EnumSet.noneOf(Mode.class);
    for (ObjectNode cr : collectors()) {
      if (cr.path("apiVersion").asText().endsWith("/v1beta1")) {
        var typed = (dev.telescope.api.v1beta1.OpenTelemetryCollector) readCollector(cr);
        modes.add(typed.getSpec().effectiveMode());
      }
    }
    assertThat(modes).isEqualTo(EnumSet.allOf(Mode.class));
  }

  @Test
  void featureExamplesExist() {
    Map<String, Boolean> features = new LinkedHashMap<>();
    for (ObjectNode cr : collectors()) {
      JsonNode spec = cr.path("spec");
      features.merge("autoscaler", spec.has("autoscaler"), Boolean::logicalOr);
      features.merge(
          "ingress",
          spec.path("ingress").path("type").asText().equals("ingress"),
          Boolean::logicalOr);
      features.merge(
          "route", spec.path("ingress").path("type").asText().equals("route"), Boolean::logicalOr);
      features.merge(
          "enableMetrics",
          spec.path("observability").path("metrics").path("enableMetrics").asBoolean(),
          Boolean::logicalOr);
    }
    assertThat(features)
        .containsOnlyKeys("autoscaler", "ingress", "route", "enableMetrics")
        .doesNotContainValue(false);
  }

  static ObjectNode walkthrough(String kind, String name) {
    for (Path p : InstallFiles.yamlFiles(InstallFiles.examples().resolve("walkthrough"))) {
      for (ObjectNode o : InstallFiles.readObjects(p)) {
        if (kind.equals(o.path("kind").asText())
            && name.equals(o.path("metadata").path("name").asText())) {
          return o;
        }
      }
    }
    throw new AssertionError("walkthrough has no " + kind + " " + name);
  }

  @Test
  void walkthroughIsTheSeedSidecarSetupAndItsRbacReachesTheInjectedCollector() throws Exception {
    ObjectNode cr = walkthrough("OpenTelemetryCollector", "otel");
    assertThat(cr.path("apiVersion").asText()).isEqualTo("opentelemetry.io/v1alpha1");
    assertThat(cr.path("metadata").path("namespace").asText()).isEqualTo("otel-sample");
    var typed = (dev.telescope.api.v1alpha1.OpenTelemetryCollector) readCollector(cr);
    assertThat(typed.getSpec().mode).isEqualTo(Mode.SIDECAR);
    assertThat(typed.getSpec().serviceAccount).isEqualTo("otel-collector-sidecar");
    JsonNode config = config(cr);
    // The seed's config as written, nulls included ("grpc:", "batch:").
    assertThat(config.path("receivers").path("otlp").path("protocols").has("grpc")).isTrue();
    assertThat(config.path("receivers").path("otlp").path("protocols").path("grpc").isNull())
        .isTrue();
    assertThat(Rbac.texts(config.path("processors").path("resourcedetection").path("detectors")))
        .containsExactly("openshift");

    ObjectNode app = walkthrough("Deployment", "otel-sample-deployment");
    JsonNode pod = app.path("spec").path("template");
    assertThat(
            pod.path("metadata")
                .path("annotations")
                .path("sidecar.opentelemetry.io/inject")
                .asText())
        .isEqualTo("true");
    assertThat(app.path("metadata").path("namespace").asText()).isEqualTo("otel-sample");
    // The sidecar runs as the pod's ServiceAccount; that account must be the one the ClusterRole is
    // bound to.
    String podAccount = pod.path("spec").path("serviceAccountName").asText();
    assertThat(podAccount).isEqualTo("otel-collector-sidecar");
    assertThat(app.path("spec").has("serviceAccount"))
        .as("the blog's misplaced field is fixed")
        .isFalse();
    ObjectNode binding = walkthrough("ClusterRoleBinding", "otel-collector");
    JsonNode subject = binding.path("subjects").get(0);
    assertThat(subject.path("name").asText()).isEqualTo(podAccount);
    assertThat(subject.path("namespace").asText()).isEqualTo("otel-sample");
    walkthrough("ServiceAccount", podAccount);
    Set<String> granted = Rbac.atoms(walkthrough("ClusterRole", "otel-collector").path("rules"));
    for (String verb : List.of("get", "list", "watch")) {
      assertThat(granted)
          .contains(
              "config.openshift.io|infrastructures|" + verb + "|",
              "config.openshift.io|infrastructures/status|" + verb + "|");
    }

    ObjectNode svc = walkthrough("Service", "otel-sample-service");
    assertThat(svc.path("spec").path("selector").path("app").asText())
        .isEqualTo(pod.path("metadata").path("labels").path("app").asText());
  }

  @Test
  void walkthroughKustomizationAppliesEverywhereAndLeavesTheRouteForOpenShift() {
    Path dir = InstallFiles.examples().resolve("walkthrough");
    List<ObjectNode> rendered = Kustomize.render(dir);
    assertThat(rendered)
        .noneMatch(o -> o.path("apiVersion").asText().startsWith("route.openshift.io/"));
    List<ObjectNode> route = InstallFiles.readObjects(dir.resolve("route-openshift.yaml"));
    assertThat(route).hasSize(1);
    assertThat(route.get(0).path("kind").asText()).isEqualTo("Route");
    // Everything else in the directory is in the kustomization.
    int files = 0;
    for (Path p : InstallFiles.yamlFiles(dir)) {
      String n = p.getFileName().toString();
      if (!n.equals("kustomization.yaml") && !n.equals("route-openshift.yaml")) {
        files += InstallFiles.readObjects(p).size();
      }
    }
    assertThat(rendered).hasSize(files);
  }
}
