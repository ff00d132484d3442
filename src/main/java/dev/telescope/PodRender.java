package dev.telescope;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telescope.api.Hub;
import dev.telescope.api.instrumentation.Instrumentation;
import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import dev.telescope.config.Defaults;
import dev.telescope.settings.OperatorConfig;
import dev.telescope.webhook.CollectorLookup;
import dev.telescope.webhook.PodAdmission;
import dev.telescope.webhook.PodInstrumentation;
import dev.telescope.webhook.SidecarInjector;
import io.fabric8.kubernetes.api.model.GroupVersionKind;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.zjsonpatch.JsonPatch;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * {@code render --pod}: a pod, or a workload's pod template, as {@code /mutate-v1-pod} would admit
 * it (sidecar, then auto-instrumentation), with no cluster. It runs the webhook's own {@link
 * PodAdmission} over an in-memory lookup of the given collectors, Instrumentations and Namespaces,
 * and applies the patch it answers, so the preview cannot drift from what the webhook does.
 *
 * <p>A workload's template is admitted as the pod its controller creates: owned by the workload,
 * without a name. What only exists at run time (the ReplicaSet a Deployment makes, pod names and
 * UIDs) is not in the preview.
 */
final class PodRender {
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  /** The kinds {@code --pod} accepts, for messages. */
  static final String KINDS = "Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job or CronJob";

  /** Kinds whose pod template sits at {@code spec.template}. */
  private static final List<String> TEMPLATE_KINDS =
      List.of("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job");

  private PodRender() {}

  /**
   * The admitted pod or workload for one document, and what the user must hear about it.
   *
   * @param admitted the document with the admitted pod in place; null when the document is not a
   *     pod or a workload
   * @param errors what was asked for and not done (the webhook admits such pods unchanged)
   * @param notes everything else worth a line on stderr
   */
  record Result(ObjectNode admitted, List<String> errors, List<String> notes) {}

  /** The objects the webhook reads from its caches, as found in the {@code -f} files. */
  record Cluster(List<JsonNode> collectors, List<JsonNode> instrumentations, List<JsonNode> ns) {
    static Cluster of(List<JsonNode> docs) {
      List<JsonNode> c = new ArrayList<>();
      List<JsonNode> i = new ArrayList<>();
      List<JsonNode> n = new ArrayList<>();
      for (JsonNode d : docs) {
        switch (d.path("kind").asText()) {
          case "OpenTelemetryCollector" -> c.add(d);
          case "Instrumentation" -> i.add(d);
          case "Namespace" -> n.add(d);
          default -> {
            // Other kinds do not change what the pod webhook does.
          }
        }
      }
      return new Cluster(c, i, n);
    }
  }

  /**
   * Prints every pod and workload of the {@code --pod} files as admitted, as multi-document YAML.
   *
   * @param files the {@code -f} files (collectors, Instrumentations, Namespaces)
   * @param podFiles the {@code --pod} files
   * @return 0, or 1 when a file could not be read or a pod did not get what it asked for
   */
  static int run(
      List<String> files,
      List<String> podFiles,
      String namespace,
      OperatorConfig cfg,
      boolean defaults,
      PrintStream out,
      PrintStream err) {
    int status = 0;
    List<JsonNode> docs = new ArrayList<>();
    for (String file : files) {
      try {
        docs.addAll(documents(file));
      } catch (IOException | RuntimeException e) {
        err.println("error: cannot read " + file + ": " + e.getMessage());
        status = 1;
      }
    }
    Cluster cluster = Cluster.of(docs);
    boolean first = true;
    for (String file : podFiles) {
      List<JsonNode> pods;
      try {
        pods = documents(file);
      } catch (IOException | RuntimeException e) {
        err.println("error: cannot read " + file + ": " + e.getMessage());
        status = 1;
        continue;
      }
      int found = 0;
      for (JsonNode doc : pods) {
        Result r = admit(doc, namespace, cluster, cfg, defaults);
        r.notes().forEach(n -> err.println("note: " + n));
        r.errors().forEach(e -> err.println("error: " + e));
        if (!r.errors().isEmpty()) {
          status = 1;
        }
        if (r.admitted() == null) {
          found += r.errors().isEmpty() ? 0 : 1;
          continue;
        }
        found++;
        if (!first) {
          out.println("---");
        }
        first = false;
        try {
          out.print(RenderCommand.YAML.writeValueAsString(r.admitted()));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      if (found == 0) {
        err.println("error: " + file + " holds no " + KINDS);
        status = 1;
      }
    }
    return status;
  }

  /** A file's objects, the items of a {@code List} ({@code kubectl get -o yaml}) included. */
  private static List<JsonNode> documents(String file) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode doc : RenderCommand.read(file)) {
      if (doc == null || !doc.isObject() || doc.isEmpty()) {
        continue;
      }
      if (doc.path("kind").asText().equals("List") && doc.path("items").isArray()) {
        doc.path("items")
            .forEach(
                i -> {
                  if (i.isObject()) {
                    out.add(i);
                  }
                });
      } else {
        out.add(doc);
      }
    }
    return out;
  }

