package dev.telescope.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Liveness, readiness and metrics endpoints over plain HTTP. */
class HealthServerTest {

  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private HealthServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void healthzAnswers200WithoutAnyChecks() throws Exception {
    server =
        start(new HealthServer("127.0.0.1", 0).addReadinessCheck("never", () -> Optional.of("x")));

    HttpResponse<String> response = get("/healthz");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("ok\n");
  }

  @Test
  void readyzAnswers200WhenEveryCheckPasses() throws Exception {
    server =
        start(
            new HealthServer("127.0.0.1", 0)
                .addReadinessCheck("certificate", Optional::empty)
                .addReadinessCheck("informers", Optional::empty));

    HttpResponse<String> response = get("/readyz");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("ok\n");
  }

  @Test
  void readyzAnswers503ListingOnlyTheFailingChecks() throws Exception {
    AtomicReference<String> certificateProblem = new AtomicReference<>("tls.crt does not exist");
    server =
        start(
            new HealthServer("127.0.0.1", 0)
                .addReadinessCheck(
                    "certificate", () -> Optional.ofNullable(certificateProblem.get()))
                .addReadinessCheck("informers", Optional::empty)
                .addReadinessCheck(
                    "cache",
                    () -> {
                      throw new IllegalStateException("cache not built");
                    }));

    HttpResponse<String> failing = get("/readyz");
    certificateProblem.set(null);
    HttpResponse<String> stillFailing = get("/readyz");

    assertThat(failing.statusCode()).isEqualTo(503);
    assertThat(failing.body())
        .isEqualTo(
            "not ready:\ncertificate: tls.crt does not exist\n"
                + "cache: check failed: java.lang.IllegalStateException: cache not built\n");
    assertThat(stillFailing.statusCode()).isEqualTo(503);
    assertThat(stillFailing.body()).doesNotContain("certificate").contains("cache");
  }

  @Test
  void metricsServesTheScrapeText() throws Exception {
    server = start(new HealthServer("127.0.0.1", 0).withMetrics(() -> "telescope_up 1\n"));

    HttpResponse<String> response = get("/metrics");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type"))
        .hasValue("text/plain; version=0.0.4; charset=utf-8");
    assertThat(response.body()).isEqualTo("telescope_up 1\n");
  }

  @Test
  void metricsIs404WithoutAScrapeSupplier() throws Exception {
    server = start(new HealthServer("127.0.0.1", 0));

    assertThat(get("/metrics").statusCode()).isEqualTo(404);
    assertThat(get("/elsewhere").statusCode()).isEqualTo(404);
  }

  @Test
  void onlyGetAndHeadAreAllowed() throws Exception {
    server = start(new HealthServer("127.0.0.1", 0));

    HttpResponse<String> post =
        client.send(
            HttpRequest.newBuilder(uri("/healthz")).POST(BodyPublishers.ofString("x")).build(),
            BodyHandlers.ofString());
    HttpResponse<String> head =
        client.send(
            HttpRequest.newBuilder(uri("/healthz")).method("HEAD", BodyPublishers.noBody()).build(),
            BodyHandlers.ofString());

    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
  }

  @Test
  void checkNamesAreUnique() {
    HealthServer health = new HealthServer("127.0.0.1", 0).addReadinessCheck("a", Optional::empty);

    assertThatThrownBy(() -> health.addReadinessCheck("a", Optional::empty))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static HealthServer start(HealthServer health) throws Exception {
    health.start();
    return health;
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  private HttpResponse<String> get(String path) throws Exception {
    return client.send(HttpRequest.newBuilder(uri(path)).GET().build(), BodyHandlers.ofString());
  }
}
