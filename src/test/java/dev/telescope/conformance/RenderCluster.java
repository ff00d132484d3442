package dev.telescope.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telescope.api.Hub;
import dev.telescope.api.common.ManagementState;
import dev.telescope.api.common.Mode;
import dev.telescope.api.v1alpha1.TargetAllocator;
import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import dev.telescope.config.Defaults;
import dev.telescope.manifests.CollectorContext;
import dev.telescope.manifests.CollectorManifests;
import dev.telescope.manifests.Labels;
import dev.telescope.manifests.Replicas;
import dev.telescope.manifests.targetallocator.AllocatorContext;
import dev.telescope.manifests.targetallocator.AllocatorManifests;
import dev.telescope.naming.Names;
import dev.telescope.settings.OperatorConfig;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A cluster that exists only in memory: CRs are admitted the way the API server and our webhook
 * would (CRD pruning, schema defaults and CEL rules from our generated CRD, then {@link
 * Defaults#apply}), and every change to a collector runs an emulated reconcile around the real
 * renderer {@link CollectorManifests#build}.
 *
 * <p>What is emulated here rather than taken from our code, because the reconciler is not on this
 * branch: owner references, create-or-update with upstream's merge-only labels/annotations, pruning
 * of objects no longer rendered (keeping {@code configVersions + 1} collector ConfigMaps),
 * cluster-scoped RBAC cleanup, the CR's status (image, version, scale, observedGeneration, Ready
 * condition) and the "applied status changes" event, plus the parts of the API server and
 * kube-controller-manager the fixtures look at (server defaults, one Pod per replica from a
 * workload's template, garbage collection of dependents). A {@link PodWebhook} can be plugged in to
 * mutate Pods as the admission webhook would.
 */
final class RenderCluster implements Cluster {
  static final String CR_GROUP = "opentelemetry.io";
  static final String CR_KIND = "OpenTelemetryCollector";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  /** Mutates a Pod at creation, as the pod admission webhook would; may return it unchanged. */
  interface PodWebhook {
    JsonNode mutate(JsonNode pod, RenderCluster cluster);
  }

  /** A v1alpha1 CR was involved while the v1alpha1 conversion is not available yet. */
  static final class PendingConversion extends RuntimeException {
    private static final long serialVersionUID = 1L;

    PendingConversion(String message) {
      super(message);
    }
  }

  private final OperatorConfig cfg;
  private final CrdSchema crd;
  private final PodWebhook podWebhook;
  private final Map<String, ObjectNode> store = new LinkedHashMap<>();
  private final Map<String, String> podTemplateHashes = new HashMap<>();
  private final Set<String> missingKinds;
  private long sequence;
  private boolean reconciling;

  RenderCluster(OperatorConfig cfg, CrdSchema crd, PodWebhook podWebhook) {
    this.cfg = cfg;
    this.crd = crd;
    this.podWebhook = podWebhook;
    Set<String> missing = new LinkedHashSet<>();
    if (!cfg.capabilities().openShiftRoutes()) {
      missing.add("Route");
    }
    if (!cfg.capabilities().prometheusCrds()) {
      missing.add("ServiceMonitor");
      missing.add("PodMonitor");
    }
    this.missingKinds = Set.copyOf(missing);
  }

  OperatorConfig config() {
    return cfg;
  }

  // ---------------------------------------------------------------- Cluster

  @Override
  public void createNamespace(String name) {
    ObjectNode ns = JSON.createObjectNode();
    ns.put("apiVersion", "v1");
    ns.put("kind", "Namespace");
    ns.putObject("metadata").put("name", name);
    if (!store.containsKey(key(ns))) {
      write(ns, null);
    }
  }

  @Override
  public void apply(List<JsonNode> docs) {
    for (JsonNode doc : docs) {
      ObjectNode existing = store.get(key(doc));
      if (existing == null) {
        write(copy(doc), null);
      } else {
        write(mergePatch(existing.deepCopy(), doc), existing);
      }
    }
  }

  @Override
  public void update(List<JsonNode> docs) {
    for (JsonNode doc : docs) {
      ObjectNode existing = require(doc);
      ObjectNode replacement = copy(doc);
      ObjectNode meta = ServerDefaults.object(replacement, "metadata");
      for (String f : List.of("uid", "creationTimestamp", "generation", "resourceVersion")) {
        if (existing.at("/metadata").has(f)) {
          meta.set(f, existing.at("/metadata/" + f));
        }
      }
      write(replacement, existing);
    }
  }

  @Override
  public void patch(List<JsonNode> docs) {
    for (JsonNode doc : docs) {
      ObjectNode existing = require(doc);
      write(mergePatch(existing.deepCopy(), doc), existing);
    }
  }

  @Override
  public void delete(String apiVersion, String kind, String namespace, String name) {
    String k = key(apiVersion, kind, Cluster.clusterScoped(kind) ? "" : namespace, name);
    ObjectNode existing = store.get(k);
    if (existing == null) {
      throw new Rejected(kind + " \"" + name + "\" not found");
    }
    remove(k);
    if (isCollector(existing)) {
      // The finalizer: cluster-scoped RBAC cannot carry an owner reference.
      String instance = Names.instance(namespace, name);
      for (String rk : keysWhere(o -> isClusterRbacOf(o, instance))) {
        remove(rk);
      }
      // A standalone allocator that served it goes back to serving no collector.
      reconcileAllocatorsOf(existing);
    } else {
      reconcileOwner(existing);
    }
  }

  @Override
  public List<JsonNode> list(String apiVersion, String kind, String namespace) {
    String group = group(apiVersion);
    List<JsonNode> out = new ArrayList<>();
    for (ObjectNode o : store.values()) {
      if (!kind.equals(o.path("kind").asText())
          || !group.equals(group(o.path("apiVersion").asText()))) {
        continue;
      }
      String ns = o.at("/metadata/namespace").asText("");
      if (namespace != null && !namespace.isEmpty() && !namespace.equals(ns)) {
        continue;
      }
      out.add(view(o, apiVersion));
    }
    return out;
  }

  /** Every stored object (for diagnostics and tests). */
  List<ObjectNode> all() {
    return new ArrayList<>(store.values());
  }

  // ---------------------------------------------------------------- writes

  private ObjectNode require(JsonNode doc) {
    ObjectNode existing = store.get(key(doc));
    if (existing == null) {
      throw new Rejected(
          doc.path("kind").asText() + " \"" + doc.at("/metadata/name").asText() + "\" not found");
    }
    return existing;
  }

  private void write(ObjectNode obj, ObjectNode existing) {
    String kind = obj.path("kind").asText();
    if (missingKinds.contains(kind)) {
      throw new Rejected(
          "no matches for kind \""
              + kind
              + "\" in version \""
              + obj.path("apiVersion").asText()
              + "\" (the API is not installed in this emulated cluster)");
    }
    if (isCollector(obj)) {
      admitCollector(obj, existing);
      return;
    }
    if (existing == null && "Pod".equals(kind) && podWebhook != null) {
      obj = (ObjectNode) podWebhook.mutate(obj, this);
    }
    stamp(obj, existing);
    ServerDefaults.apply(obj);
    store.put(key(obj), obj);
    syncPods(obj);
    reconcileOwner(obj);
    if (isAllocator(obj)) {
      reconcileAllocator(key(obj));
    }
  }

  // ---------------------------------------------------------------- the emulated allocator
  // controller

  private static boolean isAllocator(JsonNode o) {
    return TargetAllocator.KIND.equals(o.path("kind").asText())
        && CR_GROUP.equals(group(o.path("apiVersion").asText()));
  }

  /** The allocators a collector feeds: its own (same name) and the one it is labelled with. */
  private void reconcileAllocatorsOf(ObjectNode collector) {
    String ns = collector.at("/metadata/namespace").asText("");
    List<String> names = new ArrayList<>();
    names.add(collector.at("/metadata/name").asText());
    JsonNode label = collector.at("/metadata/labels").get(TargetAllocator.COLLECTOR_LABEL);
    if (label != null) {
      names.add(label.asText());
    }
    for (String n : names) {
      String k = key(TargetAllocator.API_VERSION, TargetAllocator.KIND, ns, n);
      if (store.containsKey(k)) {
        reconcileAllocator(k);
      }
    }
  }

  /** What the TargetAllocator controller does: render with the allocator builders, prune. */
  private void reconcileAllocator(String taKey) {
    ObjectNode taJson = store.get(taKey);
    TargetAllocator ta = JSON.convertValue(taJson, TargetAllocator.class);
    String ns = ta.getMetadata().getNamespace();
    ObjectNode collector = null;
    for (JsonNode ref : taJson.at("/metadata/ownerReferences")) {
      if (CR_KIND.equals(ref.path("kind").asText())) {
        collector =
            store.get(
                key(OpenTelemetryCollector.API_VERSION, CR_KIND, ns, ref.path("name").asText()));
      }
    }
    if (collector == null) {
      List<String> labelled =
          keysWhere(
              o ->
                  isCollector(o)
                      && ns.equals(o.at("/metadata/namespace").asText())
                      && ta.getMetadata()
                          .getName()
                          .equals(
                              o.at("/metadata/labels")
                                  .path(TargetAllocator.COLLECTOR_LABEL)
                                  .asText(null)));
      collector = labelled.size() == 1 ? store.get(labelled.get(0)) : null;
    }
    CollectorContext cc =
        collector == null
            ? null
            : CollectorContext.of(Defaults.apply(Hub.toHub(collector), cfg).collector(), cfg);
    String uid = taJson.at("/metadata/uid").asText();
    Set<String> desiredKeys = new LinkedHashSet<>();
    boolean outer = !reconciling;
    reconciling = true;
    try {
      for (HasMetadata o : AllocatorManifests.build(AllocatorContext.of(ta, cc, cfg))) {
        ObjectNode desired = toJson(o);
        ObjectNode ref =
            ((ObjectNode) desired.get("metadata")).putArray("ownerReferences").addObject();
        ref.put("apiVersion", TargetAllocator.API_VERSION);
        ref.put("kind", TargetAllocator.KIND);
        ref.put("name", ta.getMetadata().getName());
        ref.put("uid", uid);
        ref.put("controller", true);
        ref.put("blockOwnerDeletion", true);
        String k = key(desired);
        desiredKeys.add(k);
        createOrUpdate(desired, store.get(k));
      }
      for (String k : keysWhere(o -> controlledBy(o, uid))) {
        if (!desiredKeys.contains(k)) {
          remove(k);
        }
      }
    } finally {
      if (outer) {
        reconciling = false;
      }
    }
  }

  /** Server-managed metadata: uid, creation time, resourceVersion, generation. */
  private void stamp(ObjectNode obj, ObjectNode existing) {
    ObjectNode meta = ServerDefaults.object(obj, "metadata");
    if (existing == null) {
      sequence++;
      meta.put("uid", "00000000-0000-0000-0000-" + String.format("%012d", sequence));
      meta.put("creationTimestamp", Instant.ofEpochSecond(1_800_000_000L + sequence).toString());
      meta.put("generation", 1);
    } else {
      JsonNode em = existing.get("metadata");
      meta.set("uid", em.get("uid"));
      meta.set("creationTimestamp", em.get("creationTimestamp"));
      long generation = em.path("generation").asLong(1);
      if (!Jmes.same(existing.get("spec"), obj.get("spec"))) {
        generation++;
      }
      meta.put("generation", generation);
    }
    sequence++;
    meta.put("resourceVersion", Long.toString(sequence));
  }

  /**
   * The API server's path for a collector CR: CRD pruning and defaults, conversion to the storage
   * version, the mutating webhook's defaults, the CRD's CEL rules. The status subresource keeps the
   * stored status whatever the request carries.
   */
  private void admitCollector(ObjectNode obj, ObjectNode existing) {
    String version = obj.path("apiVersion").asText().substring(CR_GROUP.length() + 1);
    crd.pruneAndDefault(obj, version);
    OpenTelemetryCollector hub;
    try {
      hub = Hub.toHub(obj);
    } catch (UnsupportedOperationException e) {
      throw new PendingConversion("v1alpha1 -> v1beta1: " + e.getMessage());
    }
    if (hub.getMetadata().getNamespace() == null) {
      hub.getMetadata().setNamespace(obj.at("/metadata/namespace").asText(null));
    }
    OpenTelemetryCollector defaulted = Defaults.apply(hub, cfg).collector();
    ObjectNode stored = toJson(defaulted);
    stored.remove("status");
    List<String> violations = crd.violations(stored, "v1beta1");
    if (!violations.isEmpty()) {
      throw new Rejected(
          CR_KIND
              + "."
              + CR_GROUP
              + " \""
              + obj.at("/metadata/name").asText()
              + "\" is invalid: "
              + (violations.size() == 1 ? violations.get(0) : violations.toString()));
    }
    if (existing != null && existing.has("status")) {
      stored.set("status", existing.get("status"));
    }
    stamp(stored, existing);
    store.put(key(stored), stored);
    reconcile(key(stored));
  }

  // ---------------------------------------------------------------- the emulated reconciler

  private void reconcileOwner(JsonNode obj) {
    if (reconciling) {
      return;
    }
    for (JsonNode ref : obj.at("/metadata/ownerReferences")) {
      if (ref.path("controller").asBoolean(false) && CR_KIND.equals(ref.path("kind").asText())) {
        String k =
            key(
                ref.path("apiVersion").asText(),
                CR_KIND,
                obj.at("/metadata/namespace").asText(""),
                ref.path("name").asText());
        if (store.containsKey(k)) {
          reconcile(k);
        }
      }
    }
  }

  private void reconcile(String crKey) {
    ObjectNode crJson = store.get(crKey);
    OpenTelemetryCollector cr = Hub.toHub(crJson);
    if (cr.getSpec() != null && cr.getSpec().managementState == ManagementState.UNMANAGED) {
      return;
    }
    boolean outer = !reconciling;
    reconciling = true;
    try {
      CollectorContext ctx = CollectorContext.of(cr, cfg);
      CollectorManifests.Rendered rendered = CollectorManifests.build(ctx);
      if (!rendered.problems().isEmpty()) {
        writeStatus(crJson, ctx, false, rendered.problems().toString());
        return;
      }
      Set<String> desiredKeys = new LinkedHashSet<>();
      for (HasMetadata o : rendered.objects()) {
        ObjectNode desired = toJson(o);
        boolean namespaced = !Cluster.clusterScoped(desired.path("kind").asText());
        if (namespaced) {
          ArrayNode refs = ((ObjectNode) desired.get("metadata")).putArray("ownerReferences");
          ObjectNode ref = refs.addObject();
          ref.put("apiVersion", OpenTelemetryCollector.API_VERSION);
          ref.put("kind", CR_KIND);
          ref.put("name", ctx.name());
          ref.put("uid", crJson.at("/metadata/uid").asText());
          ref.put("controller", true);
          ref.put("blockOwnerDeletion", true);
        }
        String k = key(desired);
        desiredKeys.add(k);
        createOrUpdate(desired, store.get(k));
      }
      prune(crJson, ctx, desiredKeys);
      writeStatus(crJson, ctx, true, null);
      reconcileAllocatorsOf(crJson);
    } finally {
      if (outer) {
        reconciling = false;
      }
    }
  }

  /** Upstream's mutate: labels and annotations merged (never removed), the rest replaced. */
  private void createOrUpdate(ObjectNode desired, ObjectNode existing) {
    if (existing == null) {
      if (missingKinds.contains(desired.path("kind").asText())) {
        return;
      }
      stamp(desired, null);
      ServerDefaults.apply(desired);
      store.put(key(desired), desired);
      syncPods(desired);
      return;
    }
    ObjectNode merged = existing.deepCopy();
    ObjectNode meta = (ObjectNode) merged.get("metadata");
    mergeMap(meta, "labels", desired.at("/metadata/labels"));
    mergeMap(meta, "annotations", desired.at("/metadata/annotations"));
    if (desired.at("/metadata/ownerReferences").size() > 0) {
      meta.set("ownerReferences", desired.at("/metadata/ownerReferences"));
    }
    Iterator<Map.Entry<String, JsonNode>> fields = desired.properties().iterator();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> f = fields.next();
      if (!Set.of("metadata", "status", "apiVersion", "kind").contains(f.getKey())) {
        merged.set(f.getKey(), f.getValue());
      }
    }
    Iterator<String> names = existing.fieldNames();
    while (names.hasNext()) {
      String n = names.next();
      if (!desired.has(n) && !Set.of("metadata", "status", "apiVersion", "kind").contains(n)) {
        merged.remove(n);
      }
    }
    String kind = desired.path("kind").asText();
    if (Set.of("Deployment", "StatefulSet", "DaemonSet").contains(kind)) {
      ObjectNode templateMeta =
          ServerDefaults.object(
              ServerDefaults.object(ServerDefaults.object(merged, "spec"), "template"), "metadata");
      JsonNode oldTemplateMeta = existing.at("/spec/template/metadata");
      ObjectNode base = oldTemplateMeta.isObject() ? oldTemplateMeta.deepCopy() : templateMeta;
      mergeMap(base, "labels", desired.at("/spec/template/metadata/labels"));
      mergeMap(base, "annotations", desired.at("/spec/template/metadata/annotations"));
      ((ObjectNode) merged.get("spec").get("template")).set("metadata", base);
    }
    stamp(merged, existing);
    ServerDefaults.apply(merged);
    store.put(key(merged), merged);
    syncPods(merged);
  }

  private static void mergeMap(ObjectNode meta, String field, JsonNode desired) {
    if (desired == null || !desired.isObject() || desired.isEmpty()) {
      return;
    }
    ObjectNode target = ServerDefaults.object(meta, field);
    target.setAll((ObjectNode) desired);
  }

  private void prune(ObjectNode crJson, CollectorContext ctx, Set<String> desiredKeys) {
    String uid = crJson.at("/metadata/uid").asText();
    List<String> oldConfigMaps = new ArrayList<>();
    for (String k : keysWhere(o -> controlledBy(o, uid))) {
      if (desiredKeys.contains(k)) {
        continue;
      }
      ObjectNode o = store.get(k);
      if ("ConfigMap".equals(o.path("kind").asText())) {
        oldConfigMaps.add(k);
      } else {
        remove(k);
      }
    }
    // Keep the newest configVersions old ConfigMaps: a rollback needs the previous configs.
    oldConfigMaps.sort(
        (a, b) ->
            store
                .get(b)
                .at("/metadata/creationTimestamp")
                .asText()
                .compareTo(store.get(a).at("/metadata/creationTimestamp").asText()));
    Integer versions = ctx.spec().configVersions;
    int keep = versions == null ? 3 : versions;
    for (int i = keep; i < oldConfigMaps.size(); i++) {
      remove(oldConfigMaps.get(i));
    }
    String instance = Names.instance(ctx.namespace(), ctx.name());
    for (String k : keysWhere(o -> isClusterRbacOf(o, instance))) {
      if (!desiredKeys.contains(k)) {
        remove(k);
      }
    }
  }

  private void writeStatus(ObjectNode crJson, CollectorContext ctx, boolean ok, String error) {
    ObjectNode status = ServerDefaults.object(crJson, "status");
    if (ok) {
      status.put("image", ctx.image());
      if (!status.hasNonNull("version") || status.get("version").asText().isEmpty()) {
        status.put("version", cfg.collectorVersion());
      }
      ObjectNode scale = ServerDefaults.object(status, "scale");
      if (ctx.mode() == Mode.SIDECAR) {
        scale.put("replicas", 0);
        scale.put("selector", "");
      } else {
        int replicas = ctx.mode() == Mode.DAEMONSET ? 1 : Replicas.desired(ctx);
        scale.put("replicas", replicas);
        scale.put("selector", Labels.asString(Labels.common(ctx, Names.collector(ctx.name()))));
        // Nothing runs here, so no replica is ever ready.
        scale.put("statusReplicas", "0/" + replicas);
      }
    }
    long generation = crJson.at("/metadata/generation").asLong(1);
    status.put("observedGeneration", generation);
    ArrayNode conditions = status.putArray("conditions");
    ObjectNode ready = conditions.addObject();
    ready.put("type", "Ready");
    ready.put("status", ok ? "True" : "False");
    ready.put("reason", ok ? "Reconciled" : "ReconcileError");
    ready.put("message", ok ? "Successfully reconciled" : error);
    ready.put("observedGeneration", generation);
    ready.put("lastTransitionTime", Instant.ofEpochSecond(1_800_000_000L + sequence).toString());
    event(
        crJson,
        ok ? "Normal" : "Warning",
        ok ? "Info" : "Error",
        ok ? "applied status changes" : error);
  }

  private void event(ObjectNode crJson, String type, String reason, String note) {
    sequence++;
    ObjectNode e = JSON.createObjectNode();
    e.put("apiVersion", "events.k8s.io/v1");
    e.put("kind", "Event");
    ObjectNode meta = e.putObject("metadata");
    meta.put("name", crJson.at("/metadata/name").asText() + "." + Long.toHexString(sequence));
    meta.put("namespace", crJson.at("/metadata/namespace").asText());
    e.put("type", type);
    e.put("reason", reason);
    e.put("note", note);
    e.put("action", reason);
    e.put("reportingController", "opentelemetry-operator");
    e.put("reportingInstance", "opentelemetry-operator");
    ObjectNode regarding = e.putObject("regarding");
    regarding.put("apiVersion", OpenTelemetryCollector.API_VERSION);
    regarding.put("kind", CR_KIND);
    regarding.put("name", crJson.at("/metadata/name").asText());
    regarding.put("namespace", crJson.at("/metadata/namespace").asText());
    regarding.put("uid", crJson.at("/metadata/uid").asText());
    store.put(key(e), e);
  }

  /** The stored objects of a kind (read-only views), for the pod webhook's caches. */
  List<ObjectNode> objects(String kind) {
    List<ObjectNode> out = new ArrayList<>();
    for (ObjectNode o : store.values()) {
      if (kind.equals(o.path("kind").asText())) {
        out.add(o);
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- kube-controller-manager

  /** One Pod per replica from a workload's template, replaced whenever the template changes. */
  private void syncPods(ObjectNode workload) {
    if (!isWorkload(workload)) {
      return;
    }
    String wk = key(workload);
    String hash = podTemplateHash(workload);
    if (hash.equals(podTemplateHashes.get(wk))) {
      return;
    }
    podTemplateHashes.put(wk, hash);
    String uid = workload.at("/metadata/uid").asText();
    for (String k : keysWhere(o -> "Pod".equals(o.path("kind").asText()) && controlledBy(o, uid))) {
      store.remove(k);
    }
    for (ObjectNode pod : podsOf(workload)) {
      ObjectNode stored = (ObjectNode) (podWebhook == null ? pod : podWebhook.mutate(pod, this));
      stamp(stored, null);
      ServerDefaults.apply(stored);
      store.put(key(stored), stored);
    }
  }

  static boolean isWorkload(JsonNode o) {
    return Set.of("Deployment", "StatefulSet", "DaemonSet").contains(o.path("kind").asText());
  }

  static String podTemplateHash(JsonNode workload) {
    int replicas =
        "DaemonSet".equals(workload.path("kind").asText())
            ? 1
            : workload.at("/spec/replicas").asInt(1);
    return sha256(workload.at("/spec/template").toString() + "/" + replicas);
  }

  /**
   * The Pods kube-controller-manager would create for a workload on a one-node cluster (one per
   * replica; one for a DaemonSet), before admission: template metadata and spec, a node name, a
   * controller reference to the workload. Reusable by any cluster without a controller manager.
   */
  static List<ObjectNode> podsOf(JsonNode workload) {
    String kind = workload.path("kind").asText();
    JsonNode template = workload.at("/spec/template");
    int replicas = "DaemonSet".equals(kind) ? 1 : workload.at("/spec/replicas").asInt(1);
    String hash = podTemplateHash(workload);
    String name = workload.at("/metadata/name").asText();
    List<ObjectNode> out = new ArrayList<>();
    for (int i = 0; i < replicas; i++) {
      ObjectNode pod = JSON.createObjectNode();
      pod.put("apiVersion", "v1");
      pod.put("kind", "Pod");
      ObjectNode meta = pod.putObject("metadata");
      meta.put(
          "name",
          switch (kind) {
            case "StatefulSet" -> name + "-" + i;
            case "DaemonSet" -> name + "-" + hash.substring(0, 5);
            default -> name + "-" + hash.substring(0, 10) + "-" + hash.substring(10 + i, 15 + i);
          });
      meta.put("namespace", workload.at("/metadata/namespace").asText());
      if (template.at("/metadata/labels").isObject()) {
        meta.set("labels", template.at("/metadata/labels").deepCopy());
      }
      if (template.at("/metadata/annotations").isObject()) {
        meta.set("annotations", template.at("/metadata/annotations").deepCopy());
      }
      ObjectNode ref = meta.putArray("ownerReferences").addObject();
      ref.put("apiVersion", workload.path("apiVersion").asText());
      ref.put("kind", kind);
      ref.put("name", name);
      ref.put("uid", workload.at("/metadata/uid").asText());
      ref.put("controller", true);
      ref.put("blockOwnerDeletion", true);
      ObjectNode spec =
          template.path("spec").isObject()
              ? ((ObjectNode) template.get("spec")).deepCopy()
              : JSON.createObjectNode();
      spec.put("nodeName", "conformance-node");
      pod.set("spec", spec);
      out.add(pod);
    }
    return out;
  }

  // ---------------------------------------------------------------- helpers

  /** Deletes an object and, like the garbage collector, everything it controls. */
  private void remove(String k) {
    ObjectNode o = store.remove(k);
    if (o == null) {
      return;
    }
    podTemplateHashes.remove(k);
    String uid = o.at("/metadata/uid").asText();
    for (String dependent : keysWhere(d -> controlledBy(d, uid))) {
      remove(dependent);
    }
  }

  private List<String> keysWhere(java.util.function.Predicate<ObjectNode> p) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, ObjectNode> e : store.entrySet()) {
      if (p.test(e.getValue())) {
        out.add(e.getKey());
      }
    }
    return out;
  }

  private static boolean controlledBy(JsonNode o, String uid) {
    for (JsonNode ref : o.at("/metadata/ownerReferences")) {
      if (uid.equals(ref.path("uid").asText())) {
        return true;
      }
    }
    return false;
  }

  private static boolean isClusterRbacOf(JsonNode o, String instance) {
    String kind = o.path("kind").asText();
    return ("ClusterRole".equals(kind) || "ClusterRoleBinding".equals(kind))
        && instance.equals(o.at("/metadata/labels/" + jsonPointer(Labels.INSTANCE)).asText())
        && Labels.OPERATOR.equals(
            o.at("/metadata/labels/" + jsonPointer(Labels.MANAGED_BY)).asText());
  }

  private static String jsonPointer(String key) {
    return key.replace("~", "~0").replace("/", "~1");
  }

  static boolean isCollector(JsonNode o) {
    return isCollectorKind(o.path("apiVersion").asText(), o.path("kind").asText());
  }

  static boolean isCollectorKind(String apiVersion, String kind) {
    return CR_KIND.equals(kind) && CR_GROUP.equals(group(apiVersion));
  }

  private JsonNode view(ObjectNode o, String apiVersion) {
    ObjectNode copy = o.deepCopy();
    if (isCollector(o) && apiVersion.endsWith("/v1alpha1")) {
      return alphaView(copy);
    }
    if (group(apiVersion).equals(group(o.path("apiVersion").asText()))) {
      copy.put("apiVersion", apiVersion);
    }
    return copy;
  }

  /**
   * The v1alpha1 view of a stored CR, through {@code Conversion.toV1alpha1} once it exists (looked
   * up reflectively so this suite compiles before the conversion lands).
   */
  private JsonNode alphaView(ObjectNode stored) {
    try {
      Method m =
          dev.telescope.api.Conversion.class.getMethod("toV1alpha1", OpenTelemetryCollector.class);
      Object alpha = m.invoke(null, Hub.toHub(stored));
      ObjectNode out = toJson(alpha);
      out.set("metadata", stored.get("metadata"));
      if (stored.has("status")) {
        out.set("status", stored.get("status"));
      }
      return out;
    } catch (NoSuchMethodException e) {
      throw new PendingConversion("v1beta1 -> v1alpha1: Conversion.toV1alpha1 does not exist yet");
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof UnsupportedOperationException) {
        throw new PendingConversion("v1beta1 -> v1alpha1: " + e.getCause().getMessage());
      }
      throw new IllegalStateException(e.getCause());
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }

  static ObjectNode toJson(Object o) {
    try {
      return (ObjectNode) JSON.readTree(SERIALIZATION.asJson(o));
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static ObjectNode copy(JsonNode doc) {
    return ((ObjectNode) doc).deepCopy();
  }

  /** RFC 7386 JSON merge patch, which is what chainsaw's apply and patch send. */
  static ObjectNode mergePatch(ObjectNode target, JsonNode patch) {
    Iterator<Map.Entry<String, JsonNode>> it = patch.properties().iterator();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode v = e.getValue();
      if (v.isNull()) {
        target.remove(e.getKey());
      } else if (v.isObject()) {
        JsonNode t = target.get(e.getKey());
        target.set(
            e.getKey(), mergePatch(t instanceof ObjectNode o ? o : JSON.createObjectNode(), v));
      } else {
        target.set(e.getKey(), v.deepCopy());
      }
    }
    return target;
  }

  static String group(String apiVersion) {
    int slash = apiVersion.indexOf('/');
    return slash < 0 ? "" : apiVersion.substring(0, slash);
  }

  private static String key(JsonNode doc) {
    String kind = doc.path("kind").asText();
    return key(
        doc.path("apiVersion").asText(),
        kind,
        Cluster.clusterScoped(kind) ? "" : doc.at("/metadata/namespace").asText(""),
        doc.at("/metadata/name").asText());
  }

  private static String key(String apiVersion, String kind, String namespace, String name) {
    return group(apiVersion) + "|" + kind + "|" + namespace + "|" + name;
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
