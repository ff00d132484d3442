package dev.telescope.install;

import static dev.telescope.install.InstallFiles.CERT_DIR;
import static dev.telescope.install.InstallFiles.CRD_NAME;
import static dev.telescope.install.InstallFiles.IMAGE;
import static dev.telescope.install.InstallFiles.NAMESPACE;
import static dev.telescope.install.InstallFiles.id;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.zjsonpatch.JsonDiff;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * What {@code kubectl apply -k deploy/} (and the two overlays) install: parsed, cross-checked
 * against each other and against the names every other part of Telescope relies on, and applied to
 * a mock API server.
 */
class DeployManifestsTest {

  static final String OPERATOR = "telescope-operator";
  static final String WEBHOOK = "telescope-webhook";
  static final String MUTATING = "telescope-mutating-webhook-configuration";
  static final String VALIDATING = "telescope-validating-webhook-configuration";

  static final List<String> ALL =
      List.of("get", "list", "watch", "create", "update", "patch", "delete");
  static final List<String> READ = List.of("get", "list", "watch");

  private static Map<String, List<ObjectNode>> renderings;

  /** The rendered kustomizations, by directory relative to deploy/ (rendered once; read-only). */
  static synchronized Map<String, List<ObjectNode>> renderings() {
    if (renderings == null) {
      renderings = render();
    }
    return renderings;
  }

  private static Map<String, List<ObjectNode>> render() {
    Map<String, List<ObjectNode>> m = new LinkedHashMap<>();
    m.put(".", Kustomize.render(InstallFiles.deploy()));
    m.put(
        "overlays/cert-manager",
        Kustomize.render(InstallFiles.deploy().resolve("overlays/cert-manager")));
    m.put(
        "overlays/openshift",
        Kustomize.render(InstallFiles.deploy().resolve("overlays/openshift")));
    return m;
  }

  static ObjectNode find(List<ObjectNode> objects, String kind, String name) {
    return objects.stream()
        .filter(o -> kind.equals(o.path("kind").asText()))
        .filter(o -> name.equals(o.path("metadata").path("name").asText()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " " + name));
  }

  static List<ObjectNode> ofKind(List<ObjectNode> objects, String kind) {
    return objects.stream().filter(o -> kind.equals(o.path("kind").asText())).toList();
  }

  static JsonNode container(ObjectNode deployment) {
    JsonNode containers = deployment.path("spec").path("template").path("spec").path("containers");
    assertThat(containers.size()).as(id(deployment) + " containers").isEqualTo(1);
    return containers.get(0);
  }

  static boolean selects(JsonNode selector, JsonNode labels) {
    if (selector == null || selector.isMissingNode() || selector.isEmpty()) {
      return false;
    }
    for (var e : selector.properties()) {
      if (!e.getValue().asText().equals(labels.path(e.getKey()).asText(null))) {
        return false;
      }
    }
    return true;
  }

  @Test
  void everyKustomizationRendersWithTheObjectsOfAnInstall() {
    renderings()
        .forEach(
            (dir, objects) -> {
              Set<String> kinds = new TreeSet<>();
              objects.forEach(o -> kinds.add(o.path("kind").asText()));
              assertThat(kinds)
                  .as(dir)
                  .contains(
                      "Namespace",
                      "CustomResourceDefinition",
                      "ServiceAccount",
                      "ClusterRole",
                      "ClusterRoleBinding",
                      "Role",
                      "RoleBinding",
                      "Deployment",
                      "Service",
                      "PodDisruptionBudget",
                      "MutatingWebhookConfiguration",
                      "ValidatingWebhookConfiguration");
              for (ObjectNode o : objects) {
                assertThat(o.path("metadata").path("name").asText())
                    .as(dir + " " + id(o))
                    .isNotEmpty();
                boolean clusterScoped = Kustomize.CLUSTER_SCOPED.contains(o.path("kind").asText());
                assertThat(o.path("metadata").path("namespace").asText(""))
                    .as(dir + " namespace of " + id(o))
                    .isEqualTo(clusterScoped ? "" : NAMESPACE);
              }
            });
  }

  @Test
  void testRendererAgreesWithKubectlKustomize() throws Exception {
    Assumptions.assumeTrue(
        Kustomize.kubectlAvailable(),
        "kubectl is not installed: the comparison with the real kustomize is skipped");
    List<Path> dirs =
        List.of(
            InstallFiles.deploy(),
            InstallFiles.deploy().resolve("overlays/cert-manager"),
            InstallFiles.deploy().resolve("overlays/openshift"),
            InstallFiles.examples().resolve("walkthrough"));
    for (Path dir : dirs) {
      Map<String, ObjectNode> ours = Kustomize.byKey(Kustomize.render(dir));
      Map<String, ObjectNode> theirs = Kustomize.byKey(Kustomize.kubectl(dir));
      assertThat(ours.keySet()).as(dir.toString()).isEqualTo(theirs.keySet());
      ours.forEach(
          (k, v) ->
              assertThat(JsonDiff.asJson(numbers(v), numbers(theirs.get(k))))
                  .as(dir + " " + k + ": JSON patch from ours to kubectl's")
                  .isEmpty());
    }
  }

