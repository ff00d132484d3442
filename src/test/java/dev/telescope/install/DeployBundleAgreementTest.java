package dev.telescope.install;

import static dev.telescope.install.DeployManifestsTest.OPERATOR;
import static dev.telescope.install.DeployManifestsTest.WEBHOOK;
import static dev.telescope.install.DeployManifestsTest.find;
import static dev.telescope.install.DeployManifestsTest.numbers;
import static dev.telescope.install.DeployManifestsTest.ofKind;
import static dev.telescope.install.InstallFiles.CERT_DIR;
import static dev.telescope.install.InstallFiles.CRD_NAME;
import static dev.telescope.install.InstallFiles.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.zjsonpatch.JsonDiff;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * One source of truth: what OLM installs from the bundle is what {@code kubectl apply -k} installs,
 * apart from where the webhook's certificate comes from. The CSV uses files mode (OLM mounts the
 * certificate), exactly like the cert-manager overlay, so the CSV is compared with that rendering
 * and the overlay with deploy/ (in DeployManifestsTest).
 */
class DeployBundleAgreementTest {
  final Bundle bundle = Bundle.get();

  static List<ObjectNode> filesMode() {
    return DeployManifestsTest.renderings().get("overlays/cert-manager");
  }

  static List<ObjectNode> selfManaged() {
    return DeployManifestsTest.renderings().get(".");
  }

  /** The Secret behind the certificate mount is the one detail each install chooses itself. */
  static JsonNode withoutCertSecretName(JsonNode deploymentSpec) {
    JsonNode copy = numbers(deploymentSpec);
    JsonNode pod = copy.path("template").path("spec");
    String certVolume = null;
    for (JsonNode c : pod.path("containers")) {
      for (JsonNode m : c.path("volumeMounts")) {
        if (m.path("mountPath").asText().equals(CERT_DIR)) {
          certVolume = m.path("name").asText();
        }
      }
    }
    for (JsonNode v : pod.path("volumes")) {
      if (v.path("name").asText().equals(certVolume)) {
        ((ObjectNode) v.path("secret")).put("secretName", "<certificate secret>");
      }
    }
    return copy;
  }

  @Test
  void sameDeploymentsWithTheSameSpecs() {
    Set<String> csvNames = new TreeSet<>();
    bundle.installSpec().path("deployments").forEach(d -> csvNames.add(d.path("name").asText()));
    Set<String> deployNames = new TreeSet<>();
    ofKind(filesMode(), "Deployment")
        .forEach(d -> deployNames.add(d.path("metadata").path("name").asText()));
    assertThat(csvNames).isEqualTo(deployNames).containsExactlyInAnyOrder(OPERATOR, WEBHOOK);
    for (String name : csvNames) {
      ObjectNode deployed = find(filesMode(), "Deployment", name);
      JsonNode csvDeployment = bundle.deployment(name);
      // image, args, env, ports, probes, resources, securityContext, volumes, affinity, replicas,
      // labels.
      assertThat(
              JsonDiff.asJson(
                  withoutCertSecretName(deployed.path("spec")),
                  withoutCertSecretName(csvDeployment.path("spec"))))
          .as("deploy/ -> CSV differences in the " + name + " Deployment spec")
          .isEmpty();
      assertThat(csvDeployment.path("label")).isEqualTo(deployed.path("metadata").path("labels"));
    }
  }

  @Test
  void deployDiffersFromTheBundleOnlyInTheWebhookCertificateMode() {
    ObjectNode operatorSelfManaged = find(selfManaged(), "Deployment", OPERATOR);
    assertThat(numbers(bundle.deployment(OPERATOR).path("spec")))
        .isEqualTo(numbers(operatorSelfManaged.path("spec")));
    List<String> deployArgs =
        Rbac.texts(
            find(selfManaged(), "Deployment", WEBHOOK)
                .path("spec")
                .path("template")
                .path("spec")
                .path("containers")
                .get(0)
                .path("args"));
    List<String> csvArgs =
        Rbac.texts(
            bundle
                .deployment(WEBHOOK)
                .path("spec")
                .path("template")
                .path("spec")
                .path("containers")
                .get(0)
                .path("args"));
    assertThat(deployArgs).containsExactly("webhook", "--cert-mode=self-managed");
    assertThat(csvArgs).containsExactly("webhook", "--cert-mode=files");
  }

  @Test
  void sameRulesForEachServiceAccount() {
    for (String sa : List.of(OPERATOR, WEBHOOK)) {
      assertThat(bundle.rules("clusterPermissions", sa))
          .as(sa + " cluster rules")
          .isEqualTo(Rbac.boundTo(filesMode(), sa, NAMESPACE, "ClusterRoleBinding", "ClusterRole"));
      assertThat(bundle.rules("permissions", sa))
          .as(sa + " namespaced rules")
          .isEqualTo(Rbac.boundTo(filesMode(), sa, NAMESPACE, "RoleBinding", "Role"));
    }
    // And the operator's rules do not depend on the certificate mode at all.
    assertThat(bundle.rules("clusterPermissions", OPERATOR))
        .isEqualTo(
            Rbac.boundTo(selfManaged(), OPERATOR, NAMESPACE, "ClusterRoleBinding", "ClusterRole"));
  }

