package dev.telescope.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import dev.telescope.webhook.CollectorAdmission;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.zjsonpatch.JsonPatch;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Creates collectors many at a time through the CR webhooks, as {@code kubectl apply} by a platform
 * team does: for each, the API server would call the defaulting webhook, apply its patch, call the
 * validating webhook and only then store the object, refusing the create when a webhook fails or
 * does not answer within its timeout (10 s, failurePolicy Fail). Against the mock API server (which
 * has no admission) this driver makes those two calls itself, to the webhook started as the
 * Deployment runs it, over TLS; against a real cluster the API server makes them.
 */
final class AdmissionBurst {
  /** The API server's default webhook timeout. */
  static final Duration WEBHOOK_TIMEOUT = Duration.ofSeconds(10);

  private static final ObjectMapper JSON = new ObjectMapper();

  /** What the burst measured: creates refused and the admission latency of those admitted. */
  record Figures(
      int attempted,
      int created,
      int refused,
      double seconds,
      double p50Ms,
      double p99Ms,
      double maxMs,
      List<String> refusals) {
    String describe() {
      return String.format(
          Locale.ROOT,
          "%d creates, %d refused, in %.1f s; admission p50 %.1f ms, p99 %.1f ms, max %.1f ms",
          attempted,
          refused,
          seconds,
          p50Ms,
          p99Ms,
          maxMs);
    }
  }

  private AdmissionBurst() {}

  /** The webhook process and a TLS client trusting its certificate; all null when not started. */
  record Webhook(BenchSupport.Child child, HttpClient https, String url, Path certDir)
      implements AutoCloseable {
    static Webhook none() {
      return new Webhook(null, null, null, null);
    }

    /** Starts it as deploy/ runs it and waits for /readyz. */
    static Webhook start(
        Path jar,
        BenchSupport.Shipped shipped,
        RealCluster.Connection connection,
        HttpClient http,
        java.util.function.Consumer<String> log)
        throws Exception {
      Path certDir = Files.createTempDirectory("telescope-bench-webhook");
      var ca = WebhookBench.writeCertificates(certDir);
      int port = BenchSupport.freePort();
      int healthPort = BenchSupport.freePort();
      long t0 = System.nanoTime();
      BenchSupport.Child child = startWebhook(jar, shipped, connection, certDir, port, healthPort);
      boolean ready =
          BenchSupport.poll(
              Duration.ofSeconds(120),
              Duration.ofMillis(20),
              () ->
                  BenchSupport.get(http, "http://127.0.0.1:" + healthPort + "/readyz")
                      .filter(r -> r.statusCode() == 200)
                      .isPresent());
      if (!ready) {
        child.close();
        throw new IllegalStateException("the webhook was not ready:\n" + child.tail());
      }
      log.accept(
          String.format(
              Locale.ROOT,
              "webhook ready after %.2f s on https://localhost:%d (%s, %s)",
              (System.nanoTime() - t0) / 1e9,
              port,
              shipped.env(),
              shipped.maxRamFlag()));
      HttpClient https =
          HttpClient.newBuilder()
              .sslContext(WebhookBench.clientContext(ca))
              .connectTimeout(WEBHOOK_TIMEOUT)
              .build();
      return new Webhook(child, https, "https://localhost:" + port, certDir);
    }

    long rssKib() {
      return child == null ? -1 : BenchSupport.rssKib(child.pid());
    }

    @Override
    public void close() {
      if (child != null) {
        child.close();
      }
    }
  }

  /** The webhook process as deploy/ runs it, serving the given certificate. */
  static BenchSupport.Child startWebhook(
      Path jar,
      BenchSupport.Shipped shipped,
      RealCluster.Connection connection,
      Path certDir,
      int port,
      int healthPort) {
    List<String> command = new ArrayList<>();
    command.add(BenchSupport.javaBinary());
    command.add(shipped.maxRamFlag());
    if (Files.isRegularFile(jar)) {
      command.add("-jar");
      command.add(jar.toString());
    } else {
      command.add("-cp");
      command.add(BenchSupport.classPath());
      command.add("dev.telescope.Main");
    }
    command.add("webhook");
    command.add("--cert-mode=files");
    command.add("--cert-dir=" + certDir);
    command.add("--webhook-port=" + port);
    command.add("--health-port=" + healthPort);
    command.add("--metrics-port=0");
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().putAll(shipped.env());
    pb.environment().put("POD_NAMESPACE", "telescope-system");
    pb.environment().put("POD_NAME", "telescope-webhook-bench");
    RealCluster.connect(connection, command, pb);
    return new BenchSupport.Child("webhook", pb, false);
  }