  /** kustomize writes 1.0 as 1; compare numbers by value. */
  static JsonNode numbers(JsonNode n) {
    if (n.isNumber()) {
      return InstallFiles.JSON.getNodeFactory().numberNode(n.decimalValue().stripTrailingZeros());
    }
    if (n.isObject()) {
      ObjectNode copy = InstallFiles.JSON.createObjectNode();
      n.properties().forEach(e -> copy.set(e.getKey(), numbers(e.getValue())));
      return copy;
    }
    if (n.isArray()) {
      var copy = InstallFiles.JSON.createArrayNode();
      n.forEach(c -> copy.add(numbers(c)));
      return copy;
    }
    return n;
  }

  @Test
  void everyObjectIsATypedFabric8ObjectWithoutUnknownFields() {
    renderings()
        .forEach(
            (dir, objects) -> {
              for (ObjectNode o : objects) {
                HasMetadata typed = Strict.typed(o);
                String apiVersion = o.path("apiVersion").asText();
                if (apiVersion.startsWith("cert-manager.io/")) {
                  // No fabric8 model for cert-manager; checked field by field below.
                  continue;
                }
                assertThat(Strict.isGeneric(typed))
                    .as(dir + " " + id(o) + " should map to a fabric8 model class")
                    .isFalse();
                assertThat(Strict.unknownFields(typed))
                    .as(dir + " unknown fields in " + id(o))
                    .isEmpty();
              }
            });
  }

  @Test
  void onlyApiVersionsServedByKubernetes125AndLater() {
    renderings()
        .forEach(
            (dir, objects) -> {
              for (ObjectNode o : objects) {
                assertThat(KubeApis.problem(o.path("apiVersion").asText()))
                    .as(dir + " " + id(o))
                    .isNull();
              }
              for (String kind :
                  List.of("MutatingWebhookConfiguration", "ValidatingWebhookConfiguration")) {
                for (ObjectNode cfg : ofKind(objects, kind)) {
                  for (JsonNode wh : cfg.path("webhooks")) {
                    for (JsonNode rule : wh.path("rules")) {
                      for (JsonNode g : rule.path("apiGroups")) {
                        for (JsonNode v : rule.path("apiVersions")) {
                          String av =
                              g.asText().isEmpty() ? v.asText() : g.asText() + "/" + v.asText();
                          assertThat(KubeApis.problem(av))
                              .as(dir + " rule of " + wh.path("name"))
                              .isNull();
                        }
                      }
                    }
                  }
                }
              }
            });
  }

  @Test
  void deploymentSelectorsMatchTheirPodsAndNothingElse() {
    renderings()
        .forEach(
            (dir, objects) -> {
              List<ObjectNode> deployments = ofKind(objects, "Deployment");
              assertThat(deployments)
                  .extracting(d -> d.path("metadata").path("name").asText())
                  .as(dir)
                  .containsExactlyInAnyOrder(OPERATOR, WEBHOOK);
              for (ObjectNode d : deployments) {
                JsonNode sel = d.path("spec").path("selector");
                assertThat(sel.has("matchExpressions")).as(id(d)).isFalse();
                JsonNode podLabels =
                    d.path("spec").path("template").path("metadata").path("labels");
                assertThat(selects(sel.path("matchLabels"), podLabels))
                    .as(dir + " " + id(d))
                    .isTrue();
                for (ObjectNode other : deployments) {
                  if (other != d) {
                    JsonNode otherLabels =
                        other.path("spec").path("template").path("metadata").path("labels");
                    assertThat(selects(sel.path("matchLabels"), otherLabels))
                        .as(dir + " " + id(d) + " must not select the pods of " + id(other))
                        .isFalse();
                  }
                }
              }
              ObjectNode webhook = find(objects, "Deployment", WEBHOOK);
              JsonNode webhookPods =
                  webhook.path("spec").path("template").path("metadata").path("labels");
              ObjectNode pdb = find(objects, "PodDisruptionBudget", WEBHOOK);
              assertThat(
                      selects(pdb.path("spec").path("selector").path("matchLabels"), webhookPods))
                  .as(dir + " PDB selects the webhook pods")
                  .isTrue();
            });
  }

  @Test
  void servicesSelectPodsAndTargetNamedContainerPorts() {
    renderings()
        .forEach(
            (dir, objects) -> {
              List<ObjectNode> deployments = ofKind(objects, "Deployment");
              for (ObjectNode svc : ofKind(objects, "Service")) {
                List<ObjectNode> selected =
                    deployments.stream()
                        .filter(
                            d ->
                                selects(
                                    svc.path("spec").path("selector"),
                                    d.path("spec")
                                        .path("template")
                                        .path("metadata")
                                        .path("labels")))
                        .toList();
                assertThat(selected)
                    .as(dir + " " + id(svc) + " selects exactly one Deployment")
                    .hasSize(1);
                JsonNode ports = container(selected.get(0)).path("ports");
                for (JsonNode sp : svc.path("spec").path("ports")) {
                  JsonNode target = sp.path("targetPort");
                  assertThat(target.isTextual())
                      .as(dir + " " + id(svc) + " targets ports by name")
                      .isTrue();
                  boolean found = false;
                  for (JsonNode cp : ports) {
                    found |= cp.path("name").asText().equals(target.asText());
                  }
                  assertThat(found)
                      .as(
                          dir
                              + " "
                              + id(svc)
                              + " targetPort "
                              + target
                              + " is a container port name")
                      .isTrue();
                }
              }
            });
  }

