package dev.telescope.reconciler;

import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import dev.telescope.reconciler.coverage.PodCoverage;
import dev.telescope.settings.OperatorConfig;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.processing.retry.GenericRetry;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires the reconciler into JOSDK: non-SSA patches (see docs/adr/0002), our finalizer, the watched
 * namespaces, leader election and a periodic resync as a safety net.
 *
 * <p>Over ~450 lines because start, leader election, the lease-namespace wait and readiness share
 * one lifecycle state machine; the next split is the lease watchdog into its own class.
 */
public final class OperatorRuntime implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OperatorRuntime.class);

  private final Operator operator;
  private final Applier applier;
  private final CollectorReconciler reconciler;
  private final KubernetesClient client;
  private final OperatorConfig cfg;
  private final String identity;
  private final AtomicBoolean closing;
  private final AtomicBoolean leading;
  private final LeaseWatchdog watchdog;
  private PodCoverage coverage;

  private OperatorRuntime(
      Operator operator,
      Applier applier,
      CollectorReconciler reconciler,
      KubernetesClient client,
      OperatorConfig cfg,
      String identity,
      AtomicBoolean closing,
      AtomicBoolean leading,
      LeaseWatchdog watchdog) {
    this.operator = operator;
    this.applier = applier;
    this.reconciler = reconciler;
    this.client = client;
    this.cfg = cfg;
    this.identity = identity;
    this.closing = closing;
    this.leading = leading;
    this.watchdog = watchdog;
  }

  /**
   * Leader-election timing, and what happens when the lease is lost while running.
   *
   * @param leaseDuration how long a lease holds without renewal; a stand-by takes over after it
   * @param renewDeadline how long the leader keeps trying to renew before it gives up
   * @param retryPeriod how often candidates try to acquire, and the leader to renew
   * @param onLeadershipLost runs when the lease is lost other than by {@link #close()}: a replica
   *     that lost its lease must stop reconciling at once, so by default the process exits and
   *     Kubernetes restarts it as a stand-by
   */
  public record LeaderElectionSettings(
      Duration leaseDuration,
      Duration renewDeadline,
      Duration retryPeriod,
      Runnable onLeadershipLost) {
    /** The usual Kubernetes controller timings (15 s, 10 s, 2 s); exit on a lost lease. */
    public static LeaderElectionSettings defaults() {
      return new LeaderElectionSettings(
          LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE,
          LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
          LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE,
          OperatorRuntime::exitProcess);
    }
  }

  /** Reconciles run so far. */
  public long reconciles() {
    return reconciler.reconciles();
  }

  /** Whether this replica holds the leader lease (always true without leader election). */
  public boolean isLeader() {
    return !cfg.leaderElection() || leading.get();
  }

  /** This replica's leader-election identity. */
  public String identity() {
    return identity;
  }

  /**
   * Builds and starts the operator.
   *
   * @param cfg settings with capabilities already resolved
   * @param resync how often every collector is reconciled even without events
   * @param identity this replica's identity for leader election (pod name)
   */
  public static OperatorRuntime start(
      KubernetesClient client, OperatorConfig cfg, Duration resync, Optional<String> identity) {
    return start(client, cfg, resync, identity, null);
  }

  /**
   * As {@link #start(KubernetesClient, OperatorConfig, Duration, Optional)}, with JOSDK metrics.
   */
  public static OperatorRuntime start(
      KubernetesClient client,
      OperatorConfig cfg,
      Duration resync,
      Optional<String> identity,
      io.javaoperatorsdk.operator.api.monitoring.Metrics metrics) {
    return start(client, cfg, resync, identity, metrics, LeaderElectionSettings.defaults());
  }

  /** As above, with leader-election timings (tests use short leases). */
  public static OperatorRuntime start(
      KubernetesClient client,
      OperatorConfig given,
      Duration resync,
      Optional<String> identity,
      io.javaoperatorsdk.operator.api.monitoring.Metrics metrics,
      LeaderElectionSettings election) {
    // An optional API we may not read would keep its informer, and so readiness, down forever.
    OperatorConfig cfg =
        given.withCapabilities(
            CapabilityDetector.readable(client, given.capabilities(), given.watchNamespaces()));
    Applier applier = new Applier(client);
    // A known identity (not one JOSDK makes up) lets close() release the lease it holds.
    String id = identity.filter(s -> !s.isBlank()).orElseGet(() -> UUID.randomUUID().toString());
    EventRecorder events = new EventRecorder(client, identity.orElse("telescope"));
    CollectorReconciler reconciler =
        new CollectorReconciler(cfg, applier, events, Clock.systemUTC());
    PodCoverage coverage =
        new PodCoverage(
            client, events, cfg.podCheckPeriod(), cfg.watchNamespaces(), Clock.systemUTC());
    reconciler.coverage(coverage);
    AtomicBoolean closing = new AtomicBoolean();
    AtomicBoolean leading = new AtomicBoolean();
    Runnable lost =
        () -> {
          boolean was = leading.getAndSet(false);
          if (!closing.get() && was) {
            LOG.error(
                "{} lost the leader lease {}/{}; stopping so that only one replica reconciles",
                id,
                cfg.operatorNamespace(),
                cfg.leaderElectionLeaseName());
            election.onLeadershipLost().run();
          }
        };
    LeaseWatchdog watchdog =
        cfg.leaderElection() ? new LeaseWatchdog(client, cfg, id, election, leading, lost) : null;
    Operator operator =
        new Operator(
            o -> {
              o.withKubernetesClient(client)
                  .withCloseClientOnStop(false)
                  .withUseSSAToPatchPrimaryResource(false)
                  .withSSABasedCreateUpdateMatchForDependentResources(false)
                  .withStopOnInformerErrorDuringStartup(false)
                  .withCacheSyncTimeout(Duration.ofSeconds(60))
                  .withMetrics(
                      metrics == null
                          ? io.javaoperatorsdk.operator.api.monitoring.Metrics.NOOP
                          : metrics)
                  .withConcurrentReconciliationThreads(
                      Math.max(2, Runtime.getRuntime().availableProcessors() * 2));
              if (cfg.leaderElection()) {
                // JOSDK's own "exit on stop leading" also fires when the operator is stopped
                // on purpose: from the shutdown hook System.exit blocks forever, so a pod
                // being deleted would hang until SIGKILL. We exit only on a real loss.
                LeaderCallbacks callbacks =
                    new LeaderCallbacks(
                        () -> {
                          leading.set(true);
                          watchdog.leading();
                          LOG.info(
                              "{} holds the leader lease {}/{}: reconciling",
                              id,
                              cfg.operatorNamespace(),
                              cfg.leaderElectionLeaseName());
                        },
                        lost,
                        leader -> LOG.info("the reconciling replica is now {}", leader));
                o.withLeaderElectionConfiguration(
                    new LeaderElectionConfiguration(
                        cfg.leaderElectionLeaseName(),
                        cfg.operatorNamespace(),
                        election.leaseDuration(),
                        election.renewDeadline(),
                        election.retryPeriod(),
                        id,
                        callbacks,
                        false));
              }
            });
    operator.register(
        reconciler,
        c -> {
          // We add and remove the finalizer ourselves, only while cluster RBAC needs it, so the
          // reconciler also sees deletions (see CollectorReconciler).
          c.withFinalizer(CollectorReconciler.FINALIZER).withTriggerReconcilerOnAllEvents(true);
          controllerSettings(c, cfg, resync);
        });
    // The TargetAllocator controller (and its informers) only when the API is served and
    // permitted: an informer on a missing or forbidden kind would keep the operator unready.
    if (cfg.capabilities().targetAllocators()) {
      operator.register(
          new TargetAllocatorReconciler(cfg, applier, events, Clock.systemUTC()),
          c -> controllerSettings(c, cfg, resync));
    }
    // Instrumentations still on an older default agent image move to the new default, once.
    Thread upgrade =
        new Thread(
            () ->
                InstrumentationUpgrader.run(
                    client, cfg.instrumentation(), cfg.watchNamespaces(), events),
            "telescope-instrumentation-upgrade");
    upgrade.setDaemon(true);
    upgrade.start();
    OperatorRuntime runtime =
        new OperatorRuntime(
            operator, applier, reconciler, client, cfg, id, closing, leading, watchdog);
    runtime.coverage = coverage;
    coverage.start(runtime::isLeader);
    if (cfg.leaderElection() && !runtime.leaseNamespaceExists()) {
      runtime.waitForLeaseNamespace();
    } else {
      runtime.startOperator();
    }
    return runtime;
  }

  private final AtomicBoolean started = new AtomicBoolean();
  private final java.util.concurrent.atomic.AtomicReference<String> waiting =
      new java.util.concurrent.atomic.AtomicReference<>();
  private java.util.concurrent.ScheduledExecutorService namespacePoll;

  private synchronized void startOperator() {
    if (closing.get() || !started.compareAndSet(false, true)) {
      return;
    }
    operator.start();
    LOG.info("reconciler started for {}", OpenTelemetryCollector.class.getSimpleName());
  }

  /**
   * Whether the namespace of the leader lease exists. Without it every acquisition fails (with a
   * stack trace every retry period) and nothing is ever reconciled. When we may not read
   * namespaces, it is assumed to exist.
   */
  private boolean leaseNamespaceExists() {
    try {
      return client.namespaces().withName(cfg.operatorNamespace()).get() != null;
    } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
      return e.getCode() != 404;
    }
  }

  /** Says once why nothing reconciles yet, then starts as soon as the lease namespace appears. */
  private void waitForLeaseNamespace() {
    String problem =
        "leader election needs the namespace '"
            + cfg.operatorNamespace()
            + "' for its Lease '"
            + cfg.leaderElectionLeaseName()
            + "', which does not exist: create it, set --operator-namespace (or POD_NAMESPACE)"
            + " to an existing namespace, or run with --leader-election=false";
    waiting.set(problem);
    LOG.warn("{}; not reconciling until it exists", problem);
    namespacePoll =
        java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "telescope-lease-namespace");
              t.setDaemon(true);
              return t;
            });
    long period = Math.max(200, Math.min(5000, watchdog.election.retryPeriod().toMillis() * 2));
    namespacePoll.scheduleWithFixedDelay(
        () -> {
          try {
            if (!leaseNamespaceExists()) {
              return;
            }
            namespacePoll.shutdown();
            LOG.info("namespace {} now exists: starting", cfg.operatorNamespace());
            try {
              startOperator();
              waiting.set(null);
            } catch (RuntimeException e) {
              waiting.set("the reconciler could not start: " + e.getMessage());
              LOG.error("the reconciler could not start", e);
            }
          } catch (RuntimeException e) {
            LOG.debug("lease namespace check failed: {}", e.getMessage());
          }
        },
        period,
        period,
        java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  /** The check for pods that ask for a sidecar and run without one. */
  public PodCoverage coverage() {
    return coverage;
  }

  /**
   * What both controllers share: woken by spec and metadata changes (labels and annotations reach
   * the rendered objects, and the allocator a collector joins by label), a resync, retries backing
   * off to five minutes, and the watched namespaces.
   */
  private static <R extends io.fabric8.kubernetes.api.model.HasMetadata> void controllerSettings(
      io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider<R> c,
      OperatorConfig cfg,
      Duration resync) {
    c.withGenerationAware(false)
        .withOnUpdateFilter(specOrMetadataChanged())
        .withReconciliationMaxInterval(resync)
        .withRetry(
            new GenericRetry()
                .setInitialInterval(1000)
                .setIntervalMultiplier(2)
                .setMaxInterval(300_000)
                .setMaxAttempts(Integer.MAX_VALUE));
    if (cfg.watchNamespaces().isEmpty()) {
      c.watchingAllNamespaces();
    } else {
      c.settingNamespaces(cfg.watchNamespaces());
    }
  }

  /**
   * Wakes a controller on a spec change (generation) or a change of labels, annotations,
   * finalizers, owners or deletion, but not on its own status writes.
   */
  static <R extends io.fabric8.kubernetes.api.model.HasMetadata>
      io.javaoperatorsdk.operator.processing.event.source.filter.OnUpdateFilter<R>
          specOrMetadataChanged() {
    return (now, before) -> {
      var a = now.getMetadata();
      var b = before.getMetadata();
      return !java.util.Objects.equals(a.getGeneration(), b.getGeneration())
          || !java.util.Objects.equals(a.getLabels(), b.getLabels())
          || !java.util.Objects.equals(a.getAnnotations(), b.getAnnotations())
          || !java.util.Objects.equals(a.getFinalizers(), b.getFinalizers())
          || !java.util.Objects.equals(a.getOwnerReferences(), b.getOwnerReferences())
          || a.getDeletionTimestamp() != null;
    };
  }

  /**
   * Confirms, every retry period, that this replica's renewals of the lease really land. fabric8's
   * elector checks its renew deadline only between attempts, and one attempt may take far longer:
   * the client retries a failing request with back-off for about 20 seconds. Meanwhile the lease
   * expires, a stand-by takes over, and two replicas would reconcile at once. So a separate probe
   * (no retries, short timeout) reads the lease; when its renew time is older than the renew
   * deadline, or another replica holds it, the lease counts as lost.
   */
  static final class LeaseWatchdog implements AutoCloseable {
    private final KubernetesClient probe;
    private final OperatorConfig cfg;
    private final String id;
    private final LeaderElectionSettings election;
    private final AtomicBoolean leading;
    private final Runnable lost;
    private final java.util.concurrent.ScheduledExecutorService timer;
    private volatile java.time.Instant renewedAt = java.time.Instant.now();

    LeaseWatchdog(
        KubernetesClient client,
        OperatorConfig cfg,
        String id,
        LeaderElectionSettings election,
        AtomicBoolean leading,
        Runnable lost) {
      int timeout = (int) Math.max(100, election.retryPeriod().toMillis());
      this.probe =
          new io.fabric8.kubernetes.client.KubernetesClientBuilder()
              .withConfig(
                  new io.fabric8.kubernetes.client.ConfigBuilder(client.getConfiguration())
                      .withRequestRetryBackoffLimit(0)
                      .withRequestTimeout(timeout)
                      .withConnectionTimeout(timeout)
                      .build())
              .build();
      this.cfg = cfg;
      this.id = id;
      this.election = election;
      this.leading = leading;
      this.lost = lost;
      this.standbyProblem =
          "waiting for the leader lease "
              + cfg.operatorNamespace()
              + "/"
              + cfg.leaderElectionLeaseName();
      this.timer =
          java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "telescope-lease-watchdog");
                t.setDaemon(true);
                return t;
              });
      long period = Math.max(50, election.retryPeriod().toMillis());
      timer.scheduleWithFixedDelay(
          this::checkQuietly, period, period, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    private String standby() {
      String lease = cfg.operatorNamespace() + "/" + cfg.leaderElectionLeaseName();
      try {
        Lease l =
            probe
                .leases()
                .inNamespace(cfg.operatorNamespace())
                .withName(cfg.leaderElectionLeaseName())
                .get();
        String holder = l == null || l.getSpec() == null ? null : l.getSpec().getHolderIdentity();
        if (holder == null || holder.isEmpty()) {
          return "waiting to acquire the leader lease " + lease + ", which nobody holds yet";
        }
        if (id.equals(holder)) {
          return "acquiring the leader lease " + lease;
        }
        java.time.ZonedDateTime renewed = l.getSpec().getRenewTime();
        Integer seconds = l.getSpec().getLeaseDurationSeconds();
        Duration valid = seconds == null ? election.leaseDuration() : Duration.ofSeconds(seconds);
        if (renewed == null || renewed.toInstant().plus(valid).isBefore(java.time.Instant.now())) {
          return "stand-by: the leader lease "
              + lease
              + " held by "
              + holder
              + " has expired; taking over";
        }
        return null;
      } catch (RuntimeException e) {
        return "stand-by: cannot read the leader lease " + lease + ": " + e.getMessage();
      }
    }

    /** Called when the lease was just acquired. */
    void leading() {
      renewedAt = java.time.Instant.now();
      standbyProblem = null;
    }

    private void checkQuietly() {
      try {
        check();
      } catch (RuntimeException e) {
        LOG.debug("lease check failed", e);
      }
    }

    /**
     * Why this replica, while not leading, is not a working stand-by (null when it is: another
     * replica holds the lease and renews it).
     */
    volatile String standbyProblem;

    void check() {
      if (!leading.get()) {
        standbyProblem = standby();
        return;
      }
      try {
        Lease lease =
            probe
                .leases()
                .inNamespace(cfg.operatorNamespace())
                .withName(cfg.leaderElectionLeaseName())
                .get();
        String holder =
            lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
        if (lease != null && holder != null && !id.equals(holder)) {
          LOG.error("the leader lease is now held by {}", holder);
          lost.run();
          return;
        }
        java.time.ZonedDateTime renewed = lease == null ? null : lease.getSpec().getRenewTime();
        if (id.equals(holder) && renewed != null && renewed.toInstant().isAfter(renewedAt)) {
          renewedAt = renewed.toInstant();
        }
      } catch (RuntimeException e) {
        LOG.debug("cannot read the leader lease: {}", e.getMessage());
      }
      // Renew times are written with this replica's own clock, so no skew enters the comparison.
      Duration stale = Duration.between(renewedAt, java.time.Instant.now());
      if (stale.compareTo(election.renewDeadline()) > 0) {
        LOG.error(
            "the leader lease was last renewed {} ms ago (renew deadline {} ms)",
            stale.toMillis(),
            election.renewDeadline().toMillis());
        lost.run();
      }
    }

    @Override
    public void close() {
      timer.shutdownNow();
      probe.close();
    }
  }

  private static void exitProcess() {
    // Not on the caller's thread: System.exit waits for shutdown hooks, which stop the operator,
    // which waits for the leader-election thread that called us.
    Thread t = new Thread(() -> System.exit(1), "telescope-lost-leadership");
    t.setDaemon(false);
    t.start();
  }

  /**
   * Why this replica is not ready (for /readyz), in one line: ready means the reconciler really
   * runs here (leader, or no leader election) or this replica is a stand-by behind a leader that
   * renews its lease.
   */
  public Optional<String> readinessProblem() {
    String wait = waiting.get();
    if (wait != null) {
      return Optional.of(wait);
    }
    var info = operator.getRuntimeInfo();
    if (!started.get() || !info.isStarted()) {
      return Optional.of("the reconciler has not started yet");
    }
    if (cfg.leaderElection() && !leading.get()) {
      return Optional.ofNullable(watchdog.standbyProblem);
    }
    if (!info.allEventSourcesAreHealthy()) {
      return Optional.of("some informers are not healthy: " + info.unhealthyEventSources());
    }
    return Optional.empty();
  }

  /** Writes issued to the API server for owned objects (not counting status and events). */
  public long objectWrites() {
    return applier.writes();
  }

  /**
   * Stops reconciling and, when this replica held the leader lease, hands it back so a stand-by
   * takes over at its next retry instead of after the lease expires.
   */
  @Override
  public void close() {
    closing.set(true);
    if (coverage != null) {
      coverage.close();
    }
    boolean wasLeading = cfg.leaderElection() && leading.get();
    if (namespacePoll != null) {
      namespacePoll.shutdownNow();
    }
    if (watchdog != null) {
      watchdog.close();
    }
    synchronized (this) {
      if (started.get()) {
        operator.stop();
      }
    }
    if (wasLeading) {
      releaseLease();
    }
  }

  private void releaseLease() {
    try {
      Lease lease =
          client
              .leases()
              .inNamespace(cfg.operatorNamespace())
              .withName(cfg.leaderElectionLeaseName())
              .get();
      if (lease == null
          || lease.getSpec() == null
          || !identity.equals(lease.getSpec().getHolderIdentity())) {
        return;
      }
      lease.getSpec().setHolderIdentity(null);
      lease.getSpec().setLeaseDurationSeconds(1);
      // An update carries the resourceVersion: if someone else took the lease meanwhile, it fails.
      client.resource(lease).update();
      LOG.info(
          "released the leader lease {}/{}",
          cfg.operatorNamespace(),
          cfg.leaderElectionLeaseName());
    } catch (RuntimeException e) {
      LOG.warn(
          "could not release the leader lease {}/{} (a stand-by takes over when it expires): {}",
          cfg.operatorNamespace(),
          cfg.leaderElectionLeaseName(),
          e.getMessage());
    }
  }
}
