package dev.telescope;

import static dev.telescope.reconciler.MockCluster.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.telescope.api.v1beta1.Config;
import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import dev.telescope.config.ComponentRbac;
import dev.telescope.config.Defaults;
import dev.telescope.manifests.CollectorContext;
import dev.telescope.manifests.CollectorManifests;
import dev.telescope.reconciler.CapabilityDetector;
import dev.telescope.reconciler.FaultyDispatcher;
import dev.telescope.reconciler.MockCluster;
import dev.telescope.reconciler.OperatorRuntime;
import dev.telescope.settings.Capabilities;
import dev.telescope.settings.OperatorConfig;
import dev.telescope.tls.CertificateSource;
import dev.telescope.tls.SelfManagedCertificates;
import dev.telescope.webhook.CollectorLookup;
import dev.telescope.webhook.InformerCollectorLookup;
import dev.telescope.webhook.KubernetesSidecarEvents;
import dev.telescope.webhook.PodAdmission;
import dev.telescope.webhook.RawTls;
import dev.telescope.webhook.SidecarInjector;
import dev.telescope.webhook.WebhookServer;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * What a CR or a pod must never obtain through the operator, and what the operator itself must
 * never need: RBAC outside the allowlist, a sidecar from another namespace that was not named
 * explicitly, permissions beyond what the code calls, secret material in logs, TLS below 1.2.
 */
class SecurityBoundaryTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final YAMLMapper YAML = new YAMLMapper();
  private static final Set<String> FORBIDDEN_VERBS = Set.of("*", "escalate", "bind", "impersonate");
  private static final Set<String> WRITE_VERBS =
      Set.of("create", "update", "patch", "delete", "deletecollection");

  // ---- RBAC a CR can ask for ------------------------------------------------------------------

  @Test
  void noCollectorConfigCanMakeTheOperatorGrantRbacOutsideTheAllowlist() {
    OperatorConfig cfg =
        OperatorConfig.defaults().withCapabilities(new Capabilities(true, true, true, true));
    Random random = new Random(4242);
    List<String> resources =
        List.of(
            "secrets",
            "*",
            "pods",
            "configmaps",
            "nodes",
            "nodes/proxy",
            "nodes/stats",
            "serviceaccounts/token",
            "clusterroles",
            "clusterrolebindings",
            "roles",
            "customresourcedefinitions",
            "events",
            "namespaces",
            "pods/exec",
            "leases",
            "certificatesigningrequests",
            "tokenreviews",
            "users",
            "groups");
    List<String> groups =
        List.of(
            "",
            "*",
            "apps",
            "rbac.authorization.k8s.io",
            "authentication.k8s.io",
            "coordination.k8s.io",
            "certificates.k8s.io",
            "events.k8s.io",
            "example.com");
    List<String> modes = List.of("pull", "watch", "", "escalate", "*", "bind");
    int asked = 0;
    int refusedSeen = 0;
    int configs = Boolean.getBoolean("telescope.long") ? 3_000 : 300;
    for (int i = 0; i < configs; i++) {
      ObjectNode config = JSON.createObjectNode();
      ObjectNode receivers = config.putObject("receivers");
      ObjectNode processors = config.putObject("processors");
      ObjectNode extensions = config.putObject("extensions");
      ArrayNode objects = receivers.putObject("k8sobjects").putArray("objects");
      for (int j = 0; j < 1 + random.nextInt(4); j++) {
        ObjectNode o = objects.addObject();
        o.put("name", resources.get(random.nextInt(resources.size())));
        o.put("group", groups.get(random.nextInt(groups.size())));
        o.put("mode", modes.get(random.nextInt(modes.size())));
        asked++;
      }
      if (random.nextBoolean()) {
        ObjectNode k8s = processors.putObject("k8sattributes");
        k8s.putObject("extract")
            .putArray("metadata")
            .add("k8s.node.name")
            .add(random.nextBoolean() ? "k8s.cronjob.uid" : "secret.data");
        k8s.put("auth_type", random.nextBoolean() ? "serviceAccount" : "kubeConfig");
      }
      if (random.nextBoolean()) {
        receivers.putObject("kubeletstats").putArray("extra_metadata_labels").add("container.id");
      }
      if (random.nextBoolean()) {
        receivers
            .putObject("k8s_cluster")
            .put("distribution", random.nextBoolean() ? "openshift" : "kubernetes");
      }
      // Components the operator does not know, asking for things in their settings.
      receivers
          .putObject("k8s_secrets/" + i)
          .putArray("objects")
          .addObject()
          .put("name", "secrets");
      processors.putObject("rbac_grabber").putArray("rules").addObject().put("verbs", "*");
      extensions.putObject("k8s_leader_elector").put("lease_name", "x");
      extensions
          .putObject("k8s_observer")
          .put("observe_pods", true)
          .put("observe_nodes", random.nextBoolean());
      config.putObject("exporters").putObject("debug");
      ObjectNode pipelines = config.putObject("service").putObject("pipelines");
      ObjectNode traces = pipelines.putObject("traces");
      traces.putArray("receivers").add("k8sobjects");
      if (processors.has("k8sattributes")) {
        traces.putArray("processors").add("k8sattributes");
      }
      traces.putArray("exporters").add("debug");
      config.with("service").putArray("extensions").add("k8s_leader_elector").add("k8s_observer");

      OpenTelemetryCollector cr =
          TestYaml.collector(
              "apiVersion: opentelemetry.io/v1beta1\nkind: OpenTelemetryCollector\nmetadata:\n"
                  + "  name: greedy\n  namespace: team-a\nspec:\n  mode: deployment\n");
      cr.getSpec().config = JSON.convertValue(config, Config.class);
      OpenTelemetryCollector defaulted = Defaults.apply(cr, cfg).collector();
      CollectorManifests.Rendered rendered =
          CollectorManifests.build(CollectorContext.of(defaulted, cfg));
      for (HasMetadata o : rendered.objects()) {
        if (o instanceof ClusterRole role) {
          for (PolicyRule r : role.getRules()) {
            assertThat(ComponentRbac.allowed(r)).as("rendered rule %s", r).isTrue();
            assertThat(r.getVerbs())
                .as("verbs of %s", r)
                .doesNotContainAnyElementsOf(FORBIDDEN_VERBS);
            if (r.getVerbs().stream().anyMatch(WRITE_VERBS::contains)) {
              // Only the leader-elector extension writes, and only its Leases.
              assertThat(r.getApiGroups()).containsExactly("coordination.k8s.io");
              assertThat(r.getResources()).containsExactly("leases");
            }
            assertThat(r.getResources())
                .doesNotContain("secrets", "*", "pods/exec", "nodes/proxy/*");
            assertThat(r.getApiGroups()).doesNotContain("*");
            assertThat(r.getNonResourceURLs()).isNullOrEmpty();
            assertThat(r.getResourceNames()).isNullOrEmpty();
          }
        }
      }
      boolean askedOutside =
          objects.findValuesAsText("name").stream()
              .anyMatch(
                  n ->
                      n.equals("secrets")
                          || n.equals("*")
                          || n.contains("token")
                          || n.startsWith("cluster")
                          || n.equals("roles")
                          || n.equals("pods/exec"));
      if (askedOutside) {
        assertThat(rendered.refusedRules()).as("refused rules for config %s", config).isNotEmpty();
        refusedSeen++;
      }
    }
    assertThat(asked).isGreaterThan(300);
    assertThat(refusedSeen).isGreaterThan(100);
  }

  @Test
  void theCollectorGrantsRoleInDeployIsExactlyTheAllowlist() throws Exception {
    Set<String> grants = new TreeSet<>();
    for (JsonNode doc : docs("deploy/base/rbac-operator.yaml")) {
      if ("telescope-operator-collector-grants".equals(doc.at("/metadata/name").asText())
          && "ClusterRole".equals(doc.path("kind").asText())) {
        for (JsonNode rule : doc.path("rules")) {
          for (JsonNode g : rule.path("apiGroups")) {
            for (JsonNode res : rule.path("resources")) {
              for (JsonNode v : rule.path("verbs")) {
                grants.add(g.asText() + "/" + res.asText() + ":" + v.asText());
              }
            }
          }
        }
      }
    }
    // Kubernetes refuses to let the operator grant what it does not hold: every allowlisted
    // permission must be held; anything more would be held for nothing.
    assertThat(grants).isEqualTo(new TreeSet<>(ComponentRbac.ALLOWLIST));
  }

  // ---- Sidecars across namespaces ---------------------------------------------------------------

  @Test
  void aPodGetsAnotherNamespacesSidecarOnlyWhenThatCollectorIsNamedExplicitly() {
    OperatorConfig cfg = OperatorConfig.defaults();
    SidecarInjector injector = new SidecarInjector(cfg);
    List<OpenTelemetryCollector> collectors =
        List.of(sidecarCollector("team-b", "shared"), sidecarCollector("team-b", "only-b"));
    record Case(String podValue, String nsValue, String injected) {}
    List<Case> cases =
        List.of(
            // Nothing in team-a: "true" must not reach into team-b.
            new Case("true", null, null),
            new Case(null, "true", null),
            new Case("true", "true", null),
            // A bare name is a name in the pod's own namespace.
            new Case("shared", null, null),
            new Case(null, "shared", null),
            new Case("only-b", "true", null),
            // Malformed or sneaky values.
            new Case("team-b/shared/extra", null, null),
            new Case("/shared", null, null),
            new Case("team-b/", null, null),
            new Case("TEAM-B/shared", null, null),
            new Case("../team-b/shared", null, null),
            new Case("team-b\\shared", null, null),
            new Case("team-b /shared", null, null),
            new Case("false", "team-b/shared", null),
            // Explicit names, on the pod or on team-a's own namespace.
            new Case("team-b/shared", null, "team-b.shared"),
            new Case(" team-b/shared ", null, "team-b.shared"),
            new Case(null, "team-b/only-b", "team-b.only-b"),
            new Case("true", "team-b/shared", "team-b.shared"),
            new Case("team-b/only-b", "true", "team-b.only-b"));
    for (Case c : cases) {
      Namespace teamA = namespace("team-a", c.nsValue());
      // team-b's own namespace annotation never matters for a pod in team-a.
      Namespace teamB = namespace("team-b", "team-b/shared");
      CollectorLookup lookup = CollectorLookup.of(collectors, List.of(teamA, teamB), List.of());
      Pod pod = pod("team-a", c.podValue());
      SidecarInjector.Decision d = injector.decide(pod, "team-a", teamA, lookup);
      String label =
          d instanceof SidecarInjector.Inject inject
              ? inject.pod().getMetadata().getLabels().get("sidecar.opentelemetry.io/injected")
              : null;
      assertThat(label)
          .as("pod %s, namespace %s", c.podValue(), c.nsValue())
          .isEqualTo(c.injected());
    }

    // When team-a has its own sidecar collector, "true" picks it, never team-b's.
    List<OpenTelemetryCollector> both = new ArrayList<>(collectors);
    both.add(sidecarCollector("team-a", "mine"));
    Namespace teamA = namespace("team-a", null);
    CollectorLookup lookup = CollectorLookup.of(both, List.of(teamA), List.of());
    SidecarInjector.Decision d = injector.decide(pod("team-a", "true"), "team-a", teamA, lookup);
    assertThat(d).isInstanceOf(SidecarInjector.Inject.class);
    assertThat(((SidecarInjector.Inject) d).collector()).isEqualTo("team-a/mine");
  }

  private static OpenTelemetryCollector sidecarCollector(String ns, String name) {
    return TestYaml.collector(
        """
        apiVersion: opentelemetry.io/v1beta1
        kind: OpenTelemetryCollector
        metadata:
          name: %s
          namespace: %s
        spec:
          mode: sidecar
          config:
            receivers: {otlp: {protocols: {grpc: {}}}}
            exporters: {debug: {}}
            service: {pipelines: {traces: {receivers: [otlp], exporters: [debug]}}}
        """
            .formatted(name, ns));
  }

  private static Namespace namespace(String name, String inject) {
    NamespaceBuilder b = new NamespaceBuilder().withNewMetadata().withName(name).endMetadata();
    if (inject != null) {
      b.editMetadata().addToAnnotations(SidecarInjector.INJECT_ANNOTATION, inject).endMetadata();
    }
    return b.build();
  }

  /** A workload with just a name in team-a, for the restart patch. */
  private static <T extends HasMetadata> T workload(T object, String name) {
    object.setMetadata(
        new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
            .withName(name)
            .withNamespace("team-a")
            .build());
    return object;
  }

  private static Pod pod(String ns, String inject) {
    PodBuilder b =
        new PodBuilder()
            .withNewMetadata()
            .withGenerateName("app-")
            .withNamespace(ns)
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("app")
            .withImage("nginx")
            .endContainer()
            .endSpec();
    if (inject != null) {
      b.editMetadata().addToAnnotations(SidecarInjector.INJECT_ANNOTATION, inject).endMetadata();
    }
    return b.build();
  }

  // ---- TLS versions ---------------------------------------------------------------------------

  @Test
  void handshakesBelowTls12AreRefusedByTheServerItself() throws Exception {
    dev.telescope.tls.TestPki pki = new dev.telescope.tls.TestPki();
    try (WebhookServer server =
        new WebhookServer(
            WebhookServer.Options.defaults().withAddress("127.0.0.1", 0).withThreads(1, 4),
            new dev.telescope.tls.ReloadingKeyManager(pki.servingMaterial()).sslContext())) {
      server.addAdmissionRoute("/x", r -> null, true);
      server.start();
      // Raw ClientHellos: the JDK client would refuse old versions on its own, proving nothing.
      assertThat(RawTls.clientHelloFirstByte(server.port(), 3)).as("TLS 1.2").isEqualTo(0x16);
      assertThat(RawTls.clientHelloFirstByte(server.port(), 2)).as("TLS 1.1").isNotEqualTo(0x16);
      assertThat(RawTls.clientHelloFirstByte(server.port(), 1)).as("TLS 1.0").isNotEqualTo(0x16);
      assertThat(RawTls.clientHelloFirstByte(server.port(), 0)).as("SSL 3").isNotEqualTo(0x16);
      assertThat(WebhookServer.TLS_PROTOCOLS).containsExactlyInAnyOrder("TLSv1.3", "TLSv1.2");
    }
  }

  // ---- The operator's and the webhook's own RBAC; secrets in logs ------------------------------

  /** A rule of ours: group|resource|verb|resourceName, and the namespace of a Role ("" = all). */
  record Atom(String group, String resource, String verb, String name, String namespace) {
    @Override
    public String toString() {
      return (group.isEmpty() ? "core" : group)
          + "/"
          + resource
          + ":"
          + verb
          + (name.isEmpty() ? "" : "[" + name + "]")
          + (namespace.isEmpty() ? "" : " in " + namespace);
    }
  }

  /** A request mapped to what RBAC checks. */
  record Call(String group, String resource, String verb, String name, String namespace) {}

  /**
   * Rules that the scenario does not exercise, each with the reason it is still needed. Anything
   * else that is never used fails the test: the install must not grant more than the code uses.
   */
  static final Map<String, String> UNUSED_WITH_REASON =
      Map.ofEntries(
          Map.entry(
              "route.openshift.io/routes/custom-host",
              "checked by OpenShift's API server when a Route sets spec.host; never a request"),
          Map.entry(
              "gateway.networking.k8s.io/httproutes:delete",
              "pruning an HTTPRoute when spec.httpRoute is switched off (tested in"
                  + " ConformanceTest's httpRoute case); this scenario never switches it off"),
          Map.entry(
              "opentelemetry.io/opentelemetrycollectors/finalizers",
              "checked by the API server (OwnerReferencesPermissionEnforcement) when an owner"
                  + " reference sets blockOwnerDeletion; never a request itself"),
          Map.entry(
              "opentelemetry.io/targetallocators",
              "the TargetAllocator controller runs only where that API is served; this scenario's"
                  + " cluster has no TargetAllocator CRD (TargetAllocatorReconcilerTest covers it)"),
          Map.entry(
              "opentelemetry.io/targetallocators/status",
              "status of TargetAllocators, written by the controller this scenario does not run"),
          Map.entry(
              "opentelemetry.io/targetallocators/finalizers",
              "checked by the API server when an allocator's children set blockOwnerDeletion"),
          Map.entry(
              "batch/jobs:get",
              "the webhook's owner lookup for an auto-instrumented pod owned by a Job (CronJob"
                  + " attributes, tested in PodInstrumentationTest); this scenario has no such pod"),
          Map.entry(
              "opentelemetry.io/instrumentations:update",
              "the start-up upgrade writes back an Instrumentation whose recorded default image"
                  + " moved (InstrumentationLifecycleTest); this scenario has no Instrumentation"),
          Map.entry(
              "cert-manager.io/issuers",
              "allocator mTLS, only where cert-manager is installed (ConformanceTest's mTLS cases)"),
          Map.entry(
              "cert-manager.io/certificates",
              "allocator mTLS, only where cert-manager is installed (ConformanceTest's mTLS cases)"),
          Map.entry(
              "authorization.k8s.io/subjectaccessreviews",
              "admission of an allocator with prometheusCR reviews its ServiceAccount"
                  + " (AllocatorAdmissionTest); this scenario enables no allocator"));

  @Test
  void theOperatorAndWebhookUseExactlyTheRbacTheInstallGrantsAndLogNoSecrets() throws Exception {
    FaultyDispatcher dispatcher = new FaultyDispatcher();
    KubernetesMockServer server = FaultyDispatcher.server(dispatcher);
    KubernetesClient admin =
        server.createClient(b -> b.editOrNewConfig().withUserAgent("admin").endConfig());
    KubernetesClient operatorClient =
        server.createClient(
            b -> b.editOrNewConfig().withUserAgent("telescope-operator").endConfig());
    KubernetesClient webhookClient =
        server.createClient(
            b -> b.editOrNewConfig().withUserAgent("telescope-webhook").endConfig());
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream originalErr = System.err;
    System.setErr(new PrintStream(new Tee(captured, originalErr), true));
    OperatorRuntime operator = null;
    InformerCollectorLookup lookup = null;
    CertificateSource certificates = null;
    KubernetesSidecarEvents events = null;
    WebhookServer webhook = null;
    try {
      MockCluster.installCrd(admin);
      for (String ns : List.of("telescope-system", "team-a")) {
        admin.namespaces().resource(namespace(ns, null)).create();
      }
      for (JsonNode doc : docs("deploy/base/webhook-configurations.yaml")) {
        admin
            .resource(Serialization.unmarshal(JSON.writeValueAsString(doc), HasMetadata.class))
            .create();
      }

      // OpenShift Routes and Prometheus monitors exist as CRDs here, so that the mock serves
      // their API discovery.
      crd(admin, "route.openshift.io", "Route", "routes");
      crd(admin, "monitoring.coreos.com", "ServiceMonitor", "servicemonitors");
      crd(admin, "monitoring.coreos.com", "PodMonitor", "podmonitors");
      crd(admin, "gateway.networking.k8s.io", "HTTPRoute", "httproutes");

      // The operator: start-up detection, then every mode with RBAC, ingress, routes, monitors
      // and autoscaler. Each collector's objects already exist, unlabelled, as left behind by an
      // older operator: the informers do not see them, the create conflicts, the operator reads
      // the object and updates it (get and update, for every kind).
      Capabilities detected = CapabilityDetector.detect(operatorClient);
      assertThat(detected.createRbac()).isTrue();
      OperatorConfig cfg =
          OperatorConfig.parse(List.of("--leader-election=true"), Map.of())
              .withCapabilities(new Capabilities(true, true, true, false, false, true));
      OpenTelemetryCollector gateway = collector("gateway", "deployment", false, null);
      gateway.getSpec().httpRoute = new dev.telescope.api.common.HttpRouteSpec();
      gateway.getSpec().httpRoute.enabled = true;
      gateway.getSpec().httpRoute.gateway = "gw";
      OpenTelemetryCollector greedy = collector("greedy", "deployment", false, null);
      greedy.getSpec().config.receivers =
          JSON.readTree(
              "{\"otlp\":{\"protocols\":{\"grpc\":{}}},\"k8sobjects\":{\"objects\":[{\"name\":\"secrets\",\"mode\":\"watch\"},{\"name\":\"pods\",\"mode\":\"watch\"}]}}");
      greedy.getSpec().config.service.pipelines.get("traces").receivers =
          List.of("otlp", "k8sobjects");
      List<OpenTelemetryCollector> crs =
          List.of(
              collector("full", "deployment", true, "ingress"),
              collector("routed", "deployment", false, "route"),
              collector("nodes", "daemonset", true, null),
              collector("stateful", "statefulset", false, null),
              collector("side", "sidecar", false, null),
              gateway,
              greedy);
      for (OpenTelemetryCollector cr : crs) {
        OpenTelemetryCollector created = admin.resource(cr).create();
        leftBehind(admin, created, cfg);
      }
      operator =
          OperatorRuntime.start(
              operatorClient,
              cfg,
              Duration.ofMillis(500),
              Optional.of("operator-0"),
              null,
              new OperatorRuntime.LeaderElectionSettings(
                  Duration.ofSeconds(3), Duration.ofSeconds(2), Duration.ofMillis(300), () -> {}));
      OperatorRuntime running = operator;
      await("leading", Duration.ofSeconds(30), running::isLeader);
      for (OpenTelemetryCollector cr : crs) {
        String n = cr.getMetadata().getName();
        await(n + " ready", Duration.ofSeconds(60), () -> readyStatus(admin, n) != null);
      }
      await(
          "left-behind objects adopted",
          Duration.ofSeconds(60),
          () ->
              admin
                  .apps()
                  .deployments()
                  .inNamespace("team-a")
                  .withName("full-collector")
                  .get()
                  .getMetadata()
                  .getLabels()
                  .containsKey("app.kubernetes.io/managed-by"));
      OpenTelemetryCollector g = get(admin, "greedy");
      assertThat(g.getStatus().conditions)
          .anySatisfy(
              c -> {
                assertThat(c.getType()).isEqualTo("RBACGranted");
                assertThat(c.getStatus()).isEqualTo("False");
                assertThat(c.getReason()).isEqualTo("OutsideAllowlist");
                assertThat(c.getMessage()).contains("/secrets");
              });
      ClusterRole greedyRole =
          admin.rbac().clusterRoles().withName("greedy-team-a-cluster-role").get();
      assertThat(greedyRole.getRules())
          .allSatisfy(r -> assertThat(r.getResources()).doesNotContain("secrets"));
      assertThat(greedyRole.getRules())
          .anySatisfy(r -> assertThat(r.getResources()).contains("pods"));

      // Everything optional is switched off again: the operator deletes what is no longer
      // wanted (delete, for every kind), and the finalizer removes cluster RBAC.
      OpenTelemetryCollector full = get(admin, "full");
      full.getSpec().autoscaler = null;
      full.getSpec().ingress = null;
      full.getSpec().observability = null;
      full.getSpec().networkPolicy = new dev.telescope.api.common.NetworkPolicySpec();
      full.getSpec().networkPolicy.enabled = false;
      full.getSpec().serviceAccount = "custom";
      full.getSpec().configVersions = 1;
      full.getSpec().config.processors = JSON.readTree("{\"batch\":{\"timeout\":\"2s\"}}");
      full.getSpec().config.service.pipelines.get("traces").processors = List.of("batch");
      full.getSpec().mode = dev.telescope.api.common.Mode.SIDECAR;
      admin.resource(full).update();
      await(
          "the first config change is applied",
          Duration.ofSeconds(60),
          () ->
              admin.configMaps().inNamespace("team-a").list().getItems().stream()
                      .filter(c -> c.getMetadata().getName().startsWith("full-collector-"))
                      .count()
                  == 2);
      // A second config change: with configVersions 1, the oldest version is deleted.
      full = get(admin, "full");
      full.getSpec().config.processors = JSON.readTree("{\"batch\":{\"timeout\":\"3s\"}}");
      admin.resource(full).update();
      OpenTelemetryCollector routed = get(admin, "routed");
      routed.getSpec().ingress = null;
      admin.resource(routed).update();
      OpenTelemetryCollector side = get(admin, "side");
      side.getSpec().observability = null;
      admin.resource(side).update();
      for (String n : List.of("stateful", "nodes")) {
        OpenTelemetryCollector cr = get(admin, n);
        cr.getSpec().mode = dev.telescope.api.common.Mode.DEPLOYMENT;
        admin.resource(cr).update();
      }
      await(
          "pruned",
          Duration.ofSeconds(60),
          () ->
              admin.apps().statefulSets().inNamespace("team-a").list().getItems().isEmpty()
                  && admin.apps().daemonSets().inNamespace("team-a").list().getItems().isEmpty()
                  && admin
                          .apps()
                          .deployments()
                          .inNamespace("team-a")
                          .withName("full-collector")
                          .get()
                      == null
                  && admin
                      .network()
                      .v1()
                      .ingresses()
                      .inNamespace("team-a")
                      .list()
                      .getItems()
                      .isEmpty()
                  && admin
                          .network()
                          .v1()
                          .networkPolicies()
                          .inNamespace("team-a")
                          .withName("full-collector-networkpolicy")
                          .get()
                      == null
                  && admin
                          .autoscaling()
                          .v2()
                          .horizontalPodAutoscalers()
                          .inNamespace("team-a")
                          .withName("full-collector")
                          .get()
                      == null
                  && admin.serviceAccounts().inNamespace("team-a").withName("full-collector").get()
                      == null
                  && admin.rbac().clusterRoles().withName("full-team-a-cluster-role").get() == null
                  && admin
                      .genericKubernetesResources(dev.telescope.reconciler.GenericKinds.ROUTE)
                      .inNamespace("team-a")
                      .list()
                      .getItems()
                      .isEmpty()
                  && admin
                      .genericKubernetesResources(dev.telescope.reconciler.GenericKinds.POD_MONITOR)
                      .inNamespace("team-a")
                      .list()
                      .getItems()
                      .isEmpty()
                  && admin.configMaps().inNamespace("team-a").list().getItems().stream()
                          .filter(c -> c.getMetadata().getName().startsWith("full-collector-"))
                          .count()
                      == 2);
      // The finalizer's removal conflicts once: the operator re-reads the collector (get).
      FaultyDispatcher.Fault conflict =
          dispatcher.fail("PATCH", "/namespaces/team-a/opentelemetrycollectors/nodes$", 409, 1);
      admin.resource(get(admin, "nodes")).delete();
      await("deleted", Duration.ofSeconds(60), () -> get(admin, "nodes") == null);
      assertThat(conflict.spent()).isTrue();
      await(
          "cluster RBAC removed by the finalizer",
          Duration.ofSeconds(60),
          () -> admin.rbac().clusterRoles().withName("nodes-team-a-cluster-role").get() == null);

      // The webhook: caches, a pod admission with a ReplicaSet owner and a "not injected" event,
      // self-managed certificates (minted, stored, injected, rotated) and TLS serving.
      admin
          .resource(
              new ReplicaSetBuilder()
                  .withNewMetadata()
                  .withName("app-1")
                  .withNamespace("team-a")
                  .withUid("rs-uid")
                  .addNewOwnerReference()
                  .withApiVersion("apps/v1")
                  .withKind("Deployment")
                  .withName("app")
                  .withUid("d-uid")
                  .endOwnerReference()
                  .endMetadata()
                  .withNewSpec()
                  .withNewSelector()
                  .addToMatchLabels("app", "x")
                  .endSelector()
                  .endSpec()
                  .build())
          .create();
      lookup = new InformerCollectorLookup(webhookClient, Set.of()).start();
      InformerCollectorLookup synced = lookup;
      await("caches", Duration.ofSeconds(30), synced::hasSynced);
      events = new KubernetesSidecarEvents(webhookClient);
      PodAdmission pods = new PodAdmission(new SidecarInjector(cfg), lookup, events);
      Pod owned = pod("team-a", "side");
      owned
          .getMetadata()
          .setOwnerReferences(
              List.of(
                  new io.fabric8.kubernetes.api.model.OwnerReferenceBuilder()
                      .withApiVersion("apps/v1")
                      .withKind("ReplicaSet")
                      .withName("app-1")
                      .withUid("rs-uid")
                      .build()));
      assertThat(pods.handle(admission(owned)).getPatch()).isNotNull();
      assertThat(pods.handle(admission(pod("team-a", "missing"))).getWarnings()).isNotEmpty();
      // Auto-instrumentation's exporter TLS checks: one GET by name each, answered in time.
      InformerCollectorLookup checks = lookup;
      await(
          "TLS Secret and ConfigMap existence checks",
          Duration.ofSeconds(30),
          () ->
              checks.exists("Secret", "team-a", "client-certs").equals(Optional.of(false))
                  && checks.exists("ConfigMap", "team-a", "ca-bundle").equals(Optional.of(false)));
      await(
          "not-injected event",
          Duration.ofSeconds(30),
          () ->
              dispatcher.requests().stream()
                  .anyMatch(
                      r ->
                          r.userAgent().equals("telescope-webhook")
                              && r.method().equals("POST")
                              && r.path().endsWith("/events")));

      SelfManagedCertificates.Settings settings =
          SelfManagedCertificates.Settings.defaults("telescope-system");
      certificates = CertificateSource.selfManaged(webhookClient, settings, Duration.ofHours(1));
      certificates.start();
      CertificateSource started = certificates;
      await("certificate", Duration.ofSeconds(30), started::hasCertificate);
      // Renewal, as it happens near expiry: a clock a year ahead makes the pair due.
      Clock later = Clock.fixed(Instant.now().plus(Duration.ofDays(400)), ZoneOffset.UTC);
      new SelfManagedCertificates(webhookClient, settings, later).reconcile();
      webhook =
          new WebhookServer(
              WebhookServer.Options.defaults().withAddress("127.0.0.1", 0).withThreads(1, 4),
              certificates.sslContext());
      webhook.addAdmissionRoute("/mutate-v1-pod", pods, true);
      webhook.start();
      assertThat(RawTls.clientHelloFirstByte(webhook.port(), 3)).isEqualTo(0x16);

      // The pod coverage check: pods created while no webhook ran, in a namespace that opted in to
      // restarts (list pods and namespaces, get a ReplicaSet, patch each workload kind).
      admin
          .namespaces()
          .withName("team-a")
          .edit(
              n -> {
                n.getMetadata()
                    .setAnnotations(
                        Map.of(
                            dev.telescope.reconciler.coverage.PodCoverage.RESTART_ANNOTATION,
                            "true"));
                return n;
              });
      admin
          .resource(workload(new io.fabric8.kubernetes.api.model.apps.Deployment(), "app"))
          .create();
      admin
          .resource(workload(new io.fabric8.kubernetes.api.model.apps.StatefulSet(), "db"))
          .create();
      admin
          .resource(workload(new io.fabric8.kubernetes.api.model.apps.DaemonSet(), "agent"))
          .create();
      for (String[] owner :
          List.of(
              new String[] {"ReplicaSet", "app-1"},
              new String[] {"StatefulSet", "db"},
              new String[] {"DaemonSet", "agent"})) {
        Pod uninjected = pod("team-a", "side");
        uninjected.getMetadata().setName("uninjected-" + owner[1]);
        uninjected
            .getMetadata()
            .setOwnerReferences(
                List.of(
                    new io.fabric8.kubernetes.api.model.OwnerReferenceBuilder()
                        .withApiVersion("apps/v1")
                        .withKind(owner[0])
                        .withName(owner[1])
                        .withUid(owner[1] + "-uid")
                        .withController(true)
                        .build()));
        admin.resource(uninjected).create();
      }
      assertThat(operator.coverage().runOnce().restarted())
          .containsExactlyInAnyOrder(
              "Deployment/team-a/app", "StatefulSet/team-a/db", "DaemonSet/team-a/agent");

      // Stopping hands the leader lease back.
      operator.close();
      operator = null;

      // ---- What did each identity do, and is every call granted by the install? ----
      Secret secret =
          admin.secrets().inNamespace("telescope-system").withName(settings.secretName()).get();
      Map<String, List<Call>> calls = new TreeMap<>();
      for (FaultyDispatcher.Seen s : dispatcher.requests()) {
        call(s).ifPresent(c -> calls.computeIfAbsent(s.userAgent(), k -> new ArrayList<>()).add(c));
      }
      assertThat(calls).containsKeys("telescope-operator", "telescope-webhook");
      Map<String, Set<Atom>> granted = new LinkedHashMap<>();
      granted.put("telescope-operator", grantedTo("telescope-operator", "rbac-operator.yaml"));
      granted.put("telescope-webhook", grantedTo("telescope-webhook", "rbac-webhook.yaml"));
      Set<String> missing = new TreeSet<>();
      Set<String> unused = new TreeSet<>();
      for (String who : granted.keySet()) {
        Set<Atom> rules = granted.get(who);
        Set<Atom> used = new LinkedHashSet<>();
        for (Call c : calls.get(who)) {
          if (implicitlyAllowed(c)) {
            continue;
          }
          List<Atom> matching = rules.stream().filter(a -> covers(a, c)).toList();
          if (matching.isEmpty()) {
            missing.add(who + " " + c);
          }
          used.addAll(matching);
        }
        for (Atom a : rules) {
          if (!used.contains(a)
              && !UNUSED_WITH_REASON.containsKey(a.group() + "/" + a.resource())
              && !UNUSED_WITH_REASON.containsKey(a.group() + "/" + a.resource() + ":" + a.verb())) {
            unused.add(who + " " + a);
          }
        }
      }
      assertThat(missing).as("calls the install does not allow").isEmpty();
      assertThat(unused).as("granted but never used (remove, or list with a reason)").isEmpty();

      // ---- No secret material in what was logged ----
      String log;
      synchronized (captured) {
        log = captured.toString(StandardCharsets.UTF_8);
      }
      assertThat(log).contains("telescope-webhook-cert").doesNotContain("PRIVATE KEY");
      for (String key : List.of("tls.key", "ca.key")) {
        String data = secret.getData().get(key);
        if (data == null) {
          continue;
        }
        assertThat(log).doesNotContain(data.substring(0, 40));
        String pem = new String(Base64.getDecoder().decode(data), StandardCharsets.US_ASCII);
        for (String line : pem.split("\n")) {
          if (!line.startsWith("-----") && line.length() >= 32) {
            assertThat(log).as("a line of " + key).doesNotContain(line);
          }
        }
      }
    } finally {
      System.setErr(originalErr);
      if (webhook != null) {
        webhook.stop(Duration.ZERO);
      }
      if (certificates != null) {
        certificates.close();
      }
      if (lookup != null) {
        lookup.close();
      }
      if (events != null) {
        events.close();
      }
      if (operator != null) {
        operator.close();
      }
      operatorClient.close();
      webhookClient.close();
      admin.close();
      server.destroy();
    }
  }

  /**
   * Creates a collector's objects as an older operator may have left them: owned by the CR but
   * without the managed-by label, so today's label-selected informers do not see them.
   */
  private static void leftBehind(
      KubernetesClient admin, OpenTelemetryCollector cr, OperatorConfig cfg) {
    OpenTelemetryCollector defaulted = Defaults.apply(cr, cfg).collector();
    for (HasMetadata o : CollectorManifests.build(CollectorContext.of(defaulted, cfg)).objects()) {
      o.getMetadata().getLabels().remove("app.kubernetes.io/managed-by");
      if (o.getMetadata().getNamespace() != null) {
        o.getMetadata()
            .setOwnerReferences(
                List.of(
                    new io.fabric8.kubernetes.api.model.OwnerReferenceBuilder()
                        .withApiVersion(OpenTelemetryCollector.API_VERSION)
                        .withKind("OpenTelemetryCollector")
                        .withName(cr.getMetadata().getName())
                        .withUid(cr.getMetadata().getUid())
                        .withController(true)
                        .withBlockOwnerDeletion(true)
                        .build()));
      } else {
        Map<String, String> a = new TreeMap<>();
        if (o.getMetadata().getAnnotations() != null) {
          a.putAll(o.getMetadata().getAnnotations());
        }
        a.put(dev.telescope.reconciler.OwnerAnnotations.NAME, cr.getMetadata().getName());
        a.put(dev.telescope.reconciler.OwnerAnnotations.NAMESPACE, cr.getMetadata().getNamespace());
        o.getMetadata().setAnnotations(a);
      }
      if (o instanceof io.fabric8.kubernetes.api.model.GenericKubernetesResource generic) {
        admin
            .genericKubernetesResources(
                dev.telescope.reconciler.GenericKinds.context(
                    generic.getApiVersion(), generic.getKind()))
            .inNamespace(o.getMetadata().getNamespace())
            .resource(generic)
            .create();
      } else {
        admin.resource(o).create();
      }
    }
  }

  private static void crd(KubernetesClient c, String group, String kind, String plural) {
    c.apiextensions()
        .v1()
        .customResourceDefinitions()
        .resource(
            new io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder()
                .withNewMetadata()
                .withName(plural + "." + group)
                .endMetadata()
                .withNewSpec()
                .withGroup(group)
                .withScope("Namespaced")
                .withNewNames()
                .withKind(kind)
                .withPlural(plural)
                .withSingular(kind.toLowerCase())
                .endNames()
                .addNewVersion()
                .withName("v1")
                .withServed(true)
                .withStorage(true)
                .withNewSchema()
                .withNewOpenAPIV3Schema()
                .withType("object")
                .withXKubernetesPreserveUnknownFields(true)
                .endOpenAPIV3Schema()
                .endSchema()
                .endVersion()
                .endSpec()
                .build())
        .create();
  }

  private static AdmissionRequest admission(Pod pod) {
    AdmissionRequest r = new AdmissionRequest();
    r.setUid("u-" + System.nanoTime());
    r.setOperation("CREATE");
    r.setNamespace("team-a");
    r.setKind(new io.fabric8.kubernetes.api.model.GroupVersionKind("", "Pod", "v1"));
    r.setObject(pod);
    return r;
  }

  private static OpenTelemetryCollector collector(
      String name, String mode, boolean rbac, String ingress) {
    OpenTelemetryCollector cr =
        TestYaml.collector(
            """
            apiVersion: opentelemetry.io/v1beta1
            kind: OpenTelemetryCollector
            metadata:
              name: %s
              namespace: team-a
            spec:
              mode: %s
              observability: {metrics: {enableMetrics: true}}
              config:
                receivers: {otlp: {protocols: {grpc: {}, http: {}}}}
                processors: {batch: {}%s}
                exporters: {debug: {}}
                service: {pipelines: {traces: {receivers: [otlp], processors: [batch%s], exporters: [debug]}}}
            """
                .formatted(
                    name, mode, rbac ? ", k8sattributes: {}" : "", rbac ? ", k8sattributes" : ""));
    if (mode.equals("deployment")) {
      cr.getSpec().autoscaler = new dev.telescope.api.common.AutoscalerSpec();
      cr.getSpec().autoscaler.minReplicas = 1;
      cr.getSpec().autoscaler.maxReplicas = 3;
    }
    if (ingress != null) {
      cr.getSpec().ingress = new dev.telescope.api.common.IngressSpec();
      cr.getSpec().ingress.type =
          ingress.equals("route")
              ? dev.telescope.api.common.IngressSpec.Type.ROUTE
              : dev.telescope.api.common.IngressSpec.Type.INGRESS;
      cr.getSpec().ingress.hostname = "example.com";
    }
    return cr;
  }

  private static OpenTelemetryCollector get(KubernetesClient c, String name) {
    return c.resources(OpenTelemetryCollector.class).inNamespace("team-a").withName(name).get();
  }

  private static String readyStatus(KubernetesClient c, String name) {
    OpenTelemetryCollector cr = get(c, name);
    if (cr == null || cr.getStatus() == null || cr.getStatus().conditions == null) {
      return null;
    }
    return cr.getStatus().conditions.stream()
        .filter(x -> "Ready".equals(x.getType()) && "True".equals(x.getStatus()))
        .map(x -> x.getStatus())
        .findFirst()
        .orElse(null);
  }

  private static List<JsonNode> docs(String path) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    try (var parser = YAML.getFactory().createParser(Files.readString(Path.of(path)))) {
      var it = YAML.readValues(parser, JsonNode.class);
      while (it.hasNext()) {
        JsonNode d = it.next();
        if (d != null && !d.isNull() && !d.isEmpty()) {
          out.add(d);
        }
      }
    }
    return out;
  }

  /** What the install grants a ServiceAccount of telescope-system, from deploy/. */
  private static Set<Atom> grantedTo(String sa, String file) throws Exception {
    List<JsonNode> all = new ArrayList<>(docs("deploy/base/" + file));
    all.addAll(docs("deploy/self-managed-certs/rbac.yaml"));
    Set<Atom> out = new LinkedHashSet<>();
    for (JsonNode binding : all) {
      String kind = binding.path("kind").asText();
      if (!kind.equals("ClusterRoleBinding") && !kind.equals("RoleBinding")) {
        continue;
      }
      boolean bound = false;
      for (JsonNode s : binding.path("subjects")) {
        bound |=
            sa.equals(s.path("name").asText())
                && "telescope-system".equals(s.path("namespace").asText());
      }
      if (!bound) {
        continue;
      }
      String roleKind = binding.at("/roleRef/kind").asText();
      String roleName = binding.at("/roleRef/name").asText();
      String ns = kind.equals("RoleBinding") ? binding.at("/metadata/namespace").asText() : "";
      if (roleName.equals("telescope-operator-collector-grants")) {
        continue; // held to be granted, checked against the allowlist separately
      }
      for (JsonNode role : all) {
        if (!roleKind.equals(role.path("kind").asText())
            || !roleName.equals(role.at("/metadata/name").asText())) {
          continue;
        }
        for (JsonNode rule : role.path("rules")) {
          List<String> names = new ArrayList<>();
          rule.path("resourceNames").forEach(n -> names.add(n.asText()));
          if (names.isEmpty()) {
            names.add("");
          }
          for (JsonNode g : rule.path("apiGroups")) {
            for (JsonNode r : rule.path("resources")) {
              for (JsonNode v : rule.path("verbs")) {
                for (String n : names) {
                  out.add(new Atom(g.asText(), r.asText(), v.asText(), n, ns));
                }
              }
            }
          }
        }
      }
    }
    return out;
  }

  private static boolean covers(Atom a, Call c) {
    return (a.group().equals(c.group()) || a.group().equals("*"))
        && (a.resource().equals(c.resource()) || a.resource().equals("*"))
        && (a.verb().equals(c.verb()) || a.verb().equals("*"))
        && (a.name().isEmpty() || (!c.verb().equals("create") && a.name().equals(c.name())))
        && (a.namespace().isEmpty() || a.namespace().equals(c.namespace()));
  }

  /** Discovery and self reviews are open to every authenticated identity. */
  private static boolean implicitlyAllowed(Call c) {
    return c.resource().startsWith("(non-resource)")
        || (c.group().equals("authorization.k8s.io")
            && c.resource().startsWith("selfsubject")
            && c.verb().equals("create"));
  }

  /** The RBAC request attributes of one HTTP request. */
  static Optional<Call> call(FaultyDispatcher.Seen s) {
    URI uri = URI.create("http://x" + s.path());
    String[] p = uri.getPath().replaceAll("^/|/$", "").split("/");
    Map<String, String> query = new TreeMap<>();
    if (uri.getRawQuery() != null) {
      for (String kv : uri.getRawQuery().split("&")) {
        int eq = kv.indexOf('=');
        query.put(
            kv.substring(0, eq < 0 ? kv.length() : eq),
            eq < 0 ? "" : URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    int i;
    String group;
    if (p.length >= 2 && p[0].equals("api")) {
      group = "";
      i = 2;
    } else if (p.length >= 3 && p[0].equals("apis")) {
      group = p[1];
      i = 3;
    } else {
      return Optional.of(new Call("", "(non-resource)" + uri.getPath(), s.method(), "", ""));
    }
    if (p.length <= i) {
      return Optional.of(new Call("", "(non-resource)" + uri.getPath(), s.method(), "", ""));
    }
    String namespace = "";
    if (p[i].equals("namespaces") && p.length > i + 2) {
      namespace = p[i + 1];
      i += 2;
    }
    String resource = p[i];
    String name = p.length > i + 1 ? p[i + 1] : "";
    if (p.length > i + 2) {
      resource = resource + "/" + p[i + 2];
    }
    String verb =
        switch (s.method()) {
          case "GET" ->
              !name.isEmpty() ? "get" : "true".equals(query.get("watch")) ? "watch" : "list";
          case "POST" -> "create";
          case "PUT" -> "update";
          case "PATCH" -> "patch";
          case "DELETE" -> name.isEmpty() ? "deletecollection" : "delete";
          default -> s.method().toLowerCase();
        };
    return Optional.of(new Call(group, resource, verb, name, namespace));
  }

  /** Copies what is written to a capture buffer as well. */
  private static final class Tee extends java.io.OutputStream {
    private final ByteArrayOutputStream capture;
    private final PrintStream out;

    Tee(ByteArrayOutputStream capture, PrintStream out) {
      this.capture = capture;
      this.out = out;
    }

    @Override
    public void write(int b) {
      synchronized (capture) {
        capture.write(b);
      }
      out.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      synchronized (capture) {
        capture.write(b, off, len);
      }
      out.write(b, off, len);
    }
  }
}