  static int resolveTargetPort(List<ObjectNode> objects, ObjectNode svc, JsonNode servicePort) {
    ObjectNode deployment =
        ofKind(objects, "Deployment").stream()
            .filter(
                d ->
                    selects(
                        svc.path("spec").path("selector"),
                        d.path("spec").path("template").path("metadata").path("labels")))
            .findFirst()
            .orElseThrow();
    JsonNode target = servicePort.path("targetPort");
    if (target.isInt()) {
      return target.asInt();
    }
    for (JsonNode cp : container(deployment).path("ports")) {
      if (cp.path("name").asText().equals(target.asText())) {
        return cp.path("containerPort").asInt();
      }
    }
    throw new AssertionError("unresolved targetPort " + target);
  }

  @Test
  void containerPortsAreTheAgreedOnes() {
    renderings()
        .forEach(
            (dir, objects) -> {
              Map<String, Integer> operatorPorts = new HashMap<>();
              container(find(objects, "Deployment", OPERATOR))
                  .path("ports")
                  .forEach(
                      p ->
                          operatorPorts.put(
                              p.path("name").asText(), p.path("containerPort").asInt()));
              assertThat(operatorPorts).as(dir).isEqualTo(Map.of("health", 8081, "metrics", 8080));
              Map<String, Integer> webhookPorts = new HashMap<>();
              container(find(objects, "Deployment", WEBHOOK))
                  .path("ports")
                  .forEach(
                      p ->
                          webhookPorts.put(
                              p.path("name").asText(), p.path("containerPort").asInt()));
              assertThat(webhookPorts)
                  .as(dir)
                  .isEqualTo(Map.of("webhook", 9443, "health", 8081, "metrics", 8080));
            });
  }

  @Test
  void webhookServiceListensOn443AndReachesPort9443() {
    renderings()
        .forEach(
            (dir, objects) -> {
              ObjectNode svc = find(objects, "Service", WEBHOOK);
              JsonNode ports = svc.path("spec").path("ports");
              assertThat(ports.size()).isEqualTo(1);
              assertThat(ports.get(0).path("port").asInt()).as(dir).isEqualTo(443);
              assertThat(resolveTargetPort(objects, svc, ports.get(0))).as(dir).isEqualTo(9443);
            });
  }

  /** Webhook name -> path, as HELPERS.md fixes them. */
  static final Map<String, String> PATHS =
      Map.of(
          "mpod.telescope.dev", "/mutate-v1-pod",
          "mopentelemetrycollectorbeta.telescope.dev",
              "/mutate-opentelemetry-io-v1beta1-opentelemetrycollector",
          "vopentelemetrycollectorcreateupdatebeta.telescope.dev",
              "/validate-opentelemetry-io-v1beta1-opentelemetrycollector",
          "minstrumentation.telescope.dev", "/mutate-opentelemetry-io-v1alpha1-instrumentation",
          "vinstrumentationcreateupdate.telescope.dev",
              "/validate-opentelemetry-io-v1alpha1-instrumentation",
          "vtargetallocatorcreateupdate.telescope.dev",
              "/validate-opentelemetry-io-v1alpha1-targetallocator");

  /** The webhook on the TargetAllocator kind (its own API version, no conversion). */
  static final String TARGET_ALLOCATOR_WEBHOOK = "vtargetallocatorcreateupdate.telescope.dev";

  @Test
  void webhookConfigurationsCallTheWebhookServiceOnTheAgreedPaths() {
    renderings()
        .forEach(
            (dir, objects) -> {
              Map<String, String> seen = new HashMap<>();
              assertThat(ofKind(objects, "MutatingWebhookConfiguration"))
                  .extracting(o -> o.path("metadata").path("name").asText())
                  .containsExactly(MUTATING);
              assertThat(ofKind(objects, "ValidatingWebhookConfiguration"))
                  .extracting(o -> o.path("metadata").path("name").asText())
                  .containsExactly(VALIDATING);
              for (String kind :
                  List.of("MutatingWebhookConfiguration", "ValidatingWebhookConfiguration")) {
                for (ObjectNode cfg : ofKind(objects, kind)) {
                  for (JsonNode wh : cfg.path("webhooks")) {
                    String name = wh.path("name").asText();
                    JsonNode service = wh.path("clientConfig").path("service");
                    assertThat(wh.path("clientConfig").has("url")).as(name).isFalse();
                    assertThat(service.path("name").asText()).as(name).isEqualTo(WEBHOOK);
                    assertThat(service.path("namespace").asText()).as(name).isEqualTo(NAMESPACE);
                    assertThat(service.path("port").asInt()).as(name).isEqualTo(443);
                    assertThat(wh.path("sideEffects").asText()).as(name).isEqualTo("None");
                    assertThat(Rbac.texts(wh.path("admissionReviewVersions")))
                        .as(name)
                        .containsExactly("v1");
                    assertThat(wh.path("timeoutSeconds").isInt())
                        .as(name + " explicit timeout")
                        .isTrue();
                    seen.put(name, service.path("path").asText());
                    if (name.equals(TARGET_ALLOCATOR_WEBHOOK)) {
                      JsonNode rule = wh.path("rules").get(0);
                      assertThat(wh.path("failurePolicy").asText()).as(name).isEqualTo("Fail");
                      assertThat(Rbac.texts(rule.path("apiVersions"))).containsExactly("v1alpha1");
                      assertThat(Rbac.texts(rule.path("resources")))
                          .containsExactly("targetallocators");
                    } else if (!name.equals("mpod.telescope.dev")) {
                      assertThat(wh.path("failurePolicy").asText()).as(name).isEqualTo("Fail");
                      JsonNode rule = wh.path("rules").get(0);
                      assertThat(wh.path("rules").size()).isEqualTo(1);
                      assertThat(Rbac.texts(rule.path("apiGroups")))
                          .containsExactly("opentelemetry.io");
                      boolean instrumentation = name.contains("instrumentation");
                      assertThat(Rbac.texts(rule.path("apiVersions")))
                          .containsExactly(instrumentation ? "v1alpha1" : "v1beta1");
                      assertThat(Rbac.texts(rule.path("resources")))
                          .containsExactly(
                              instrumentation ? "instrumentations" : "opentelemetrycollectors");
                      assertThat(Rbac.texts(rule.path("operations")))
                          .containsExactlyInAnyOrder("CREATE", "UPDATE");
                      // v1alpha1 requests reach the v1beta1 handlers through conversion.
                      assertThat(wh.path("matchPolicy").asText("Equivalent"))
                          .isEqualTo("Equivalent");
                    }
                  }
                }
              }
              assertThat(seen).as(dir).isEqualTo(PATHS);
            });
  }

