package dev.telescope.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.telescope.api.instrumentation.Instrumentation;
import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers a pod admission before the API server stops waiting for it. With {@code failurePolicy:
 * Ignore} an API server that gives up admits the pod unchanged and tells nobody; answering
 * "allowed, unchanged" ourselves a little earlier gives the same pod, plus an Event and a counter
 * saying why.
 *
 * <p>The decision runs on a worker while the request thread waits until the request's deadline (the
 * {@code timeout} query parameter the API server adds to every webhook call) minus a margin for the
 * answer's trip back. A decision that finishes after the answer was sent is still looked at: when
 * it would have changed the pod, that is reported too.
 */
public final class AdmissionDeadline {
  private static final Logger LOG = LoggerFactory.getLogger(AdmissionDeadline.class);

  /** What the API server waits when the webhook configuration sets no {@code timeoutSeconds}. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  private static final Duration MIN_MARGIN = Duration.ofMillis(100);
  private static final Duration MAX_MARGIN = Duration.ofSeconds(1);
  private static final Duration MIN_BUDGET = Duration.ofMillis(50);
  private static final Pattern GO_DURATION_PART =
      Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|μs|ms|s|m|h)");

  /** Why an answer went out before the decision was ready; the metric's {@code reason} tag. */
  public enum Reason {
    /** The collector and namespace caches had not finished their first listing. */
    CACHE_NOT_SYNCED,
    /** The decision was waiting on a lookup (a live read, a ReplicaSet GET, a slow cache). */
    SLOW_LOOKUP,
    /** The decision itself was slow (CPU starvation, a GC pause). */
    SLOW_DECISION,
    /** Every decision worker was busy. */
    OVERLOADED;

    /** The tag value: lower case with underscores. */
    public String tag() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** One decision in progress; the tracked lookup marks when it waits on a lookup. */
  private static final class Task {
    volatile String waitingOn;
  }

  private static final ThreadLocal<Task> CURRENT = new ThreadLocal<>();

  private final CollectorLookup lookup;
  private final SidecarEvents events;
  private final ThreadPoolExecutor workers;
  private final Map<Reason, LongAdder> early = new EnumMap<>(Reason.class);

