package dev.telescope.tls;

import dev.telescope.settings.CertMode;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Self-managed mode: the Secret is the source of truth, re-read periodically so that a renewal done
 * by another replica reaches this one too.
 */
final class SelfManagedCertificateSource implements CertificateSource {

  private static final Logger LOG = LoggerFactory.getLogger(SelfManagedCertificateSource.class);
  private static final Duration RETRY_AFTER_FAILURE = Duration.ofSeconds(10);

  private final SelfManagedCertificates certificates;
  private final Duration recheckInterval;
  private final Clock clock;
  private final ReloadingKeyManager keyManager = new ReloadingKeyManager();
  private ScheduledExecutorService scheduler;
  private volatile String lastError;

  SelfManagedCertificateSource(
      SelfManagedCertificates certificates, Duration recheckInterval, Clock clock) {
    if (recheckInterval.isNegative() || recheckInterval.isZero()) {
      throw new IllegalArgumentException("recheck interval must be positive");
    }
    this.certificates = certificates;
    this.recheckInterval = recheckInterval;
    this.clock = clock;
  }

  @Override
  public CertMode mode() {
    return CertMode.SELF_MANAGED;
  }

  @Override
  public synchronized void start() {
    if (scheduler != null) {
      return;
    }
    scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "self-managed-certificates");
              t.setDaemon(true);
              return t;
            });
    boolean ok = check();
    scheduleNext(ok);
  }

  /** Reconciles once; returns whether it succeeded. */
  boolean check() {
    try {
      SelfManagedCertificates.Result result = certificates.reconcile();
      PemKeyMaterial served = keyManager.current().orElse(null);
      if (served == null || !served.leaf().equals(result.serving().leaf())) {
        keyManager.update(result.serving());
        LOG.info("Serving self-managed certificate {}", result.serving());
      }
      lastError = null;
      return true;
    } catch (RuntimeException e) {
      lastError = "self-managed certificates could not be reconciled: " + e.getMessage();
      LOG.error(
          "Self-managed certificates in Secret {}/{} could not be reconciled",
          certificates.settings().namespace(),
          certificates.settings().secretName(),
          e);
      return false;
    }
  }

  private synchronized void scheduleNext(boolean lastOk) {
    if (scheduler == null) {
      return;
    }
    Duration delay =
        lastOk || recheckInterval.compareTo(RETRY_AFTER_FAILURE) < 0
            ? recheckInterval
            : RETRY_AFTER_FAILURE;
    scheduler.schedule(() -> scheduleNext(check()), delay.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public ReloadingKeyManager keyManager() {
    return keyManager;
  }

  @Override
  public Optional<String> problem() {
    String error = lastError;
    Optional<PemKeyMaterial> served = keyManager.current();
    if (error != null) {
      return Optional.of(error);
    }
    if (served.isEmpty()) {
      return Optional.of("no self-managed certificate yet");
    }
    return served.get().expiryProblem(clock.instant());
  }

  @Override
  public synchronized void close() {
    if (scheduler != null) {
      scheduler.shutdownNow();
      scheduler = null;
    }
  }
}
