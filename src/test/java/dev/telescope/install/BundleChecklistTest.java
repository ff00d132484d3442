package dev.telescope.install;

import static dev.telescope.install.InstallFiles.CERT_DIR;
import static dev.telescope.install.InstallFiles.CRD_NAME;
import static dev.telescope.install.InstallFiles.id;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/**
 * The OLM bundle checklist of olm-openshift-users.md §5.1 (what {@code operator-sdk bundle
 * validate}, its operatorhub and good-practices suites and OLM itself check), re-checked offline on
 * the files in operator/bundle.
 */
class BundleChecklistTest {
  static final Pattern SEMVER =
      Pattern.compile(
          "^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)"
              + "(?:-((?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\\.(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
              + "(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?$");
  static final Pattern DNS1123_SUBDOMAIN =
      Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");
  static final Pattern EMAIL =
      Pattern.compile("^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+$");
  static final Pattern IMAGE_REF =
      Pattern.compile(
          "^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?/)?"
              + "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*"
              + "(?::[\\w][\\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$");
  static final Pattern OPENSHIFT_VERSIONS =
      Pattern.compile("^(=v4\\.\\d+|v4\\.\\d+(-v4\\.\\d+)?)$");

  static final Set<String> SUPPORTED_KINDS =
      Set.of(
          "ClusterServiceVersion",
          "CustomResourceDefinition",
          "ClusterRole",
          "ClusterRoleBinding",
          "Role",
          "RoleBinding",
          "Service",
          "ServiceAccount",
          "Secret",
          "ConfigMap",
          "PrometheusRule",
          "ServiceMonitor",
          "PodDisruptionBudget",
          "PriorityClass",
          "VerticalPodAutoscaler",
          "ConsoleYAMLSample");
  static final Set<String> CAPABILITIES =
      Set.of("Basic Install", "Seamless Upgrades", "Full Lifecycle", "Deep Insights", "Auto Pilot");
  static final Set<String> CATEGORIES =
      Set.of(
          "AI/Machine Learning",
          "Application Runtime",
          "Big Data",
          "Cloud Provider",
          "Developer Tools",
          "Database",
          "Integration & Delivery",
          "Logging & Tracing",
          "Monitoring",
          "Modernization & Migration",
          "Networking",
          "OpenShift Optional",
          "Security",
          "Storage",
          "Streaming & Messaging",
          "Observability");
  static final Set<String> ICON_TYPES =
      Set.of("image/gif", "image/jpeg", "image/png", "image/svg+xml");
  static final Set<String> INSTALL_MODES =
      Set.of("OwnNamespace", "SingleNamespace", "MultiNamespace", "AllNamespaces");

  final Bundle bundle = Bundle.get();

  static Map<String, String> annotationsFile() {
    ObjectNode doc =
        InstallFiles.readObject(InstallFiles.bundle().resolve("metadata/annotations.yaml"));
    Map<String, String> out = new LinkedHashMap<>();
    doc.path("annotations").properties().forEach(e -> out.put(e.getKey(), e.getValue().asText()));
    return out;
  }

  static Path dockerfile() {
    return InstallFiles.root().resolve("operator/bundle.Dockerfile");
  }

  @Test
  void layoutAndAnnotations() {
    assertThat(bundle.dir.resolve("manifests")).isDirectory();
    assertThat(bundle.dir.resolve("metadata")).isDirectory();
    Map<String, String> a = annotationsFile();
    assertThat(a)
        .containsEntry("operators.operatorframework.io.bundle.mediatype.v1", "registry+v1")
        .containsEntry("operators.operatorframework.io.bundle.manifests.v1", "manifests/")
        .containsEntry("operators.operatorframework.io.bundle.metadata.v1", "metadata/")
        .containsEntry("operators.operatorframework.io.bundle.package.v1", "telescope");
    List<String> channels =
        List.of(a.getOrDefault("operators.operatorframework.io.bundle.channels.v1", "").split(","));
    assertThat(channels).isNotEmpty().allMatch(c -> !c.isBlank());
    assertThat(channels)
        .as("recommended channel names start with stable, fast or candidate")
        .allMatch(c -> c.startsWith("stable") || c.startsWith("fast") || c.startsWith("candidate"));
    String defaultChannel = a.get("operators.operatorframework.io.bundle.channel.default.v1");
    assertThat(defaultChannel).isNotNull();
    assertThat(channels).contains(defaultChannel);
    assertThat(a.get("com.redhat.openshift.versions")).matches(OPENSHIFT_VERSIONS);
    // The package name is the CSV name's prefix.
    assertThat(bundle.csv.path("metadata").path("name").asText())
        .startsWith(a.get("operators.operatorframework.io.bundle.package.v1") + ".v");
    // Scorecard wiring.
    assertThat(a)
        .containsEntry("operators.operatorframework.io.test.mediatype.v1", "scorecard+v1")
        .containsEntry("operators.operatorframework.io.test.config.v1", "tests/scorecard/");
  }

