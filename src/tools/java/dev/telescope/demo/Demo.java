package dev.telescope.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.telescope.Cli;
import dev.telescope.api.CrdFile;
import dev.telescope.api.instrumentation.Instrumentation;
import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import dev.telescope.settings.OperatorConfig;
import dev.telescope.webhook.CollectorAdmission;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.zjsonpatch.JsonPatch;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * {@code demo}: the whole walkthrough with no cluster. An embedded API server (fabric8's CRUD mock,
 * loopback only) stands in for Kubernetes; the real reconciler and the real HTTPS webhook run
 * against it; the demo plays the API server's part of calling the webhooks.
 */
public final class Demo {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper YAML =
      new YAMLMapper(
          YAMLFactory.builder()
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
              .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
              .build());
  private static final Duration WAIT = Duration.ofSeconds(20);

  private final PrintStream out;
  private KubernetesClient client;
  private HttpClient https;
  private String webhook;

  private Demo(PrintStream out) {
    this.out = out;
  }

  public static int run(List<String> args, PrintStream out, PrintStream err) {
    long start = System.nanoTime();
    KubernetesMockServer api =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            new HashMap<>(),
            new KubernetesCrudDispatcher(),
            false);
    api.init(InetAddress.getLoopbackAddress(), 0);
    Demo demo = new Demo(out);
    Cli.Running running = null;
    try {
      demo.client = api.createClient();
      running = demo.setUp();
      demo.walkthrough(running);
      out.printf(
          "%nDemo finished in %.1f s. Everything ran in this process, against an embedded"
              + " API server on 127.0.0.1:%d.%n",
          (System.nanoTime() - start) / 1e9, api.getPort());
      return 0;
    } catch (Exception e) {
      err.println("demo failed: " + e);
      e.printStackTrace(err);
      return 1;
    } finally {
      if (running != null) {
        running.close();
      }
      if (demo.client != null) {
        demo.client.close();
      }
      api.destroy();
    }
  }

  private Cli.Running setUp() throws Exception {
    step("1. An embedded Kubernetes API server with the OpenTelemetryCollector and Instrumentation CRDs");
    CustomResourceDefinition crd =
        Serialization.unmarshal(CrdFile.renderFromClasspath(), CustomResourceDefinition.class);
    client.resource(crd).create();
    client
        .resource(
            Serialization.unmarshal(
                CrdFile.renderInstrumentationFromClasspath(), CustomResourceDefinition.class))
        .create();
    client.namespaces().resource(ns("telescope-system")).create();
    client
        .resource(
            new MutatingWebhookConfigurationBuilder()
                .withNewMetadata()
                .withName("telescope-mutating-webhook-configuration")
                .endMetadata()
                .addNewWebhook()
                .withName("mpod.telescope.dev")
                .withAdmissionReviewVersions("v1")
                .withSideEffects("None")
                .withFailurePolicy("Ignore")
                .withNewClientConfig()
                .withNewService()
                .withName("telescope-webhook")
                .withNamespace("telescope-system")
                .withPath("/mutate-v1-pod")
                .endService()
                .endClientConfig()
                .endWebhook()
                .build())
        .create();
    out.println(
        "   CRD "
            + crd.getMetadata().getName()
            + " installed (versions "
            + crd.getSpec().getVersions().stream().map(v -> v.getName()).toList()
            + ") and instrumentations.opentelemetry.io (v1alpha1)");

    step("2. Telescope: reconciler + HTTPS admission webhook with self-managed certificates");
    OperatorConfig cfg =
        OperatorConfig.parse(
            List.of(
                "--leader-election=false",
                "--cert-mode=self-managed",
                "--webhook-port=0",
                "--health-port=0",
                "--metrics-port=0",
                "--create-rbac=true",
                // The embedded server cannot report its version, which is how a real cluster
                // turns native sidecars on (Kubernetes 1.29+).
                "--native-sidecars=true",
                "--resync-period=30s"),
            Map.of());
    Cli.Running running = Cli.Running.start(client, cfg, true, true, "127.0.0.1");
    webhook = "https://127.0.0.1:" + running.server.port();
    Secret secret =
        client.secrets().inNamespace("telescope-system").withName("telescope-webhook-cert").get();
    https = trusting(secret);
    String caBundle =
        client
            .admissionRegistration()
            .v1()
            .mutatingWebhookConfigurations()
            .withName("telescope-mutating-webhook-configuration")
            .get()
            .getWebhooks()
            .get(0)
            .getClientConfig()
            .getCaBundle();
    out.println(
        "   webhook listening on "
            + webhook
            + " (TLS 1.2+, certificate from Secret telescope-system/telescope-webhook-cert)");
    out.println(
        "   CA bundle injected into the MutatingWebhookConfiguration: "
            + (caBundle != null && !caBundle.isEmpty()));
    await("readiness", () -> running.health.readinessProblems().isEmpty());
    out.println("   /readyz: ready");
    return running;
  }

  private void walkthrough(Cli.Running running) throws Exception {
    step(
        "3. The walkthrough (examples/walkthrough): namespace, RBAC, the v1alpha1 sidecar collector");
    List<JsonNode> docs = read("demo/walkthrough.yaml");
    JsonNode app = null;
    for (JsonNode doc : docs) {
      String kind = doc.path("kind").asText();
      switch (kind) {
        case "OpenTelemetryCollector" -> admitCollector(doc);
        case "Deployment" -> app = doc;
        default -> {
          client.resource(Serialization.unmarshal(doc.toString(), HasMetadata.class)).create();
          out.println("   created " + kind + " " + name(doc));
        }
      }
    }
    step("4. A deployment-mode collector beside it");
    for (JsonNode doc : read("demo/gateway.yaml")) {
      admitCollector(doc);
    }
    await("the collectors to be reconciled", () -> ready("otel") && ready("gateway"));
    await(
        "the gateway's Services",
        () -> client.services().inNamespace("otel-sample").list().getItems().size() >= 4);

    step("5. kubectl get otelcol -n otel-sample");
    table(
        List.of("NAME", "MODE", "VERSION", "READY", "IMAGE", "MANAGEMENT", "CONDITION"),
        client
            .resources(OpenTelemetryCollector.class)
            .inNamespace("otel-sample")
            .list()
            .getItems()
            .stream()
            .map(
                c ->
                    List.of(
                        c.getMetadata().getName(),
                        String.valueOf(c.getSpec().effectiveMode()),
                        String.valueOf(c.getStatus().version),
                        String.valueOf(c.getStatus().scale.statusReplicas),
                        String.valueOf(c.getStatus().image),
                        JSON.valueToTree(c.getSpec().managementState).asText(),
                        c.getStatus().conditions.stream()
                            .filter(x -> x.getType().equals("Ready"))
                            .map(x -> x.getStatus() + "/" + x.getReason())
                            .findFirst()
                            .orElse("")))
            .toList());

    step(
        "6. What the operator created (kubectl get all,cm,sa,pdb,netpol,clusterrole -l app.kubernetes.io/managed-by=opentelemetry-operator)");
    List<HasMetadata> owned = new ArrayList<>();
    String ns = "otel-sample";
    owned.addAll(managed(client.apps().deployments().inNamespace(ns)));
    owned.addAll(managed(client.services().inNamespace(ns)));
    owned.addAll(managed(client.configMaps().inNamespace(ns)));
    owned.addAll(managed(client.serviceAccounts().inNamespace(ns)));
    owned.addAll(managed(client.policy().v1().podDisruptionBudget().inNamespace(ns)));
    owned.addAll(managed(client.network().v1().networkPolicies().inNamespace(ns)));
    owned.addAll(managed(client.rbac().clusterRoles()));
    owned.addAll(managed(client.rbac().clusterRoleBindings()));
    table(
        List.of("KIND", "NAME", "COLLECTOR"),
        owned.stream()
            .map(
                o ->
                    List.of(
                        o.getKind(),
                        o.getMetadata().getName(),
                        String.valueOf(
                            o.getMetadata().getLabels().get("app.kubernetes.io/instance"))))
            .toList());

    step("7. The rendered Deployment and Service of the gateway collector");
    Deployment d =
        client.apps().deployments().inNamespace("otel-sample").withName("gateway-collector").get();
    out.print(indent(yaml(clean(d))));
    out.println("   ---");
    out.print(
        indent(
            yaml(
                clean(
                    client
                        .services()
                        .inNamespace("otel-sample")
                        .withName("gateway-collector")
                        .get()))));

    step("8. The annotated application Deployment; its pod goes through /mutate-v1-pod over HTTPS");
    Deployment appDeployment = Serialization.unmarshal(app.toString(), Deployment.class);
    client.resource(appDeployment).create();
    Pod pod =
        new PodBuilder()
            .withNewMetadataLike(appDeployment.getSpec().getTemplate().getMetadata())
            .withGenerateName(appDeployment.getMetadata().getName() + "-")
            .withNamespace("otel-sample")
            .endMetadata()
            .withSpec(appDeployment.getSpec().getTemplate().getSpec())
            .build();
    JsonNode review = admission("/mutate-v1-pod", "", "v1", "Pod", "pods", pod, null);
    JsonNode response = review.path("response");
    out.println(
        "   allowed: "
            + response.path("allowed").asBoolean()
            + ", patch operations: "
            + (response.has("patch")
                ? JSON.readTree(Base64.getDecoder().decode(response.path("patch").asText())).size()
                : 0));
    JsonNode patched =
        response.has("patch")
            ? JsonPatch.apply(
                JSON.readTree(Base64.getDecoder().decode(response.path("patch").asText())),
                JSON.valueToTree(pod))
            : JSON.valueToTree(pod);
    Pod admitted = client.resource(JSON.treeToValue(patched, Pod.class)).create();
    List<Container> init =
        admitted.getSpec().getInitContainers() == null
            ? List.of()
            : admitted.getSpec().getInitContainers();
    out.println(
        "   pod "
            + admitted.getMetadata().getName()
            + ": containers "
            + admitted.getSpec().getContainers().stream().map(Container::getName).toList()
            + ", initContainers "
            + init.stream()
                .map(
                    c ->
                        c.getName()
                            + (c.getRestartPolicy() == null
                                ? ""
                                : " (restartPolicy "
                                    + c.getRestartPolicy()
                                    + ", a native sidecar on 1.29+)"))
                .toList());
    out.println(
        "   label sidecar.opentelemetry.io/injected="
            + admitted.getMetadata().getLabels().get("sidecar.opentelemetry.io/injected"));
    Container otc =
        init.stream()
            .filter(c -> c.getName().equals("otc-container"))
            .findFirst()
            .orElseGet(
                () ->
                    admitted.getSpec().getContainers().stream()
                        .filter(c -> c.getName().equals("otc-container"))
                        .findFirst()
                        .orElseThrow());
    out.println("   the injected otc-container:");
    out.print(indent(yaml(otc)));
    instrumentedPod(running, pod);
    out.printf("%n   webhook requests: %s%n", running.server.requestCounts());
  }

  /** A Java pod beside the sidecar one: the same webhook adds the agent and the sidecar. */
  private void instrumentedPod(Cli.Running running, Pod sidecarPod) throws Exception {
    step(
        "9. Auto-instrumentation: an Instrumentation, and a pod asking for the Java agent and the"
            + " sidecar");
    Instrumentation java =
        Serialization.unmarshal(
            """
            apiVersion: opentelemetry.io/v1alpha1
            kind: Instrumentation
            metadata:
              name: java
              namespace: otel-sample
            spec:
              exporter:
                endpoint: http://localhost:4318   # the sidecar's OTLP/HTTP receiver
              propagators: [tracecontext, baggage]
              sampler:
                type: parentbased_traceidratio
                argument: "1"
            """,
            Instrumentation.class);
    client.resource(java).create();
    out.println("   created Instrumentation otel-sample/java (exporter http://localhost:4318)");
    await(
        "the webhook's Instrumentation cache",
        () -> !running.lookup.instrumentations("otel-sample").isEmpty());
    Pod pod =
        new PodBuilder(sidecarPod)
            .editMetadata()
            .withGenerateName("petclinic-")
            .addToAnnotations("instrumentation.opentelemetry.io/inject-java", "java")
            .endMetadata()
            .editSpec()
            .editFirstContainer()
            .withName("petclinic")
            .withImage("docker.io/springcommunity/spring-framework-petclinic:6.1.2")
            .endContainer()
            .endSpec()
            .build();
    JsonNode response =
        admission("/mutate-v1-pod", "", "v1", "Pod", "pods", pod, null).path("response");
    JsonNode patched =
        JsonPatch.apply(
            JSON.readTree(Base64.getDecoder().decode(response.path("patch").asText())),
            JSON.valueToTree(pod));
    Pod admitted = client.resource(JSON.treeToValue(patched, Pod.class)).create();
    out.println(
        "   pod "
            + admitted.getMetadata().getName()
            + ": initContainers "
            + admitted.getSpec().getInitContainers().stream().map(Container::getName).toList()
            + ", volumes "
            + admitted.getSpec().getVolumes().stream().map(v -> v.getName()).toList());
    Container app = admitted.getSpec().getContainers().get(0);
    out.println("   env of the petclinic container (what the agent reads):");
    app.getEnv()
        .forEach(
            e ->
                out.println(
                    "     "
                        + e.getName()
                        + "="
                        + (e.getValue() != null
                            ? e.getValue()
                            : "<" + e.getValueFrom().getFieldRef().getFieldPath() + ">")));
    out.println(
        "   instrumentation counters (telescope_instrumentation_pods): "
            + running.pods.instrumentationCounters());
  }

  private void admitCollector(JsonNode doc) throws Exception {
    String apiVersion = doc.path("apiVersion").asText();
    JsonNode object = doc;
    if (apiVersion.endsWith("/v1alpha1")) {
      JsonNode conversion = convert(doc);
      object = conversion.path("response").path("convertedObjects").get(0);
      out.println(
          "   "
              + name(doc)
              + ": v1alpha1 converted to v1beta1 by POST /convert (config string parsed)");
    }
    JsonNode mutated =
        admission(
            CollectorAdmission.MUTATE_PATH,
            "opentelemetry.io",
            "v1beta1",
            "OpenTelemetryCollector",
            "opentelemetrycollectors",
            object,
            null);
    JsonNode patched = object;
    if (mutated.path("response").has("patch")) {
      JsonNode patch =
          JSON.readTree(
              Base64.getDecoder().decode(mutated.path("response").path("patch").asText()));
      patched = JsonPatch.apply(patch, object);
      out.println(
          "   "
              + name(doc)
              + ": defaulted by POST "
              + CollectorAdmission.MUTATE_PATH
              + " ("
              + patch.size()
              + " patch operations)");
    }
    JsonNode validated =
        admission(
            CollectorAdmission.VALIDATE_PATH,
            "opentelemetry.io",
            "v1beta1",
            "OpenTelemetryCollector",
            "opentelemetrycollectors",
            patched,
            null);
    if (!validated.path("response").path("allowed").asBoolean()) {
      throw new IllegalStateException(
          name(doc)
              + " was rejected: "
              + validated.path("response").path("status").path("message").asText());
    }
    OpenTelemetryCollector cr = JSON.treeToValue(patched, OpenTelemetryCollector.class);
    client.resource(cr).create();
    out.println(
        "   "
            + name(doc)
            + ": validated by POST "
            + CollectorAdmission.VALIDATE_PATH
            + " and stored");
  }

  private JsonNode convert(JsonNode object) throws Exception {
    ObjectNode review = JSON.createObjectNode();
    review.put("apiVersion", "apiextensions.k8s.io/v1").put("kind", "ConversionReview");
    ObjectNode request = review.putObject("request");
    request
        .put("uid", UUID.randomUUID().toString())
        .put("desiredAPIVersion", "opentelemetry.io/v1beta1");
    request.putArray("objects").add(object);
    return post(CollectorAdmission.CONVERT_PATH, review);
  }

  private JsonNode admission(
      String path,
      String group,
      String version,
      String kind,
      String resource,
      Object object,
      Object old)
      throws Exception {
    ObjectNode review = JSON.createObjectNode();
    review.put("apiVersion", "admission.k8s.io/v1").put("kind", "AdmissionReview");
    ObjectNode request = review.putObject("request");
    request.put("uid", UUID.randomUUID().toString());
    request.putObject("kind").put("group", group).put("version", version).put("kind", kind);
    request
        .putObject("resource")
        .put("group", group)
        .put("version", version)
        .put("resource", resource);
    request.put("operation", "CREATE");
    request.put("namespace", "otel-sample");
    request.set("object", JSON.valueToTree(object));
    request.putObject("userInfo").put("username", "demo");
    return post(path, review);
  }

  private JsonNode post(String path, JsonNode body) throws IOException, InterruptedException {
    HttpResponse<byte[]> r =
        https.send(
            HttpRequest.newBuilder(URI.create(webhook + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() != 200) {
      throw new IllegalStateException(
          "POST "
              + path
              + " answered "
              + r.statusCode()
              + ": "
              + new String(r.body(), StandardCharsets.UTF_8));
    }
    return JSON.readTree(r.body());
  }

  private static HttpClient trusting(Secret secret) throws Exception {
    String ca =
        new String(
            Base64.getDecoder().decode(secret.getData().get("ca.crt")), StandardCharsets.US_ASCII);
    KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
    ks.load(null, null);
    int i = 0;
    for (var cert :
        CertificateFactory.getInstance("X.509")
            .generateCertificates(
                new ByteArrayInputStream(ca.getBytes(StandardCharsets.US_ASCII)))) {
      ks.setCertificateEntry("ca" + i++, (X509Certificate) cert);
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    X509TrustManager chain = (X509TrustManager) tmf.getTrustManagers()[0];
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, new TrustManager[] {new ChainOnly(chain)}, null);
    return HttpClient.newBuilder().sslContext(ctx).connectTimeout(Duration.ofSeconds(5)).build();
  }

  /**
   * The API server checks the webhook certificate against the Service's DNS name; the demo reaches
   * the webhook on 127.0.0.1, so it checks the chain against our CA and skips only the name.
   */
  private static final class ChainOnly extends X509ExtendedTrustManager {
    private final X509TrustManager delegate;

    ChainOnly(X509TrustManager delegate) {
      this.delegate = delegate;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      delegate.checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      delegate.checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      delegate.checkServerTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      throw new CertificateException("the demo client trusts no clients");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      throw new CertificateException("the demo client trusts no clients");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      throw new CertificateException("the demo client trusts no clients");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return delegate.getAcceptedIssuers();
    }
  }

  private boolean ready(String name) {
    OpenTelemetryCollector c =
        client
            .resources(OpenTelemetryCollector.class)
            .inNamespace("otel-sample")
            .withName(name)
            .get();
    return c != null
        && c.getStatus() != null
        && c.getStatus().conditions != null
        && c.getStatus().conditions.stream()
            .anyMatch(x -> x.getType().equals("Ready") && x.getStatus().equals("True"));
  }

  private static void await(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("timed out waiting for " + what);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted");
      }
    }
  }

  private List<JsonNode> read(String resource) throws IOException {
    try (InputStream in = Demo.class.getClassLoader().getResourceAsStream(resource)) {
      return YAML
          .readerFor(JsonNode.class)
          .readValues(new YAMLFactory().createParser(in))
          .readAll()
          .stream()
          .map(JsonNode.class::cast)
          .filter(n -> n != null && !n.isEmpty())
          .toList();
    }
  }

  private static HasMetadata clean(HasMetadata o) {
    HasMetadata c = Serialization.clone(o);
    c.getMetadata().setManagedFields(null);
    c.getMetadata().setResourceVersion(null);
    c.getMetadata().setUid(null);
    c.getMetadata().setCreationTimestamp(null);
    c.getMetadata().setGeneration(null);
    c.getMetadata().setOwnerReferences(null);
    return c;
  }

  private static String yaml(Object o) {
    try {
      return YAML.writeValueAsString(o);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String indent(String s) {
    return s.lines().map(l -> "   " + l).reduce("", (a, b) -> a + b + "\n");
  }

  private static String name(JsonNode doc) {
    return doc.path("metadata").path("name").asText();
  }

  private void step(String title) {
    out.println();
    out.println("== " + title);
  }

  private void table(List<String> header, List<List<String>> rows) {
    int[] w = new int[header.size()];
    for (int i = 0; i < w.length; i++) {
      w[i] = header.get(i).length();
      for (List<String> r : rows) {
        w[i] = Math.max(w[i], r.get(i).length());
      }
    }
    StringBuilder f = new StringBuilder("   ");
    for (int x : w) {
      f.append("%-").append(x + 3).append("s");
    }
    String fmt = f.toString().stripTrailing() + "%n";
    out.printf(fmt, header.toArray());
    for (List<String> r : rows) {
      out.printf(fmt, r.toArray());
    }
  }

  private static io.fabric8.kubernetes.api.model.Namespace ns(String name) {
    return new io.fabric8.kubernetes.api.model.NamespaceBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .build();
  }

  /** The objects of one kind that carry the operator's managed-by label. */
  private static <T extends HasMetadata, L extends KubernetesResourceList<T>> List<T> managed(
      FilterWatchListDeletable<T, L, ?> objects) {
    return objects
        .withLabel("app.kubernetes.io/managed-by", "opentelemetry-operator")
        .list()
        .getItems();
  }
}