  /**
   * @param lookup the caches, asked whether they have synced when a deadline passes
   * @param events where the reason goes when a pod that asked for injection is admitted unchanged
   */
  public AdmissionDeadline(CollectorLookup lookup, SidecarEvents events) {
    this.lookup = Objects.requireNonNull(lookup, "lookup");
    this.events = Objects.requireNonNull(events, "events");
    for (Reason r : Reason.values()) {
      early.put(r, new LongAdder());
    }
    AtomicInteger n = new AtomicInteger();
    // A direct hand-off: a decision never queues behind a stuck one, it gets a thread or is
    // answered at once as OVERLOADED.
    workers =
        new ThreadPoolExecutor(
            Math.max(2, 2 * Runtime.getRuntime().availableProcessors()),
            64,
            60,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            r -> {
              Thread t = new Thread(r, "telescope-admission-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    workers.allowCoreThreadTimeOut(true);
  }

  /**
   * The request timeout the API server announced in the query string ({@code timeout=5s}, a Go
   * duration); {@link #DEFAULT_TIMEOUT} when absent or unreadable.
   *
   * @param rawQuery the request URI's raw query, may be null
   */
  public static Duration timeout(String rawQuery) {
    if (rawQuery == null || rawQuery.isEmpty()) {
      return DEFAULT_TIMEOUT;
    }
    for (String pair : rawQuery.split("&")) {
      if (pair.startsWith("timeout=")) {
        String value =
            java.net.URLDecoder.decode(
                pair.substring("timeout=".length()), java.nio.charset.StandardCharsets.UTF_8);
        Duration d = parseGoDuration(value);
        return d == null || d.isZero() ? DEFAULT_TIMEOUT : d;
      }
    }
    return DEFAULT_TIMEOUT;
  }

  /** {@code 10s}, {@code 1m30s}, {@code 2.5s}, {@code 500ms}; null when not a positive duration. */
  static Duration parseGoDuration(String text) {
    if (text == null || text.isEmpty()) {
      return null;
    }
    Matcher m = GO_DURATION_PART.matcher(text);
    int at = 0;
    double nanos = 0;
    while (at < text.length()) {
      if (!m.find(at) || m.start() != at) {
        return null;
      }
      double value = Double.parseDouble(m.group(1));
      nanos +=
          value
              * switch (m.group(2)) {
                case "ns" -> 1d;
                case "us", "µs", "μs" -> 1e3;
                case "ms" -> 1e6;
                case "s" -> 1e9;
                case "m" -> 60e9;
                default -> 3600e9;
              };
      at = m.end();
    }
    return nanos <= 0 ? null : Duration.ofNanos((long) Math.min(nanos, Long.MAX_VALUE));
  }

  /**
   * How long the decision may take: the timeout minus a fifth of it (at least 100 ms, at most one
   * second) for writing the answer and its trip back to the API server.
   */
  public static Duration budget(Duration timeout) {
    Duration margin = timeout.dividedBy(5);
    margin = margin.compareTo(MIN_MARGIN) < 0 ? MIN_MARGIN : margin;
    margin = margin.compareTo(MAX_MARGIN) > 0 ? MAX_MARGIN : margin;
    Duration budget = timeout.minus(margin);
    return budget.compareTo(MIN_BUDGET) < 0 ? MIN_BUDGET : budget;
  }

  /**
   * Decides within the request's deadline. When the decision is not ready in time, the pod is
   * admitted unchanged with a warning, the reason is counted, and a pod that asked for injection
   * gets a {@link SidecarEvents#REASON} Event.
   *
   * @param decide the whole decision (must itself never throw)
   */
  public AdmissionResponse answer(
      AdmissionRequest request,
      JsonNode object,
      Duration timeout,
      BiFunction<AdmissionRequest, JsonNode, AdmissionResponse> decide) {
    Task task = new Task();
    CompletableFuture<AdmissionResponse> decision = new CompletableFuture<>();
    try {
      workers.execute(
          () -> {
            CURRENT.set(task);
            try {
              decision.complete(decide.apply(request, object));
            } catch (RuntimeException | Error e) {
              decision.completeExceptionally(e);
            } finally {
              CURRENT.remove();
            }
          });
    } catch (RejectedExecutionException e) {
      return early(request, object, timeout, Reason.OVERLOADED);
    }
    try {
      return decision.get(budget(timeout).toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      AdmissionResponse justInTime = decision.getNow(null);
      if (justInTime != null) {
        return justInTime;
      }
      Reason reason =
          !lookup.hasSynced()
              ? Reason.CACHE_NOT_SYNCED
              : task.waitingOn != null ? Reason.SLOW_LOOKUP : Reason.SLOW_DECISION;
      AdmissionResponse answer = early(request, object, timeout, reason);
      String message = answer.getWarnings().get(0);
      decision.thenAccept(
          late -> {
            if (late != null && late.getPatch() != null) {
              // The pod left without the change it would have had: say so, even if the pod only
              // asked through its namespace's annotation.
              LOG.info("{} (decided late: the pod would have been changed)", message);
              report(request, object, message);
            }
          });
      return answer;
    } catch (ExecutionException e) {
      throw new IllegalStateException("the admission decision failed", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return early(request, object, timeout, Reason.SLOW_DECISION);
    }
  }

  /** Answers sent before the decision was ready, by reason. */
  public long early(Reason reason) {
    return early.get(reason).sum();
  }

  private AdmissionResponse early(
      AdmissionRequest request, JsonNode object, Duration timeout, Reason reason) {
    early.get(reason).increment();
    String message =
        "OpenTelemetry injection skipped, pod admitted unchanged: the webhook could not decide"
            + " within the API server's timeout of "
            + timeout.toMillis()
            + " ms ("
            + reason.tag()
            + ")";
    LOG.warn("Pod {}/{}: {}", namespace(request, object), name(object), message);
    AdmissionResponse response = new AdmissionResponse();
    response.setUid(request.getUid());
    response.setAllowed(true);
    response.setWarnings(List.of(message));
    if (asksForInjection(object)) {
      report(request, object, message);
    }
    return response;
  }

  private void report(AdmissionRequest request, JsonNode object, String message) {
    // sideEffects: None promises dry-run requests leave no trace.
    if (Boolean.TRUE.equals(request.getDryRun()) || object == null || !object.isObject()) {
      return;
    }
    try {
      events.notInjected(
          JsonPatches.convert(object, Pod.class), namespace(request, object), message);
    } catch (RuntimeException e) {
      LOG.debug("Event sink failed", e);
    }
  }

  /**
   * Whether the pod's own annotations ask for a sidecar or an instrumentation; read from the pod
   * alone, because the caches may be what is slow.
   */
  static boolean asksForInjection(JsonNode pod) {
    JsonNode annotations = pod == null ? null : pod.path("metadata").path("annotations");
    if (annotations == null || !annotations.isObject()) {
      return false;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = annotations.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = e.getKey();
      boolean inject =
          key.equals(SidecarInjector.INJECT_ANNOTATION)
              || key.startsWith("instrumentation.opentelemetry.io/inject-");
      if (inject && !"false".equalsIgnoreCase(e.getValue().asText(""))) {
        return true;
      }
    }
    return false;
  }

  private static String namespace(AdmissionRequest request, JsonNode object) {
    String ns = request.getNamespace();
    if ((ns == null || ns.isEmpty()) && object != null) {
      ns = object.path("metadata").path("namespace").asText("");
    }
    return ns;
  }

  private static String name(JsonNode object) {
    JsonNode meta = object == null ? null : object.path("metadata");
    if (meta == null) {
      return "?";
    }
    String name = meta.path("name").asText("");
    return name.isEmpty() ? meta.path("generateName").asText("") + "*" : name;
  }

  /**
   * The lookup as the decision should use it: each call marks the decision as waiting on a lookup,
   * so a missed deadline can tell a slow lookup from a slow decision.
   */
  public CollectorLookup track(CollectorLookup delegate) {
    return new CollectorLookup() {
      @Override
      public List<OpenTelemetryCollector> sidecarCollectors(String namespace) {
        return waiting("sidecar collectors", () -> delegate.sidecarCollectors(namespace));
      }

      @Override
      public Optional<OpenTelemetryCollector> collector(String namespace, String name) {
        return waiting("collector", () -> delegate.collector(namespace, name));
      }

      @Override
      public Optional<Namespace> namespace(String name) {
        return waiting("namespace", () -> delegate.namespace(name));
      }

      @Override
      public Optional<ReplicaSet> replicaSet(String namespace, String name) {
        return waiting("replica set", () -> delegate.replicaSet(namespace, name));
      }

      @Override
      public Optional<Job> job(String namespace, String name) {
        return waiting("job", () -> delegate.job(namespace, name));
      }

      @Override
      public List<Instrumentation> instrumentations(String namespace) {
        return waiting("instrumentations", () -> delegate.instrumentations(namespace));
      }

      @Override
      public Optional<Instrumentation> instrumentation(String namespace, String name) {
        return waiting("instrumentation", () -> delegate.instrumentation(namespace, name));
      }

      @Override
      public Optional<Boolean> exists(String kind, String namespace, String name) {
        return waiting(kind, () -> delegate.exists(kind, namespace, name));
      }

      @Override
      public boolean hasSynced() {
        return delegate.hasSynced();
      }
    };
  }

  private static <T> T waiting(String what, Supplier<T> call) {
    Task task = CURRENT.get();
    if (task == null) {
      return call.get();
    }
    task.waitingOn = what;
    try {
      return call.get();
    } finally {
      task.waitingOn = null;
    }
  }
}
