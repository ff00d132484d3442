package dev.telescope.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telescope.api.instrumentation.Instrumentation;
import dev.telescope.tls.ReloadingKeyManager;
import dev.telescope.tls.TestPki;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.zjsonpatch.JsonPatch;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The wiring of auto-instrumentation over real TLS: an AdmissionReview in, one JSON Patch with the
 * sidecar and the agent out; a pod that cannot be instrumented is admitted with a warning, a
 * Warning Event of its own reason and a counter.
 */
class PodInstrumentationTlsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TestPki PKI = new TestPki();

  private final List<String> events = new CopyOnWriteArrayList<>();
  private WebhookServer server;
  private PodAdmission admission;

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(Duration.ZERO);
    }
  }

  static Instrumentation tlsInstrumentation() {
    return Serialization.unmarshal(
        """
        apiVersion: opentelemetry.io/v1alpha1
        kind: Instrumentation
        metadata: {name: java, namespace: apps}
        spec:
          exporter:
            endpoint: https://collector:4318
            tls: {secretName: client-certs, cert_file: tls.crt, key_file: tls.key}
        """,
        Instrumentation.class);
  }

  HttpClient start(boolean secretExists) throws Exception {
    CollectorLookup base = new PodInstrumentationTest().lookup(tlsInstrumentation());
    CollectorLookup lookup =
        new CollectorLookup() {
          @Override
          public List<dev.telescope.api.v1beta1.OpenTelemetryCollector> sidecarCollectors(
              String namespace) {
            return base.sidecarCollectors(namespace);
          }

          @Override
          public Optional<dev.telescope.api.v1beta1.OpenTelemetryCollector> collector(
              String namespace, String name) {
            return base.collector(namespace, name);
          }

          @Override
          public Optional<io.fabric8.kubernetes.api.model.Namespace> namespace(String name) {
            return base.namespace(name);
          }

          @Override
          public Optional<io.fabric8.kubernetes.api.model.apps.ReplicaSet> replicaSet(
              String namespace, String name) {
            return base.replicaSet(namespace, name);
          }

          @Override
          public List<Instrumentation> instrumentations(String namespace) {
            return base.instrumentations(namespace);
          }

          @Override
          public Optional<Boolean> exists(String kind, String namespace, String name) {
            return Optional.of(secretExists && "client-certs".equals(name));
          }
        };
    admission =
        new PodAdmission(
            new SidecarInjector(PodInstrumentationTest.CFG, true),
            lookup,
            new SidecarEvents() {
              @Override
              public void notInjected(
                  io.fabric8.kubernetes.api.model.Pod pod, String namespace, String message) {
                events.add(REASON + ": " + message);
              }

              @Override
              public void notInstrumented(
                  io.fabric8.kubernetes.api.model.Pod pod, String namespace, String message) {
                events.add(INSTRUMENTATION_REASON + ": " + message);
              }
            },
            new PodInstrumentation(PodInstrumentationTest.CFG.instrumentation()));
    server =
        new WebhookServer(
            WebhookServer.Options.defaults().withAddress("127.0.0.1", 0).withThreads(2, 16),
            new ReloadingKeyManager(PKI.servingMaterial()).sslContext());
    server.addAdmissionRoute("/mutate-v1-pod", admission, true);
    server.start();
    return HttpClient.newBuilder()
        .sslContext(PKI.clientContext())
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  static final String POD_JSON =
      PodInstrumentationTest.POD.formatted(
          "\"sidecar.opentelemetry.io/inject\": \"true\","
              + " \"instrumentation.opentelemetry.io/inject-java\": \"true\"");

  JsonNode review(HttpClient client) throws Exception {
    String body =
        """
        {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview",
         "request":{"uid":"u-1","kind":{"group":"","version":"v1","kind":"Pod"},
          "resource":{"group":"","version":"v1","resource":"pods"},
          "namespace":"apps","operation":"CREATE","object":%s}}
        """
            .formatted(POD_JSON);
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(
                    URI.create("https://127.0.0.1:" + server.port() + "/mutate-v1-pod"))
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode answer = JSON.readTree(response.body()).path("response");
    assertThat(answer.path("uid").asText()).isEqualTo("u-1");
    assertThat(answer.path("allowed").asBoolean()).isTrue();
    return answer;
  }

  static JsonNode patched(JsonNode answer) throws Exception {
    JsonNode pod = JSON.readTree(POD_JSON);
    JsonNode patch =
        JSON.readTree(
            new String(
                Base64.getDecoder().decode(answer.path("patch").asText()), StandardCharsets.UTF_8));
    return JsonPatch.apply(patch, pod);
  }

  @Test
  void sidecarAndJavaAgentWithTlsMountsInOnePatch() throws Exception {
    JsonNode answer = review(start(true));
    assertThat(answer.path("patchType").asText()).isEqualTo("JSONPatch");
    JsonNode pod = patched(answer);
    List<String> inits = new ArrayList<>();
    pod.at("/spec/initContainers").forEach(c -> inits.add(c.path("name").asText()));
    assertThat(inits).containsExactly("otc-container", "opentelemetry-auto-instrumentation-java");
    Map<String, String> env = new java.util.LinkedHashMap<>();
    pod.at("/spec/containers/0/env")
        .forEach(e -> env.put(e.path("name").asText(), e.path("value").asText()));
    assertThat(env)
        .containsEntry(
            "JAVA_TOOL_OPTIONS", " -javaagent:/otel-auto-instrumentation-java-web/javaagent.jar")
        .containsEntry(
            "OTEL_EXPORTER_OTLP_CLIENT_KEY",
            "/otel-auto-instrumentation-secret-client-certs/tls.key");
    List<String> volumes = new ArrayList<>();
    pod.at("/spec/volumes").forEach(v -> volumes.add(v.path("name").asText()));
    assertThat(volumes)
        .contains("opentelemetry-auto-instrumentation-java", "otel-auto-secret-client-certs");
    assertThat(events).isEmpty();
    assertThat(admission.instrumentationCounters()).containsEntry("java.injected", 1L);
  }

  @Test
  void missingTlsSecretAdmitsTheSidecarOnlyWithAWarningAndAnEvent() throws Exception {
    JsonNode answer = review(start(false));
    JsonNode pod = patched(answer);
    assertThat(pod.at("/spec/initContainers")).hasSize(1);
    assertThat(pod.at("/spec/initContainers/0/name").asText()).isEqualTo("otc-container");
    String expected =
        "OpenTelemetry auto-instrumentation not injected: java: the exporter TLS Secret"
            + " apps/client-certs does not exist";
    assertThat(answer.path("warnings").get(0).asText()).isEqualTo(expected);
    assertThat(events).containsExactly("InstrumentationNotInjected: " + expected);
    assertThat(admission.instrumentationCounters())
        .containsEntry("java.not_injected", 1L)
        .containsEntry("java.injected", 0L);
  }
}