  @Test
  void openShiftRangeStartsAtTheMinimumKubernetesVersion() {
    Matcher m =
        Pattern.compile("v4\\.(\\d+)")
            .matcher(annotationsFile().get("com.redhat.openshift.versions"));
    assertThat(m.find()).isTrue();
    int ocpMinor = Integer.parseInt(m.group(1));
    String[] kube = bundle.spec().path("minKubeVersion").asText().split("\\.");
    // OpenShift 4.x ships Kubernetes 1.(x+13): 4.12 is 1.25.
    assertThat(Integer.parseInt(kube[1])).isEqualTo(ocpMinor + 13);
  }

  @Test
  void bundleDockerfileLabelsEqualTheAnnotations() {
    Map<String, String> labels = new LinkedHashMap<>();
    List<String> copies = new ArrayList<>();
    String from = null;
    for (String line : InstallFiles.text(dockerfile()).split("\n")) {
      String l = line.strip();
      if (l.startsWith("LABEL ")) {
        String kv = l.substring("LABEL ".length()).strip();
        int eq = kv.indexOf('=');
        labels.put(kv.substring(0, eq), kv.substring(eq + 1).replace("\"", ""));
      } else if (l.startsWith("COPY ")) {
        copies.add(l);
      } else if (l.startsWith("FROM ")) {
        from = l;
      }
    }
    assertThat(from).isEqualTo("FROM scratch");
    assertThat(labels).isEqualTo(annotationsFile());
    assertThat(copies)
        .containsExactlyInAnyOrder(
            "COPY bundle/manifests /manifests/",
            "COPY bundle/metadata /metadata/",
            "COPY bundle/tests/scorecard /tests/scorecard/");
  }

  @Test
  void manifestsAreSupportedKindsWithExactlyOneCsvAndNoOlmOwnedServiceAccounts() {
    for (ObjectNode o : bundle.manifests) {
      assertThat(SUPPORTED_KINDS).as(id(o)).contains(o.path("kind").asText());
      assertThat(o.path("metadata").path("name").asText()).as(id(o)).matches(DNS1123_SUBDOMAIN);
      assertThat(KubeApis.problem(o.path("apiVersion").asText())).as(id(o)).isNull();
    }
    assertThat(bundle.ofKind("ClusterServiceVersion")).hasSize(1);
    Set<String> deploymentAccounts = new HashSet<>();
    for (JsonNode d : bundle.installSpec().path("deployments")) {
      deploymentAccounts.add(
          d.path("spec").path("template").path("spec").path("serviceAccountName").asText());
    }
    for (ObjectNode sa : bundle.ofKind("ServiceAccount")) {
      assertThat(deploymentAccounts)
          .as("OLM creates the ServiceAccounts of CSV deployments itself")
          .doesNotContain(sa.path("metadata").path("name").asText());
    }
  }

