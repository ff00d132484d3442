package dev.telescope.webhook;

import static dev.telescope.webhook.SidecarFixtures.CFG;
import static dev.telescope.webhook.SidecarFixtures.NS;
import static dev.telescope.webhook.SidecarFixtures.collector;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import dev.telescope.tls.ReloadingKeyManager;
import dev.telescope.tls.TestPki;
import dev.telescope.webhook.AdmissionDeadline.Reason;
import io.fabric8.kubernetes.api.model.Namespace;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The pod webhook answers before the API server's deadline, over real TLS. */
class AdmissionDeadlineTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TestPki PKI = new TestPki();

  private final List<String> events = new CopyOnWriteArrayList<>();
  private final CountDownLatch release = new CountDownLatch(1);
  private WebhookServer server;

  /** A lookup whose collector calls hang until the test releases them (or 10 s pass). */
  private final class SlowLookup implements CollectorLookup {
    private final CollectorLookup fast;
    private final boolean synced;

    SlowLookup(CollectorLookup fast, boolean synced) {
      this.fast = fast;
      this.synced = synced;
    }

    private void hang() {
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public List<OpenTelemetryCollector> sidecarCollectors(String namespace) {
      hang();
      return fast.sidecarCollectors(namespace);
    }

    @Override
    public Optional<OpenTelemetryCollector> collector(String namespace, String name) {
      hang();
      return fast.collector(namespace, name);
    }

    @Override
    public Optional<Namespace> namespace(String name) {
      return fast.namespace(name);
    }

    @Override
    public boolean hasSynced() {
      return synced;
    }
  }

  private PodAdmission start(CollectorLookup lookup) throws Exception {
    PodAdmission pods =
        new PodAdmission(
            new SidecarInjector(CFG),
            lookup,
            (pod, ns, message) -> events.add(ns + ": " + message));
    ReloadingKeyManager keys = new ReloadingKeyManager(PKI.servingMaterial());
    server =
        new WebhookServer(
            WebhookServer.Options.defaults().withAddress("127.0.0.1", 0).withThreads(2, 16),
            keys.sslContext());
    server.addAdmissionRoute("/mutate-v1-pod", pods, true);
    server.start();
    return pods;
  }

  @AfterEach
  void stop() {
    release.countDown();
    if (server != null) {
      server.stop(Duration.ZERO);
    }
  }

  private static String review(String podAnnotations) {
    return """
        {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {
          "uid": "u-1",
          "kind": {"group": "", "version": "v1", "kind": "Pod"},
          "resource": {"group": "", "version": "v1", "resource": "pods"},
          "namespace": "%s", "operation": "CREATE",
          "object": {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": "web-1", "annotations": {%s}},
            "spec": {"containers": [{"name": "web", "image": "nginx"}]}}}}
        """
        .formatted(NS, podAnnotations);
  }

  private record Timed(JsonNode response, long millis) {}

  private Timed post(String query, String body) throws Exception {
    HttpClient client =
        HttpClient.newBuilder()
            .sslContext(PKI.clientContext())
            .version(HttpClient.Version.HTTP_1_1)
            .build();
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create("https://127.0.0.1:" + server.port() + "/mutate-v1-pod" + query))
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(30))
            .POST(BodyPublishers.ofString(body))
            .build();
    // Warm the connection (TLS handshake) so the measured time is the admission's.
    client.send(HttpRequest.newBuilder(request.uri()).GET().build(), BodyHandlers.discarding());
    long start = System.nanoTime();
    HttpResponse<String> answer = client.send(request, BodyHandlers.ofString());
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertThat(answer.statusCode()).isEqualTo(200);
    return new Timed(JSON.readTree(answer.body()).get("response"), millis);
  }

  @Test
  void slowLookupIsAnsweredAllowedUnchangedBeforeTheDeadlineWithEventAndCounter() throws Exception {
    CollectorLookup fast = SidecarFixtures.lookup(List.of(collector(NS, "side", "sidecar")));
    PodAdmission pods = start(new SlowLookup(fast, true));

    Timed t = post("?timeout=2s", review("\"sidecar.opentelemetry.io/inject\": \"side\""));

    // Budget for 2 s: 1.6 s; the lookup would hang for 10 s.
    assertThat(t.millis()).isLessThan(2000);
    assertThat(t.response().get("allowed").asBoolean()).isTrue();
    assertThat(t.response().get("uid").asText()).isEqualTo("u-1");
    assertThat(t.response().has("patch")).isFalse();
    assertThat(t.response().get("warnings").get(0).asText())
        .contains("admitted unchanged")
        .contains("2000 ms")
        .contains("slow_lookup");
    assertThat(pods.early(Reason.SLOW_LOOKUP)).isEqualTo(1);
    assertThat(pods.early(Reason.SLOW_DECISION)).isZero();
    assertThat(events).singleElement().asString().startsWith(NS + ": ").contains("slow_lookup");
  }

  @Test
  void unsyncedCacheIsTheReasonAndALateInjectionIsStillReported() throws Exception {
    // The pod asks only through its namespace: no event at the deadline, one when the late
    // decision shows the pod would have had a sidecar.
    CollectorLookup fast =
        SidecarFixtures.lookup(
            List.of(collector(NS, "side", "sidecar")), SidecarFixtures.namespace(NS, "true"));
    PodAdmission pods = start(new SlowLookup(fast, false));

    Timed t = post("?timeout=1s", review(""));

    assertThat(t.millis()).isLessThan(1000);
    assertThat(t.response().get("allowed").asBoolean()).isTrue();
    assertThat(t.response().has("patch")).isFalse();
    assertThat(pods.early(Reason.CACHE_NOT_SYNCED)).isEqualTo(1);
    assertThat(events).isEmpty();

    release.countDown();
    await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == 1);
    assertThat(events.get(0)).contains("cache_not_synced");
  }

  @Test
  void aPromptDecisionIsUnaffected() throws Exception {
    PodAdmission pods = start(SidecarFixtures.lookup(List.of(collector(NS, "side", "sidecar"))));

    Timed t = post("?timeout=5s", review("\"sidecar.opentelemetry.io/inject\": \"true\""));

    assertThat(t.response().get("patchType").asText()).isEqualTo("JSONPatch");
    assertThat(pods.injected()).isEqualTo(1);
    for (Reason r : Reason.values()) {
      assertThat(pods.early(r)).isZero();
    }
    assertThat(events).isEmpty();
  }

  @Test
  void readsTheApiServersTimeoutParameter() {
    assertThat(AdmissionDeadline.timeout(null)).isEqualTo(Duration.ofSeconds(10));
    assertThat(AdmissionDeadline.timeout("")).isEqualTo(Duration.ofSeconds(10));
    assertThat(AdmissionDeadline.timeout("timeout=5s")).isEqualTo(Duration.ofSeconds(5));
    assertThat(AdmissionDeadline.timeout("a=b&timeout=1m0s")).isEqualTo(Duration.ofMinutes(1));
    assertThat(AdmissionDeadline.timeout("timeout=2.5s")).isEqualTo(Duration.ofMillis(2500));
    assertThat(AdmissionDeadline.timeout("timeout=500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(AdmissionDeadline.timeout("timeout=soon")).isEqualTo(Duration.ofSeconds(10));
    assertThat(AdmissionDeadline.timeout("timeout=5")).isEqualTo(Duration.ofSeconds(10));
    assertThat(AdmissionDeadline.timeout("timeout=0s")).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void keepsAMarginForTheAnswersTripBack() {
    assertThat(AdmissionDeadline.budget(Duration.ofSeconds(10))).isEqualTo(Duration.ofSeconds(9));
    assertThat(AdmissionDeadline.budget(Duration.ofSeconds(5))).isEqualTo(Duration.ofSeconds(4));
    assertThat(AdmissionDeadline.budget(Duration.ofSeconds(1))).isEqualTo(Duration.ofMillis(800));
    assertThat(AdmissionDeadline.budget(Duration.ofMillis(100))).isEqualTo(Duration.ofMillis(50));
  }
}