  @Test
  void podWebhookFailsOpenQuicklyOnCreateOnlyAndSkipsTheOperatorNamespace() {
    renderings()
        .forEach(
            (dir, objects) -> {
              JsonNode pod = null;
              for (JsonNode wh :
                  find(objects, "MutatingWebhookConfiguration", MUTATING).path("webhooks")) {
                if (wh.path("name").asText().equals("mpod.telescope.dev")) {
                  pod = wh;
                }
              }
              assertThat(pod).as(dir).isNotNull();
              assertThat(pod.path("failurePolicy").asText()).isEqualTo("Ignore");
              assertThat(pod.path("timeoutSeconds").asInt()).isBetween(1, 5);
              JsonNode rules = pod.path("rules");
              assertThat(rules.size()).isEqualTo(1);
              assertThat(Rbac.texts(rules.get(0).path("operations"))).containsExactly("CREATE");
              assertThat(Rbac.texts(rules.get(0).path("resources"))).containsExactly("pods");
              assertThat(Rbac.texts(rules.get(0).path("apiGroups"))).containsExactly("");
              JsonNode exprs = pod.path("namespaceSelector").path("matchExpressions");
              boolean skipsOwn = false;
              for (JsonNode e : exprs) {
                skipsOwn |=
                    e.path("key").asText().equals("kubernetes.io/metadata.name")
                        && e.path("operator").asText().equals("NotIn")
                        && Rbac.texts(e.path("values")).contains(NAMESPACE);
              }
              assertThat(skipsOwn).as(dir + " pod webhook skips " + NAMESPACE).isTrue();
            });
  }

  @Test
  void crdConvertsThroughTheWebhookService() {
    renderings()
        .forEach(
            (dir, objects) -> {
              ObjectNode crd = find(objects, "CustomResourceDefinition", CRD_NAME);
              JsonNode conv = crd.path("spec").path("conversion");
              assertThat(conv.path("strategy").asText()).as(dir).isEqualTo("Webhook");
              JsonNode service = conv.path("webhook").path("clientConfig").path("service");
              assertThat(service.path("name").asText()).isEqualTo(WEBHOOK);
              assertThat(service.path("namespace").asText()).isEqualTo(NAMESPACE);
              assertThat(service.path("path").asText()).isEqualTo("/convert");
              assertThat(service.path("port").asInt()).isEqualTo(443);
              assertThat(Rbac.texts(conv.path("webhook").path("conversionReviewVersions")))
                  .containsExactly("v1");
              assertThat(crd.path("spec").path("preserveUnknownFields").asBoolean(false)).isFalse();
              Set<String> versions = new TreeSet<>();
              crd.path("spec").path("versions").forEach(v -> versions.add(v.path("name").asText()));
              assertThat(versions).containsExactly("v1alpha1", "v1beta1");
            });
  }

