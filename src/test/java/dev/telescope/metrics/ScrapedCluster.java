package dev.telescope.metrics;

import static org.awaitility.Awaitility.await;

import dev.telescope.Cli;
import dev.telescope.TestYaml;
import dev.telescope.reconciler.FaultyDispatcher;
import dev.telescope.reconciler.MockCluster;
import dev.telescope.settings.OperatorConfig;
import dev.telescope.tls.TestPki;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One operator and webhook process against a mock API server, driven once through a reconcile
 * failure, a successful reconcile and a few webhook requests, then scraped: the metric families a
 * real scrape shows, for the tests that check docs and monitoring manifests against the code.
 */
final class ScrapedCluster {

  static final String POD_REVIEW =
      """
      {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview",
       "request":{"uid":"705ab4f5-6393-11e8-b7cc-42010a800002",
        "kind":{"group":"","version":"v1","kind":"Pod"},
        "resource":{"group":"","version":"v1","resource":"pods"},
        "namespace":"observability","operation":"CREATE",
        "object":{"apiVersion":"v1","kind":"Pod",
          "metadata":{"generateName":"app-","namespace":"observability",
            "annotations":{"sidecar.opentelemetry.io/inject":"true"}},
          "spec":{"containers":[{"name":"app","image":"nginx:1.27"}]}}}}
      """;

  private static final Pattern TYPE = Pattern.compile("^# TYPE (\\S+) (\\S+)$", Pattern.MULTILINE);

  private static String scrape;

  private ScrapedCluster() {}

  /** The scrape text, made once per test run. */
  static synchronized String scrape() throws Exception {
    if (scrape == null) {
      scrape = run();
    }
    return scrape;
  }

  /** Metric family name to Prometheus type, from the {@code # TYPE} lines. */
  static Map<String, String> families() throws Exception {
    Map<String, String> m = new TreeMap<>();
    Matcher t = TYPE.matcher(scrape());
    while (t.find()) {
      m.put(t.group(1), t.group(2));
    }
    return m;
  }

  private static String run() throws Exception {
    FaultyDispatcher dispatcher = new FaultyDispatcher();
    KubernetesMockServer server = FaultyDispatcher.server(dispatcher);
    Path certDir = Files.createTempDirectory("telescope-metrics-certs");
    TestPki pki = new TestPki();
    TestPki.write(certDir, pki.serving());
    try (KubernetesClient client = server.createClient()) {
      MockCluster.installCrd(client);
      client
          .namespaces()
          .resource(
              new NamespaceBuilder()
                  .withNewMetadata()
                  .withName("observability")
                  .endMetadata()
                  .build())
          .create();
      OperatorConfig cfg =
          OperatorConfig.parse(
              List.of(
                  "--leader-election=false",
                  "--health-port=0",
                  "--metrics-port=0",
                  "--webhook-port=0",
                  "--cert-mode=files",
                  "--cert-dir=" + certDir),
              Map.of());
      // The first ConfigMap write is refused (422, which the client does not retry), so the
      // reconciler records one failed reconcile.
      dispatcher.fail("POST", "/configmaps", 422, 1);
      try (Cli.Running running = Cli.Running.start(client, cfg, true, true, "127.0.0.1")) {
        client
            .resource(
                TestYaml.collector(
                    """
                    apiVersion: opentelemetry.io/v1beta1
                    kind: OpenTelemetryCollector
                    metadata:
                      name: scraped
                      namespace: observability
                    spec:
                      config:
                        receivers: {otlp: {protocols: {grpc: {}}}}
                        exporters: {debug: {}}
                        service: {pipelines: {traces: {receivers: [otlp], exporters: [debug]}}}
                    """))
            .create();
        // What the failed and then the successful reconcile leave behind, not the Deployment, which
        // is written before the ConfigMap that fails.
        await("a failed and then a successful reconcile")
            .atMost(Duration.ofSeconds(60))
            .until(
                () -> {
                  String text = running.registry.scrape();
                  return text.contains(
                          "operator_sdk_controllers_execution_reconcile_failure_total{")
                      && text.contains(
                          "operator_sdk_controllers_execution_reconcile_success_total{");
                });
        HttpClient https = HttpClient.newBuilder().sslContext(pki.clientContext()).build();
        String base = "https://127.0.0.1:" + running.server.port();
        https.send(
            HttpRequest.newBuilder(URI.create(base + "/mutate-v1-pod"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(POD_REVIEW))
                .build(),
            HttpResponse.BodyHandlers.ofString());
        https.send(
            HttpRequest.newBuilder(URI.create(base + "/nowhere"))
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
        return running.registry.scrape();
      }
    } finally {
      server.destroy();
    }
  }
}
