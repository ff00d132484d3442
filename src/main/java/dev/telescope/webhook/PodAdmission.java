package dev.telescope.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code /mutate-v1-pod} decision: injects or removes the collector sidecar of a pod being
 * created, and answers with a JSON Patch. It fails open: whatever goes wrong, the pod is admitted
 * (unchanged, with a warning), because a broken webhook must never stop workloads from starting.
 */
public final class PodAdmission implements AdmissionHandler.RawObject {
  private static final Logger LOG = LoggerFactory.getLogger(PodAdmission.class);

  /** The patch type Kubernetes accepts from mutating webhooks. */
  public static final String JSON_PATCH = "JSONPatch";

  private final SidecarInjector injector;
  private final CollectorLookup lookup;
  private final SidecarEvents events;
  private final AdmissionDeadline deadline;
  private final LongAdder injected = new LongAdder();
  private final LongAdder removed = new LongAdder();
  private final LongAdder skipped = new LongAdder();
  private final LongAdder ignored = new LongAdder();
  private final LongAdder failed = new LongAdder();

  /**
   * @param injector the injection rules
   * @param lookup the collector and namespace caches
   * @param events where "not injected" reasons go
   */
  public PodAdmission(SidecarInjector injector, CollectorLookup lookup, SidecarEvents events) {
    this(injector, lookup, events, null);
  }

  /**
   * With auto-instrumentation after the sidecar.
   *
   * @param instrumentation the instrumentation step; null: sidecar only
   */
  public PodAdmission(
      SidecarInjector injector,
      CollectorLookup lookup,
      SidecarEvents events,
      PodInstrumentation instrumentation) {
    this.injector = Objects.requireNonNull(injector, "injector");
    this.events = Objects.requireNonNull(events, "events");
    this.deadline = new AdmissionDeadline(lookup, events);
    this.lookup = deadline.track(lookup);
    this.instrumentation = instrumentation;
  }

  private final PodInstrumentation instrumentation;

  /** The instrumentation counters by {@code <language>.<outcome>}; empty without the step. */
  public Map<String, Long> instrumentationCounters() {
    return instrumentation == null ? Map.of() : instrumentation.counters();
  }

  /** Answers within the deadline the API server sent in the request's {@code timeout} query. */
  @Override
  public AdmissionResponse handle(AdmissionRequest request, JsonNode object, WebhookRequest http) {
    return handle(request, object, AdmissionDeadline.timeout(http.rawQuery()));
  }

  /** As {@link #handle(AdmissionRequest, JsonNode)}, answered within the request's deadline. */
  public AdmissionResponse handle(AdmissionRequest request, JsonNode object, Duration timeout) {
    return deadline.answer(request, object, timeout, this::handle);
  }

  /** Answers sent (allowed, unchanged) before the decision was ready, by reason. */
  public long early(AdmissionDeadline.Reason reason) {
    return deadline.early(reason);
  }

  /**
   * Decides one admission request. Never throws and always allows: non-pod and non-CREATE requests
   * and pods needing no change get no patch; any failure is answered allowed with a warning.
   */
  @Override
  public AdmissionResponse handle(AdmissionRequest request) {
    JsonNode object;
    try {
      object = request.getObject() == null ? null : JsonPatches.tree(request.getObject());
    } catch (RuntimeException e) {
      object = null;
    }
    return handle(request, object);
  }