  @Test
  void podsAreHardenedAndSized() {
    renderings()
        .forEach(
            (dir, objects) -> {
              for (ObjectNode d : ofKind(objects, "Deployment")) {
                String what = dir + " " + id(d);
                JsonNode pod = d.path("spec").path("template").path("spec");
                assertThat(pod.path("securityContext").path("runAsNonRoot").asBoolean())
                    .as(what)
                    .isTrue();
                assertThat(pod.path("securityContext").path("seccompProfile").path("type").asText())
                    .as(what)
                    .isEqualTo("RuntimeDefault");
                // OpenShift's restricted SCC assigns the UID; a fixed one would be rejected there.
                assertThat(pod.path("securityContext").has("runAsUser")).as(what).isFalse();
                assertThat(pod.path("hostNetwork").asBoolean(false)).isFalse();
                JsonNode c = container(d);
                JsonNode sc = c.path("securityContext");
                assertThat(sc.path("allowPrivilegeEscalation").isBoolean()).as(what).isTrue();
                assertThat(sc.path("allowPrivilegeEscalation").asBoolean()).as(what).isFalse();
                assertThat(sc.path("readOnlyRootFilesystem").asBoolean()).as(what).isTrue();
                assertThat(sc.path("privileged").asBoolean(false)).as(what).isFalse();
                assertThat(sc.has("runAsUser")).as(what).isFalse();
                assertThat(Rbac.texts(sc.path("capabilities").path("drop")))
                    .as(what)
                    .containsExactly("ALL");
                assertThat(sc.path("capabilities").has("add")).as(what).isFalse();
                JsonNode res = c.path("resources");
                for (String kind : List.of("requests", "limits")) {
                  for (String r : List.of("cpu", "memory")) {
                    assertThat(res.path(kind).path(r).asText())
                        .as(what + " " + kind + "." + r)
                        .isNotEmpty();
                  }
                }
                assertThat(c.path("image").asText()).as(what).isEqualTo(IMAGE);
                assertThat(c.path("livenessProbe").path("httpGet").path("path").asText())
                    .isEqualTo("/healthz");
                assertThat(c.path("livenessProbe").path("httpGet").path("port").asText())
                    .isEqualTo("health");
                assertThat(c.path("readinessProbe").path("httpGet").path("path").asText())
                    .isEqualTo("/readyz");
                assertThat(c.path("readinessProbe").path("httpGet").path("port").asText())
                    .isEqualTo("health");
                Map<String, JsonNode> env = new HashMap<>();
                c.path("env").forEach(e -> env.put(e.path("name").asText(), e));
                assertThat(
                        env.get("POD_NAMESPACE")
                            .path("valueFrom")
                            .path("fieldRef")
                            .path("fieldPath")
                            .asText())
                    .as(what)
                    .isEqualTo("metadata.namespace");
                assertThat(
                        env.get("POD_NAME")
                            .path("valueFrom")
                            .path("fieldRef")
                            .path("fieldPath")
                            .asText())
                    .as(what)
                    .isEqualTo("metadata.name");
                assertThat(env.get("JAVA_TOOL_OPTIONS").path("value").asText())
                    .as(what)
                    .contains("-XX:MaxRAMPercentage=", "-Dsun.net.httpserver.nodelay=true");
                // The read-only root filesystem needs a writable /tmp (JVM temp files, webhook
                // certificates).
                String tmpVolume = null;
                for (JsonNode m : c.path("volumeMounts")) {
                  if (m.path("mountPath").asText().equals("/tmp")) {
                    tmpVolume = m.path("name").asText();
                  }
                }
                assertThat(tmpVolume).as(what + " mounts /tmp").isNotNull();
                boolean emptyDir = false;
                for (JsonNode v : pod.path("volumes")) {
                  emptyDir |= v.path("name").asText().equals(tmpVolume) && v.has("emptyDir");
                }
                assertThat(emptyDir).as(what + " /tmp is an emptyDir").isTrue();
              }
              assertThat(Rbac.texts(container(find(objects, "Deployment", OPERATOR)).path("args")))
                  .containsExactly("operator");
              assertThat(
                      find(objects, "Deployment", OPERATOR).path("spec").path("replicas").asInt())
                  .isEqualTo(1);
              assertThat(
                      find(objects, "Deployment", OPERATOR)
                          .path("spec")
                          .path("template")
                          .path("spec")
                          .path("serviceAccountName")
                          .asText())
                  .isEqualTo(OPERATOR);
              assertThat(
                      find(objects, "Deployment", WEBHOOK)
                          .path("spec")
                          .path("template")
                          .path("spec")
                          .path("serviceAccountName")
                          .asText())
                  .isEqualTo(WEBHOOK);
            });
  }

  @Test
  void webhookCertificateModeFollowsTheInstallFlavour() {
    Map<String, List<ObjectNode>> r = renderings();
    JsonNode base = container(find(r.get("."), "Deployment", WEBHOOK));
    assertThat(Rbac.texts(base.path("args")))
        .containsExactly("webhook", "--cert-mode=self-managed");
    for (String overlay : List.of("overlays/cert-manager", "overlays/openshift")) {
      ObjectNode d = find(r.get(overlay), "Deployment", WEBHOOK);
      JsonNode c = container(d);
      assertThat(Rbac.texts(c.path("args")))
          .as(overlay)
          .containsExactly("webhook", "--cert-mode=files");
      String volume = null;
      for (JsonNode m : c.path("volumeMounts")) {
        if (m.path("mountPath").asText().equals(CERT_DIR)) {
          volume = m.path("name").asText();
          assertThat(m.path("readOnly").asBoolean()).isTrue();
        }
      }
      assertThat(volume).as(overlay + " mounts the certificate at " + CERT_DIR).isNotNull();
      String secret = null;
      for (JsonNode v : d.path("spec").path("template").path("spec").path("volumes")) {
        if (v.path("name").asText().equals(volume)) {
          secret = v.path("secret").path("secretName").asText(null);
        }
      }
      assertThat(secret).as(overlay).isEqualTo("telescope-webhook-tls");
    }
  }

