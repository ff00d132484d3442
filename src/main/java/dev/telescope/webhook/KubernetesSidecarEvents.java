package dev.telescope.webhook;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes {@link SidecarEvents} as core/v1 Warning Events, from a background thread fed by a bounded
 * queue: admission only enqueues (and drops when the queue is full), so a slow or unreachable API
 * server never delays pod creation. Identical events within a window are sent once, so a
 * 100-replica Deployment yields one event, not a hundred.
 */
public final class KubernetesSidecarEvents implements SidecarEvents, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KubernetesSidecarEvents.class);

  /** The {@code source.component} and {@code reportingComponent} of our events. */
  public static final String COMPONENT = "telescope-webhook";

  private static final int DEDUPE_MAX = 1024;

  private final KubernetesClient client;
  private final BlockingQueue<Event> queue;
  private final long dedupeNanos;
  private final String instance;
  private final Thread worker;
  private final AtomicLong sequence = new AtomicLong();
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong suppressed = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private volatile boolean closed;

  /** Touched by the worker thread only. */
  private final Map<String, Long> recent =
      new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
          return size() > DEDUPE_MAX;
        }
      };

  /**
   * Starts the writer thread.
   *
   * @param client the API client (needs {@code create} on {@code events} in pod namespaces)
   * @param capacity events that may wait; more are dropped
   * @param dedupeWindow how long an identical event is not repeated
   */
  public KubernetesSidecarEvents(KubernetesClient client, int capacity, Duration dedupeWindow) {
    this.client = client;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.dedupeNanos = dedupeWindow.toNanos();
    this.instance = hostname();
    this.worker = new Thread(this::drain, "telescope-sidecar-events");
    worker.setDaemon(true);
    worker.start();
  }

  /** 256 queued events, five-minute de-duplication. */
  public KubernetesSidecarEvents(KubernetesClient client) {
    this(client, 256, Duration.ofMinutes(5));
  }

  @Override
  public void notInjected(Pod pod, String namespace, String message) {
    enqueue(pod, namespace, REASON, message);
  }

  @Override
  public void notInstrumented(Pod pod, String namespace, String message) {
    enqueue(pod, namespace, INSTRUMENTATION_REASON, message);
  }

  private void enqueue(Pod pod, String namespace, String reason, String message) {
    if (closed) {
      return;
    }
    Event event = event(pod, namespace, reason, message);
    if (!queue.offer(event)) {
      dropped.incrementAndGet();
    }
  }

  /** Events written. */
  public long sent() {
    return sent.get();
  }

  /** Events dropped because the queue was full. */
  public long dropped() {
    return dropped.get();
  }

  /** Events skipped as repeats within the window. */
  public long suppressed() {
    return suppressed.get();
  }

  /** Events the API server refused or that failed in transit. */
  public long failed() {
    return failed.get();
  }

  Event event(Pod pod, String namespace, String message) {
    return event(pod, namespace, REASON, message);
  }

  Event event(Pod pod, String namespace, String reason, String message) {
    ObjectReference about = involvedObject(pod, namespace);
    String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    return new EventBuilder()
        .withNewMetadata()
        .withName(eventName(about.getName()))
        .withNamespace(namespace)
        .endMetadata()
        .withInvolvedObject(about)
        .withReason(reason)
        .withMessage(message)
        .withType("Warning")
        .withCount(1)
        .withFirstTimestamp(now)
        .withLastTimestamp(now)
        .withNewSource()
        .withComponent(COMPONENT)
        .endSource()
        .withReportingComponent(COMPONENT)
        .withReportingInstance(instance)
        .build();
  }

  /**
   * The object the event is about. A pod created by a controller has no name at admission time; its
   * controlling owner (a ReplicaSet, a Job...) is then the best object to attach to, and failing
   * that the pod's generateName.
   */
  static ObjectReference involvedObject(Pod pod, String namespace) {
    var meta = pod.getMetadata();
    String name = meta == null ? null : meta.getName();
    if (name != null && !name.isEmpty()) {
      return new ObjectReferenceBuilder()
          .withApiVersion("v1")
          .withKind("Pod")
          .withNamespace(namespace)
          .withName(name)
          .withUid(meta.getUid())
          .build();
    }
    OwnerReference owner = meta == null ? null : controller(meta.getOwnerReferences());
    if (owner != null) {
      return new ObjectReferenceBuilder()
          .withApiVersion(owner.getApiVersion())
          .withKind(owner.getKind())
          .withNamespace(namespace)
          .withName(owner.getName())
          .withUid(owner.getUid())
          .build();
    }
    String generateName = meta == null ? null : meta.getGenerateName();
    return new ObjectReferenceBuilder()
        .withApiVersion("v1")
        .withKind("Pod")
        .withNamespace(namespace)
        .withName(generateName == null || generateName.isEmpty() ? "unknown" : generateName)
        .build();
  }

  private static OwnerReference controller(List<OwnerReference> refs) {
    if (refs == null || refs.isEmpty()) {
      return null;
    }
    for (OwnerReference r : refs) {
      if (Boolean.TRUE.equals(r.getController())) {
        return r;
      }
    }
    return refs.get(0);
  }

  /** {@code <object>.<unique hex>}, as client-go names events, kept a valid DNS subdomain. */
  private String eventName(String about) {
    String base = about.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.-]", "-");
    base = base.replaceAll("^[^a-z0-9]+|[^a-z0-9]+$", "");
    if (base.length() > 200) {
      base = base.substring(0, 200).replaceAll("[^a-z0-9]+$", "");
    }
    if (base.isEmpty()) {
      base = "pod";
    }
    long unique = System.currentTimeMillis() * 1000 + (sequence.incrementAndGet() % 1000);
    return base + "." + Long.toHexString(unique);
  }

  private void drain() {
    while (!closed || !queue.isEmpty()) {
      Event event;
      try {
        event = queue.poll(200, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (event != null) {
        write(event);
      }
    }
  }

  private void write(Event event) {
    ObjectReference about = event.getInvolvedObject();
    String key =
        event.getMetadata().getNamespace()
            + '\0'
            + about.getKind()
            + '\0'
            + about.getName()
            + '\0'
            + event.getMessage();
    long now = System.nanoTime();
    Long last = recent.get(key);
    if (last != null && now - last < dedupeNanos) {
      suppressed.incrementAndGet();
      return;
    }
    try {
      client.v1().events().inNamespace(event.getMetadata().getNamespace()).resource(event).create();
      recent.put(key, now);
      sent.incrementAndGet();
    } catch (RuntimeException e) {
      failed.incrementAndGet();
      LOG.warn(
          "Could not record event '{}' in namespace {}: {}",
          event.getMessage(),
          event.getMetadata().getNamespace(),
          e.getMessage());
    }
  }

  private static String hostname() {
    String pod = System.getenv("HOSTNAME");
    if (pod != null && !pod.isBlank()) {
      return pod;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      return COMPONENT;
    }
  }

  /** Stops taking events and lets the writer finish what is queued (bounded wait). */
  @Override
  public void close() {
    closed = true;
    try {
      worker.join(TimeUnit.SECONDS.toMillis(2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    worker.interrupt();
  }
}
