package dev.telescope.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telescope.api.Conversion;
import dev.telescope.api.CrdFile;
import dev.telescope.reconciler.OperatorRuntime;
import dev.telescope.settings.OperatorConfig;
import dev.telescope.webhook.CollectorAdmission;
import dev.telescope.webhook.InformerCollectorLookup;
import dev.telescope.webhook.KubernetesSidecarEvents;
import dev.telescope.webhook.PodAdmission;
import dev.telescope.webhook.PodInstrumentation;
import dev.telescope.webhook.SidecarInjector;
import dev.telescope.webhook.WebhookServer;
import io.fabric8.kubernetes.api.Pluralize;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ConversionRequest;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ConversionResponse;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.VersionInfo;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.zjsonpatch.JsonPatch;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A cluster backed by the real product: fabric8's CRUD mock API server, our reconciler ({@link
 * OperatorRuntime}, leader election off, short resync) watching it, and our admission handlers
 * wired as {@code Cli.Running.startWebhook} wires them ({@link CollectorAdmission} for the CRs,
 * {@link PodAdmission} with the real {@link SidecarInjector} and {@link InformerCollectorLookup}
 * for pods), called in-process.
 *
 * <p>The mock server stores and serves JSON and nothing more, so this class plays the parts of the
 * API server and kube-controller-manager that the fixtures depend on: CRD conversion (v1alpha1
 * requests go through {@link CollectorAdmission#convert}), pruning and schema defaults ({@link
 * CrdSchema}), the mutating and validating webhooks (a denial surfaces as the API server's
 * message), CEL rules, one Pod per replica of each workload (admitted through the pod webhook),
 * garbage collection through owner references, and the built-in objects' server defaults on read
 * ({@link ServerDefaults}). The operator is asynchronous, so assertions poll ({@link
 * #assertTimeout}) and stop early once the cluster has {@link #settled}.
 */
final class MockApiCluster implements Cluster, AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper REVIEWS = WebhookServer.newObjectMapper();
  private static final Logger MOCK_LOG = Logger.getLogger("io.fabric8.mockwebserver");

  static {
    // The mock server logs every request through java.util.logging.
    MOCK_LOG.setLevel(Level.WARNING);
  }

  /** How long the API must see no write before the operator counts as done with a change. */
  private static final Duration QUIET = Duration.ofMillis(300);

  private static final String CR_V1BETA1 = Conversion.V1BETA1;
  private static final String MUTATING_WEBHOOK = "mopentelemetrycollectorbeta.telescope.dev";
  private static final String VALIDATING_WEBHOOK =
      "vopentelemetrycollectorcreateupdatebeta.telescope.dev";

  /** Namespaced kinds whose objects can be owned (by a collector or a workload). */
  private static final List<String[]> OWNABLE =
      List.of(
          new String[] {"apps/v1", "Deployment"},
          new String[] {"apps/v1", "StatefulSet"},
          new String[] {"apps/v1", "DaemonSet"},
          new String[] {"policy/v1", "PodDisruptionBudget"},
          new String[] {"autoscaling/v2", "HorizontalPodAutoscaler"},
          new String[] {"v1", "Service"},
          new String[] {"networking.k8s.io/v1", "Ingress"},
          new String[] {"networking.k8s.io/v1", "NetworkPolicy"},
          new String[] {"v1", "ServiceAccount"},
          new String[] {"v1", "ConfigMap"},
          new String[] {"monitoring.coreos.com/v1", "ServiceMonitor"},
          new String[] {"monitoring.coreos.com/v1", "PodMonitor"},
          new String[] {"route.openshift.io/v1", "Route"},
          new String[] {"opentelemetry.io/v1alpha1", "TargetAllocator"},
          new String[] {"cert-manager.io/v1", "Issuer"},
          new String[] {"cert-manager.io/v1", "Certificate"},
          new String[] {"v1", "Pod"});

  private static final List<String> WORKLOADS = List.of("Deployment", "StatefulSet", "DaemonSet");

  private final OperatorConfig cfg;
  private final CrdSchema crd;
  private final KubernetesMockServer server;
  private final KubernetesClient client;
  private final KubernetesClient shipped;
  private final CollectorAdmission collectors;
  private final InformerCollectorLookup lookup;
  private final KubernetesSidecarEvents sidecarEvents;
  private final PodAdmission pods;
  private final OperatorRuntime operator;
  private final Set<String> missingKinds;
  private final AtomicLong lastWrite = new AtomicLong(System.nanoTime());
  private final AtomicLong deletes = new AtomicLong();
  private final Map<String, String> podTemplateHashes = new HashMap<>();
  private final List<ObjectNode> created = new ArrayList<>();
  private final Set<String> used = new HashSet<>();
  private long collectedAt = -1;

  /** Records when the mock last changed, so {@link #settled} can tell a busy operator. */
  private final class RecordingDispatcher extends KubernetesCrudDispatcher {
    @Override
    public MockResponse dispatch(RecordedRequest request) {
      try {
        return super.dispatch(request);
      } finally {
        String method = request.getMethod();
        if (!"GET".equalsIgnoreCase(method)) {
          lastWrite.set(System.nanoTime());
        }
        if ("DELETE".equalsIgnoreCase(method)) {
          deletes.incrementAndGet();
        }
      }
    }
  }

  /**
   * Starts the mock API server, installs our CRD, and starts the operator and the admission
   * handlers against it.
   *
   * @param cfg the operator settings, capabilities resolved (leader election must be off)
   * @param serverMinor the Kubernetes minor version the server reports
   */
  MockApiCluster(OperatorConfig cfg, CrdSchema crd, int serverMinor) {
    this(cfg, crd, serverMinor, false);
  }

  /** Whether pods get the ServiceAccount token mounts (the instrumentation suites assert them). */
  private boolean serviceAccountTokens;

  /**
   * @param serviceAccountTokens emulate the ServiceAccount admission plugin around the pod webhook
   */
  MockApiCluster(OperatorConfig cfg, CrdSchema crd, int serverMinor, boolean serviceAccountTokens) {
    this(cfg, crd, serverMinor, (Void) null);
    this.serviceAccountTokens = serviceAccountTokens;
  }

  private MockApiCluster(OperatorConfig cfg, CrdSchema crd, int serverMinor, Void unused) {
    this.cfg = cfg;
    this.crd = crd;
    VersionInfo version =
        new VersionInfo.Builder()
            .withMajor("1")
            .withMinor(Integer.toString(serverMinor))
            .withGitVersion("v1." + serverMinor + ".0")
            .build();
    server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            new HashMap<>(),
            new RecordingDispatcher(),
            false,
            version);
    server.init(InetAddress.getLoopbackAddress(), 0);
    KubernetesClient c = null;
    KubernetesClient shipped = null;
    InformerCollectorLookup l = null;
    KubernetesSidecarEvents e = null;
    try {
      c = server.createClient();
      c.resource(
              Serialization.unmarshal(
                  CrdFile.renderFromClasspath(), CustomResourceDefinition.class))
          .create();
      // The optional APIs upstream's CI installs, as CRDs: the operator discovers them.
      if (cfg.capabilities().prometheusCrds()) {
        installCrd(c, "monitoring.coreos.com", "v1", "ServiceMonitor");
        installCrd(c, "monitoring.coreos.com", "v1", "PodMonitor");
      }
      if (cfg.capabilities().openShiftRoutes()) {
        installCrd(c, "route.openshift.io", "v1", "Route");
      }
      c.resource(
              Serialization.unmarshal(
                  CrdFile.renderInstrumentationFromClasspath(), CustomResourceDefinition.class))
          .create();
      if (cfg.capabilities().targetAllocators()) {
        installCrd(c, "opentelemetry.io", "v1alpha1", "TargetAllocator");
      }
      if (cfg.capabilities().gatewayApi()) {
        installCrd(c, "gateway.networking.k8s.io", "v1", "HTTPRoute");
      }
      if (cfg.capabilities().certManager()) {
        installCrd(c, "cert-manager.io", "v1", "Issuer");
        installCrd(c, "cert-manager.io", "v1", "Certificate");
      }
      // The operator and the webhook's lookup decode as the shipped client does (compact, shared
      // cache objects); the checks read through a plain client.
      shipped =
          new io.fabric8.kubernetes.client.KubernetesClientBuilder()
              .withConfig(c.getConfiguration())
              .withKubernetesSerialization(dev.telescope.reconciler.InterningSerialization.create())
              .build();
      l = new InformerCollectorLookup(shipped, cfg.watchNamespaces()).start();
      e = new KubernetesSidecarEvents(c);
      this.client = c;
      this.lookup = l;
      this.sidecarEvents = e;
      this.collectors = new CollectorAdmission(cfg);
      this.pods =
          new PodAdmission(
              new SidecarInjector(cfg), l, e, new PodInstrumentation(cfg.instrumentation()));
      this.operator =
          OperatorRuntime.start(shipped, cfg, Duration.ofSeconds(2), Optional.of("conformance"));
      this.shipped = shipped;
    } catch (RuntimeException ex) {
      if (e != null) {
        e.close();
      }
      if (l != null) {
        l.close();
      }
      if (shipped != null) {
        shipped.close();
      }
      if (c != null) {
        c.close();
      }
      server.destroy();
      throw ex;
    }
    Set<String> missing = new LinkedHashSet<>();
    if (!cfg.capabilities().openShiftRoutes()) {
      missing.add("Route");
    }
    if (!cfg.capabilities().gatewayApi()) {
      missing.add("HTTPRoute");
    }
    if (!cfg.capabilities().prometheusCrds()) {
      missing.add("ServiceMonitor");
      missing.add("PodMonitor");
    }
    this.missingKinds = Set.copyOf(missing);
  }

  /** A schemaless v1 CRD for an optional API the fixtures use. */
  private static void installCrd(KubernetesClient c, String group, String version, String kind) {
    String plural = Pluralize.toPlural(kind.toLowerCase(Locale.ROOT));
    c.resource(
            new CustomResourceDefinitionBuilder()
                .withNewMetadata()
                .withName(plural + "." + group)
                .endMetadata()
                .withNewSpec()
                .withGroup(group)
                .withScope("Namespaced")
                .withNewNames()
                .withKind(kind)
                .withPlural(plural)
                .withSingular(kind.toLowerCase(Locale.ROOT))
                .withListKind(kind + "List")
                .endNames()
                .addNewVersion()
                .withName(version)
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

  @Override
  public void close() {
    operator.close();
    sidecarEvents.close();
    lookup.close();
    shipped.close();
    client.close();
    server.destroy();
  }

  @Override
  public Duration assertTimeout() {
    return Duration.ofSeconds(10);
  }

  /**
   * No write reached the API for a while, every managed collector's status has caught up with its
   * generation and none reports a failed reconcile (which the operator retries after a back-off):
   * the operator has finished reacting to the last change, so a failing check will not start to
   * pass by waiting longer. A collector that keeps failing holds the checks until the timeout.
   */
  @Override
  public boolean settled() {
    if (System.nanoTime() - lastWrite.get() < QUIET.toNanos()) {
      return false;
    }
    for (GenericKubernetesResource cr : crs().inAnyNamespace().list().getItems()) {
      JsonNode o = tree(cr);
      if (o.at("/metadata/deletionTimestamp").isTextual()) {
        return false;
      }
      if ("unmanaged".equals(o.at("/spec/managementState").asText())) {
        continue;
      }
      if (o.at("/status/observedGeneration").asLong(-1) != o.at("/metadata/generation").asLong()) {
        return false;
      }
      for (JsonNode c : o.at("/status/conditions")) {
        if ("ReconcileError".equals(c.path("reason").asText())) {
          return false;
        }
      }
    }
    return System.nanoTime() - lastWrite.get() >= QUIET.toNanos();
  }

  // ---------------------------------------------------------------- Cluster

  @Override
  public void createNamespace(String name) {
    if (used.contains(name)) {
      purge(name);
    }
    ObjectNode ns = JSON.createObjectNode();
    ns.put("apiVersion", "v1");
    ns.put("kind", "Namespace");
    ns.putObject("metadata").put("name", name);
    if (get(ns) == null) {
      create(ns);
    }
  }

  private enum Write {
    APPLY,
    UPDATE,
    PATCH
  }

  @Override
  public void apply(List<JsonNode> docs) {
    docs.forEach(d -> write((ObjectNode) d, Write.APPLY));
  }

  @Override
  public void update(List<JsonNode> docs) {
    docs.forEach(d -> write((ObjectNode) d, Write.UPDATE));
  }

  @Override
  public void patch(List<JsonNode> docs) {
    docs.forEach(d -> write((ObjectNode) d, Write.PATCH));
  }

  @Override
  public void delete(String apiVersion, String kind, String namespace, String name) {
    ObjectNode ref = JSON.createObjectNode();
    ref.put(
        "apiVersion", RenderCluster.isCollectorKind(apiVersion, kind) ? CR_V1BETA1 : apiVersion);
    ref.put("kind", kind);
    ObjectNode meta = ref.putObject("metadata");
    meta.put("name", name);
    if (!Cluster.clusterScoped(kind)) {
      meta.put("namespace", namespace);
    }
    if (get(ref) == null) {
      throw new Rejected(kind + " \"" + name + "\" not found");
    }
    // A collector carries the operator's finalizer: it is gone once the operator let it go.
    deleteAndWait(ref);
    collectGarbage();
  }

  /**
   * chainsaw's cleanup, as far as the next test can tell: the test's collectors are deleted (the
   * operator runs their finalizer) and its namespaces are marked used. The rest stays until a later
   * test takes one of those namespaces again, which then starts from an emptied namespace ({@link
   * #purge}); leaving it saves the namespace controller's work for the common case.
   */
  @Override
  public void finishCase(String namespace) {
    Set<String> namespaces = new LinkedHashSet<>();
    namespaces.add(namespace);
    for (ObjectNode ref : created) {
      if ("Namespace".equals(ref.path("kind").asText())) {
        namespaces.add(ref.at("/metadata/name").asText());
      } else if (ref.at("/metadata/namespace").isTextual()) {
        namespaces.add(ref.at("/metadata/namespace").asText());
      }
    }
    created.clear();
    List<ObjectNode> collectors = new ArrayList<>();
    for (String ns : namespaces) {
      for (GenericKubernetesResource cr : listOf(CR_V1BETA1, RenderCluster.CR_KIND, ns)) {
        ObjectNode ref = tree(cr);
        if (deleteQuietly(ref)) {
          collectors.add(ref);
        }
      }
    }
    Instant deadline = Instant.now().plus(assertTimeout());
    for (ObjectNode ref : collectors) {
      awaitQuietly(Duration.between(Instant.now(), deadline), () -> get(ref) == null);
    }
    used.addAll(namespaces);
    // Nothing looks at the finished test's leftovers: no garbage collection for them.
    collectedAt = deletes.get();
  }

  /** What deleting a namespace removes: everything of the kinds tests and the operator create. */
  private void purge(String namespace) {
    List<String[]> contents = new ArrayList<>(OWNABLE);
    contents.add(new String[] {CR_V1BETA1, RenderCluster.CR_KIND});
    contents.add(new String[] {"events.k8s.io/v1", "Event"});
    contents.add(new String[] {"v1", "Event"});
    contents.add(new String[] {"v1", "Secret"});
    contents.add(new String[] {"rbac.authorization.k8s.io/v1", "Role"});
    contents.add(new String[] {"rbac.authorization.k8s.io/v1", "RoleBinding"});
    for (String[] k : contents) {
      for (GenericKubernetesResource r : listOf(k[0], k[1], namespace)) {
        ObjectNode o = tree(r);
        if (RenderCluster.isCollector(o)) {
          deleteAndWait(o);
        } else {
          deleteQuietly(o);
        }
      }
    }
    used.remove(namespace);
  }

  private void deleteAndWait(ObjectNode ref) {
    if (deleteQuietly(ref)) {
      awaitQuietly(assertTimeout(), () -> get(ref) == null);
    }
  }

  private boolean deleteQuietly(JsonNode ref) {
    try {
      return !resource(ref).delete().isEmpty();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        return false;
      }
      throw e;
    }
  }

  private static ObjectNode refOf(ObjectNode obj) {
    ObjectNode ref = JSON.createObjectNode();
    ref.set("apiVersion", obj.get("apiVersion"));
    ref.set("kind", obj.get("kind"));
    ObjectNode meta = ref.putObject("metadata");
    meta.set("name", obj.at("/metadata/name"));
    if (obj.at("/metadata/namespace").isTextual()) {
      meta.set("namespace", obj.at("/metadata/namespace"));
    }
    return ref;
  }

  @Override
  public List<JsonNode> list(String apiVersion, String kind, String namespace) {
    if (collectedAt != deletes.get()) {
      collectGarbage();
    }
    if ("Pod".equals(kind) && "v1".equals(apiVersion)) {
      syncPods();
    }
    List<JsonNode> out = new ArrayList<>();
    if (RenderCluster.isCollectorKind(apiVersion, kind)) {
      for (GenericKubernetesResource cr : listOf(CR_V1BETA1, RenderCluster.CR_KIND, namespace)) {
        ObjectNode o = tree(cr);
        out.add(apiVersion.equals(CR_V1BETA1) ? o : convert(o, apiVersion));
      }
      return out;
    }
    for (GenericKubernetesResource r : listOf(apiVersion, kind, namespace)) {
      ObjectNode o = tree(r);
      ServerDefaults.apply(o);
      out.add(o);
    }
    return out;
  }

  private List<GenericKubernetesResource> listOf(String apiVersion, String kind, String namespace) {
    var ops = client.genericKubernetesResources(context(apiVersion, kind));
    return (namespace == null || namespace.isEmpty() || Cluster.clusterScoped(kind)
            ? ops.inAnyNamespace().list()
            : ops.inNamespace(namespace).list())
        .getItems();
  }

  // ---------------------------------------------------------------- writes

  /**
   * A merge patch is applied by the API server to the latest version, so it never conflicts; here
   * it is read-merge-write, and a write that raced with the operator is simply redone.
   */
  private void write(ObjectNode doc, Write how) {
    for (int attempt = 1; ; attempt++) {
      try {
        writeOnce(doc, how);
        return;
      } catch (Conflict c) {
        if (attempt >= 10) {
          throw new Rejected(c.getMessage());
        }
      }
    }
  }

  /** The object changed or went between our read and our write (HTTP 409, 404). */
  private static final class Conflict extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Conflict(String message) {
      super(message);
    }
  }

  private void writeOnce(ObjectNode doc, Write how) {
    String kind = doc.path("kind").asText();
    if (missingKinds.contains(kind)) {
      throw new Rejected(
          "no matches for kind \""
              + kind
              + "\" in version \""
              + doc.path("apiVersion").asText()
              + "\" (the API is not installed in this cluster)");
    }
    if (RenderCluster.isCollector(doc)) {
      admitCollector(doc, how);
      return;
    }
    if ("Namespace".equals(kind) && used.contains(doc.at("/metadata/name").asText())) {
      purge(doc.at("/metadata/name").asText());
    }
    ObjectNode existing = get(doc);
    if (existing == null) {
      if (how != Write.APPLY) {
        throw notFound(doc);
      }
      ObjectNode obj = doc.deepCopy();
      if ("Pod".equals(kind)) {
        obj = admitPod(obj);
      }
      create(obj);
      created.add(refOf(obj));
      return;
    }
    ObjectNode obj =
        how == Write.UPDATE
            ? replacement(existing, doc)
            : RenderCluster.mergePatch(existing.deepCopy(), doc);
    replace(obj);
  }

  /** chainsaw's update: the document replaces the object; the server keeps its own fields. */
  private static ObjectNode replacement(ObjectNode existing, JsonNode doc) {
    ObjectNode obj = ((ObjectNode) doc).deepCopy();
    ObjectNode meta = ServerDefaults.object(obj, "metadata");
    for (String f : List.of("uid", "creationTimestamp", "resourceVersion", "generation")) {
      if (existing.at("/metadata").has(f)) {
        meta.set(f, existing.at("/metadata/" + f));
      }
    }
    if (existing.has("status") && !obj.has("status")) {
      obj.set("status", existing.get("status"));
    }
    return obj;
  }

  /**
   * The API server's path for a collector: the stored (v1beta1) object seen in the request's
   * version, the request merged onto it, pruning and schema defaults, conversion to v1beta1 through
   * our conversion webhook, our mutating webhook's JSON patch, the CRD's CEL rules, our validating
   * webhook, and then the write. Status is the status subresource's business: the main resource
   * ignores it.
   */
  private void admitCollector(ObjectNode doc, Write how) {
    String apiVersion = doc.path("apiVersion").asText();
    String version = apiVersion.substring(apiVersion.indexOf('/') + 1);
    ObjectNode ref = doc.deepCopy();
    ref.put("apiVersion", CR_V1BETA1);
    ObjectNode existing = get(ref);
    ObjectNode obj;
    if (existing == null) {
      if (how != Write.APPLY) {
        throw notFound(doc);
      }
      obj = doc.deepCopy();
    } else {
      ObjectNode base =
          version.equals("v1beta1") ? existing.deepCopy() : convert(existing, apiVersion);
      obj = how == Write.UPDATE ? replacement(base, doc) : RenderCluster.mergePatch(base, doc);
    }
    obj.remove("status");
    crd.pruneAndDefault(obj, version);
    if (!version.equals("v1beta1")) {
      obj = convert(obj, CR_V1BETA1);
      crd.pruneAndDefault(obj, "v1beta1");
    }
    String operation = existing == null ? "CREATE" : "UPDATE";
    AdmissionResponse mutated =
        admissionCall(MUTATING_WEBHOOK, collectors::mutate, operation, obj, existing);
    if (mutated.getPatch() != null) {
      JsonNode patch =
          readTree(
              new String(Base64.getDecoder().decode(mutated.getPatch()), StandardCharsets.UTF_8));
      obj = (ObjectNode) JsonPatch.apply(patch, obj);
    }
    // The API server prunes and defaults what a mutating webhook returns, then runs the CEL rules.
    crd.pruneAndDefault(obj, "v1beta1");
    List<String> violations = crd.violations(obj, "v1beta1");
    if (!violations.isEmpty()) {
      throw new Rejected(
          RenderCluster.CR_KIND
              + "."
              + RenderCluster.CR_GROUP
              + " \""
              + obj.at("/metadata/name").asText()
              + "\" is invalid: "
              + (violations.size() == 1 ? violations.get(0) : violations.toString()));
    }
    admissionCall(VALIDATING_WEBHOOK, collectors::validate, operation, obj, existing);
    if (existing == null) {
      create(obj);
      created.add(refOf(obj));
    } else {
      replace(obj);
    }
  }

  /**
   * One call of a failurePolicy-Fail admission handler, through the AdmissionReview JSON the
   * webhook server decodes; a denial or an error surfaces as the API server reports it.
   */
  private AdmissionResponse admissionCall(
      String webhook,
      java.util.function.Function<AdmissionRequest, AdmissionResponse> handler,
      String operation,
      ObjectNode obj,
      ObjectNode old) {
    AdmissionRequest request =
        request(
            operation,
            RenderCluster.CR_GROUP,
            "v1beta1",
            RenderCluster.CR_KIND,
            "opentelemetrycollectors",
            obj,
            old);
    AdmissionResponse response;
    try {
      response = handler.apply(request);
    } catch (RuntimeException e) {
      throw new Rejected(
          "Internal error occurred: failed calling webhook \"" + webhook + "\": " + e.getMessage());
    }
    if (!Boolean.TRUE.equals(response.getAllowed())) {
      Status s = response.getStatus();
      throw new Rejected(
          "admission webhook \""
              + webhook
              + "\" denied the request"
              + (s == null || s.getMessage() == null ? "" : ": " + s.getMessage()));
    }
    return response;
  }

  private static AdmissionRequest request(
      String operation,
      String group,
      String version,
      String kind,
      String resource,
      ObjectNode obj,
      ObjectNode old) {
    ObjectNode review = JSON.createObjectNode();
    review.put("apiVersion", "admission.k8s.io/v1");
    review.put("kind", "AdmissionReview");
    ObjectNode r = review.putObject("request");
    r.put("uid", UUID.randomUUID().toString());
    ObjectNode gvk = r.putObject("kind");
    gvk.put("group", group).put("version", version).put("kind", kind);
    r.set("requestKind", gvk.deepCopy());
    r.putObject("resource").put("group", group).put("version", version).put("resource", resource);
    String namespace = obj.at("/metadata/namespace").asText("");
    if (!namespace.isEmpty()) {
      r.put("namespace", namespace);
    }
    if (obj.at("/metadata/name").isTextual()) {
      r.put("name", obj.at("/metadata/name").asText());
    }
    r.put("operation", operation);
    r.set("object", obj);
    if (old != null) {
      r.set("oldObject", old);
    }
    r.putObject("userInfo").put("username", "chainsaw");
    try {
      return REVIEWS.treeToValue(review, AdmissionReview.class).getRequest();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The CRD conversion webhook, as the API server calls it. */
  private ObjectNode convert(ObjectNode obj, String desiredApiVersion) {
    ConversionRequest request = new ConversionRequest();
    request.setUid(UUID.randomUUID().toString());
    request.setDesiredAPIVersion(desiredApiVersion);
    request.setObjects(List.of(JSON.convertValue(obj, Map.class)));
    ConversionResponse response;
    try {
      response = collectors.convert(request);
    } catch (RuntimeException e) {
      throw new Rejected("conversion webhook for " + RenderCluster.CR_KIND + " failed: " + e);
    }
    if (response.getResult() != null && "Failure".equals(response.getResult().getStatus())) {
      throw new Rejected(
          "conversion webhook for "
              + RenderCluster.CR_KIND
              + " failed: "
              + response.getResult().getMessage());
    }
    return (ObjectNode) JSON.valueToTree(response.getConvertedObjects().get(0));
  }

  // ---------------------------------------------------------------- kube-controller-manager

  /**
   * One Pod per replica of every workload, replaced when the template or replica count changes,
   * each created through the pod webhook as the ReplicaSet/StatefulSet/DaemonSet controllers'
   * creations would be.
   */
  private void syncPods() {
    for (String kind : WORKLOADS) {
      for (GenericKubernetesResource w :
          client
              .genericKubernetesResources(context("apps/v1", kind))
              .inAnyNamespace()
              .list()
              .getItems()) {
        ObjectNode workload = tree(w);
        String uid = workload.at("/metadata/uid").asText();
        String hash = RenderCluster.podTemplateHash(workload);
        if (hash.equals(podTemplateHashes.get(uid))) {
          continue;
        }
        podTemplateHashes.put(uid, hash);
        String ns = workload.at("/metadata/namespace").asText();
        for (GenericKubernetesResource p :
            client
                .genericKubernetesResources(context("v1", "Pod"))
                .inNamespace(ns)
                .list()
                .getItems()) {
          if (ownedBy(tree(p), Set.of(uid))) {
            resource(tree(p)).delete();
          }
        }
        for (ObjectNode pod : RenderCluster.podsOf(workload)) {
          create(admitPod(pod));
        }
      }
    }
  }

  /** The pod webhook on a Pod creation (it fails open, so it never refuses). */
  private ObjectNode admitPod(ObjectNode pod) {
    String ns = pod.at("/metadata/namespace").asText();
    awaitLookup(ns);
    JsonNode node = null;
    if (serviceAccountTokens) {
      node = ServiceAccountTokens.unbind(pod);
      ServiceAccountTokens.mount(pod);
    }
    AdmissionResponse response = pods.handle(request("CREATE", "", "v1", "Pod", "pods", pod, null));
    if (response.getPatch() == null) {
      ServiceAccountTokens.bind(pod, node);
      return pod;
    }
    JsonNode patch =
        readTree(
            new String(Base64.getDecoder().decode(response.getPatch()), StandardCharsets.UTF_8));
    ObjectNode admitted = (ObjectNode) JsonPatch.apply(patch, pod);
    if (serviceAccountTokens) {
      ServiceAccountTokens.mount(admitted);
      ServiceAccountTokens.bind(admitted, node);
    }
    return admitted;
  }

  /**
   * Waits (bounded) until the webhook's informers hold the namespace and the collectors the API has
   * there: a real controller manager creates pods well after a collector was stored.
   */
  private void awaitLookup(String namespace) {
    awaitQuietly(Duration.ofSeconds(5), () -> lookupHolds(namespace));
  }

  private boolean lookupHolds(String namespace) {
    if (!lookup.hasSynced() || lookup.namespace(namespace).isEmpty()) {
      return false;
    }
    Set<String> want = new TreeSet<>();
    Set<String> have = new TreeSet<>();
    for (GenericKubernetesResource cr : crs().inNamespace(namespace).list().getItems()) {
      want.add(cr.getMetadata().getName() + "@" + cr.getMetadata().getResourceVersion());
    }
    for (GenericKubernetesResource cr : crs().inNamespace(namespace).list().getItems()) {
      lookup
          .collector(namespace, cr.getMetadata().getName())
          .ifPresent(
              c ->
                  have.add(c.getMetadata().getName() + "@" + c.getMetadata().getResourceVersion()));
    }
    for (dev.telescope.api.instrumentation.Instrumentation i :
        client
            .resources(dev.telescope.api.instrumentation.Instrumentation.class)
            .inNamespace(namespace)
            .list()
            .getItems()) {
      want.add("inst/" + i.getMetadata().getName() + "@" + i.getMetadata().getResourceVersion());
      lookup
          .instrumentation(namespace, i.getMetadata().getName())
          .ifPresent(
              x ->
                  have.add(
                      "inst/"
                          + x.getMetadata().getName()
                          + "@"
                          + x.getMetadata().getResourceVersion()));
    }
    return want.equals(have);
  }

  /** Deletes every object whose owners are all gone, until nothing more goes. */
  private void collectGarbage() {
    while (true) {
      collectedAt = deletes.get();
      Set<String> live = new HashSet<>();
      for (GenericKubernetesResource cr : crs().inAnyNamespace().list().getItems()) {
        live.add(cr.getMetadata().getUid());
      }
      List<ObjectNode> owned = new ArrayList<>();
      for (String[] k : OWNABLE) {
        for (GenericKubernetesResource r :
            client
                .genericKubernetesResources(context(k[0], k[1]))
                .inAnyNamespace()
                .list()
                .getItems()) {
          ObjectNode o = tree(r);
          live.add(o.at("/metadata/uid").asText());
          if (o.at("/metadata/ownerReferences").size() > 0) {
            owned.add(o);
          }
        }
      }
      boolean removed = false;
      for (ObjectNode o : owned) {
        if (!ownedBy(o, live)) {
          deleteQuietly(o);
          removed = true;
        }
      }
      if (!removed) {
        collectedAt = deletes.get();
        return;
      }
    }
  }

  private static boolean ownedBy(JsonNode o, Set<String> uids) {
    for (JsonNode ref : o.at("/metadata/ownerReferences")) {
      if (uids.contains(ref.path("uid").asText())) {
        return true;
      }
    }
    return false;
  }

  // ---------------------------------------------------------------- the mock API

  private MixedOperation<
          GenericKubernetesResource,
          io.fabric8.kubernetes.api.model.GenericKubernetesResourceList,
          Resource<GenericKubernetesResource>>
      crs() {
    return client.genericKubernetesResources(context(CR_V1BETA1, RenderCluster.CR_KIND));
  }

  static ResourceDefinitionContext context(String apiVersion, String kind) {
    int slash = apiVersion.indexOf('/');
    return new ResourceDefinitionContext.Builder()
        .withGroup(slash < 0 ? "" : apiVersion.substring(0, slash))
        .withVersion(slash < 0 ? apiVersion : apiVersion.substring(slash + 1))
        .withKind(kind)
        .withPlural(Pluralize.toPlural(kind.toLowerCase(Locale.ROOT)))
        .withNamespaced(!Cluster.clusterScoped(kind))
        .build();
  }

  private Resource<GenericKubernetesResource> resource(JsonNode o) {
    var ops =
        client.genericKubernetesResources(
            context(o.path("apiVersion").asText(), o.path("kind").asText()));
    String name = o.at("/metadata/name").asText();
    String kind = o.path("kind").asText();
    return Cluster.clusterScoped(kind)
        ? ops.withName(name)
        : ops.inNamespace(o.at("/metadata/namespace").asText()).withName(name);
  }

  private ObjectNode get(JsonNode ref) {
    GenericKubernetesResource r = resource(ref).get();
    return r == null ? null : tree(r);
  }

  private void create(ObjectNode obj) {
    var ops =
        client.genericKubernetesResources(
            context(obj.path("apiVersion").asText(), obj.path("kind").asText()));
    GenericKubernetesResource r = resourceOf(obj);
    try {
      if (Cluster.clusterScoped(obj.path("kind").asText())) {
        ops.resource(r).create();
      } else {
        ops.inNamespace(obj.at("/metadata/namespace").asText()).resource(r).create();
      }
    } catch (KubernetesClientException e) {
      throw new Rejected(message(e));
    }
  }

  private void replace(ObjectNode obj) {
    var ops =
        client.genericKubernetesResources(
            context(obj.path("apiVersion").asText(), obj.path("kind").asText()));
    GenericKubernetesResource r = resourceOf(obj);
    try {
      if (Cluster.clusterScoped(obj.path("kind").asText())) {
        ops.resource(r).update();
      } else {
        ops.inNamespace(obj.at("/metadata/namespace").asText()).resource(r).update();
      }
    } catch (KubernetesClientException e) {
      // 404: the object went (the operator pruned it) between our read and our write.
      if (e.getCode() == 409 || e.getCode() == 404) {
        throw new Conflict(message(e));
      }
      throw new Rejected(message(e));
    }
  }

  private static String message(KubernetesClientException e) {
    return e.getStatus() != null && e.getStatus().getMessage() != null
        ? e.getStatus().getMessage()
        : e.getMessage();
  }

  private static Rejected notFound(JsonNode doc) {
    return new Rejected(
        doc.path("kind").asText() + " \"" + doc.at("/metadata/name").asText() + "\" not found");
  }

  private static GenericKubernetesResource resourceOf(ObjectNode obj) {
    return JSON.convertValue(obj, GenericKubernetesResource.class);
  }

  private static ObjectNode tree(GenericKubernetesResource r) {
    return (ObjectNode) readTree(Serialization.asJson(r));
  }

  private static JsonNode readTree(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Polls until the condition holds or the time is up, and then simply returns: these waits only
   * give the operator a fair chance, the case's own assertions decide.
   */
  private static void awaitQuietly(Duration atMost, BooleanSupplier condition) {
    if (atMost.isNegative() || atMost.isZero()) {
      return;
    }
    try {
      Awaitility.await()
          .atMost(atMost)
          .pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofMillis(25))
          .until(condition::getAsBoolean);
    } catch (ConditionTimeoutException e) {
      // bounded wait: the caller goes on with what there is
    }
  }
}