  @Test
  void certManagerOverlayIssuesAndInjectsTheCertificate() {
    List<ObjectNode> objects = renderings().get("overlays/cert-manager");
    ObjectNode cert = find(objects, "Certificate", "telescope-webhook");
    JsonNode spec = cert.path("spec");
    assertThat(spec.path("secretName").asText()).isEqualTo("telescope-webhook-tls");
    assertThat(spec.path("privateKey").path("encoding").asText()).isEqualTo("PKCS8");
    assertThat(Rbac.texts(spec.path("dnsNames")))
        .contains(
            WEBHOOK + "." + NAMESPACE + ".svc", WEBHOOK + "." + NAMESPACE + ".svc.cluster.local");
    String issuer = spec.path("issuerRef").path("name").asText();
    assertThat(spec.path("issuerRef").path("kind").asText()).isEqualTo("Issuer");
    find(objects, "Issuer", issuer);
    assertInjectsCaFrom(objects, NAMESPACE + "/" + cert.path("metadata").path("name").asText());
  }

  /** Both webhook configurations and the CRD, the objects that carry a caBundle. */
  static List<ObjectNode> caBundleTargets(List<ObjectNode> objects) {
    return List.of(
        find(objects, "MutatingWebhookConfiguration", MUTATING),
        find(objects, "ValidatingWebhookConfiguration", VALIDATING),
        find(objects, "CustomResourceDefinition", CRD_NAME));
  }

  /** cert-manager's cainjector fills every caBundle from {@code certificate} (namespace/name). */
  static void assertInjectsCaFrom(List<ObjectNode> objects, String certificate) {
    for (ObjectNode o : caBundleTargets(objects)) {
      assertThat(
              o.path("metadata")
                  .path("annotations")
                  .path("cert-manager.io/inject-ca-from")
                  .asText())
          .as(id(o))
          .isEqualTo(certificate);
    }
  }

  @Test
  void openShiftOverlayUsesTheServiceCaOperator() {
    List<ObjectNode> objects = renderings().get("overlays/openshift");
    assertThat(
            find(objects, "Service", WEBHOOK)
                .path("metadata")
                .path("annotations")
                .path("service.beta.openshift.io/serving-cert-secret-name")
                .asText())
        .isEqualTo("telescope-webhook-tls");
    for (ObjectNode o :
        List.of(
            find(objects, "MutatingWebhookConfiguration", MUTATING),
            find(objects, "ValidatingWebhookConfiguration", VALIDATING),
            find(objects, "CustomResourceDefinition", CRD_NAME))) {
      assertThat(
              o.path("metadata")
                  .path("annotations")
                  .path("service.beta.openshift.io/inject-cabundle")
                  .asText())
          .as(id(o))
          .isEqualTo("true");
    }
  }

  @Test
  void webhookIsHighlyAvailable() {
    renderings()
        .forEach(
            (dir, objects) -> {
              ObjectNode d = find(objects, "Deployment", WEBHOOK);
              assertThat(d.path("spec").path("replicas").asInt()).as(dir).isEqualTo(2);
              ObjectNode pdb = find(objects, "PodDisruptionBudget", WEBHOOK);
              assertThat(pdb.path("spec").path("maxUnavailable").asInt()).isEqualTo(1);
              JsonNode preferred =
                  d.path("spec")
                      .path("template")
                      .path("spec")
                      .path("affinity")
                      .path("podAntiAffinity")
                      .path("preferredDuringSchedulingIgnoredDuringExecution");
              assertThat(preferred.size()).as(dir).isEqualTo(1);
              JsonNode term = preferred.get(0).path("podAffinityTerm");
              assertThat(term.path("topologyKey").asText()).isEqualTo("kubernetes.io/hostname");
              assertThat(
                      selects(
                          term.path("labelSelector").path("matchLabels"),
                          d.path("spec").path("template").path("metadata").path("labels")))
                  .as("anti-affinity is against the webhook's own pods")
                  .isTrue();
            });
  }

  /** Create, update (PUT), delete and reads: the operator never patches what it owns. */
  static final List<String> OWNED = List.of("get", "list", "watch", "create", "update", "delete");

