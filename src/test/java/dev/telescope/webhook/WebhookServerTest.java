package dev.telescope.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telescope.tls.ReloadingKeyManager;
import dev.telescope.tls.TestPki;
import dev.telescope.webhook.ReviewCodec.Outcome;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ConversionResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The webhook transport over real TLS: routing, request rules, failure policies, TLS versions. */
class WebhookServerTest {

  private static final String UID = "705ab4f5-6393-11e8-b7cc-42010a800002";
  private static final String POD_REVIEW =
      """
      {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview",
       "request":{"uid":"%s","kind":{"group":"","version":"v1","kind":"Pod"},
        "resource":{"group":"","version":"v1","resource":"pods"},
        "namespace":"team-a","operation":"CREATE",
        "object":{"apiVersion":"v1","kind":"Pod",
          "metadata":{"generateName":"app-","namespace":"team-a"},
          "spec":{"containers":[{"name":"app","image":"nginx:1.27"}]}}}}
      """
          .formatted(UID);

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TestPki PKI = new TestPki();
  private static final AtomicReference<AdmissionRequest> seen = new AtomicReference<>();
  private static WebhookServer server;
  private static SSLContext clientContext;
  private static HttpClient client;

  @BeforeAll
  static void startServer() throws Exception {
    ReloadingKeyManager keys = new ReloadingKeyManager(PKI.servingMaterial());
    server =
        new WebhookServer(
            WebhookServer.Options.defaults().withAddress("127.0.0.1", 0).withThreads(4, 64),
            keys.sslContext());
    server
        .addAdmissionRoute(
            "/mutate-v1-pod",
            request -> {
              seen.set(request);
              AdmissionResponse response = new AdmissionResponse();
              response.setAllowed(true);
              response.setUid("the handler may not pick the uid");
              return response;
            },
            true)
        .addAdmissionRoute(
            "/validate",
            request -> {
              AdmissionResponse response = new AdmissionResponse();
              response.setAllowed(false);
              return response;
            },
            false)
        .addAdmissionRoute(
            "/fail-open",
            request -> {
              throw new IllegalStateException("namespace lookup timed out");
            },
            true)
        .addAdmissionRoute(
            "/fail-closed",
            request -> {
              throw new IllegalStateException("config is unparsable");
            },
            false)
        .addAdmissionRoute("/null-answer", request -> null, false)
        .addConversionRoute(
            "/convert",
            request -> {
              if (request.getDesiredAPIVersion().equals("opentelemetry.io/v9")) {
                throw new IllegalArgumentException("no such version opentelemetry.io/v9");
              }
              List<Object> converted = new ArrayList<>();
              for (Object object : request.getObjects()) {
                HasMetadata resource = (HasMetadata) object;
                resource.setApiVersion(request.getDesiredAPIVersion());
                converted.add(resource);
              }
              return new ConversionResponse(converted, null, null);
            });
    server.start();
    clientContext = PKI.clientContext();
    client =
        HttpClient.newBuilder()
            .sslContext(clientContext)
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
  }

  @AfterAll
  static void stopServer() {
    server.stop(Duration.ZERO);
  }

  @Test
  void admissionReviewRoundTripsWithUidEchoedAndTypedObject() throws Exception {
    long before = server.requestCount("/mutate-v1-pod", Outcome.ALLOWED);

    HttpResponse<String> response = post("/mutate-v1-pod", POD_REVIEW);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
    assertThat(response.headers().firstValueAsLong("content-length"))
        .hasValue(response.body().getBytes(StandardCharsets.UTF_8).length);
    JsonNode review = JSON.readTree(response.body());
    assertThat(review.path("apiVersion").asText()).isEqualTo("admission.k8s.io/v1");
    assertThat(review.path("kind").asText()).isEqualTo("AdmissionReview");
    assertThat(review.path("response").path("uid").asText()).isEqualTo(UID);
    assertThat(review.path("response").path("allowed").asBoolean()).isTrue();
    assertThat(review.has("request")).isFalse();
    assertThat(seen.get().getObject()).isInstanceOf(Pod.class);
    assertThat(((Pod) seen.get().getObject()).getMetadata().getGenerateName()).isEqualTo("app-");
    assertThat(server.requestCount("/mutate-v1-pod", Outcome.ALLOWED)).isEqualTo(before + 1);
  }