  /**
   * Creates every collector, {@code parallel} at a time.
   *
   * @param webhook {@code https://localhost:<port>} to call the webhooks first (mock API server),
   *     or null when the API server calls them itself (a real cluster)
   */
  static Figures create(
      KubernetesClient client,
      List<OpenTelemetryCollector> collectors,
      int parallel,
      HttpClient https,
      String webhook)
      throws Exception {
    List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
    List<String> refusals = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger created = new AtomicInteger();
    if (webhook != null && !collectors.isEmpty()) {
      // A webhook in a cluster has served requests long before a burst: its first requests (class
      // loading, JIT) are not what this measures. Reviews only; nothing is created.
      JsonNode sample =
          JSON.readTree(client.getKubernetesSerialization().asJson(collectors.get(0)));
      for (int i = 0; i < 20; i++) {
        admit(https, webhook, sample, Duration.ofSeconds(60));
      }
    }
    long t0 = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(parallel);
    try {
      List<Future<?>> all = new ArrayList<>();
      for (OpenTelemetryCollector cr : collectors) {
        all.add(
            pool.submit(
                () -> {
                  String who = cr.getMetadata().getNamespace() + "/" + cr.getMetadata().getName();
                  try {
                    long start = System.nanoTime();
                    JsonNode object = JSON.readTree(client.getKubernetesSerialization().asJson(cr));
                    if (webhook != null) {
                      object = admit(https, webhook, object, WEBHOOK_TIMEOUT);
                      latencies.add((System.nanoTime() - start) / 1e6);
                      client
                          .resource(
                              client
                                  .getKubernetesSerialization()
                                  .unmarshal(object.toString(), OpenTelemetryCollector.class))
                          .create();
                    } else {
                      // The API server calls the webhooks inside the create.
                      client.resource(cr).create();
                      latencies.add((System.nanoTime() - start) / 1e6);
                    }
                    created.incrementAndGet();
                  } catch (Refused e) {
                    refusals.add(who + ": " + e.getMessage());
                  } catch (KubernetesClientException e) {
                    refusals.add(who + ": HTTP " + e.getCode() + " " + e.getMessage());
                  } catch (Exception e) {
                    refusals.add(who + ": " + e);
                  }
                  return null;
                }));
      }
      for (Future<?> f : all) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    List<Double> sorted = new ArrayList<>(latencies);
    Collections.sort(sorted);
    return new Figures(
        collectors.size(),
        created.get(),
        collectors.size() - created.get(),
        seconds,
        percentile(sorted, 0.50),
        percentile(sorted, 0.99),
        sorted.isEmpty() ? -1 : sorted.get(sorted.size() - 1),
        List.copyOf(refusals));
  }

  static double percentile(List<Double> sorted, double p) {
    if (sorted.isEmpty()) {
      return -1;
    }
    int i = (int) Math.ceil(p * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
  }

  /** Why the API server would refuse the create. */
  static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;

    Refused(String message) {
      super(message);
    }
  }

  /** Defaulting, then validation, as the API server calls them; the object as it would store it. */
  static JsonNode admit(HttpClient https, String webhook, JsonNode object, Duration timeout)
      throws Exception {
    JsonNode mutated = review(https, webhook + CollectorAdmission.MUTATE_PATH, object, timeout);
    JsonNode response = mutated.path("response");
    if (!response.path("allowed").asBoolean(false)) {
      throw new Refused("defaulting webhook denied: " + response.path("status"));
    }
    if (response.hasNonNull("patch")) {
      JsonNode patch = JSON.readTree(Base64.getDecoder().decode(response.path("patch").asText()));
      object = JsonPatch.apply(patch, object);
    }
    JsonNode validated =
        review(https, webhook + CollectorAdmission.VALIDATE_PATH, object, timeout);
    if (!validated.path("response").path("allowed").asBoolean(false)) {
      throw new Refused(
          "validating webhook denied: " + validated.path("response").path("status"));
    }
    return object;
  }

  private static JsonNode review(HttpClient https, String url, JsonNode object, Duration timeout)
      throws Exception {
    ObjectNode review = JSON.createObjectNode();
    review.put("apiVersion", "admission.k8s.io/v1");
    review.put("kind", "AdmissionReview");
    ObjectNode request = review.putObject("request");
    request.put("uid", UUID.randomUUID().toString());
    ObjectNode kind = request.putObject("kind");
    kind.put("group", "opentelemetry.io");
    kind.put("version", "v1beta1");
    kind.put("kind", "OpenTelemetryCollector");
    ObjectNode resource = request.putObject("resource");
    resource.put("group", "opentelemetry.io");
    resource.put("version", "v1beta1");
    resource.put("resource", "opentelemetrycollectors");
    request.set("requestKind", kind.deepCopy());
    request.set("requestResource", resource.deepCopy());
    request.put("name", object.path("metadata").path("name").asText());
    request.put("namespace", object.path("metadata").path("namespace").asText());
    request.put("operation", "CREATE");
    request.putObject("userInfo").put("username", "bench");
    request.set("object", object);
    request.put("dryRun", false);
    HttpResponse<byte[]> r;
    try {
      r =
          https.send(
              HttpRequest.newBuilder(URI.create(url + "?timeout=10s"))
                  .timeout(timeout)
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(review)))
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
    } catch (java.net.http.HttpTimeoutException e) {
      throw new Refused("failed calling webhook " + url + ": context deadline exceeded");
    }
    if (r.statusCode() != 200) {
      throw new Refused("webhook " + url + " answered HTTP " + r.statusCode());
    }
    return JSON.readTree(r.body());
  }
}
