package dev.telescope;

import static org.assertj.core.api.Assertions.assertThat;

import dev.telescope.reconciler.FaultyDispatcher;
import dev.telescope.reconciler.MockCluster;
import dev.telescope.settings.OperatorConfig;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The operator starts before its API server is reachable (a control plane restarting, a network not
 * ready yet): it must log why in plain words, keep retrying, stay alive but not ready, and start
 * normally once the API server answers.
 */
class ApiServerUnreachableTest {

  @Test
  void startUpWaitsForTheApiServerThenRuns() throws Exception {
    int port = freePort();
    KubernetesClient client =
        new KubernetesClientBuilder()
            .withConfig(
                new ConfigBuilder()
                    .withMasterUrl("http://127.0.0.1:" + port)
                    .withRequestRetryBackoffLimit(0)
                    .withConnectionTimeout(500)
                    .withNamespace("observability")
                    .build())
            .build();
    OperatorConfig cfg =
        OperatorConfig.parse(
            List.of("--leader-election=false", "--health-port=0", "--metrics-port=0"), Map.of());

    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream originalErr = System.err;
    PrintStream tee = new PrintStream(new TeeStream(captured, originalErr), true);
    System.setErr(tee);
    KubernetesMockServer server = null;
    Cli.Running running = null;
    try {
      CompletableFuture<Cli.Running> starting =
          CompletableFuture.supplyAsync(
              () -> Cli.Running.start(client, cfg, true, false, "127.0.0.1"));
      MockCluster.await(
          "a logged connection failure",
          Duration.ofSeconds(20),
          () -> log(captured).contains("cannot reach the Kubernetes API server"));
      assertThat(starting).isNotDone();
      String log = log(captured);
      assertThat(log)
          .contains("cannot reach the Kubernetes API server at http://127.0.0.1:" + port)
          .contains("(attempt 1): connection refused or host unreachable")
          .contains("retrying in 1 s")
          .doesNotContain("An error has occurred");
      assertThat(log).doesNotContain("\tat ");

      // The API server comes up on that port.
      FaultyDispatcher dispatcher = new FaultyDispatcher();
      server =
          new KubernetesMockServer(
              new io.fabric8.mockwebserver.Context(
                  io.fabric8.kubernetes.client.utils.Serialization.jsonMapper()),
              new io.fabric8.mockwebserver.MockWebServer(),
              new java.util.HashMap<>(),
              dispatcher,
              false);
      server.init(InetAddress.getByName("127.0.0.1"), port);
      KubernetesClient admin = server.createClient();
      MockCluster.installCrd(admin);
      admin
          .namespaces()
          .resource(
              new NamespaceBuilder()
                  .withNewMetadata()
                  .withName("observability")
                  .endMetadata()
                  .build())
          .create();

      running = starting.get(60, TimeUnit.SECONDS);
      assertThat(running.operator).isNotNull();
      assertThat(log(captured)).contains("telescope " + dev.telescope.settings.Version.OPERATOR);
      int healthPort = running.health.port();
      MockCluster.await(
          "ready once started",
          Duration.ofSeconds(30),
          () -> get(healthPort, "/readyz").statusCode() == 200);
      admin
          .resource(
              TestYaml.collector(
                  """
                  apiVersion: opentelemetry.io/v1beta1
                  kind: OpenTelemetryCollector
                  metadata:
                    name: late
                    namespace: observability
                  spec:
                    config:
                      receivers: {otlp: {protocols: {grpc: {}}}}
                      exporters: {debug: {}}
                      service: {pipelines: {traces: {receivers: [otlp], exporters: [debug]}}}
                  """))
          .create();
      MockCluster.await(
          "the collector is reconciled",
          Duration.ofSeconds(30),
          () ->
              admin
                      .apps()
                      .deployments()
                      .inNamespace("observability")
                      .withName("late-collector")
                      .get()
                  != null);
      admin.close();
    } finally {
      System.setErr(originalErr);
      if (running != null) {
        running.close();
      }
      client.close();
      if (server != null) {
        server.destroy();
      }
    }
  }

  @Test
  void whileWaitingItIsAliveButNotReady() throws Exception {
    int port = freePort();
    KubernetesClient client =
        new KubernetesClientBuilder()
            .withConfig(
                new ConfigBuilder()
                    .withMasterUrl("http://127.0.0.1:" + port)
                    .withRequestRetryBackoffLimit(0)
                    .withConnectionTimeout(500)
                    .build())
            .build();
    int healthPort = freePort();
    OperatorConfig cfg =
        OperatorConfig.parse(
            List.of("--leader-election=false", "--health-port=" + healthPort, "--metrics-port=0"),
            Map.of());
    Thread starter =
        new Thread(
            () -> {
              try {
                Cli.Running.start(client, cfg, true, false, "127.0.0.1");
              } catch (IllegalStateException interrupted) {
                // the test stops the wait by interrupting
              }
            },
            "telescope-start");
    starter.setDaemon(true);
    starter.start();
    try {
      MockCluster.await(
          "health answers",
          Duration.ofSeconds(20),
          () -> get(healthPort, "/healthz").statusCode() == 200);
      MockCluster.await(
          "readiness names the unreachable API server",
          Duration.ofSeconds(20),
          () ->
              get(healthPort, "/readyz").body().contains("cannot reach the Kubernetes API server"));
      HttpResponse<String> ready = get(healthPort, "/readyz");
      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(ready.body()).contains("startup: cannot reach the Kubernetes API server at");
      assertThat(starter.isAlive()).isTrue();
    } finally {
      starter.interrupt();
      starter.join(10_000);
      client.close();
    }
    MockCluster.await(
        "the health server closes when start-up is abandoned",
        Duration.ofSeconds(10),
        () -> {
          try {
            get(healthPort, "/healthz");
            return false;
          } catch (IllegalStateException refused) {
            return true;
          }
        });
  }

  private static String log(ByteArrayOutputStream captured) {
    synchronized (captured) {
      return captured.toString(StandardCharsets.UTF_8);
    }
  }

  private static HttpResponse<String> get(int port, String path) {
    try {
      return HttpClient.newHttpClient()
          .send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }

  /** Writes to a capture buffer and on to the real stream. */
  private static final class TeeStream extends java.io.OutputStream {
    private final ByteArrayOutputStream capture;
    private final PrintStream out;

    TeeStream(ByteArrayOutputStream capture, PrintStream out) {
      this.capture = capture;
      this.out = out;
    }

    @Override
    public void write(int b) {
      synchronized (capture) {
        capture.write(b);
      }
      out.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      synchronized (capture) {
        capture.write(b, off, len);
      }
      out.write(b, off, len);
    }
  }
}