  /**
   * Admits one document of the {@code --pod} file.
   *
   * @param doc a Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job or CronJob
   * @param namespace {@code --namespace}, or null for the document's own (else {@code default})
   * @param cluster the collectors, Instrumentations and Namespaces; those without a namespace are
   *     taken to be in the pod's
   * @param defaults whether collectors get the defaulting webhook's values first, as stored ones do
   */
  static Result admit(
      JsonNode original, String namespace, Cluster cluster, OperatorConfig cfg, boolean defaults) {
    JsonNode doc = original;
    if (namespace != null
        && !namespace.isEmpty()
        && doc.path("metadata").path("namespace").isTextual()) {
      // As kubectl -n would create it: the printed object says where it goes.
      ObjectNode moved = ((ObjectNode) doc).deepCopy();
      ((ObjectNode) moved.get("metadata")).put("namespace", namespace);
      doc = moved;
    }
    String kind = doc.path("kind").asText();
    String name = doc.path("metadata").path("name").asText("");
    String ns = namespace;
    if (ns == null || ns.isEmpty()) {
      ns = doc.path("metadata").path("namespace").asText("");
    }
    if (ns.isEmpty()) {
      ns = "default";
    }
    String who = kind + " " + ns + "/" + name;
    JsonNode templatePointer = templateOf(doc);
    if (!kind.equals("Pod") && templatePointer == null) {
      return new Result(null, List.of(), List.of());
    }
    List<String> errors = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    CollectorLookup lookup;
    try {
      lookup = lookup(cluster, ns, cfg, defaults);
    } catch (IllegalArgumentException e) {
      return new Result(null, List.of(who + ": " + e.getMessage()), List.of());
    }
    ObjectNode pod = kind.equals("Pod") ? ((ObjectNode) doc).deepCopy() : podOf(doc);
    List<String> reported = new ArrayList<>();
    PodAdmission admission =
        new PodAdmission(
            new SidecarInjector(cfg),
            lookup,
            (p, n, message) -> reported.add(message),
            new PodInstrumentation(cfg.instrumentation()));
    AdmissionRequest request = new AdmissionRequest();
    request.setUid("render");
    request.setOperation("CREATE");
    request.setNamespace(ns);
    request.setKind(new GroupVersionKind("", "Pod", "v1"));
    AdmissionResponse response = admission.handle(request, pod);
    reported.forEach(m -> errors.add(who + ": " + m));
    if (response.getWarnings() != null) {
      // A failure on a pod that asked for nothing is not reported as an event, only warned.
      response.getWarnings().stream()
          .filter(w -> !reported.contains(w))
          .forEach(w -> errors.add(who + ": " + w));
    }
    ObjectNode after = pod;
    if (response.getPatch() != null) {
      JsonNode patch =
          SERIALIZATION.unmarshal(
              new String(Base64.getDecoder().decode(response.getPatch()), StandardCharsets.UTF_8),
              JsonNode.class);
      after = (ObjectNode) JsonPatch.apply(patch, pod);
    } else if (errors.isEmpty()) {
      notes.add(who + ": unchanged (it asks for no sidecar and no auto-instrumentation)");
    }
    if (kind.equals("Pod")) {
      return new Result(after, errors, notes);
    }
    return new Result(withTemplate((ObjectNode) doc, after), errors, notes);
  }