  /**
   * As {@link #handle(AdmissionRequest)}, with the pod as the JSON the API server sent. The patch
   * is the difference between that JSON and its mutated copy, so fields the model does not know and
   * the API server's own formatting never show up in it.
   */
  @Override
  public AdmissionResponse handle(AdmissionRequest request, JsonNode object) {
    AdmissionResponse response = new AdmissionResponse();
    response.setUid(request.getUid());
    response.setAllowed(true);
    ObjectNode pod = null;
    String namespace = request.getNamespace();
    try {
      if (!"CREATE".equals(request.getOperation())
          || !isPod(request)
          || (request.getSubResource() != null && !request.getSubResource().isEmpty())) {
        ignored.increment();
        return response;
      }
      if (!(object instanceof ObjectNode podObject)) {
        throw new IllegalArgumentException("the admission request carries no pod");
      }
      pod = podObject;
      if (namespace == null || namespace.isEmpty()) {
        JsonNode ns = pod.path("metadata").path("namespace");
        namespace = ns.isTextual() ? ns.asText() : null;
      }
      Namespace ns = lookup.namespace(namespace).orElseGet(() -> unknownNamespace(request));
      SidecarInjector.Decision decision = injector.decide(pod, namespace, ns, lookup);
      if (instrumentation != null) {
        // Auto-instrumentation runs on the pod as the sidecar step left it; one patch for both.
        ObjectNode afterSidecar =
            decision instanceof SidecarInjector.Inject i
                ? i.tree()
                : decision instanceof SidecarInjector.Remove r ? r.tree() : pod;
        PodInstrumentation.Outcome outcome;
        try {
          outcome = instrumentation.apply(afterSidecar, namespace, ns, lookup);
        } catch (RuntimeException | LinkageError e) {
          // Fail open on its own: the sidecar decision stands.
          instrumentation.failed();
          LOG.warn("Pod {}: auto-instrumentation failed", describe(pod, namespace), e);
          outcome =
              new PodInstrumentation.Outcome(
                  afterSidecar,
                  List.of(),
                  List.of(
                      "the instrumentation step failed: "
                          + (e.getMessage() == null
                              ? e.getClass().getSimpleName()
                              : e.getMessage())));
        }
        for (String problem : outcome.problems()) {
          String message = "OpenTelemetry auto-instrumentation not injected: " + problem;
          LOG.info("Pod {}: {}", describe(pod, namespace), message);
          warn(response, message);
          reportInstrumentation(request, JsonPatches.convert(pod, Pod.class), namespace, message);
        }
        if (outcome.tree() != afterSidecar) {
          decision =
              decision instanceof SidecarInjector.Inject i
                  ? new SidecarInjector.Inject(outcome.tree(), i.collector())
                  : new SidecarInjector.Remove(outcome.tree());
          if (!(decision instanceof SidecarInjector.Inject)) {
            patch(response, pod, outcome.tree());
            return response;
          }
        }
      }
      if (decision instanceof SidecarInjector.Inject inject) {
        patch(response, pod, inject.tree());
        injected.increment();
        LOG.debug("Injected sidecar {} into pod {}", inject.collector(), describe(pod, namespace));
      } else if (decision instanceof SidecarInjector.Remove remove) {
        patch(response, pod, remove.tree());
        removed.increment();
        LOG.debug("Removed the sidecar from pod {}", describe(pod, namespace));
      } else {
        SidecarInjector.Unchanged unchanged = (SidecarInjector.Unchanged) decision;
        if (unchanged.requested()) {
          skipped.increment();
          String message = "OpenTelemetry sidecar not injected: " + unchanged.reason();
          if (!lookup.hasSynced()) {
            message += " (the webhook's collector cache is still loading)";
          }
          LOG.info("Pod {}: {}", describe(pod, namespace), message);
          warn(response, message);
          report(request, JsonPatches.convert(pod, Pod.class), namespace, message);
        } else {
          ignored.increment();
        }
      }
      return response;
    } catch (RuntimeException | LinkageError e) {
      failed.increment();
      String message =
          "OpenTelemetry sidecar webhook failed, pod admitted unchanged: "
              + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
      LOG.warn("Pod {}: {}", describe(pod, namespace), message, e);
      AdmissionResponse open = new AdmissionResponse();
      open.setUid(request.getUid());
      open.setAllowed(true);
      open.setWarnings(List.of(message));
      try {
        if (pod != null) {
          Pod model = JsonPatches.convert(pod, Pod.class);
          if (requested(model, namespace)) {
            report(request, model, namespace, message);
          }
        }
      } catch (RuntimeException unreadable) {
        // Nothing more to say about a pod we cannot even read.
      }
      return open;
    }
  }

