package dev.telescope.reconciler.coverage;

import com.fasterxml.jackson.databind.JsonNode;
import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import dev.telescope.reconciler.EventRecorder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restarts the workloads owning pods found without their sidecar, where a collector or namespace
 * asked for it, the way {@code kubectl rollout restart} does (a pod-template annotation), so the
 * new pods pass through the webhook. Bare pods are never touched (nothing would recreate them);
 * each owner is restarted at most once per period and at most {@value
 * PodCoverage#MAX_RESTARTS_PER_RUN} owners per run, so a webhook that is still down cannot turn the
 * check into a restart loop.
 */
final class OwnerRestarts {
  private static final Logger LOG = LoggerFactory.getLogger(OwnerRestarts.class);

  private final KubernetesClient client;
  private final MetadataPages pages;
  private final EventRecorder events;
  private final Duration period;
  private final Clock clock;
  private final Map<String, Instant> last = new HashMap<>();
  private final AtomicLong count = new AtomicLong();

  OwnerRestarts(
      KubernetesClient client,
      MetadataPages pages,
      EventRecorder events,
      Duration period,
      Clock clock) {
    this.client = client;
    this.pages = pages;
    this.events = events;
    this.period = period;
    this.clock = clock;
  }

  long count() {
    return count.get();
  }

  /** Restarts the opted-in owners; returns them as {@code Kind/namespace/name}. */
  List<String> restart(
      Map<String, List<PodCoverage.Missing>> missing,
      Map<String, OpenTelemetryCollector> collectors,
      Map<String, Map<String, String>> nsAnnotations) {
    Instant now = clock.instant();
    last.values().removeIf(t -> !t.plus(period).isAfter(now));
    Set<String> owners = new LinkedHashSet<>();
    for (Map.Entry<String, List<PodCoverage.Missing>> e : missing.entrySet()) {
      OpenTelemetryCollector c = collectors.get(e.getKey());
      boolean collectorOptIn = c != null && optedIn(c.getMetadata().getAnnotations());
      for (PodCoverage.Missing pod : e.getValue()) {
        if (collectorOptIn || optedIn(nsAnnotations.get(pod.namespace()))) {
          String owner = owner(pod);
          if (owner != null) {
            owners.add(owner);
          }
        }
      }
    }
    List<String> done = new ArrayList<>();
    for (String owner : owners) {
      if (done.size() >= PodCoverage.MAX_RESTARTS_PER_RUN) {
        LOG.info("Restart limit of this period reached; {} more owner(s) next time", owners.size());
        break;
      }
      if (last.containsKey(owner)) {
        continue;
      }
      String[] parts = owner.split("/", 3);
      if (patch(parts[0], parts[1], parts[2], now)) {
        last.put(owner, now);
        count.incrementAndGet();
        done.add(owner);
      }
    }
    return done;
  }

  private static boolean optedIn(Map<String, String> annotations) {
    return annotations != null
        && "true".equalsIgnoreCase(annotations.getOrDefault(PodCoverage.RESTART_ANNOTATION, ""));
  }

  /** The restartable owner, {@code Kind/namespace/name}; null for bare pods and other owners. */
  private String owner(PodCoverage.Missing pod) {
    if (pod.ownerKind() == null || pod.ownerName() == null) {
      return null;
    }
    switch (pod.ownerKind()) {
      case "StatefulSet", "DaemonSet" -> {
        return pod.ownerKind() + "/" + pod.namespace() + "/" + pod.ownerName();
      }
      case "ReplicaSet" -> {
        JsonNode rs;
        try {
          rs =
              pages.one(
                  "/apis/apps/v1/namespaces/"
                      + pod.namespace()
                      + "/replicasets/"
                      + pod.ownerName());
        } catch (RuntimeException e) {
          LOG.debug(
              "Cannot read ReplicaSet {}/{}: {}", pod.namespace(), pod.ownerName(), e.getMessage());
          return null;
        }
        if (rs == null) {
          return null;
        }
        for (JsonNode ref : rs.path("ownerReferences")) {
          if ("Deployment".equals(ref.path("kind").asText())) {
            return "Deployment/" + pod.namespace() + "/" + ref.path("name").asText();
          }
        }
        return null;
      }
      default -> {
        return null;
      }
    }
  }

  private boolean patch(String kind, String namespace, String name, Instant now) {
    String at = now.truncatedTo(ChronoUnit.SECONDS).toString();
    // A merge patch touches only this annotation; the real API server and the mock both take it.
    String body =
        "{\"spec\":{\"template\":{\"metadata\":{\"annotations\":{\""
            + PodCoverage.RESTARTED_AT
            + "\":\""
            + at
            + "\"}}}}}";
    PatchContext merge = PatchContext.of(PatchType.JSON_MERGE);
    try {
      switch (kind) {
        case "Deployment" ->
            client.apps().deployments().inNamespace(namespace).withName(name).patch(merge, body);
        case "StatefulSet" ->
            client.apps().statefulSets().inNamespace(namespace).withName(name).patch(merge, body);
        default ->
            client.apps().daemonSets().inNamespace(namespace).withName(name).patch(merge, body);
      }
    } catch (RuntimeException e) {
      LOG.warn("Could not restart {} {}/{}: {}", kind, namespace, name, e.getMessage());
      return false;
    }
    LOG.info("Restarted {} {}/{} so its pods get their sidecar", kind, namespace, name);
    events.normal(
        new GenericKubernetesResourceBuilder()
            .withApiVersion("apps/v1")
            .withKind(kind)
            .withNewMetadata()
            .withNamespace(namespace)
            .withName(name)
            .endMetadata()
            .build(),
        "RestartedForSidecar",
        "Restart",
        "restarted because some of its pods run without the OpenTelemetry sidecar they ask for ("
            + PodCoverage.RESTART_ANNOTATION
            + ")");
    return true;
  }
}
