package dev.telescope;

import dev.telescope.health.HealthServer;
import dev.telescope.health.SecureMetrics;
import dev.telescope.metrics.TelescopeMetrics;
import dev.telescope.reconciler.CapabilityDetector;
import dev.telescope.reconciler.InterningSerialization;
import dev.telescope.reconciler.OperatorRuntime;
import dev.telescope.settings.Capabilities;
import dev.telescope.settings.MetricsServing;
import dev.telescope.settings.OperatorConfig;
import dev.telescope.tls.CertificateSource;
import dev.telescope.tls.SelfManagedCertificates;
import dev.telescope.webhook.AllocatorPermissions;
import dev.telescope.webhook.CollectorAdmission;
import dev.telescope.webhook.InformerCollectorLookup;
import dev.telescope.webhook.InstrumentationAdmission;
import dev.telescope.webhook.KubernetesSidecarEvents;
import dev.telescope.webhook.PodAdmission;
import dev.telescope.webhook.SidecarInjector;
import dev.telescope.webhook.TargetAllocatorAdmission;
import dev.telescope.webhook.WebhookServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The long-running commands: the reconciler, the webhook server, or both in one process. */
public final class Cli {
  /** Returned by commands whose servers keep running after {@code main} returns. */
  static final int KEEP_RUNNING = -1;

  private static final Logger LOG = LoggerFactory.getLogger(Cli.class);

  private Cli() {}

  /** Starts the reconciler, the webhook server or both; their threads keep the JVM alive. */
  static int start(
      OperatorConfig base, MetricsServing metricsServing, boolean reconciler, boolean webhook) {
    KubernetesClient client =
        new KubernetesClientBuilder()
            .withKubernetesSerialization(InterningSerialization.create())
            .build();
    Running running = Running.start(client, base, metricsServing, reconciler, webhook, "0.0.0.0");
    Runtime.getRuntime().addShutdownHook(new Thread(running::close, "telescope-shutdown"));
    return KEEP_RUNNING;
  }

  /** Everything one process runs, so the demo and tests can start and stop it too. */
  public static final class Running implements AutoCloseable {
    public final OperatorConfig cfg;
    public final PrometheusMeterRegistry registry =
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    final List<AutoCloseable> closeables = new ArrayList<>();
    public HealthServer health;
    public HealthServer metrics;
    public OperatorRuntime operator;
    public WebhookServer server;
    public CertificateSource certificates;
    public InformerCollectorLookup lookup;
    public PodAdmission pods;

    private Running(OperatorConfig cfg) {
      this.cfg = cfg;
    }

    public static Running start(
        KubernetesClient client,
        OperatorConfig base,
        boolean reconciler,
        boolean webhook,
        String bindAddress) {
      return start(client, base, MetricsServing.PLAIN, reconciler, webhook, bindAddress);
    }

    /**
     * Starts the process's servers; {@code metricsServing} says whether the metrics port speaks
     * HTTPS (and asks for a token).
     */
    public static Running start(
        KubernetesClient client,
        OperatorConfig base,
        MetricsServing metricsServing,
        boolean reconciler,
        boolean webhook,
        String bindAddress) {
      if (metricsServing.secure()
          && (base.metricsPort() == 0 || base.metricsPort() == base.healthPort())) {
        throw new IllegalArgumentException(
            "--metrics-secure needs a metrics port of its own (--metrics-port), apart from the"
                + " plain-HTTP health port the kubelet probes");
      }
      // Health answers from the first second: alive at once, ready only when all is up.
      HealthServer health =
          new HealthServer(host(base.healthHost(), bindAddress), base.healthPort());
      try {
        health.start();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot listen on health port " + base.healthPort(), e);
      }
      // Until everything below is up, /readyz must fail: a ready pod gets webhook traffic, and the
      // webhook does not listen before the API server has answered.
      AtomicReference<String> starting =
          new AtomicReference<>(
              "connecting to the Kubernetes API server at " + client.getMasterUrl());
      health.addReadinessCheck("startup", () -> Optional.ofNullable(starting.get()));
      Capabilities detected;
      try {
        detected = detectWithRetry(client, starting::set);
      } catch (RuntimeException e) {
        health.close();
        throw e;
      }
      starting.set("starting the " + (webhook ? "webhook" : "reconciler"));
      Running r = new Running(base.withCapabilities(detected));
      r.health = health;
      r.closeables.add(health);
      new JvmMemoryMetrics().bindTo(r.registry);
      new JvmGcMetrics().bindTo(r.registry);
      new JvmThreadMetrics().bindTo(r.registry);
      new ProcessorMetrics().bindTo(r.registry);
      if (!metricsServing.secure()) {
        // Secure metrics are not also handed out in plain text on the health port.
        health.withMetrics(r.registry::scrape);
        r.startMetrics(bindAddress, metricsServing);
      }
      if (webhook) {
        r.startWebhook(client, bindAddress);
      }
      if (metricsServing.secure()) {
        // After the webhook: HTTPS metrics reuse its certificate unless given their own.
        r.startMetrics(bindAddress, metricsServing);
      }
      if (reconciler) {
        r.operator =
            OperatorRuntime.start(
                client,
                r.cfg,
                r.cfg.resyncPeriod(),
                Optional.ofNullable(System.getenv("POD_NAME")),
                MicrometerMetrics.withoutPerResourceMetrics(r.registry));
        r.closeables.add(0, r.operator);
        health.addReadinessCheck("reconciler", r.operator::readinessProblem);
        new TelescopeMetrics(r.registry).bindOperator(r.operator);
      }
      LOG.info(
          "telescope {} started:{}{}",
          r.cfg.operatorVersion(),
          reconciler ? " reconciler" : "",
          webhook ? " webhook on :" + r.server.port() : "");
      starting.set(null);
      return r;
    }