  static Map<String, JsonNode> deployedWebhooks() {
    Map<String, JsonNode> out = new HashMap<>();
    for (String kind : List.of("MutatingWebhookConfiguration", "ValidatingWebhookConfiguration")) {
      for (ObjectNode cfg : ofKind(filesMode(), kind)) {
        for (JsonNode wh : cfg.path("webhooks")) {
          ((ObjectNode) wh)
              .put(
                  "_type",
                  kind.startsWith("Mutating")
                      ? "MutatingAdmissionWebhook"
                      : "ValidatingAdmissionWebhook");
          out.put(wh.path("name").asText(), wh);
        }
      }
    }
    return out;
  }

  @Test
  void sameAdmissionWebhooks() {
    Map<String, JsonNode> deployed = deployedWebhooks();
    ObjectNode service = find(filesMode(), "Service", WEBHOOK);
    JsonNode servicePort = service.path("spec").path("ports").get(0);
    int targetPort = DeployManifestsTest.resolveTargetPort(filesMode(), service, servicePort);
    Set<String> csvAdmission = new TreeSet<>();
    for (JsonNode wh : bundle.webhookDefinitions()) {
      String type = wh.path("type").asText();
      if (type.equals("ConversionWebhook")) {
        continue;
      }
      String name = wh.path("generateName").asText();
      csvAdmission.add(name);
      JsonNode d = deployed.get(name);
      assertThat(d).as("deploy/ has webhook " + name).isNotNull();
      assertThat(type).isEqualTo(d.path("_type").asText());
      assertThat(wh.path("webhookPath").asText())
          .isEqualTo(d.path("clientConfig").path("service").path("path").asText());
      assertThat(wh.path("deploymentName").asText()).isEqualTo(WEBHOOK);
      assertThat(wh.path("containerPort").asInt()).isEqualTo(servicePort.path("port").asInt());
      assertThat(wh.path("targetPort").asInt()).isEqualTo(targetPort);
      for (String field :
          List.of(
              "failurePolicy",
              "timeoutSeconds",
              "sideEffects",
              "admissionReviewVersions",
              "rules",
              "matchPolicy")) {
        assertThat(wh.path(field)).as(name + " " + field).isEqualTo(d.path(field));
      }
    }
    assertThat(csvAdmission).isEqualTo(new TreeSet<>(deployed.keySet()));
  }

  @Test
  void sameConversionWebhook() {
    JsonNode conv =
        bundle.webhookDefinitions().stream()
            .filter(w -> w.path("type").asText().equals("ConversionWebhook"))
            .findFirst()
            .orElseThrow();
    JsonNode deployed =
        find(filesMode(), "CustomResourceDefinition", CRD_NAME).path("spec").path("conversion");
    JsonNode svc = deployed.path("webhook").path("clientConfig").path("service");
    assertThat(Rbac.texts(conv.path("conversionCRDs"))).containsExactly(CRD_NAME);
    assertThat(conv.path("webhookPath").asText()).isEqualTo(svc.path("path").asText());
    assertThat(conv.path("containerPort").asInt()).isEqualTo(svc.path("port").asInt());
    assertThat(conv.path("deploymentName").asText()).isEqualTo(WEBHOOK);
    // OLM copies admissionReviewVersions into conversionReviewVersions.
    assertThat(conv.path("admissionReviewVersions"))
        .isEqualTo(deployed.path("webhook").path("conversionReviewVersions"));
  }

  @Test
  void looseBundleManifestsAreTheDeployedOnesWithoutANamespace() {
    for (ObjectNode o : bundle.manifests) {
      String kind = o.path("kind").asText();
      if (kind.equals("ClusterServiceVersion") || kind.equals("CustomResourceDefinition")) {
        continue;
      }
      // The bundle also ships deploy/monitoring (ServiceMonitor, PrometheusRule).
      List<ObjectNode> source =
          o.path("apiVersion").asText().startsWith("monitoring.coreos.com/")
              ? Kustomize.render(InstallFiles.deploy().resolve("monitoring"))
              : filesMode();
      ObjectNode deployed = find(source, kind, o.path("metadata").path("name").asText()).deepCopy();
      ((ObjectNode) deployed.path("metadata")).remove("namespace");
      assertThat(o).as(InstallFiles.id(o)).isEqualTo(deployed);
    }
    assertThat(bundle.ofKind("PodDisruptionBudget")).hasSize(1);
  }

  @Test
  void bundledCrdIsTheDeployedOneBeforeOlmAddsTheConversionWebhook() {
    ObjectNode bundled =
        bundle.ofKind("CustomResourceDefinition").stream()
            .filter(c -> c.path("metadata").path("name").asText().equals(InstallFiles.CRD_NAME))
            .findFirst()
            .orElseThrow();
    ObjectNode deployed =
        InstallFiles.readObject(
            InstallFiles.deploy().resolve("crd").resolve(InstallFiles.CRD_FILE));
    ((ObjectNode) deployed.path("spec")).remove("conversion");
    assertThat(bundled).isEqualTo(deployed);
    assertThat(bundled.path("spec").has("conversion")).as("OLM writes spec.conversion").isFalse();
  }
}