  /** Pods admitted with a sidecar. */
  public long injected() {
    return injected.sum();
  }

  /** Pods admitted with their sidecar removed ({@code inject: "false"}). */
  public long removed() {
    return removed.sum();
  }

  /** Pods that asked for a sidecar and were admitted without one. */
  public long skipped() {
    return skipped.sum();
  }

  /** Requests needing nothing: not a pod CREATE, no annotation, sidecar already present. */
  public long ignored() {
    return ignored.sum();
  }

  /** Requests that failed and were admitted unchanged (fail open). */
  public long failed() {
    return failed.sum();
  }

  /** All counters by name, for a metrics registry. */
  public Map<String, Long> counters() {
    return Map.of(
        "injected", injected(),
        "removed", removed(),
        "skipped", skipped(),
        "ignored", ignored(),
        "failed", failed());
  }

  /** Adds a warning, keeping those already given. */
  private static void warn(AdmissionResponse response, String message) {
    List<String> all = new java.util.ArrayList<>();
    if (response.getWarnings() != null) {
      all.addAll(response.getWarnings());
    }
    all.add(message);
    response.setWarnings(all);
  }

  private static void patch(AdmissionResponse response, JsonNode before, JsonNode after) {
    // The mutated pod is a copy of the received JSON: only the injector's changes appear.
    ArrayNode ops = JsonPatches.diff(before, after);
    if (!ops.isEmpty()) {
      response.setPatchType(JSON_PATCH);
      response.setPatch(JsonPatches.base64(ops));
    }
  }

  private void report(AdmissionRequest request, Pod pod, String namespace, String message) {
    // sideEffects: None promises dry-run requests leave no trace.
    if (Boolean.TRUE.equals(request.getDryRun())) {
      return;
    }
    try {
      events.notInjected(pod, namespace, message);
    } catch (RuntimeException e) {
      LOG.debug("Event sink failed", e);
    }
  }

  private void reportInstrumentation(
      AdmissionRequest request, Pod pod, String namespace, String message) {
    if (Boolean.TRUE.equals(request.getDryRun())) {
      return;
    }
    try {
      events.notInstrumented(pod, namespace, message);
    } catch (RuntimeException e) {
      LOG.debug("Event sink failed", e);
    }
  }

  /** Whether a failed request had asked for a sidecar (worth an event), judged defensively. */
  private boolean requested(Pod pod, String namespace) {
    Namespace ns;
    try {
      ns = lookup.namespace(namespace).orElse(null);
    } catch (RuntimeException e) {
      ns = null;
    }
    SidecarInjector.Target t =
        SidecarInjector.target(SidecarInjector.effectiveValue(pod, ns), namespace);
    return !(t instanceof SidecarInjector.NoTarget) && !(t instanceof SidecarInjector.RemoveTarget);
  }

  private static boolean isPod(AdmissionRequest request) {
    if (request.getKind() != null) {
      return "Pod".equals(request.getKind().getKind())
          && (request.getKind().getGroup() == null || request.getKind().getGroup().isEmpty());
    }
    return request.getResource() != null && "pods".equals(request.getResource().getResource());
  }

  /** A namespace the cache does not know yet (just created): no annotations to consider. */
  private static Namespace unknownNamespace(AdmissionRequest request) {
    return new NamespaceBuilder()
        .withMetadata(new ObjectMetaBuilder().withName(request.getNamespace()).build())
        .build();
  }

  private static String describe(JsonNode pod, String namespace) {
    if (pod == null) {
      return namespace + "/?";
    }
    JsonNode meta = pod.path("metadata");
    String name = meta.path("name").asText("");
    if (name.isEmpty()) {
      name = meta.path("generateName").asText("") + "*";
    }
    return namespace + "/" + name;
  }
}