  @Test
  void deniedDecisionIsPassedThrough() throws Exception {
    JsonNode review = JSON.readTree(post("/validate", POD_REVIEW).body());

    assertThat(review.path("response").path("allowed").asBoolean()).isFalse();
    assertThat(review.path("response").path("uid").asText()).isEqualTo(UID);
  }

  @Test
  void queryStringDoesNotChangeTheRoute() throws Exception {
    // The API server appends ?timeout=5s to webhook calls.
    HttpResponse<String> response = post("/mutate-v1-pod?timeout=5s", POD_REVIEW);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(response.body()).path("response").path("uid").asText()).isEqualTo(UID);
  }

  @Test
  void fullQueueClosesTheConnectionInsteadOfQueueingWithoutBound() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try (WebhookServer busy =
        new WebhookServer(
            WebhookServer.Options.defaults().withAddress("127.0.0.1", 0).withThreads(1, 1),
            new ReloadingKeyManager(PKI.servingMaterial()).sslContext())) {
      busy.addAdmissionRoute(
          "/slow",
          request -> {
            entered.countDown();
            release.await(10, TimeUnit.SECONDS);
            AdmissionResponse response = new AdmissionResponse();
            response.setAllowed(true);
            return response;
          },
          true);
      busy.start();
      HttpRequest slow =
          HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + busy.port() + "/slow"))
              .POST(BodyPublishers.ofString(POD_REVIEW))
              .build();
      CompletableFuture<HttpResponse<String>> running =
          client.sendAsync(slow, BodyHandlers.ofString());
      assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();

      List<CompletableFuture<HttpResponse<String>>> more = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        more.add(clientWithProtocols("TLSv1.3").sendAsync(slow, BodyHandlers.ofString()));
      }
      Awaitility.await("a request rejected as busy")
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(10))
          .until(() -> busy.rejectedRequests() > 0);
      release.countDown();

      assertThat(busy.rejectedRequests()).isEqualTo(1);
      assertThat(running.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      long failed =
          more.stream()
              .filter(
                  future -> {
                    try {
                      return future.get(10, TimeUnit.SECONDS).statusCode() != 200;
                    } catch (Exception e) {
                      return true;
                    }
                  })
              .count();
      assertThat(failed).isEqualTo(1);
    }
  }

  @Test
  void failOpenRouteAdmitsWithWarningWhenHandlerThrows() throws Exception {
    long before = server.requestCount("/fail-open", Outcome.FAILED_OPEN);

    HttpResponse<String> response = post("/fail-open", POD_REVIEW);

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode answer = JSON.readTree(response.body()).path("response");
    assertThat(answer.path("uid").asText()).isEqualTo(UID);
    assertThat(answer.path("allowed").asBoolean()).isTrue();
    assertThat(answer.path("warnings").get(0).asText())
        .contains("/fail-open")
        .contains("namespace lookup timed out");
    assertThat(answer.path("patch").isMissingNode()).isTrue();
    assertThat(server.requestCount("/fail-open", Outcome.FAILED_OPEN)).isEqualTo(before + 1);
  }

  @Test
  void failClosedRouteDeniesWithStatus500WhenHandlerThrows() throws Exception {
    HttpResponse<String> response = post("/fail-closed", POD_REVIEW);

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode answer = JSON.readTree(response.body()).path("response");
    assertThat(answer.path("uid").asText()).isEqualTo(UID);
    assertThat(answer.path("allowed").asBoolean()).isFalse();
    assertThat(answer.path("status").path("code").asInt()).isEqualTo(500);
    assertThat(answer.path("status").path("message").asText()).contains("config is unparsable");
  }

  @Test
  void handlerWithoutDecisionCountsAsFailure() throws Exception {
    JsonNode answer = JSON.readTree(post("/null-answer", POD_REVIEW).body()).path("response");

    assertThat(answer.path("allowed").asBoolean()).isFalse();
    assertThat(answer.path("status").path("code").asInt()).isEqualTo(500);
  }

  @Test
  void nonPostIsRejectedWith405() throws Exception {
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(uri("/mutate-v1-pod")).GET().build(), BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(405);
    assertThat(response.headers().firstValue("allow")).hasValue("POST");
  }

  @Test
  void unknownPathIsRejectedWith404() throws Exception {
    long before = server.requestCount("unmatched", Outcome.NOT_FOUND);

    HttpResponse<String> response = post("/mutate-v1-pod/extra", POD_REVIEW);

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(server.requestCount("unmatched", Outcome.NOT_FOUND)).isEqualTo(before + 1);
  }

  @Test
  void declaredOversizedBodyGets413WithoutBeingRead() throws Exception {
    // No body bytes follow: if the server tried to read 100 MiB it would block until the timeout.
    RawTls.Answer answer =
        RawTls.exchange(
            clientContext,
            server.port(),
            "POST /mutate-v1-pod HTTP/1.1\r\nHost: localhost\r\n"
                + "Content-Type: application/json\r\nContent-Length: 104857600\r\n\r\n",
            new byte[0]);

    assertThat(answer.status()).isEqualTo(413);
    assertThat(answer.body()).contains("exceeds the limit of 3145728 bytes");
  }

  @Test
  void chunkedBodyOverTheLimitGets413() throws Exception {
    try (WebhookServer small =
        new WebhookServer(
            WebhookServer.Options.defaults()
                .withAddress("127.0.0.1", 0)
                .withThreads(1, 4)
                .withMaxBodyBytes(1024),
            new ReloadingKeyManager(PKI.servingMaterial()).sslContext())) {
      small.addAdmissionRoute("/mutate-v1-pod", request -> null, true);
      small.start();
      String chunk = "x".repeat(1500);
      String chunked = Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n0\r\n\r\n";

      RawTls.Answer answer =
          RawTls.exchange(
              clientContext,
              small.port(),
              "POST /mutate-v1-pod HTTP/1.1\r\nHost: localhost\r\n"
                  + "Transfer-Encoding: chunked\r\n\r\n",
              chunked.getBytes(StandardCharsets.US_ASCII));

      assertThat(answer.status()).isEqualTo(413);
      assertThat(small.requestCount("/mutate-v1-pod", Outcome.TOO_LARGE)).isEqualTo(1);
    }
  }

  @Test
  void chunkedBodyWithinTheLimitIsServed() throws Exception {
    BodyPublisher streamed =
        BodyPublishers.ofInputStream(
            () -> new ByteArrayInputStream(POD_REVIEW.getBytes(StandardCharsets.UTF_8)));

    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(uri("/mutate-v1-pod")).POST(streamed).build(),
            BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(response.body()).path("response").path("uid").asText()).isEqualTo(UID);
  }

  @Test
  void nonJsonBodyGets400WithOneLineReason() throws Exception {
    HttpResponse<String> response = post("/mutate-v1-pod", "hello, webhook");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.headers().firstValue("content-type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
    assertThat(response.body()).startsWith("request body is not valid JSON");
    assertThat(response.body().strip()).doesNotContain("\n");
  }

  @Test
  void emptyBodyGets400() throws Exception {
    HttpResponse<String> response = post("/mutate-v1-pod", "");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("empty");
  }

  @Test
  void jsonOfAnotherKindGets400() throws Exception {
    HttpResponse<String> pod =
        post("/mutate-v1-pod", "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{}}");
    HttpResponse<String> array = post("/mutate-v1-pod", "[1,2,3]");
    HttpResponse<String> oldVersion =
        post(
            "/mutate-v1-pod",
            POD_REVIEW.replace("admission.k8s.io/v1", "admission.k8s.io/v1beta1"));

    assertThat(pod.statusCode()).isEqualTo(400);
    assertThat(pod.body()).startsWith("expected kind AdmissionReview, got Pod");
    assertThat(array.statusCode()).isEqualTo(400);
    assertThat(array.body()).startsWith("request body is not a AdmissionReview");
    assertThat(oldVersion.statusCode()).isEqualTo(400);
    assertThat(oldVersion.body()).contains("expected apiVersion admission.k8s.io/v1");
  }

  @Test
  void reviewWithoutRequestOrUidGets400() throws Exception {
    HttpResponse<String> noRequest =
        post(
            "/mutate-v1-pod",
            "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\"}");
    HttpResponse<String> noUid =
        post("/mutate-v1-pod", POD_REVIEW.replace("\"uid\":\"" + UID + "\",", ""));

    assertThat(noRequest.statusCode()).isEqualTo(400);
    assertThat(noRequest.body()).isEqualTo("AdmissionReview has no request\n");
    assertThat(noUid.statusCode()).isEqualTo(400);
    assertThat(noUid.body()).isEqualTo("AdmissionReview request has no uid\n");
  }

  @Test
  void deeplyNestedJsonGets400AndTheServerKeepsServing() throws Exception {
    int depth = 100_000;
    String topLevel = "[".repeat(depth) + "]".repeat(depth);
    String inside =
        "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":"
            + "{\"uid\":\"u\",\"extra\":"
            + "[".repeat(depth)
            + "]".repeat(depth)
            + "}}";
    String insideObject =
        POD_REVIEW.replace(
            "\"spec\":{",
            "\"spec\":{\"extra\":" + "{\"a\":".repeat(depth) + "1" + "}".repeat(depth) + ",");

    HttpResponse<String> top = post("/mutate-v1-pod", topLevel);
    HttpResponse<String> nested = post("/mutate-v1-pod", inside);
    HttpResponse<String> nestedInPod = post("/mutate-v1-pod", insideObject);

    assertThat(top.statusCode()).isEqualTo(400);
    assertThat(nested.statusCode()).isEqualTo(400);
    assertThat(nested.body()).contains("nesting depth");
    assertThat(nestedInPod.statusCode()).isEqualTo(400);
    assertThat(post("/mutate-v1-pod", POD_REVIEW).statusCode()).isEqualTo(200);
  }

  @Test
  void hugeNumberGets400() throws Exception {
    String review =
        POD_REVIEW.replace("\"operation\":\"CREATE\",", "\"n\":" + "9".repeat(200_000) + ",");

    HttpResponse<String> response = post("/mutate-v1-pod", review);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("exceeds JSON limits");
  }

  @Test
  void conversionRouteDelegatesToTheConverterAndEchoesUid() throws Exception {
    String review =
        """
        {"apiVersion":"apiextensions.k8s.io/v1","kind":"ConversionReview",
         "request":{"uid":"c-1","desiredAPIVersion":"opentelemetry.io/v1beta1",
          "objects":[{"apiVersion":"opentelemetry.io/v1alpha1","kind":"OpenTelemetryCollector",
            "metadata":{"name":"simplest","namespace":"default"},"spec":{"config":"receivers: {}"}}]}}
        """;

    HttpResponse<String> response = post("/convert", review);

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode answer = JSON.readTree(response.body());
    assertThat(answer.path("kind").asText()).isEqualTo("ConversionReview");
    assertThat(answer.path("apiVersion").asText()).isEqualTo("apiextensions.k8s.io/v1");
    assertThat(answer.path("response").path("uid").asText()).isEqualTo("c-1");
    assertThat(answer.path("response").path("result").path("status").asText()).isEqualTo("Success");
    JsonNode converted = answer.path("response").path("convertedObjects").get(0);
    assertThat(converted.path("apiVersion").asText()).isEqualTo("opentelemetry.io/v1beta1");
    assertThat(converted.path("metadata").path("name").asText()).isEqualTo("simplest");
    assertThat(converted.path("spec").path("config").asText()).isEqualTo("receivers: {}");
  }

  @Test
  void failedConversionAnswersFailureWithTheMessage() throws Exception {
    String review =
        """
        {"apiVersion":"apiextensions.k8s.io/v1","kind":"ConversionReview",
         "request":{"uid":"c-2","desiredAPIVersion":"opentelemetry.io/v9","objects":[]}}
        """;

    JsonNode answer = JSON.readTree(post("/convert", review).body()).path("response");

    assertThat(answer.path("uid").asText()).isEqualTo("c-2");
    assertThat(answer.path("result").path("status").asText()).isEqualTo("Failure");
    assertThat(answer.path("result").path("message").asText())
        .isEqualTo("no such version opentelemetry.io/v9");
    assertThat(server.requestCount("/convert", Outcome.CONVERSION_FAILED)).isPositive();
  }

  @Test
  void conversionRouteRejectsAdmissionReviews() throws Exception {
    HttpResponse<String> response = post("/convert", POD_REVIEW);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).startsWith("expected kind ConversionReview");
  }

  @Test
  void customResourcesArriveAsGenericResources() throws Exception {
    AtomicReference<Object> object = new AtomicReference<>();
    try (WebhookServer generic =
        new WebhookServer(
            "127.0.0.1", 0, new ReloadingKeyManager(PKI.servingMaterial()).sslContext(), 1)) {
      generic.addAdmissionRoute(
          "/validate",
          request -> {
            object.set(request.getObject());
            AdmissionResponse response = new AdmissionResponse();
            response.setAllowed(true);
            return response;
          },
          false);
      generic.start();
      String review =
          """
          {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"x",
           "operation":"CREATE","object":{"apiVersion":"opentelemetry.io/v1beta1",
           "kind":"OpenTelemetryCollector","metadata":{"name":"otel"},"spec":{"mode":"sidecar"}}}}
          """;
      HttpResponse<String> response =
          client.send(
              HttpRequest.newBuilder(
                      URI.create("https://127.0.0.1:" + generic.port() + "/validate"))
                  .POST(BodyPublishers.ofString(review))
                  .build(),
              BodyHandlers.ofString());

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(object.get()).isInstanceOf(GenericKubernetesResource.class);
      assertThat(((GenericKubernetesResource) object.get()).getAdditionalProperties())
          .containsEntry("spec", Map.of("mode", "sidecar"));
    }
  }

  @Test
  void handshakeOfferingOnlyTls11IsRefused() throws Exception {
    int tls12 = RawTls.clientHelloFirstByte(server.port(), 3);
    int tls11 = RawTls.clientHelloFirstByte(server.port(), 2);

    assertThat(tls12).as("a TLS 1.2 ClientHello gets a ServerHello").isEqualTo(0x16);
    assertThat(tls11)
        .as("a TLS 1.1 ClientHello gets an alert or a closed socket")
        .isNotEqualTo(0x16);
  }

  @Test
  void jdkClientLimitedToTls11CannotConnectButTls12Can() throws Exception {
    HttpClient tls11 = clientWithProtocols("TLSv1.1");
    HttpClient tls12 = clientWithProtocols("TLSv1.2");

    assertThatThrownBy(
            () -> tls11.send(request("/mutate-v1-pod", POD_REVIEW), BodyHandlers.ofString()))
        .isInstanceOf(IOException.class);
    assertThat(
            tls12.send(request("/mutate-v1-pod", POD_REVIEW), BodyHandlers.ofString()).statusCode())
        .isEqualTo(200);
  }

  @Test
  void stopLetsTheRequestInProgressFinishThenRefusesConnections() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    WebhookServer stoppable =
        new WebhookServer(
            "127.0.0.1", 0, new ReloadingKeyManager(PKI.servingMaterial()).sslContext(), 2);
    stoppable.addAdmissionRoute(
        "/slow",
        request -> {
          entered.countDown();
          release.await(10, TimeUnit.SECONDS);
          AdmissionResponse response = new AdmissionResponse();
          response.setAllowed(true);
          return response;
        },
        true);
    stoppable.start();
    int port = stoppable.port();
    CompletableFuture<HttpResponse<String>> inFlight =
        client.sendAsync(
            HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/slow"))
                .POST(BodyPublishers.ofString(POD_REVIEW))
                .build(),
            BodyHandlers.ofString());
    assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();

    CompletableFuture<Void> stopping =
        CompletableFuture.runAsync(() -> stoppable.stop(Duration.ofSeconds(10)));
    release.countDown();

    assertThat(inFlight.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    stopping.get(15, TimeUnit.SECONDS);
    assertThatThrownBy(
            () ->
                clientWithProtocols("TLSv1.3")
                    .send(
                        HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/slow"))
                            .POST(BodyPublishers.ofString(POD_REVIEW))
                            .build(),
                        BodyHandlers.ofString()))
        .isInstanceOf(ConnectException.class);
  }

  private static HttpClient clientWithProtocols(String protocol) {
    SSLParameters parameters = new SSLParameters();
    parameters.setProtocols(new String[] {protocol});
    return HttpClient.newBuilder()
        .sslContext(clientContext)
        .sslParameters(parameters)
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  private static URI uri(String path) {
    return URI.create("https://127.0.0.1:" + server.port() + path);
  }

  private static HttpRequest request(String path, String body) {
    return HttpRequest.newBuilder(uri(path))
        .header("Content-Type", "application/json")
        .timeout(Duration.ofSeconds(30))
        .POST(BodyPublishers.ofString(body))
        .build();
  }

  private static HttpResponse<String> post(String path, String body) throws Exception {
    return client.send(request(path, body), BodyHandlers.ofString());
  }
}