  private static CollectorLookup lookup(
      Cluster cluster, String ns, OperatorConfig cfg, boolean defaults) {
    List<OpenTelemetryCollector> collectors = new ArrayList<>();
    for (JsonNode d : cluster.collectors()) {
      OpenTelemetryCollector cr;
      try {
        cr = Hub.toHub(d);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(
            "not an OpenTelemetryCollector: " + Hub.describeDecodingError(e, d));
      }
      if (cr.getMetadata().getNamespace() == null) {
        cr.getMetadata().setNamespace(ns);
      }
      collectors.add(defaults ? Defaults.apply(cr, cfg).collector() : cr);
    }
    List<Instrumentation> instrumentations = new ArrayList<>();
    for (JsonNode d : cluster.instrumentations()) {
      Instrumentation i;
      try {
        i = SERIALIZATION.convertValue(d, Instrumentation.class);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(
            "Instrumentation "
                + d.path("metadata").path("name").asText()
                + " cannot be read: "
                + e.getMessage());
      }
      if (i.getMetadata().getNamespace() == null) {
        i.getMetadata().setNamespace(ns);
      }
      instrumentations.add(i);
    }
    List<Namespace> namespaces = new ArrayList<>();
    for (JsonNode d : cluster.ns()) {
      namespaces.add(SERIALIZATION.convertValue(d, Namespace.class));
    }
    return CollectorLookup.of(collectors, namespaces, List.of())
        .withInstrumentations(instrumentations);
  }

  /** Where a workload keeps its pod template, or null. */
  private static JsonNode templateOf(JsonNode doc) {
    String kind = doc.path("kind").asText();
    JsonNode t =
        TEMPLATE_KINDS.contains(kind)
            ? doc.path("spec").path("template")
            : kind.equals("CronJob")
                ? doc.path("spec").path("jobTemplate").path("spec").path("template")
                : null;
    return t != null && t.isObject() ? t : null;
  }

  /** The pod the workload's controller creates: the template, owned by the workload. */
  private static ObjectNode podOf(JsonNode doc) {
    JsonNode template = templateOf(doc);
    ObjectNode pod = JsonNodeFactory.instance.objectNode();
    pod.put("apiVersion", "v1");
    pod.put("kind", "Pod");
    ObjectNode metadata =
        template.path("metadata").isObject()
            ? ((ObjectNode) template.get("metadata")).deepCopy()
            : pod.objectNode();
    ArrayNode owners = metadata.putArray("ownerReferences");
    owners
        .addObject()
        .put("apiVersion", doc.path("apiVersion").asText())
        .put("kind", doc.path("kind").asText())
        .put("name", doc.path("metadata").path("name").asText())
        .put("controller", true)
        .put("blockOwnerDeletion", true);
    pod.set("metadata", metadata);
    pod.set("spec", template.path("spec").isObject() ? template.get("spec").deepCopy() : null);
    return pod;
  }

  /** The workload with the admitted pod as its template (without the owner added for it). */
  private static ObjectNode withTemplate(ObjectNode doc, ObjectNode admitted) {
    ObjectNode out = doc.deepCopy();
    ObjectNode template = (ObjectNode) templateOf(out);
    ObjectNode metadata = (ObjectNode) admitted.get("metadata");
    metadata.remove("ownerReferences");
    if (metadata.isEmpty() && !template.has("metadata")) {
      template.remove("metadata");
    } else {
      template.set("metadata", metadata);
    }
    template.set("spec", admitted.get("spec"));
    return out;
  }
}
