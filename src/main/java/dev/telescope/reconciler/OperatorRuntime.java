package dev.telescope.reconciler;

import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import dev.telescope.config.OperatorConfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.processing.retry.GenericRetry;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires the reconciler into JOSDK: non-SSA patches (see docs/adr/0002), our finalizer, the watched
 * namespaces, leader election and a periodic resync as a safety net.
 */
public final class OperatorRuntime implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OperatorRuntime.class);

  private final Operator operator;
  private final Applier applier;
  private final CollectorReconciler reconciler;

  private OperatorRuntime(Operator operator, Applier applier, CollectorReconciler reconciler) {
    this.operator = operator;
    this.applier = applier;
    this.reconciler = reconciler;
  }

  /** Reconciles run so far. */
  public long reconciles() {
    return reconciler.reconciles();
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
    Applier applier = new Applier(client);
    EventRecorder events = new EventRecorder(client, identity.orElse("telescope"));
    CollectorReconciler reconciler =
        new CollectorReconciler(cfg, applier, events, Clock.systemUTC());
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
                o.withLeaderElectionConfiguration(
                    new LeaderElectionConfiguration(
                        cfg.leaderElectionLeaseName(),
                        cfg.operatorNamespace(),
                        identity.orElse(null)));
              }
            });
    operator.register(
        reconciler,
        c -> {
          c.withFinalizer(CollectorReconciler.FINALIZER)
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
        });
    operator.start();
    LOG.info("reconciler started for {}", OpenTelemetryCollector.class.getSimpleName());
    return new OperatorRuntime(operator, applier, reconciler);
  }

  /** Whether the controller runs and its informers are healthy (for /readyz). */
  public Optional<String> readinessProblem() {
    var info = operator.getRuntimeInfo();
    if (!info.isStarted()) {
      return Optional.of("the reconciler has not started yet");
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

  @Override
  public void close() {
    operator.stop();
  }
}
