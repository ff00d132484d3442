package dev.telescope.reconciler.coverage;

import com.fasterxml.jackson.databind.JsonNode;
import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import dev.telescope.manifests.Labels;
import dev.telescope.reconciler.EventRecorder;
import dev.telescope.reconciler.StatusCalculator;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the pods the sidecar webhook never saw. With {@code failurePolicy: Ignore} a pod created
 * while the webhook is down, restarting or too slow is admitted without its sidecar and nobody is
 * told; this check, run by the operator every period, lists (metadata only, page by page) the pods
 * of the namespaces that can hold such pods, and reports each pod that asks for a sidecar-mode
 * collector but carries no {@code sidecar.opentelemetry.io/injected} label: a Warning Event on the
 * pod (once), the {@code PodsWithoutSidecar} condition on the collector, and a metric. On request
 * (an annotation on the collector or the namespace) it restarts the owning workload, so the pods
 * come back through the webhook.
 *
 * <p>It keeps no pod cache: memory stays one page whatever the cluster's size, and namespaces
 * without sidecar collectors or inject annotations are never read.
 */
public final class PodCoverage implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PodCoverage.class);

  /** The Warning Event on each pod found without its sidecar. */
  public static final String EVENT_REASON = "PodWithoutSidecar";

  /**
   * Opt-in, on a collector or a namespace: restart the Deployment/StatefulSet/DaemonSet owning a
   * pod found without its sidecar.
   */
  public static final String RESTART_ANNOTATION = "telescope.dev/restart-uninjected";

  /** What {@code kubectl rollout restart} sets on the pod template. */
  static final String RESTARTED_AT = "kubectl.kubernetes.io/restartedAt";

  static final int NAMES_IN_STATUS = 5;
  static final int MAX_RESTARTS_PER_RUN = 10;
  static final int PAGE_SIZE = 500;

  /** A pod without its sidecar, with what a restart needs. */
  record Missing(String namespace, String name, String uid, String ownerKind, String ownerName) {}

  /**
   * One run's result.
   *
   * @param namespaces the namespaces whose pods were listed
   * @param pods pods looked at
   * @param missing pods without their sidecar, by collector {@code namespace/name}
   * @param restarted owners restarted, {@code Kind/namespace/name}
   */
  public record Report(
      Set<String> namespaces, // sorted
      int pods,
      Map<String, List<String>> missing,
      List<String> restarted) {}

  private final KubernetesClient client;
  private final EventRecorder events;
  private final Duration period;
  private final Set<String> watchNamespaces;
  private final Clock clock;
  private final MetadataPages pages;
  private final OwnerRestarts restarts;
  private volatile Supplier<Collection<OpenTelemetryCollector>> collectors = List::of;
  private volatile Consumer<ResourceID> trigger = id -> {};
  private volatile Map<String, List<String>> findings = Map.of();
  private volatile boolean ran;
  private Set<String> reported = Set.of();
  private final AtomicLong missingNow = new AtomicLong();
  private final AtomicLong runs = new AtomicLong();
  private ScheduledExecutorService timer;

  /**
   * @param events the operator's event recorder
   * @param period how often to look, and how often at most an owner is restarted
   * @param watchNamespaces the operator's watched namespaces; empty: all
   */
  public PodCoverage(
      KubernetesClient client,
      EventRecorder events,
      Duration period,
      Set<String> watchNamespaces,
      Clock clock) {
    this.client = client;
    this.events = events;
    this.period = period;
    this.watchNamespaces = Set.copyOf(watchNamespaces);
    this.clock = clock;
    this.pages = new MetadataPages(client, PAGE_SIZE, Duration.ofSeconds(30));
    this.restarts = new OwnerRestarts(client, pages, events, period, clock);
  }

  /**
   * The JOSDK hook: the collectors come from the controller's own cache (no second informer), and a
   * changed finding re-runs the reconcile that writes the status.
   */
  public EventSource<?, OpenTelemetryCollector> eventSource(
      EventSourceContext<OpenTelemetryCollector> context) {
    SimpleInboundEventSource<OpenTelemetryCollector> source =
        new SimpleInboundEventSource<>("PodCoverage");
    var cache = context.getPrimaryCache();
    collectors = () -> cache.list().toList();
    trigger = source::propagateEvent;
    return source;
  }

  /** For tests and tools: where the collectors and the reconcile trigger come from. */
  public PodCoverage using(
      Supplier<Collection<OpenTelemetryCollector>> source, Consumer<ResourceID> onChange) {
    this.collectors = Objects.requireNonNull(source);
    this.trigger = Objects.requireNonNull(onChange);
    return this;
  }

  /**
   * The {@code PodsWithoutSidecar} condition to set on a collector, if any: True while pods lack
   * its sidecar, False once they no longer do (only where it was True, so collectors that never had
   * a problem carry no extra condition).
   */
  public Optional<StatusCalculator.Cond> condition(OpenTelemetryCollector cr) {
    List<String> names = findings.get(InjectTarget.key(cr));
    if (names != null) {
      return Optional.of(
          StatusCalculator.podsWithoutSidecar(
              names.size(), names.subList(0, Math.min(NAMES_IN_STATUS, names.size()))));
    }
    boolean wasTrue =
        cr.getStatus() != null
            && cr.getStatus().conditions != null
            && cr.getStatus().conditions.stream()
                .anyMatch(
                    (Condition c) ->
                        StatusCalculator.PODS_WITHOUT_SIDECAR.equals(c.getType())
                            && "True".equals(c.getStatus()));
    return ran && wasTrue
        ? Optional.of(StatusCalculator.podsWithoutSidecar(0, List.of()))
        : Optional.empty();
  }

  /** Runs every period while {@code active} (the leader), first after one period. */
  public synchronized void start(BooleanSupplier active) {
    if (period.isZero() || period.isNegative() || timer != null) {
      return;
    }
    timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "telescope-pod-coverage");
              t.setDaemon(true);
              return t;
            });
    long millis = period.toMillis();
    timer.scheduleWithFixedDelay(
        () -> {
          if (!active.getAsBoolean()) {
            return;
          }
          try {
            runOnce();
          } catch (RuntimeException e) {
            LOG.warn("The pod coverage check failed; retrying next period: {}", e.getMessage());
          }
        },
        millis,
        millis,
        TimeUnit.MILLISECONDS);
  }

  /** One pass: list, compare, report, restart where asked. */
  public synchronized Report runOnce() {
    Map<String, List<OpenTelemetryCollector>> sidecars = new TreeMap<>();
    Map<String, OpenTelemetryCollector> byKey = new HashMap<>();
    for (OpenTelemetryCollector c : collectors.get()) {
      byKey.put(InjectTarget.key(c), c);
      if (InjectTarget.isSidecar(c)) {
        sidecars.computeIfAbsent(c.getMetadata().getNamespace(), k -> new ArrayList<>()).add(c);
      }
    }
    Map<String, List<Missing>> missing = new TreeMap<>();
    java.util.SortedSet<String> scope = new TreeSet<>();
    int[] seen = {0};
    Map<String, Map<String, String>> nsAnnotations = new HashMap<>();
    // Without a sidecar collector no pod can miss one: nothing is read at all.
    if (!sidecars.isEmpty()) {
      nsAnnotations = namespaceAnnotations();
      scope.addAll(sidecars.keySet());
      nsAnnotations.forEach(
          (ns, a) -> {
            String v = a.getOrDefault(InjectTarget.ANNOTATION, "").trim();
            if (!v.isEmpty() && !v.equalsIgnoreCase("false")) {
              scope.add(ns);
            }
          });
      if (!watchNamespaces.isEmpty()) {
        scope.retainAll(watchNamespaces);
      }
      for (String ns : scope) {
        String nsValue = nsAnnotations.getOrDefault(ns, Map.of()).get(InjectTarget.ANNOTATION);
        seen[0] +=
            pages.list(
                "/api/v1/namespaces/" + ns + "/pods",
                meta -> examine(ns, meta, nsValue, sidecars.get(ns), byKey, missing));
      }
    }
    report(missing);
    List<String> restarted = restarts.restart(missing, byKey, nsAnnotations);
    runs.incrementAndGet();
    Map<String, List<String>> names = new TreeMap<>();
    missing.forEach(
        (k, pods) -> names.put(k, pods.stream().map(p -> p.namespace() + "/" + p.name()).toList()));
    return new Report(
        java.util.Collections.unmodifiableSortedSet(scope), seen[0], names, restarted);
  }

  private Map<String, Map<String, String>> namespaceAnnotations() {
    Map<String, Map<String, String>> out = new HashMap<>();
    try {
      pages.list(
          "/api/v1/namespaces",
          meta -> {
            Map<String, String> keep = new HashMap<>();
            for (String key : List.of(InjectTarget.ANNOTATION, RESTART_ANNOTATION)) {
              JsonNode v = meta.path("annotations").path(key);
              if (v.isTextual()) {
                keep.put(key, v.asText());
              }
            }
            if (!keep.isEmpty()) {
              out.put(meta.path("name").asText(), keep);
            }
          });
    } catch (RuntimeException e) {
      // Namespaces are an extra scope; the collectors' own namespaces are still checked.
      LOG.debug("Cannot list namespaces for inject annotations: {}", e.getMessage());
    }
    return out;
  }

  private static void examine(
      String ns,
      JsonNode meta,
      String nsValue,
      List<OpenTelemetryCollector> sidecarsHere,
      Map<String, OpenTelemetryCollector> byKey,
      Map<String, List<Missing>> missing) {
    if (meta.hasNonNull("deletionTimestamp")
        || meta.path("labels").hasNonNull(Labels.SIDECAR_INJECTED)) {
      return;
    }
    String podValue = meta.path("annotations").path(InjectTarget.ANNOTATION).asText("");
    String value = InjectTarget.effective(podValue, nsValue);
    String collector = InjectTarget.resolve(value, ns, sidecarsHere, byKey);
    if (collector == null) {
      return;
    }
    String ownerKind = null;
    String ownerName = null;
    for (JsonNode ref : meta.path("ownerReferences")) {
      if (ref.path("controller").asBoolean(false)) {
        ownerKind = ref.path("kind").asText(null);
        ownerName = ref.path("name").asText(null);
      }
    }
    missing
        .computeIfAbsent(collector, k -> new ArrayList<>())
        .add(
            new Missing(
                ns, meta.path("name").asText(), meta.path("uid").asText(""), ownerKind, ownerName));
  }

  private void report(Map<String, List<Missing>> missing) {
    Set<String> now = new HashSet<>();
    long count = 0;
    for (Map.Entry<String, List<Missing>> e : missing.entrySet()) {
      for (Missing p : e.getValue()) {
        count++;
        String id = p.uid().isEmpty() ? p.namespace() + "/" + p.name() : p.uid();
        now.add(id);
        if (!reported.contains(id)) {
          events.warning(
              new PodBuilder()
                  .withNewMetadata()
                  .withNamespace(p.namespace())
                  .withName(p.name())
                  .withUid(p.uid().isEmpty() ? null : p.uid())
                  .endMetadata()
                  .build(),
              EVENT_REASON,
              "CheckSidecar",
              "this pod asks for the OpenTelemetry sidecar of "
                  + e.getKey()
                  + " but runs without it: it was admitted while the webhook was unreachable or"
                  + " before the collector existed. Restart it (or annotate the collector or"
                  + " namespace with "
                  + RESTART_ANNOTATION
                  + ": \"true\").");
        }
      }
    }
    // Only pods still missing their sidecar are remembered: the set stays as small as the problem.
    reported = now;
    missingNow.set(count);
    Map<String, List<String>> next = new TreeMap<>();
    missing.forEach(
        (k, pods) ->
            next.put(k, pods.stream().map(p -> p.namespace() + "/" + p.name()).sorted().toList()));
    Map<String, List<String>> previous = findings;
    findings = next;
    ran = true;
    Set<String> keys = new TreeSet<>(previous.keySet());
    keys.addAll(next.keySet());
    for (String key : keys) {
      if (!Objects.equals(previous.get(key), next.get(key))) {
        int slash = key.indexOf('/');
        trigger.accept(new ResourceID(key.substring(slash + 1), key.substring(0, slash)));
      }
    }
    if (count > 0) {
      LOG.warn("{} pod(s) ask for a sidecar and run without it: {}", count, next);
    }
  }

  /** Pods found without their sidecar by the last run (the metric). */
  public long podsWithoutSidecar() {
    return missingNow.get();
  }

  /** Owners restarted so far. */
  public long restarts() {
    return restarts.count();
  }

  /** Requests sent to the API server so far (lists, pages and owner reads). */
  public long apiRequests() {
    return pages.requests();
  }

  /** Runs completed. */
  public long runs() {
    return runs.get();
  }

  @Override
  public synchronized void close() {
    if (timer != null) {
      timer.shutdownNow();
      timer = null;
    }
  }
}
