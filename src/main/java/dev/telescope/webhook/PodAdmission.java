package dev.telescope.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
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
public final class PodAdmission {
  private static final Logger LOG = LoggerFactory.getLogger(PodAdmission.class);

  /** The patch type Kubernetes accepts from mutating webhooks. */
  public static final String JSON_PATCH = "JSONPatch";

  private final SidecarInjector injector;
  private final CollectorLookup lookup;
  private final SidecarEvents events;
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
    this.injector = Objects.requireNonNull(injector, "injector");
    this.lookup = Objects.requireNonNull(lookup, "lookup");
    this.events = Objects.requireNonNull(events, "events");
  }

  /**
   * Decides one admission request. Never throws and always allows: non-pod and non-CREATE requests
   * and pods needing no change get no patch; any failure is answered allowed with a warning.
   */
  public AdmissionResponse handle(AdmissionRequest request) {
    AdmissionResponse response = new AdmissionResponse();
    response.setUid(request.getUid());
    response.setAllowed(true);
    Pod pod = null;
    String namespace = request.getNamespace();
    try {
      if (!"CREATE".equals(request.getOperation())
          || !isPod(request)
          || (request.getSubResource() != null && !request.getSubResource().isEmpty())) {
        ignored.increment();
        return response;
      }
      pod = JsonPatches.convert(request.getObject(), Pod.class);
      if (pod == null) {
        throw new IllegalArgumentException("the admission request carries no pod");
      }
      if (namespace == null || namespace.isEmpty()) {
        namespace = pod.getMetadata() == null ? null : pod.getMetadata().getNamespace();
      }
      Namespace ns = lookup.namespace(namespace).orElseGet(() -> unknownNamespace(request));
      // The pod was decoded for this request alone, so the injector may change it in place once
      // its original form is serialised for the patch.
      JsonNode[] before = new JsonNode[1];
      SidecarInjector.Decision decision =
          injector.decide(pod, namespace, ns, lookup, p -> before[0] = JsonPatches.tree(p));
      if (decision instanceof SidecarInjector.Inject inject) {
        patch(response, before[0], inject.pod());
        injected.increment();
        LOG.debug("Injected sidecar {} into pod {}", inject.collector(), describe(pod, namespace));
      } else if (decision instanceof SidecarInjector.Remove remove) {
        patch(response, pod, remove.pod());
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
          response.setWarnings(List.of(message));
          report(request, pod, namespace, message);
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
        if (pod != null && requested(pod, namespace)) {
          report(request, pod, namespace, message);
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

  private static void patch(AdmissionResponse response, Object before, Pod after) {
    // Both sides serialised alike: only the injector's changes appear in the patch.
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

  private static String describe(Pod pod, String namespace) {
    if (pod == null || pod.getMetadata() == null) {
      return namespace + "/?";
    }
    String name = pod.getMetadata().getName();
    if (name == null || name.isEmpty()) {
      name = pod.getMetadata().getGenerateName() + "*";
    }
    return namespace + "/" + name;
  }
}