  /**
   * What the collector reconciler itself reads and writes, and nothing more: SecurityBoundaryTest
   * records the calls the code makes and checks each of these is used.
   */
  static Set<String> operatorOwnRules() {
    Set<String> s = new TreeSet<>();
    s.addAll(
        Rbac.rule(
            "opentelemetry.io",
            List.of("opentelemetrycollectors"),
            List.of("get", "list", "watch", "patch")));
    s.addAll(
        Rbac.rule("opentelemetry.io", List.of("opentelemetrycollectors/status"), List.of("patch")));
    s.addAll(
        Rbac.rule(
            "opentelemetry.io", List.of("opentelemetrycollectors/finalizers"), List.of("update")));
    s.addAll(
        Rbac.rule(
            "opentelemetry.io",
            List.of("targetallocators"),
            List.of("get", "list", "watch", "create", "update", "patch", "delete")));
    s.addAll(
        Rbac.rule(
            "opentelemetry.io",
            List.of("targetallocators/status"),
            List.of("get", "update", "patch")));
    s.addAll(
        Rbac.rule("opentelemetry.io", List.of("targetallocators/finalizers"), List.of("update")));
    s.addAll(Rbac.rule("opentelemetry.io", List.of("instrumentations"), List.of("list", "update")));
    s.addAll(Rbac.rule("", List.of("configmaps", "services", "serviceaccounts"), OWNED));
    s.addAll(Rbac.rule("apps", List.of("deployments", "daemonsets", "statefulsets"), OWNED));
    s.addAll(Rbac.rule("policy", List.of("poddisruptionbudgets"), OWNED));
    s.addAll(Rbac.rule("autoscaling", List.of("horizontalpodautoscalers"), OWNED));
    s.addAll(Rbac.rule("networking.k8s.io", List.of("ingresses", "networkpolicies"), OWNED));
    s.addAll(Rbac.rule("route.openshift.io", List.of("routes"), OWNED));
    s.addAll(
        Rbac.rule(
            "route.openshift.io", List.of("routes/custom-host"), List.of("create", "update")));
    s.addAll(Rbac.rule("monitoring.coreos.com", List.of("servicemonitors", "podmonitors"), OWNED));
    s.addAll(Rbac.rule("gateway.networking.k8s.io", List.of("httproutes"), OWNED));
    // cert-manager Issuers and Certificates for allocator mTLS.
    s.addAll(Rbac.rule("cert-manager.io", List.of("issuers", "certificates"), OWNED));
    s.addAll(
        Rbac.rule(
            "rbac.authorization.k8s.io", List.of("clusterroles", "clusterrolebindings"), OWNED));
    s.addAll(Rbac.rule("events.k8s.io", List.of("events"), List.of("create")));
    // The pod coverage check.
    s.addAll(Rbac.rule("", List.of("pods", "namespaces"), List.of("list")));
    s.addAll(Rbac.rule("apps", List.of("replicasets"), List.of("get")));
    s.addAll(
        Rbac.rule("apps", List.of("deployments", "daemonsets", "statefulsets"), List.of("patch")));
    // Leader election checks that the Lease's namespace exists before campaigning.
    s.addAll(Rbac.rule("", List.of("namespaces"), List.of("get")));
    return s;
  }

  /**
   * The union of the rules the operator may generate for collector components (upstream-operator.md
   * §2.7), written out independently of deploy/ so that a change on either side shows up here.
   * k8s_objects is absent on purpose: it can ask for anything.
   */
  static Set<String> collectorGrantAllowlist() {
    Set<String> s = new TreeSet<>();
    // k8sattributes
    s.addAll(Rbac.rule("", List.of("pods", "namespaces"), READ));
    s.addAll(Rbac.rule("apps", List.of("replicasets"), READ));
    s.addAll(Rbac.rule("", List.of("nodes"), READ));
    // resourcedetection: k8snode, openshift
    s.addAll(Rbac.rule("", List.of("nodes"), List.of("get", "list")));
    s.addAll(
        Rbac.rule(
            "config.openshift.io", List.of("infrastructures", "infrastructures/status"), READ));
    // k8s_cluster
    s.addAll(
        Rbac.rule(
            "",
            List.of(
                "events",
                "namespaces",
                "namespaces/status",
                "nodes",
                "nodes/spec",
                "persistentvolumes",
                "persistentvolumeclaims",
                "pods",
                "pods/status",
                "replicationcontrollers",
                "replicationcontrollers/status",
                "resourcequotas",
                "services"),
            READ));
    s.addAll(
        Rbac.rule(
            "apps", List.of("daemonsets", "deployments", "replicasets", "statefulsets"), READ));
    s.addAll(Rbac.rule("extensions", List.of("daemonsets", "deployments", "replicasets"), READ));
    s.addAll(Rbac.rule("batch", List.of("jobs", "cronjobs"), READ));
    s.addAll(Rbac.rule("autoscaling", List.of("horizontalpodautoscalers"), READ));
    s.addAll(Rbac.rule("quota.openshift.io", List.of("clusterresourcequotas"), READ));
    // k8s_events
    s.addAll(Rbac.rule("", List.of("events"), READ));
    // kubeletstats
    s.addAll(Rbac.rule("", List.of("nodes/stats", "nodes/proxy"), List.of("get")));
    // k8s_observer
    s.addAll(Rbac.rule("", List.of("pods", "services", "nodes"), List.of("list", "watch")));
    // k8s_leader_elector
    s.addAll(Rbac.rule("coordination.k8s.io", List.of("leases"), ALL));
    return s;
  }

  static Set<String> webhookReadRules() {
    Set<String> s = new TreeSet<>();
    s.addAll(
        Rbac.rule(
            "opentelemetry.io",
            List.of("opentelemetrycollectors"),
            List.of("get", "list", "watch")));
    s.addAll(Rbac.rule("", List.of("namespaces"), List.of("list", "watch")));
    s.addAll(Rbac.rule("apps", List.of("replicasets"), List.of("get")));
    s.addAll(Rbac.rule("opentelemetry.io", List.of("instrumentations"), List.of("list", "watch")));
    s.addAll(Rbac.rule("batch", List.of("jobs"), List.of("get")));
    s.addAll(Rbac.rule("", List.of("secrets", "configmaps"), List.of("get")));
    s.addAll(Rbac.rule("", List.of("events"), List.of("create")));
    // Admission of allocators with prometheusCR reviews their ServiceAccount's grants.
    s.addAll(Rbac.rule("authorization.k8s.io", List.of("subjectaccessreviews"), List.of("create")));
    return s;
  }