    private void startMetrics(String bindAddress, MetricsServing serving) {
      if (cfg.metricsPort() <= 0 || cfg.metricsPort() == cfg.healthPort()) {
        return;
      }
      metrics =
          new HealthServer(host(cfg.metricsHost(), bindAddress), cfg.metricsPort())
              .withMetrics(registry::scrape);
      if (serving.secure()) {
        SecureMetrics.apply(metrics, serving, Optional.ofNullable(certificates))
            .ifPresent(
                source -> {
                  closeables.add(source);
                  health.addReadinessCheck("metrics certificate", source::problem);
                });
      }
      try {
        metrics.start();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot listen on metrics port " + cfg.metricsPort(), e);
      }
      closeables.add(metrics);
    }

    /** The address a flag asked for ({@code --metrics-addr=127.0.0.1:8080}), else the default. */
    private static String host(String asked, String bindAddress) {
      return asked == null || asked.isEmpty() ? bindAddress : asked;
    }

    private static final String POD_PATH = "/mutate-v1-pod";

    private void startWebhook(KubernetesClient client, String bindAddress) {
      certificates =
          CertificateSource.create(
              cfg.certMode(),
              cfg.certDir(),
              Duration.ofSeconds(10),
              () -> client,
              SelfManagedCertificates.Settings.defaults(cfg.operatorNamespace())
                  .withSecretName(cfg.webhookSecretName())
                  .withServiceName(cfg.webhookServiceName())
                  .withInjectionTargets(
                      cfg.mutatingWebhookConfigName(),
                      cfg.validatingWebhookConfigName(),
                      cfg.crdName()));
      certificates.start();
      closeables.add(certificates);
      health.addReadinessCheck("certificate", certificates::problem);

      lookup = new InformerCollectorLookup(client, cfg.watchNamespaces()).start();
      closeables.add(lookup);
      health.addReadinessCheck(
          "caches",
          () ->
              lookup.hasSynced()
                  ? Optional.empty()
                  : Optional.of("the collector and namespace caches have not synced yet"));
      KubernetesSidecarEvents events = new KubernetesSidecarEvents(client);
      closeables.add(events);
      pods =
          new PodAdmission(
              new SidecarInjector(cfg),
              lookup,
              events,
              new dev.telescope.webhook.PodInstrumentation(cfg.instrumentation()));
      TelescopeMetrics metrics = new TelescopeMetrics(registry);
      metrics.bindPodAdmission(pods);
      metrics.bindCertificate(certificates);
      AllocatorPermissions reviews = AllocatorPermissions.of(client);
      CollectorAdmission collectors = new CollectorAdmission(cfg, reviews);
      server =
          new WebhookServer(
              WebhookServer.Options.defaults()
                  .withAddress(bindAddress, cfg.webhookPort())
                  .withThreads(cfg.webhookThreads(), 1024),
              certificates.sslContext());
      // Every route's handler is timed per path (metrics.timed); requests are counted by the
      // server.
      server
          .addAdmissionRoute(POD_PATH, metrics.timed(POD_PATH, pods), true)
          .addAdmissionRoute(
              CollectorAdmission.MUTATE_PATH,
              metrics.timed(CollectorAdmission.MUTATE_PATH, collectors::mutate),
              false)
          .addAdmissionRoute(
              CollectorAdmission.VALIDATE_PATH,
              metrics.timed(CollectorAdmission.VALIDATE_PATH, collectors::validate),
              false)
          .addConversionRoute(
              CollectorAdmission.CONVERT_PATH,
              metrics.timed(CollectorAdmission.CONVERT_PATH, collectors::convert));
      server.addAdmissionRoute(
          TargetAllocatorAdmission.VALIDATE_PATH,
          metrics.timed(
              TargetAllocatorAdmission.VALIDATE_PATH,
              new TargetAllocatorAdmission(cfg, reviews)::validate),
          false);
      var instrumentations =
          new dev.telescope.webhook.InstrumentationAdmission(cfg.instrumentation());
      server
          .addAdmissionRoute(
              InstrumentationAdmission.MUTATE_PATH,
              metrics.timed(InstrumentationAdmission.MUTATE_PATH, instrumentations::mutate),
              false)
          .addAdmissionRoute(
              InstrumentationAdmission.VALIDATE_PATH,
              metrics.timed(InstrumentationAdmission.VALIDATE_PATH, instrumentations::validate),
              false);
      metrics.bindWebhookServer(
          server,
          List.of(
              POD_PATH,
              CollectorAdmission.MUTATE_PATH,
              CollectorAdmission.VALIDATE_PATH,
              TargetAllocatorAdmission.VALIDATE_PATH,
              InstrumentationAdmission.MUTATE_PATH,
              InstrumentationAdmission.VALIDATE_PATH),
          List.of(CollectorAdmission.CONVERT_PATH));
      try {
        server.start();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot listen on webhook port " + cfg.webhookPort(), e);
      }
      closeables.add(0, () -> server.stop(Duration.ofSeconds(5)));
    }