  @Test
  void bundleCompressesWellUnderTheOneMebibyteLimit() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes);
        Stream<Path> files = Files.walk(bundle.dir)) {
      for (Path p : files.filter(Files::isRegularFile).sorted().toList()) {
        gz.write(Files.readAllBytes(p));
      }
    }
    // OLM stages the bundle in one ConfigMap; operator-sdk warns above 85% of 1 MiB.
    assertThat(bytes.size()).isLessThan((int) (0.85 * 1024 * 1024));
  }

  @Test
  void csvNameAndVersion() {
    String name = bundle.csv.path("metadata").path("name").asText();
    assertThat(name).matches(DNS1123_SUBDOMAIN).hasSizeLessThanOrEqualTo(63);
    assertThat(name).startsWith("telescope.v");
    String version = bundle.spec().path("version").asText();
    assertThat(version).matches(SEMVER);
    assertThat(name).isEqualTo("telescope.v" + version);
    assertThat(version).isEqualTo(projectVersion());
    JsonNode replaces = bundle.spec().path("replaces");
    if (!replaces.isMissingNode()) {
      assertThat(replaces.asText()).matches(DNS1123_SUBDOMAIN).hasSizeLessThanOrEqualTo(63);
    }
    assertThat(bundle.annotations().has("olm.skiprange")).as("the key is olm.skipRange").isFalse();
    assertThat(bundle.annotations().has("olm.properties")).isFalse();
  }

  @Test
  void descriptiveMetadataForOperatorHub() {
    JsonNode spec = bundle.spec();
    assertThat(spec.path("displayName").asText()).isNotBlank();
    assertThat(spec.path("description").asText()).isNotBlank();
    assertThat(bundle.annotations().path("description").asText()).isNotBlank();
    assertThat(spec.path("provider").path("name").asText()).isNotBlank();
    assertThat(spec.path("maintainers").size()).isPositive();
    for (JsonNode m : spec.path("maintainers")) {
      assertThat(m.path("name").asText()).isNotBlank();
      assertThat(m.path("email").asText()).matches(EMAIL);
    }
    assertThat(spec.path("links").size()).isPositive();
    for (JsonNode l : spec.path("links")) {
      assertThat(l.path("name").asText()).isNotBlank();
      URI uri = URI.create(l.path("url").asText());
      assertThat(uri.getScheme()).isIn("http", "https");
      assertThat(uri.getHost()).isNotBlank();
    }
    assertThat(spec.path("keywords").size()).isPositive();
    JsonNode icons = spec.path("icon");
    assertThat(icons.size()).isEqualTo(1);
    JsonNode icon = icons.get(0);
    assertThat(ICON_TYPES).contains(icon.path("mediatype").asText());
    byte[] data = Base64.getDecoder().decode(icon.path("base64data").asText());
    assertThat(data).isNotEmpty();
    if (icon.path("mediatype").asText().equals("image/svg+xml")) {
      String svg = new String(data, StandardCharsets.UTF_8);
      assertThat(svg).startsWith("<svg").contains("viewBox").endsWith("</svg>\n");
    }
  }

  @Test
  void minKubeVersionAndApisServedThere() {
    String min = bundle.spec().path("minKubeVersion").asText();
    assertThat(min).matches(SEMVER);
    assertThat(min).isEqualTo("1.25.0");
    for (JsonNode example : almExamples()) {
      assertThat(KubeApis.problem(example.path("apiVersion").asText())).isNull();
    }
    for (JsonNode wh : bundle.webhookDefinitions()) {
      for (JsonNode rule : wh.path("rules")) {
        for (JsonNode g : rule.path("apiGroups")) {
          for (JsonNode v : rule.path("apiVersions")) {
            String av = g.asText().isEmpty() ? v.asText() : g.asText() + "/" + v.asText();
            assertThat(KubeApis.problem(av)).isNull();
          }
        }
      }
    }
  }

  @Test
  void capabilitiesAndCategoriesFromTheStandardLists() {
    assertThat(CAPABILITIES).contains(bundle.annotations().path("capabilities").asText());
    String categories = bundle.annotations().path("categories").asText();
    assertThat(categories).isNotBlank();
    for (String c : categories.split(",")) {
      assertThat(CATEGORIES).contains(c.strip());
    }
    assertThat(bundle.annotations().path("containerImage").asText()).isEqualTo(InstallFiles.IMAGE);
  }

  List<JsonNode> almExamples() {
    try {
      JsonNode parsed =
          InstallFiles.JSON.readTree(bundle.annotations().path("alm-examples").asText());
      assertThat(parsed.isArray()).as("alm-examples is a JSON array").isTrue();
      List<JsonNode> out = new ArrayList<>();
      parsed.forEach(out::add);
      return out;
    } catch (IOException e) {
      throw new AssertionError("alm-examples is not valid JSON", e);
    }
  }

  Set<String> ownedGvks() {
    Set<String> out = new TreeSet<>();
    for (JsonNode o : bundle.spec().path("customresourcedefinitions").path("owned")) {
      String name = o.path("name").asText();
      String group = name.substring(name.indexOf('.') + 1);
      out.add(group + "/" + o.path("version").asText() + "/" + o.path("kind").asText());
    }
    return out;
  }

  @Test
  void almExamplesAreOwnedAndCoverEveryOwnedVersion() throws Exception {
    Set<String> exampleGvks = new TreeSet<>();
    for (JsonNode e : almExamples()) {
      String gvk = e.path("apiVersion").asText() + "/" + e.path("kind").asText();
      assertThat(ownedGvks()).as("example GVK is owned").contains(gvk);
      exampleGvks.add(gvk);
      assertThat(e.path("metadata").path("name").asText()).isNotBlank();
      // And they are collectors our model reads without unknown fields.
      Class<?> type =
          "TargetAllocator".equals(e.path("kind").asText())
              ? dev.telescope.api.v1alpha1.TargetAllocator.class
              : "Instrumentation".equals(e.path("kind").asText())
                  ? dev.telescope.api.instrumentation.Instrumentation.class
                  : e.path("apiVersion").asText().endsWith("v1alpha1")
                      ? dev.telescope.api.v1alpha1.OpenTelemetryCollector.class
                      : dev.telescope.api.v1beta1.OpenTelemetryCollector.class;
      Object cr = Strict.STRICT_YAML.treeToValue(e, type);
      assertThat(Strict.unknownFields(cr)).isEmpty();
    }
    assertThat(exampleGvks).isEqualTo(ownedGvks());
  }

  @Test
  void ownedCrdsMatchTheBundledCrdsVersionForVersion() {
    Set<String> bundled = new TreeSet<>();
    for (ObjectNode crd : bundle.ofKind("CustomResourceDefinition")) {
      assertThat(crd.path("apiVersion").asText()).isEqualTo("apiextensions.k8s.io/v1");
      JsonNode names = crd.path("spec").path("names");
      assertThat(crd.path("metadata").path("name").asText())
          .isEqualTo(names.path("plural").asText() + "." + crd.path("spec").path("group").asText());
      for (JsonNode v : crd.path("spec").path("versions")) {
        if (v.path("served").asBoolean()) {
          bundled.add(
              crd.path("spec").path("group").asText()
                  + "/"
                  + v.path("name").asText()
                  + "/"
                  + names.path("kind").asText());
        }
      }
    }
    assertThat(ownedGvks())
        .isEqualTo(bundled)
        .contains("opentelemetry.io/v1beta1/OpenTelemetryCollector");
    for (JsonNode o : bundle.spec().path("customresourcedefinitions").path("owned")) {
      assertThat(o.path("displayName").asText()).isNotBlank();
      assertThat(o.path("description").asText()).isNotBlank();
      assertThat(o.path("name").asText())
          .isIn(CRD_NAME, "targetallocators.opentelemetry.io", "instrumentations.opentelemetry.io");
    }
    assertThat(bundle.spec().path("customresourcedefinitions").has("required")).isFalse();
  }

  @Test
  void installModesAreAllNamespacesOnlyBecauseOfTheConversionWebhook() {
    Map<String, Boolean> modes = new HashMap<>();
    for (JsonNode m : bundle.spec().path("installModes")) {
      assertThat(modes.put(m.path("type").asText(), m.path("supported").asBoolean()))
          .as("duplicate install mode")
          .isNull();
    }
    assertThat(modes.keySet()).isEqualTo(INSTALL_MODES);
    boolean conversion =
        bundle.webhookDefinitions().stream().anyMatch(w -> w.path("conversionCRDs").size() > 0);
    assertThat(conversion).isTrue();
    assertThat(modes)
        .containsEntry("AllNamespaces", true)
        .containsEntry("OwnNamespace", false)
        .containsEntry("SingleNamespace", false)
        .containsEntry("MultiNamespace", false);
  }

  @Test
  void installStrategyIsWellFormed() {
    assertThat(bundle.spec().path("install").path("strategy").asText()).isEqualTo("deployment");
    JsonNode spec = bundle.installSpec();
    assertThat(spec.path("deployments").size()).isEqualTo(2);
    Set<String> accounts = new TreeSet<>();
    for (JsonNode d : spec.path("deployments")) {
      assertThat(d.path("name").asText()).isNotBlank();
      assertThat(d.path("spec").isObject()).isTrue();
      JsonNode pod = d.path("spec").path("template").path("spec");
      accounts.add(pod.path("serviceAccountName").asText());
      for (JsonNode c : pod.path("containers")) {
        assertThat(c.path("resources").path("requests").path("cpu").asText())
            .as(d.path("name").asText())
            .isNotBlank();
        assertThat(c.path("resources").path("requests").path("memory").asText()).isNotBlank();
      }
    }
    for (String section : List.of("clusterPermissions", "permissions")) {
      for (JsonNode p : spec.path(section)) {
        assertThat(p.path("serviceAccountName").asText()).isNotBlank();
        assertThat(accounts).contains(p.path("serviceAccountName").asText());
        assertThat(p.path("rules").size()).isPositive();
        for (String atom : Rbac.atoms(p.path("rules"))) {
          assertThat(atom).doesNotContain("*");
          if (atom.startsWith("apiextensions.k8s.io|customresourcedefinitions|")) {
            assertThat(atom.split("\\|", -1)[2])
                .as("no permission to change CRDs")
                .isIn("get", "list", "watch");
          }
        }
      }
    }
  }

  @Test
  void webhookDefinitionsAreValidForOlm() {
    Set<String> generateNames = new HashSet<>();
    Set<String> owned = new HashSet<>();
    bundle
        .spec()
        .path("customresourcedefinitions")
        .path("owned")
        .forEach(o -> owned.add(o.path("name").asText()));
    for (JsonNode wh : bundle.webhookDefinitions()) {
      String name = wh.path("generateName").asText();
      assertThat(name).as("fully qualified generateName").matches(DNS1123_SUBDOMAIN).contains(".");
      assertThat(generateNames.add(name)).as("unique generateName " + name).isTrue();
      assertThat(wh.path("type").asText())
          .isIn("ValidatingAdmissionWebhook", "MutatingAdmissionWebhook", "ConversionWebhook");
      assertThat(wh.path("sideEffects").asText()).isEqualTo("None");
      assertThat(Rbac.texts(wh.path("admissionReviewVersions"))).containsExactly("v1");
      JsonNode deployment = bundle.deployment(wh.path("deploymentName").asText());
      assertThat(wh.path("containerPort").asInt()).isBetween(1, 65535);
      Set<Integer> containerPorts = new HashSet<>();
      Set<String> portNames = new HashSet<>();
      for (JsonNode c : deployment.path("spec").path("template").path("spec").path("containers")) {
        for (JsonNode p : c.path("ports")) {
          containerPorts.add(p.path("containerPort").asInt());
          portNames.add(p.path("name").asText());
        }
      }
      JsonNode target = wh.path("targetPort");
      if (target.isInt()) {
        assertThat(containerPorts).as(name + " targetPort").contains(target.asInt());
      } else {
        assertThat(portNames).as(name + " targetPort").contains(target.asText());
      }
      assertThat(wh.path("webhookPath").asText()).startsWith("/");
      for (JsonNode rule : wh.path("rules")) {
        assertThat(Rbac.texts(rule.path("apiGroups"))).doesNotContain("*", "operators.coreos.com");
        assertThat(Rbac.texts(rule.path("resources")))
            .doesNotContain(
                "*", "mutatingwebhookconfigurations", "validatingwebhookconfigurations");
      }
      if (wh.path("type").asText().equals("ConversionWebhook")) {
        assertThat(wh.path("conversionCRDs").size()).isPositive();
        for (JsonNode crdName : wh.path("conversionCRDs")) {
          assertThat(owned).contains(crdName.asText());
          ObjectNode crd =
              bundle.ofKind("CustomResourceDefinition").stream()
                  .filter(c -> c.path("metadata").path("name").asText().equals(crdName.asText()))
                  .findFirst()
                  .orElseThrow();
          assertThat(crd.path("spec").path("preserveUnknownFields").asBoolean(false)).isFalse();
        }
      } else {
        assertThat(wh.path("rules").size()).as(name + " has rules").isPositive();
        assertThat(wh.path("failurePolicy").asText()).isIn("Fail", "Ignore");
        assertThat(wh.path("timeoutSeconds").isInt()).as(name + " explicit timeout").isTrue();
      }
    }
  }

  static boolean selectedBy(JsonNode selector, Map<String, String> labels) {
    for (JsonNode e : selector.path("matchExpressions")) {
      String value = labels.get(e.path("key").asText());
      List<String> values = Rbac.texts(e.path("values"));
      boolean ok =
          switch (e.path("operator").asText()) {
            case "In" -> value != null && values.contains(value);
            case "NotIn" -> value == null || !values.contains(value);
            case "Exists" -> value != null;
            case "DoesNotExist" -> value == null;
            default -> throw new AssertionError("unknown operator " + e);
          };
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  @Test
  void podWebhookFailsOpenFastAndNeverTouchesTelescopesOwnPods() {
    JsonNode pod =
        bundle.webhookDefinitions().stream()
            .filter(w -> w.path("webhookPath").asText().equals("/mutate-v1-pod"))
            .findFirst()
            .orElseThrow();
    assertThat(pod.path("failurePolicy").asText()).isEqualTo("Ignore");
    assertThat(pod.path("timeoutSeconds").asInt()).isBetween(1, 5);
    assertThat(Rbac.texts(pod.path("rules").get(0).path("operations"))).containsExactly("CREATE");
    // OLM offers no namespaceSelector; the objectSelector stands in for it.
    JsonNode selector = pod.path("objectSelector");
    for (JsonNode d : bundle.installSpec().path("deployments")) {
      Map<String, String> labels = new HashMap<>();
      d.path("spec")
          .path("template")
          .path("metadata")
          .path("labels")
          .properties()
          .forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
      assertThat(selectedBy(selector, labels)).as(d.path("name").asText()).isFalse();
    }
    assertThat(selectedBy(selector, Map.of("app", "shop"))).isTrue();
    assertThat(selectedBy(selector, Map.of())).isTrue();
  }

  @Test
  void webhookDeploymentReadsTheCertificatesOlmMounts() {
    for (String deploymentName :
        bundle.webhookDefinitions().stream()
            .map(w -> w.path("deploymentName").asText())
            .distinct()
            .toList()) {
      JsonNode pod = bundle.deployment(deploymentName).path("spec").path("template").path("spec");
      JsonNode c = pod.path("containers").get(0);
      List<String> args = Rbac.texts(c.path("args"));
      assertThat(args).contains("--cert-mode=files");
      assertThat(args)
          .allMatch(a -> !a.startsWith("--cert-dir") || a.equals("--cert-dir=" + CERT_DIR));
      boolean mounted = false;
      for (JsonNode m : c.path("volumeMounts")) {
        mounted |= m.path("mountPath").asText().equals(CERT_DIR);
      }
      assertThat(mounted)
          .as("a volume at " + CERT_DIR + " (OLM replaces it with its own)")
          .isTrue();
    }
  }

  @Test
  void relatedImagesListEveryImageTheOperatorRuns() {
    Map<String, String> related = new HashMap<>();
    for (JsonNode r : bundle.spec().path("relatedImages")) {
      assertThat(r.path("name").asText()).isNotBlank();
      assertThat(r.path("image").asText()).matches(IMAGE_REF);
      assertThat(related.put(r.path("name").asText(), r.path("image").asText())).isNull();
    }
    for (JsonNode d : bundle.installSpec().path("deployments")) {
      for (JsonNode c : d.path("spec").path("template").path("spec").path("containers")) {
        assertThat(related.values()).contains(c.path("image").asText());
      }
    }
    assertThat(related.values())
        .as("the default collector image, at the collector version of pom.xml")
        .contains(
            "ghcr.io/open-telemetry/opentelemetry-collector-releases/opentelemetry-collector:"
                + pomProperty("collector.version"));
  }

  @Test
  void scorecardConfigRunsTheFourStaticTests() {
    ObjectNode config = InstallFiles.readObject(bundle.dir.resolve("tests/scorecard/config.yaml"));
    assertThat(config.path("apiVersion").asText())
        .isEqualTo("scorecard.operatorframework.io/v1alpha3");
    assertThat(config.path("kind").asText()).isEqualTo("Configuration");
    List<String> tests = new ArrayList<>();
    for (JsonNode stage : config.path("stages")) {
      for (JsonNode t : stage.path("tests")) {
        List<String> entry = Rbac.texts(t.path("entrypoint"));
        assertThat(entry).hasSize(2).startsWith("scorecard-test");
        assertThat(t.path("image").asText())
            .matches(IMAGE_REF)
            .startsWith("quay.io/operator-framework/scorecard-test:");
        tests.add(entry.get(1));
      }
    }
    assertThat(tests)
        .containsExactlyInAnyOrder(
            "basic-check-spec",
            "olm-bundle-validation",
            "olm-crds-have-validation",
            "olm-crds-have-resources");
  }

  static String projectVersion() {
    Matcher m =
        Pattern.compile("<artifactId>telescope</artifactId>\\s*<version>([^<]+)</version>")
            .matcher(InstallFiles.text(InstallFiles.root().resolve("pom.xml")));
    assertThat(m.find()).isTrue();
    return m.group(1);
  }

  static String pomProperty(String name) {
    Matcher m =
        Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</" + Pattern.quote(name) + ">")
            .matcher(InstallFiles.text(InstallFiles.root().resolve("pom.xml")));
    assertThat(m.find()).as("pom.xml property " + name).isTrue();
    return m.group(1);
  }
}