  static Set<String> selfManagedCertClusterRules() {
    List<String> verbs = List.of("get", "patch");
    Set<String> s = new TreeSet<>();
    s.addAll(
        Rbac.named(
            "admissionregistration.k8s.io", "mutatingwebhookconfigurations", verbs, MUTATING));
    s.addAll(
        Rbac.named(
            "admissionregistration.k8s.io", "validatingwebhookconfigurations", verbs, VALIDATING));
    s.addAll(Rbac.named("apiextensions.k8s.io", "customresourcedefinitions", verbs, CRD_NAME));
    return s;
  }

  static Set<String> selfManagedCertNamespacedRules() {
    Set<String> s = new TreeSet<>();
    s.addAll(Rbac.rule("", List.of("secrets"), List.of("create")));
    s.addAll(Rbac.named("", "secrets", List.of("get", "update"), "telescope-webhook-cert"));
    return s;
  }

  @Test
  void collectorGrantRoleIsExactlyTheComponentAllowlist() {
    renderings()
        .forEach(
            (dir, objects) ->
                assertThat(
                        Rbac.atoms(
                            find(objects, "ClusterRole", "telescope-operator-collector-grants")
                                .path("rules")))
                    .as(dir)
                    .isEqualTo(collectorGrantAllowlist()));
  }

  @Test
  void operatorHoldsExactlyWhatTheReconcilerUsesPlusTheGrantAllowlist() {
    renderings()
        .forEach(
            (dir, objects) -> {
              assertThat(Rbac.atoms(find(objects, "ClusterRole", OPERATOR).path("rules")))
                  .as(dir)
                  .isEqualTo(operatorOwnRules());
              Set<String> expected = new TreeSet<>(operatorOwnRules());
              expected.addAll(collectorGrantAllowlist());
              assertThat(
                      Rbac.boundTo(
                          objects, OPERATOR, NAMESPACE, "ClusterRoleBinding", "ClusterRole"))
                  .as(dir)
                  .isEqualTo(expected);
              assertThat(Rbac.boundTo(objects, OPERATOR, NAMESPACE, "RoleBinding", "Role"))
                  .as(dir + " leader election")
                  .isEqualTo(
                      Rbac.rule(
                          "coordination.k8s.io",
                          List.of("leases"),
                          List.of("get", "create", "update", "patch")));
            });
  }

  @Test
  void webhookHoldsOnlyWhatItsCertificateModeNeeds() {
    Map<String, List<ObjectNode>> r = renderings();
    Set<String> selfManaged = new TreeSet<>(webhookReadRules());
    selfManaged.addAll(selfManagedCertClusterRules());
    assertThat(Rbac.boundTo(r.get("."), WEBHOOK, NAMESPACE, "ClusterRoleBinding", "ClusterRole"))
        .isEqualTo(selfManaged);
    assertThat(Rbac.boundTo(r.get("."), WEBHOOK, NAMESPACE, "RoleBinding", "Role"))
        .isEqualTo(selfManagedCertNamespacedRules());
    for (String overlay : List.of("overlays/cert-manager", "overlays/openshift")) {
      assertThat(
              Rbac.boundTo(r.get(overlay), WEBHOOK, NAMESPACE, "ClusterRoleBinding", "ClusterRole"))
          .as(overlay)
          .isEqualTo(webhookReadRules());
      assertThat(Rbac.boundTo(r.get(overlay), WEBHOOK, NAMESPACE, "RoleBinding", "Role"))
          .as(overlay + ": no Secret access when certificates are mounted")
          .isEmpty();
    }
  }

  @Test
  void rbacHasNoWildcardsNoEscalationVerbsAndDanglingReferences() {
    renderings()
        .forEach(
            (dir, objects) -> {
              for (ObjectNode o : objects) {
                String kind = o.path("kind").asText();
                if (kind.equals("ClusterRole") || kind.equals("Role")) {
                  for (String atom : Rbac.atoms(o.path("rules"))) {
                    assertThat(atom).as(dir + " " + id(o)).doesNotContain("*");
                    String verb = atom.split("\\|", -1)[2];
                    assertThat(verb)
                        .as(dir + " " + id(o))
                        .isNotIn("escalate", "bind", "impersonate");
                  }
                }
                if (kind.equals("ClusterRoleBinding") || kind.equals("RoleBinding")) {
                  String roleKind = o.path("roleRef").path("kind").asText();
                  ObjectNode role =
                      find(objects, roleKind, o.path("roleRef").path("name").asText());
                  if (kind.equals("RoleBinding")) {
                    assertThat(role.path("metadata").path("namespace").asText())
                        .isEqualTo(o.path("metadata").path("namespace").asText());
                  }
                  for (JsonNode s : o.path("subjects")) {
                    assertThat(s.path("kind").asText()).isEqualTo("ServiceAccount");
                    ObjectNode sa = find(objects, "ServiceAccount", s.path("name").asText());
                    assertThat(sa.path("metadata").path("namespace").asText())
                        .isEqualTo(s.path("namespace").asText());
                  }
                }
              }
              Set<String> operatorAtoms =
                  Rbac.boundTo(objects, OPERATOR, NAMESPACE, "ClusterRoleBinding", "ClusterRole");
              assertThat(operatorAtoms).noneMatch(a -> a.startsWith("|secrets|"));
              assertThat(operatorAtoms)
                  .as("the operator never writes CRDs")
                  .noneMatch(
                      a ->
                          a.startsWith("apiextensions.k8s.io|")
                              && !a.matches(".*\\|(get|list|watch)\\|.*"));
            });
  }
}
