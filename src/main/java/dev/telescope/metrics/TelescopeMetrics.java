package dev.telescope.metrics;

import dev.telescope.reconciler.OperatorRuntime;
import dev.telescope.tls.CertificateSource;
import dev.telescope.tls.PemKeyMaterial;
import dev.telescope.webhook.AdmissionHandler;
import dev.telescope.webhook.ConversionHandler;
import dev.telescope.webhook.PodAdmission;
import dev.telescope.webhook.ReviewCodec.Outcome;
import dev.telescope.webhook.WebhookServer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Registers Telescope's own meters: monotonic counts as counters with an {@code outcome} label,
 * webhook latency as a histogram per path, and the serving certificate's expiry as a gauge.
 *
 * <p>Names are Micrometer names; the Prometheus registry turns {@code telescope.sidecar.admissions}
 * into {@code telescope_sidecar_admissions_total}. {@link #PROMETHEUS_NAMES} lists what a scrape
 * shows, and docs/metrics.md lists the same.
 */
public final class TelescopeMetrics {

  /** Writes the reconciler made to owned objects. */
  public static final String OBJECT_WRITES = "telescope.object.writes";

  /** Pod admissions by what the sidecar injector did. */
  public static final String SIDECAR_ADMISSIONS = "telescope.sidecar.admissions";

  /** Webhook requests by path and outcome. */
  public static final String WEBHOOK_REQUESTS = "telescope.webhook.requests";

  /** Time the admission or conversion handler took, per path. */
  public static final String WEBHOOK_DURATION = "telescope.webhook.request.duration";

  /** Unix time at which the webhook's serving certificate expires. */
  public static final String CERTIFICATE_NOT_AFTER = "telescope.webhook.certificate.not.after";

  /** The Prometheus names of the meters above, as a scrape shows them (without suffixes). */
  public static final List<String> PROMETHEUS_NAMES =
      List.of(
          "telescope_object_writes_total",
          "telescope_sidecar_admissions_total",
          "telescope_webhook_requests_total",
          "telescope_webhook_request_duration_seconds",
          "telescope_webhook_certificate_not_after_seconds");

  /** Label of the unknown-path counters, as {@link WebhookServer} counts them. */
  static final String UNMATCHED = "unmatched";

  /**
   * Histogram buckets for webhook handlers: the API server's timeouts are 5 s (pods) and 10 s
   * (collectors), and a healthy admission takes about a millisecond.
   */
  private static final Duration[] BUCKETS = {
    Duration.ofMillis(1),
    Duration.ofMillis(2),
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofMillis(2500),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10)
  };

  private static final Set<Outcome> ADMISSION_OUTCOMES =
      EnumSet.of(
          Outcome.ALLOWED,
          Outcome.DENIED,
          Outcome.FAILED_OPEN,
          Outcome.FAILED_CLOSED,
          Outcome.BAD_REQUEST,
          Outcome.METHOD_NOT_ALLOWED,
          Outcome.TOO_LARGE);
  private static final Set<Outcome> CONVERSION_OUTCOMES =
      EnumSet.of(
          Outcome.CONVERTED,
          Outcome.CONVERSION_FAILED,
          Outcome.BAD_REQUEST,
          Outcome.METHOD_NOT_ALLOWED,
          Outcome.TOO_LARGE);

  private final MeterRegistry registry;

  /**
   * @param registry where the meters go
   */
  public TelescopeMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /**
   * Counts the reconciler's writes to owned objects ({@code 0} per resync once converged).
   *
   * @param operator the running reconciler
   */
  public void bindOperator(OperatorRuntime operator) {
    FunctionCounter.builder(OBJECT_WRITES, operator, OperatorRuntime::objectWrites)
        .description("Writes (create, update, delete) to objects the operator owns")
        .register(registry);
  }

  /**
   * Counts pod admissions by outcome: {@code injected}, {@code removed}, {@code skipped}, {@code
   * ignored}, {@code failed} (admitted unchanged after an error).
   *
   * @param pods the pod admission handler
   */
  public void bindPodAdmission(PodAdmission pods) {
    for (String outcome : pods.counters().keySet()) {
      FunctionCounter.builder(SIDECAR_ADMISSIONS, pods, p -> p.counters().getOrDefault(outcome, 0L))
          .description("Pod admissions by what the sidecar injector did")
          .tag("outcome", outcome)
          .register(registry);
    }
  }

  /**
   * Counts the server's requests per path and outcome, for the routes registered so far and for
   * unknown paths.
   *
   * @param server the webhook server, with its routes registered
   * @param admissionPaths the admission routes
   * @param conversionPaths the conversion routes
   */
  public void bindWebhookServer(
      WebhookServer server, List<String> admissionPaths, List<String> conversionPaths) {
    admissionPaths.forEach(path -> requestCounters(server, path, ADMISSION_OUTCOMES));
    conversionPaths.forEach(path -> requestCounters(server, path, CONVERSION_OUTCOMES));
    requestCounters(server, UNMATCHED, EnumSet.of(Outcome.NOT_FOUND));
  }

  private void requestCounters(WebhookServer server, String path, Set<Outcome> outcomes) {
    for (Outcome outcome : outcomes) {
      FunctionCounter.builder(WEBHOOK_REQUESTS, server, s -> s.requestCount(path, outcome))
          .description("Webhook requests by path and outcome")
          .tag("path", path)
          .tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
          .register(registry);
    }
  }

  /**
   * Exposes the serving certificate's expiry; NaN while there is none.
   *
   * @param certificates the webhook's certificate source
   */
  public void bindCertificate(CertificateSource certificates) {
    Gauge.builder(
            CERTIFICATE_NOT_AFTER,
            certificates,
            c ->
                c.keyManager()
                    .current()
                    .map(PemKeyMaterial::notAfter)
                    .map(t -> (double) t.getEpochSecond())
                    .orElse(Double.NaN))
        .description("Unix time at which the webhook's serving certificate expires")
        .baseUnit("seconds")
        .register(registry);
  }

  /**
   * Wraps an admission handler so that its time per request lands in the path's histogram. The
   * wrapper keeps {@link AdmissionHandler.RawObject} handlers raw.
   *
   * @param path the route
   * @param handler the handler
   * @return the timed handler
   */
  public AdmissionHandler timed(String path, AdmissionHandler handler) {
    Timer timer = timer(path);
    if (handler instanceof AdmissionHandler.RawObject raw) {
      return (AdmissionHandler.RawObject)
          (request, object) -> time(timer, () -> raw.handle(request, object));
    }
    return request -> time(timer, () -> handler.handle(request));
  }

  /**
   * As {@link #timed(String, AdmissionHandler)} for a conversion handler.
   *
   * @param path the route
   * @param handler the handler
   * @return the timed handler
   */
  public ConversionHandler timed(String path, ConversionHandler handler) {
    Timer timer = timer(path);
    return request -> time(timer, () -> handler.convert(request));
  }

  private interface Call<T> {
    T call() throws Exception;
  }

  private static <T> T time(Timer timer, Call<T> call) throws Exception {
    long start = System.nanoTime();
    try {
      return call.call();
    } finally {
      timer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }
  }

  private Timer timer(String path) {
    return Timer.builder(WEBHOOK_DURATION)
        .description("Time the admission or conversion handler took (decoded request to answer)")
        .tag("path", path)
        .serviceLevelObjectives(BUCKETS)
        .register(registry);
  }
}
