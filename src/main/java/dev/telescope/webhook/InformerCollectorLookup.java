package dev.telescope.webhook;

import dev.telescope.api.instrumentation.Instrumentation;
import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link CollectorLookup} of the running webhook: fabric8 informers keep every
 * OpenTelemetryCollector (of all namespaces, or of the watched ones) and every Namespace in memory,
 * so admission never waits on the API server for them.
 *
 * <p>ReplicaSets are deliberately not cached: a cluster holds far more of them than of collectors.
 * The one question asked of a ReplicaSet, "which Deployment owns you", is answered by a GET with a
 * short timeout on the first pod of each ReplicaSet and remembered for the next ones; a slow or
 * refused GET only drops the {@code k8s.deployment.*} resource attributes. A zero timeout turns the
 * GET off entirely.
 *
 * <p>A miss for a collector a pod names (or for the one sidecar collector {@code "true"} asks for)
 * is confirmed by one live read before the webhook answers "not found": the informer trails the API
 * server, and a collector applied together with its Deployment is often not in it yet.
 *
 * <p>Over ~450 lines because every cached kind and its bounded live fallback must share one sync
 * state and one close: split by kind, the readiness answer would need a coordinator of its own.
 */
public final class InformerCollectorLookup implements CollectorLookup, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(InformerCollectorLookup.class);

  /** Index of sidecar-mode collectors by namespace; other modes are not indexed. */
  static final String SIDECAR_INDEX = "sidecar-by-namespace";

  /** The default wait for a ReplicaSet GET: well inside the webhook's 5-second timeout. */
  public static final Duration DEFAULT_OWNER_TIMEOUT = Duration.ofMillis(500);

  /**
   * The longest a cache miss for a named collector (or for {@code "true"}) waits on the one live
   * read that confirms it: a collector applied a moment before its pods may not have reached the
   * informer yet.
   */
  public static final Duration DEFAULT_LIVE_READ_TIMEOUT = Duration.ofSeconds(1);

  /** How long a miss confirmed by a live read is believed, so a bad annotation costs one read. */
  private static final long MISS_TTL_NANOS = TimeUnit.SECONDS.toNanos(5);

  private static final long OWNER_TTL_NANOS = TimeUnit.MINUTES.toNanos(10);
  private static final long EXISTS_TTL_NANOS = TimeUnit.SECONDS.toNanos(30);
  private static final int OWNER_CACHE_MAX = 1024;

  private final KubernetesClient client;
  private final Set<String> watchNamespaces;
  private final Duration ownerTimeout;
  private final Duration liveReadTimeout;
  private final ConcurrentHashMap<String, Long> confirmedMisses = new ConcurrentHashMap<>();
  private final List<SharedIndexInformer<OpenTelemetryCollector>> collectorInformers =
      new ArrayList<>();
  private final Map<String, SharedIndexInformer<OpenTelemetryCollector>> byNamespace =
      new LinkedHashMap<>();
  private final SharedIndexInformer<Namespace> namespaces;
  private final ConcurrentHashMap<String, Owned> owners = new ConcurrentHashMap<>();
  private final ThreadPoolExecutor ownerExecutor;
  private final java.util.concurrent.atomic.LongAdder liveReads =
      new java.util.concurrent.atomic.LongAdder();

  private final List<SharedIndexInformer<Instrumentation>> instrumentationInformers =
      new ArrayList<>();

  private record Owned(CompletableFuture<Optional<HasMetadata>> future, long created) {}

  /**
   * Creates the informers (not started).
   *
   * @param client the API client
   * @param watchNamespaces namespaces whose collectors can be injected; empty means all
   * @param ownerTimeout the longest a request waits for a ReplicaSet GET; zero: never GET
   */
  public InformerCollectorLookup(
      KubernetesClient client, Set<String> watchNamespaces, Duration ownerTimeout) {
    this(client, watchNamespaces, ownerTimeout, DEFAULT_LIVE_READ_TIMEOUT);
  }

  /** As above, with the bound of the live read behind a collector cache miss; zero: never read. */
  public InformerCollectorLookup(
      KubernetesClient client,
      Set<String> watchNamespaces,
      Duration ownerTimeout,
      Duration liveReadTimeout) {
    this.client = client;
    this.watchNamespaces = Set.copyOf(watchNamespaces);
    this.ownerTimeout = ownerTimeout;
    this.liveReadTimeout = liveReadTimeout;
    Map<String, Function<OpenTelemetryCollector, List<String>>> index =
        Map.of(
            SIDECAR_INDEX,
            c ->
                CollectorLookup.isSidecar(c) ? List.of(c.getMetadata().getNamespace()) : List.of());
    if (this.watchNamespaces.isEmpty()) {
      collectorInformers.add(
          client.resources(OpenTelemetryCollector.class).inAnyNamespace().runnableInformer(0));
    } else {
      for (String ns : new TreeSet<>(this.watchNamespaces)) {
        SharedIndexInformer<OpenTelemetryCollector> informer =
            client.resources(OpenTelemetryCollector.class).inNamespace(ns).runnableInformer(0);
        collectorInformers.add(informer);
        byNamespace.put(ns, informer);
      }
    }
    // Instrumentations are read where pods may be instrumented: the watched namespaces or all.
    // managedFields are dropped on arrival: nothing here reads them and they double the size.
    if (this.watchNamespaces.isEmpty()) {
      instrumentationInformers.add(
          client.resources(Instrumentation.class).inAnyNamespace().runnableInformer(0));
    } else {
      for (String ns : new TreeSet<>(this.watchNamespaces)) {
        instrumentationInformers.add(
            client.resources(Instrumentation.class).inNamespace(ns).runnableInformer(0));
      }
    }
    for (SharedIndexInformer<Instrumentation> i : instrumentationInformers) {
      i.exceptionHandler(InformerCollectorLookup::retry);
      i.itemStore(
          new BasicItemStore<>(Cache::metaNamespaceKeyFunc) {
            @Override
            public Instrumentation put(String key, Instrumentation obj) {
              if (obj.getMetadata() != null) {
                obj.getMetadata().setManagedFields(null);
              }
              return super.put(key, obj);
            }
          });
    }
    // Cluster-wide even with watched namespaces: a pod anywhere may name "ns/collector".
    namespaces = client.namespaces().runnableInformer(0);
    collectorInformers.forEach(
        i -> i.addIndexers(index).exceptionHandler(InformerCollectorLookup::retry));
    namespaces.exceptionHandler(InformerCollectorLookup::retry);
    ownerExecutor =
        new ThreadPoolExecutor(
            2,
            2,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(64),
            r -> {
              Thread t = new Thread(r, "telescope-owner-lookup");
              t.setDaemon(true);
              return t;
            });
    ownerExecutor.allowCoreThreadTimeOut(true);
  }

  /** With the default owner timeout. */
  public InformerCollectorLookup(KubernetesClient client, Set<String> watchNamespaces) {
    this(client, watchNamespaces, DEFAULT_OWNER_TIMEOUT);
  }

  /** Starts the informers without waiting for them to sync; see {@link #hasSynced()}. */
  public InformerCollectorLookup start() {
    collectorInformers.forEach(SharedIndexInformer::start);
    instrumentationInformers.forEach(SharedIndexInformer::start);
    namespaces.start();
    return this;
  }

  /**
   * Waits (bounded) for the first full listing of collectors and namespaces.
   *
   * @return whether everything synced in time
   */
  public boolean awaitSynced(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!hasSynced()) {
      if (System.nanoTime() >= deadline) {
        return false;
      }
      Thread.sleep(20);
    }
    return true;
  }

  @Override
  public boolean hasSynced() {
    return namespaces.hasSynced() && collectorInformers.stream().allMatch(i -> i.hasSynced());
  }

  @Override
  public List<OpenTelemetryCollector> sidecarCollectors(String namespace) {
    SharedIndexInformer<OpenTelemetryCollector> informer = informerFor(namespace);
    if (informer == null) {
      return List.of();
    }
    List<OpenTelemetryCollector> out =
        new ArrayList<>(informer.getIndexer().byIndex(SIDECAR_INDEX, namespace));
    if (out.isEmpty()) {
      out.addAll(
          liveRead(
              "list/" + namespace,
              () ->
                  client
                      .resources(OpenTelemetryCollector.class)
                      .inNamespace(namespace)
                      .list()
                      .getItems()
                      .stream()
                      .filter(CollectorLookup::isSidecar)
                      .toList(),
              List.of()));
    }
    out.sort(Comparator.comparing(c -> c.getMetadata().getName()));
    return out;
  }

  @Override
  public Optional<OpenTelemetryCollector> collector(String namespace, String name) {
    SharedIndexInformer<OpenTelemetryCollector> informer = informerFor(namespace);
    if (informer == null) {
      return Optional.empty();
    }
    OpenTelemetryCollector cached =
        informer.getStore().getByKey(Cache.namespaceKeyFunc(namespace, name));
    if (cached != null) {
      return Optional.of(cached);
    }
    return liveRead(
        "get/" + namespace + "/" + name,
        () ->
            Optional.ofNullable(
                client
                    .resources(OpenTelemetryCollector.class)
                    .inNamespace(namespace)
                    .withName(name)
                    .get()),
        Optional.empty());
  }

  /** Live reads done after a cache miss (each bounded by the live-read timeout). */
  public long liveReads() {
    return liveReads.sum();
  }

  /**
   * The one live read behind a cache miss, on the owner executor and bounded by the live-read
   * timeout; {@code none} when it times out, fails or is refused. An empty answer is remembered for
   * a few seconds, so a 100-replica Deployment naming a missing collector costs one read, not 100.
   */
  private <T> T liveRead(String key, java.util.function.Supplier<T> read, T none) {
    if (liveReadTimeout.isZero() || liveReadTimeout.isNegative()) {
      return none;
    }
    long now = System.nanoTime();
    Long missed = confirmedMisses.get(key);
    if (missed != null && now - missed < MISS_TTL_NANOS) {
      return none;
    }
    if (confirmedMisses.size() >= OWNER_CACHE_MAX) {
      confirmedMisses.clear();
    }
    CompletableFuture<T> future;
    try {
      liveReads.increment();
      future = CompletableFuture.supplyAsync(read, ownerExecutor);
    } catch (RejectedExecutionException e) {
      return none;
    }
    try {
      T value = future.get(liveReadTimeout.toNanos(), TimeUnit.NANOSECONDS);
      if (none.equals(value)) {
        confirmedMisses.put(key, now);
      }
      return value;
    } catch (TimeoutException | ExecutionException e) {
      LOG.debug("Live read {} after a collector cache miss failed: {}", key, e.toString());
      return none;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return none;
    }
  }

  @Override
  public Optional<Namespace> namespace(String name) {
    return Optional.ofNullable(namespaces.getStore().getByKey(name));
  }

  /**
   * The ReplicaSet from the owner cache, else from a GET bounded by the owner timeout. A GET that
   * outlives the timeout still completes in the background and serves the next pods.
   */
  @Override
  public Optional<ReplicaSet> replicaSet(String namespace, String name) {
    return owner("ReplicaSet", namespace, name).map(ReplicaSet.class::cast);
  }

  /** As {@link #replicaSet}: a Job's owners (its CronJob), by a bounded, remembered GET. */
  @Override
  public Optional<Job> job(String namespace, String name) {
    return owner("Job", namespace, name).map(Job.class::cast);
  }

  @Override
  public List<Instrumentation> instrumentations(String namespace) {
    List<Instrumentation> out = new ArrayList<>();
    for (SharedIndexInformer<Instrumentation> informer : instrumentationInformers) {
      for (Instrumentation i : informer.getStore().list()) {
        if (namespace != null && namespace.equals(i.getMetadata().getNamespace())) {
          out.add(i);
        }
      }
    }
    out.sort(Comparator.comparing(i -> i.getMetadata().getName()));
    return out;
  }

  @Override
  public Optional<Instrumentation> instrumentation(String namespace, String name) {
    for (SharedIndexInformer<Instrumentation> informer : instrumentationInformers) {
      Instrumentation i = informer.getStore().getByKey(Cache.namespaceKeyFunc(namespace, name));
      if (i != null) {
        return Optional.of(i);
      }
    }
    return Optional.empty();
  }

  /**
   * Whether the Secret or ConfigMap exists, by the same bounded, remembered GET as owners but kept
   * only briefly, so that a Secret created after its Instrumentation is soon seen.
   */
  @Override
  public Optional<Boolean> exists(String kind, String namespace, String name) {
    if (!"Secret".equals(kind) && !"ConfigMap".equals(kind)) {
      return Optional.empty();
    }
    return lookup(kind, namespace, name, EXISTS_TTL_NANOS).map(Optional::isPresent);
  }

  private Optional<HasMetadata> owner(String kind, String namespace, String name) {
    return lookup(kind, namespace, name, OWNER_TTL_NANOS).flatMap(o -> o);
  }

  /** The remembered answer of a GET; empty when it is not known in time. */
  private Optional<Optional<HasMetadata>> lookup(
      String kind, String namespace, String name, long ttl) {
    if (ownerTimeout.isZero() || ownerTimeout.isNegative()) {
      return Optional.empty();
    }
    String key = kind + ":" + namespace + "/" + name;
    long now = System.nanoTime();
    Owned owned = owners.get(key);
    if (owned == null || now - owned.created() > ttl) {
      if (owners.size() >= OWNER_CACHE_MAX) {
        owners.entrySet().removeIf(e -> now - e.getValue().created() > OWNER_TTL_NANOS);
        if (owners.size() >= OWNER_CACHE_MAX) {
          owners.clear();
        }
      }
      Owned fresh = new Owned(new CompletableFuture<>(), now);
      owned =
          owners.compute(key, (k, old) -> old == null || now - old.created() > ttl ? fresh : old);
      if (owned == fresh) {
        try {
          ownerExecutor.execute(
              () -> {
                try {
                  fresh.future().complete(fetch(kind, namespace, name));
                } catch (RuntimeException e) {
                  // Not remembered: the next pod of this ReplicaSet asks again.
                  owners.remove(key, fresh);
                  fresh.future().completeExceptionally(e);
                }
              });
        } catch (RejectedExecutionException e) {
          owners.remove(key, fresh);
          return Optional.empty();
        }
      }
    }
    try {
      return Optional.of(owned.future().get(ownerTimeout.toNanos(), TimeUnit.NANOSECONDS));
    } catch (TimeoutException | ExecutionException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  private Optional<HasMetadata> fetch(String kind, String namespace, String name) {
    if ("Secret".equals(kind) || "ConfigMap".equals(kind)) {
      // Only existence matters: nothing of the object is kept.
      HasMetadata found =
          "Secret".equals(kind)
              ? client.secrets().inNamespace(namespace).withName(name).get()
              : client.configMaps().inNamespace(namespace).withName(name).get();
      return found == null
          ? Optional.empty()
          : Optional.of(
              new io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder()
                  .withKind(kind)
                  .withNewMetadata()
                  .withName(name)
                  .withNamespace(namespace)
                  .endMetadata()
                  .build());
    }
    if ("Job".equals(kind)) {
      Job job = client.batch().v1().jobs().inNamespace(namespace).withName(name).get();
      if (job == null) {
        return Optional.empty();
      }
      return Optional.of(
          new JobBuilder()
              .withNewMetadata()
              .withName(job.getMetadata().getName())
              .withNamespace(job.getMetadata().getNamespace())
              .withUid(job.getMetadata().getUid())
              .withOwnerReferences(job.getMetadata().getOwnerReferences())
              .endMetadata()
              .build());
    }
    ReplicaSet rs = client.apps().replicaSets().inNamespace(namespace).withName(name).get();
    if (rs == null) {
      return Optional.empty();
    }
    // Keep only what the resource attributes need; the rest of a ReplicaSet is a pod template.
    return Optional.of(
        new ReplicaSetBuilder()
            .withNewMetadata()
            .withName(rs.getMetadata().getName())
            .withNamespace(rs.getMetadata().getNamespace())
            .withUid(rs.getMetadata().getUid())
            .withOwnerReferences(rs.getMetadata().getOwnerReferences())
            .endMetadata()
            .build());
  }

  private SharedIndexInformer<OpenTelemetryCollector> informerFor(String namespace) {
    if (namespace == null) {
      return null;
    }
    return watchNamespaces.isEmpty() ? collectorInformers.get(0) : byNamespace.get(namespace);
  }

  /** Keep retrying (with fabric8's backoff): the CRD may be installed after the webhook starts. */
  private static boolean retry(boolean started, Throwable t) {
    String what =
        t instanceof KubernetesClientException k && k.getCode() > 0
            ? "HTTP " + k.getCode() + ": " + k.getMessage()
            : String.valueOf(t);
    LOG.warn("Collector/namespace informer failed ({}); retrying", what);
    return true;
  }

  @Override
  public void close() {
    collectorInformers.forEach(SharedIndexInformer::close);
    instrumentationInformers.forEach(SharedIndexInformer::close);
    namespaces.close();
    ownerExecutor.shutdownNow();
  }
}
