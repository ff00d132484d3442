package dev.telescope.install;

import static dev.telescope.install.DeployManifestsTest.MUTATING;
import static dev.telescope.install.DeployManifestsTest.OPERATOR;
import static dev.telescope.install.DeployManifestsTest.WEBHOOK;
import static dev.telescope.install.DeployManifestsTest.container;
import static dev.telescope.install.DeployManifestsTest.find;
import static dev.telescope.install.InstallFiles.CERT_DIR;
import static dev.telescope.install.InstallFiles.CRD_NAME;
import static dev.telescope.install.InstallFiles.NAMESPACE;
import static dev.telescope.install.InstallFiles.id;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.zjsonpatch.JsonDiff;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * deploy/helm/telescope through real Helm (helm-java): it lints, and its templates give the same
 * objects as the kustomizations (default values = deploy/, cert-manager mode = the cert-manager
 * overlay), follow the release namespace, and put every value where it belongs.
 */
class HelmChartTest {

  static final Path CHART = InstallFiles.deploy().resolve("helm/telescope");

  static List<ObjectNode> template(String namespace, Map<String, Object> values) {
    var cmd = new Helm(CHART).template().withName("telescope").withNamespace(namespace);
    values.forEach(cmd::set);
    String out = cmd.call();
    try {
      Path f = Files.createTempFile("helm-template", ".yaml");
      try {
        Files.writeString(f, out);
        return InstallFiles.readObjects(f);
      } finally {
        Files.deleteIfExists(f);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What the chart adds on purpose: the CRD survives {@code helm uninstall}. */
  static Map<String, ObjectNode> comparable(List<ObjectNode> objects) {
    Map<String, ObjectNode> m = new TreeMap<>();
    for (ObjectNode o : objects) {
      ObjectNode copy = o.deepCopy();
      if (copy.path("metadata").path("annotations") instanceof ObjectNode a) {
        a.remove("helm.sh/resource-policy");
        if (a.isEmpty()) {
          ((ObjectNode) copy.path("metadata")).remove("annotations");
        }
      }
      m.put(Kustomize.key(copy), (ObjectNode) DeployManifestsTest.numbers(copy));
    }
    return m;
  }

  /** Renders afresh: other tests' handling of the shared renderings may leave marks on them. */
  static void assertSameObjects(List<ObjectNode> helm, List<ObjectNode> kustomize, String what) {
    List<ObjectNode> expected =
        kustomize.stream().filter(o -> !o.path("kind").asText().equals("Namespace")).toList();
    Map<String, ObjectNode> ours = comparable(helm);
    Map<String, ObjectNode> theirs = comparable(expected);
    assertThat(ours.keySet()).as(what + ": objects").isEqualTo(theirs.keySet());
    List<String> diffs = new ArrayList<>();
    ours.forEach(
        (k, v) -> {
          JsonNode patch = JsonDiff.asJson(theirs.get(k), v);
          if (!patch.isEmpty()) {
            diffs.add(k + ": " + patch);
          }
        });
    assertThat(diffs).as(what + ": JSON patches from kustomize's objects to Helm's").isEmpty();
  }

  @Test
  void chartLints() {
    LintResult result = new Helm(CHART).lint().strict().call();
    assertThat(result.isFailed()).as(String.join("\n", result.getMessages())).isFalse();
  }

  @Test
  void defaultValuesInstallWhatDeployInstalls() {
    assertSameObjects(
        template(NAMESPACE, Map.of()),
        Kustomize.render(InstallFiles.deploy()),
        "default values vs deploy/");
  }

  @Test
  void certManagerModeInstallsWhatTheCertManagerOverlayInstalls() {
    assertSameObjects(
        template(NAMESPACE, Map.of("certificates.mode", "cert-manager")),
        Kustomize.render(InstallFiles.deploy().resolve("overlays/cert-manager")),
        "cert-manager mode vs overlays/cert-manager");
  }

  @Test
  void filesModeMountsTheGivenSecretAndSetsTheGivenCa() {
    List<ObjectNode> objects =
        template(
            NAMESPACE,
            Map.of(
                "certificates.mode", "files",
                "certificates.files.secretName", "my-tls",
                "certificates.files.caBundle", "Q0EK"));
    ObjectNode d = find(objects, "Deployment", WEBHOOK);
    assertThat(Rbac.texts(container(d).path("args")))
        .containsExactly("webhook", "--cert-mode=files");
    assertThat(d.toString())
        .contains("\"mountPath\":\"" + CERT_DIR + "\"")
        .contains("\"secretName\":\"my-tls\"");
    List<JsonNode> clientConfigs = new ArrayList<>();
    for (String kind : List.of("MutatingWebhookConfiguration", "ValidatingWebhookConfiguration")) {
      for (ObjectNode cfg : DeployManifestsTest.ofKind(objects, kind)) {
        cfg.path("webhooks").forEach(w -> clientConfigs.add(w.path("clientConfig")));
      }
    }
    clientConfigs.add(
        find(objects, "CustomResourceDefinition", CRD_NAME)
            .path("spec")
            .path("conversion")
            .path("webhook")
            .path("clientConfig"));
    assertThat(clientConfigs)
        .as("every webhook and the conversion")
        .hasSize(DeployManifestsTest.PATHS.size() + 1);
    clientConfigs.forEach(c -> assertThat(c.path("caBundle").asText()).isEqualTo("Q0EK"));
    assertThat(Rbac.boundTo(objects, WEBHOOK, NAMESPACE, "RoleBinding", "Role"))
        .as("no Secret access when certificates are mounted")
        .isEmpty();
    assertThat(DeployManifestsTest.ofKind(objects, "Certificate")).isEmpty();
  }

  @Test
  void everyModeFollowsTheReleaseNamespace() {
    String ns = "observability-system";
    for (String mode : List.of("self-managed", "cert-manager", "files")) {
      List<ObjectNode> objects = template(ns, Map.of("certificates.mode", mode));
      assertThat(objects.toString()).as(mode).doesNotContain(NAMESPACE);
      for (ObjectNode o : objects) {
        String namespace = o.path("metadata").path("namespace").asText("");
        assertThat(namespace).as(mode + " " + id(o)).isIn("", ns);
      }
      ObjectNode mutating = find(objects, "MutatingWebhookConfiguration", MUTATING);
      assertThat(
              mutating
                  .path("webhooks")
                  .get(0)
                  .path("namespaceSelector")
                  .path("matchExpressions")
                  .get(0)
                  .path("values")
                  .get(0)
                  .asText())
          .isEqualTo(ns);
      assertThat(Rbac.boundTo(objects, OPERATOR, ns, "ClusterRoleBinding", "ClusterRole"))
          .as(mode + ": the operator's ServiceAccount in " + ns + " is bound")
          .isNotEmpty();
      if (mode.equals("cert-manager")) {
        ObjectNode cert = find(objects, "Certificate", "telescope-webhook");
        assertThat(Rbac.texts(cert.path("spec").path("dnsNames")))
            .containsExactly(
                WEBHOOK + "." + ns + ".svc", WEBHOOK + "." + ns + ".svc.cluster.local");
        DeployManifestsTest.assertInjectsCaFrom(objects, ns + "/telescope-webhook");
      }
    }
  }

  @Test
  void crdIsKeptOnUninstallAndIsTheGeneratedOne() throws IOException {
    ObjectNode crd = find(template(NAMESPACE, Map.of()), "CustomResourceDefinition", CRD_NAME);
    assertThat(crd.path("metadata").path("annotations").path("helm.sh/resource-policy").asText())
        .isEqualTo("keep");
    for (String file :
        List.of(
            InstallFiles.CRD_FILE,
            "targetallocators.opentelemetry.io.yaml",
            "instrumentations.opentelemetry.io.yaml")) {
      assertThat(Files.readString(CHART.resolve("files").resolve(file)))
          .as("the chart's copy of crd/" + file)
          .isEqualTo(Files.readString(InstallFiles.root().resolve("crd").resolve(file)));
      String name = file.substring(0, file.length() - ".yaml".length());
      assertThat(
              find(template(NAMESPACE, Map.of()), "CustomResourceDefinition", name)
                  .path("metadata")
                  .path("annotations")
                  .path("helm.sh/resource-policy")
                  .asText())
          .as(name + " is kept on uninstall")
          .isEqualTo("keep");
    }
    for (String[] copy :
        List.of(
            new String[] {"rbac-operator.yaml", "base/rbac-operator.yaml"},
            new String[] {"rbac-webhook.yaml", "base/rbac-webhook.yaml"},
            new String[] {"rbac-self-managed-certs.yaml", "self-managed-certs/rbac.yaml"})) {
      assertThat(Files.readString(CHART.resolve("files").resolve(copy[0])))
          .as("the chart's " + copy[0] + " is deploy/" + copy[1])
          .isEqualTo(Files.readString(InstallFiles.deploy().resolve(copy[1])));
    }
  }

  @Test
  void valuesLandWhereTheyBelong() {
    Map<String, Object> values = new TreeMap<>();
    values.put("image.repository", "registry.example.com/mirror/telescope");
    values.put("image.tag", "9.9.9");
    values.put("imagePullSecrets[0].name", "pull");
    values.put("watchNamespaces[0]", "team-a");
    values.put("watchNamespaces[1]", "team-b");
    values.put("collectorImage", "example.com/otelcol:1");
    values.put("targetAllocatorImage", "example.com/ta:1");
    values.put("autoInstrumentation.java", "example.com/java:1");
    values.put("autoInstrumentation.apacheHttpd", "example.com/httpd:1");
    values.put("operator.resources.limits.memory", "512Mi");
    values.put("operator.nodeSelector.kubernetes\\.io/os", "linux");
    values.put("operator.tolerations[0].key", "dedicated");
    values.put("operator.tolerations[0].operator", "Exists");
    values.put("operator.priorityClassName", "system-cluster-critical");
    values.put("webhook.priorityClassName", "system-cluster-critical");
    values.put("webhook.replicas", "3");
    values.put(
        "webhook.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution"
            + ".nodeSelectorTerms[0].matchExpressions[0].key",
        "pool");
    values.put(
        "webhook.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution"
            + ".nodeSelectorTerms[0].matchExpressions[0].operator",
        "Exists");
    values.put("webhook.extraArgs[0]", "--log-format=json");
    List<ObjectNode> objects = template(NAMESPACE, values);
    List<String> settings =
        List.of(
            "--watch-namespaces=team-a,team-b",
            "--collector-image=example.com/otelcol:1",
            "--target-allocator-image=example.com/ta:1",
            "--auto-instrumentation-apache-httpd-image=example.com/httpd:1",
            "--auto-instrumentation-java-image=example.com/java:1");
    ObjectNode operator = find(objects, "Deployment", OPERATOR);
    ObjectNode webhook = find(objects, "Deployment", WEBHOOK);
    assertThat(Rbac.texts(container(operator).path("args"))).first().isEqualTo("operator");
    assertThat(Rbac.texts(container(operator).path("args"))).containsAll(settings);
    assertThat(Rbac.texts(container(webhook).path("args")))
        .containsAll(settings)
        .contains("--cert-mode=self-managed", "--log-format=json");
    for (ObjectNode d : List.of(operator, webhook)) {
      JsonNode pod = d.path("spec").path("template").path("spec");
      assertThat(container(d).path("image").asText())
          .isEqualTo("registry.example.com/mirror/telescope:9.9.9");
      assertThat(pod.path("imagePullSecrets").get(0).path("name").asText()).isEqualTo("pull");
      assertThat(pod.path("priorityClassName").asText()).isEqualTo("system-cluster-critical");
    }
    JsonNode operatorPod = operator.path("spec").path("template").path("spec");
    assertThat(operatorPod.path("nodeSelector").path("kubernetes.io/os").asText())
        .isEqualTo("linux");
    assertThat(operatorPod.path("tolerations").get(0).path("key").asText()).isEqualTo("dedicated");
    assertThat(container(operator).path("resources").path("limits").path("memory").asText())
        .isEqualTo("512Mi");
    assertThat(webhook.path("spec").path("replicas").asInt()).isEqualTo(3);
    JsonNode affinity = webhook.path("spec").path("template").path("spec").path("affinity");
    assertThat(affinity.has("nodeAffinity")).isTrue();
    assertThat(affinity.has("podAntiAffinity")).as("given affinity replaces the default").isFalse();
  }

  @Test
  void secureMetricsGetTheFlagAndTheMountedToken() {
    Map<String, Object> values = new TreeMap<>();
    values.put("metrics.secure", "true");
    values.put("metrics.bearerTokenSecret", "scrape-token");
    List<ObjectNode> objects = template(NAMESPACE, values);
    for (String name : List.of(OPERATOR, WEBHOOK)) {
      ObjectNode d = find(objects, "Deployment", name);
      assertThat(Rbac.texts(container(d).path("args")))
          .as(name)
          .contains(
              "--metrics-secure",
              "--metrics-bearer-token-file=/var/run/telescope/metrics-token/token");
      String mountPath = null;
      for (JsonNode m : container(d).path("volumeMounts")) {
        if (m.path("name").asText().equals("metrics-token")) {
          mountPath = m.path("mountPath").asText();
        }
      }
      assertThat(mountPath).as(name).isEqualTo("/var/run/telescope/metrics-token");
      String secret = null;
      for (JsonNode v : d.path("spec").path("template").path("spec").path("volumes")) {
        if (v.path("name").asText().equals("metrics-token")) {
          secret = v.path("secret").path("secretName").asText();
        }
      }
      assertThat(secret).as(name).isEqualTo("scrape-token");
    }
    List<ObjectNode> noToken = template(NAMESPACE, Map.of("metrics.secure", "true"));
    assertThat(Rbac.texts(container(find(noToken, "Deployment", OPERATOR)).path("args")))
        .contains("--metrics-secure")
        .noneMatch(a -> a.startsWith("--metrics-bearer-token-file"));
    assertThatThrownBy(() -> template(NAMESPACE, Map.of("metrics.secure", "sometimes")))
        .hasMessageContaining("secure");
  }

  @Test
  void schemaAndTemplatesRejectBadValues() {
    assertThatThrownBy(() -> template(NAMESPACE, Map.of("certificates.mode", "letsencrypt")))
        .hasMessageContaining("certificates");
    assertThatThrownBy(() -> template(NAMESPACE, Map.of("operator.replicas", "many")))
        .hasMessageContaining("replicas");
    assertThatThrownBy(() -> template(NAMESPACE, Map.of("colectorImage", "typo")))
        .hasMessageContaining("colectorImage");
  }
}