    /**
     * Asks the cluster what it offers, retrying while the API server is unreachable: a pod that
     * starts before its API server must wait, not crash-loop.
     */
    static Capabilities detectWithRetry(KubernetesClient client) {
      return detectWithRetry(client, problem -> {});
    }

    /** As {@link #detectWithRetry(KubernetesClient)}, telling {@code progress} each failure. */
    static Capabilities detectWithRetry(KubernetesClient client, Consumer<String> progress) {
      long delay = 1000;
      for (int attempt = 1; ; attempt++) {
        try {
          client.getKubernetesVersion();
          return CapabilityDetector.detect(client);
        } catch (RuntimeException e) {
          String problem =
              "cannot reach the Kubernetes API server at "
                  + client.getMasterUrl()
                  + " (attempt "
                  + attempt
                  + "): "
                  + reason(e);
          progress.accept(problem);
          LOG.error("{}; retrying in {} s", problem, delay / 1000);
          try {
            Thread.sleep(delay);
          } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the API server", ie);
          }
          delay = Math.min(delay * 2, 30_000);
        }
      }
    }

    /**
     * Why a request failed, in words: fabric8 wraps connection errors as "An error has occurred."
     * around JDK exceptions that mostly carry no message, so the kind of failure is told from the
     * exception types, with the chain kept in brackets for whoever digs deeper.
     */
    static String reason(Throwable e) {
      List<String> chain = new ArrayList<>();
      String words = null;
      String firstMessage = null;
      for (Throwable t = e; t != null && chain.size() < 8; t = t.getCause()) {
        chain.add(t.getClass().getSimpleName());
        String m = t.getMessage();
        if (firstMessage == null
            && m != null
            && !m.isBlank()
            && !m.startsWith("An error has occurred")) {
          firstMessage = m;
        }
        if (words == null) {
          words = words(t);
        }
        if (t.getCause() == t) {
          break;
        }
      }
      String what = words != null ? words : firstMessage != null ? firstMessage : "request failed";
      if (words != null && firstMessage != null) {
        what += ": " + firstMessage;
      }
      return what + " (" + String.join(" <- ", chain) + ")";
    }

    private static String words(Throwable t) {
      if (t instanceof java.net.ConnectException) {
        return "connection refused or host unreachable";
      }
      if (t instanceof java.net.UnknownHostException
          || t instanceof java.nio.channels.UnresolvedAddressException) {
        return "the host name does not resolve";
      }
      if (t instanceof java.net.http.HttpTimeoutException
          || t instanceof java.net.SocketTimeoutException) {
        return "timed out";
      }
      if (t instanceof javax.net.ssl.SSLException) {
        return "TLS failed";
      }
      return null;
    }

    @Override
    public void close() {
      for (AutoCloseable c : closeables) {
        try {
          c.close();
        } catch (Exception e) {
          LOG.warn("error while stopping: {}", e.getMessage());
        }
      }
    }
  }
}
