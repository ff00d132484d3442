package dev.telescope.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telescope.webhook.ReviewCodec.Outcome;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The review codec without a socket: every answer is a value. */
class ReviewCodecTest {

  private static final String REVIEW =
      """
      {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview",
       "request":{"uid":"u-1","kind":{"group":"","version":"v1","kind":"Pod"},
        "namespace":"team-a","operation":"CREATE",
        "object":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"}}}}
      """;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final AtomicReference<WebhookRequest> seenHttp = new AtomicReference<>();
  private final AtomicReference<JsonNode> seenObject = new AtomicReference<>();

  private ReviewCodec codec(int limit) {
    ReviewCodec codec = new ReviewCodec(ReviewCodec.newObjectMapper(), limit);
    codec.addAdmissionRoute(
        "/mutate-v1-pod",
        new AdmissionHandler.RawObject() {
          @Override
          public AdmissionResponse handle(AdmissionRequest request, JsonNode object) {
            throw new AssertionError("the codec calls the variant with the HTTP request");
          }

          @Override
          public AdmissionResponse handle(
              AdmissionRequest request, JsonNode object, WebhookRequest http) {
            seenHttp.set(http);
            seenObject.set(object);
            AdmissionResponse response = new AdmissionResponse();
            response.setAllowed(true);
            return response;
          }
        },
        true);
    codec.addAdmissionRoute(
        "/broken",
        request -> {
          throw new IllegalStateException("boom");
        },
        true);
    codec.addAdmissionRoute(
        "/strict",
        request -> {
          throw new IllegalStateException("boom");
        },
        false);
    return codec;
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void admitsAndPassesTheQueryAndTheRawObjectToTheHandler() throws Exception {
    ReviewCodec codec = codec(1 << 20);
    WebhookAnswer answer =
        codec.answer(WebhookRequest.of("POST", "/mutate-v1-pod?timeout=10s", bytes(REVIEW)));

    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.contentType()).isEqualTo("application/json");
    JsonNode review = JSON.readTree(answer.body());
    assertThat(review.at("/kind").asText()).isEqualTo("AdmissionReview");
    assertThat(review.at("/response/uid").asText()).isEqualTo("u-1");
    assertThat(review.at("/response/allowed").asBoolean()).isTrue();
    assertThat(seenHttp.get().queryParameter("timeout")).isEqualTo("10s");
    assertThat(seenHttp.get().rawPath()).isEqualTo("/mutate-v1-pod");
    assertThat(seenObject.get().at("/metadata/name").asText()).isEqualTo("p");
    assertThat(codec.requestCount("/mutate-v1-pod", Outcome.ALLOWED)).isEqualTo(1);
  }

  @Test
  void refusalsAreValuesWithTheirStatusAndHeaders() {
    ReviewCodec codec = codec(64);

    WebhookAnswer notFound = codec.answer(WebhookRequest.of("POST", "/nope", bytes(REVIEW)));
    assertThat(notFound.status()).isEqualTo(404);
    assertThat(codec.requestCount(ReviewCodec.UNMATCHED_ROUTE, Outcome.NOT_FOUND)).isEqualTo(1);

    WebhookAnswer get = codec.answer(WebhookRequest.of("GET", "/mutate-v1-pod", new byte[0]));
    assertThat(get.status()).isEqualTo(405);
    assertThat(get.headers()).containsEntry("Allow", "POST");

    WebhookAnswer large = codec.answer(WebhookRequest.of("POST", "/mutate-v1-pod", new byte[65]));
    assertThat(large.status()).isEqualTo(413);
    assertThat(large.closeConnection()).isTrue();
    assertThat(large.bodyText()).contains("limit of 64 bytes");

    assertThat(codec.precheck("POST", "/mutate-v1-pod", "65").status()).isEqualTo(413);
    assertThat(codec.precheck("POST", "/mutate-v1-pod", "x").status()).isEqualTo(400);
    assertThat(codec.precheck("POST", "/mutate-v1-pod", "-1").status()).isEqualTo(400);
    assertThat(codec.precheck("POST", "/mutate-v1-pod", "64")).isNull();
    assertThat(codec.precheck("POST", "/mutate-v1-pod", null)).isNull();
    assertThat(codec.requestCount("/mutate-v1-pod", Outcome.TOO_LARGE)).isEqualTo(2);
  }

  @Test
  void garbageGetsA400WithTheReason() {
    ReviewCodec codec = codec(1 << 20);
    assertThat(answer(codec, "").bodyText()).contains("empty");
    assertThat(answer(codec, "{not json").status()).isEqualTo(400);
    assertThat(answer(codec, "[1,2]").status()).isEqualTo(400);
    assertThat(answer(codec, "null").status()).isEqualTo(400);
    assertThat(answer(codec, REVIEW.replace("\"uid\":\"u-1\",", "")).bodyText()).contains("no uid");
    assertThat(answer(codec, REVIEW.replace("admission.k8s.io/v1", "v2")).bodyText())
        .contains("expected apiVersion admission.k8s.io/v1");
    assertThat(codec.requestCount("/mutate-v1-pod", Outcome.BAD_REQUEST)).isEqualTo(6);
  }

  @Test
  void aThrowingHandlerFailsOpenOrClosedByRoute() throws Exception {
    ReviewCodec codec = codec(1 << 20);
    JsonNode open =
        JSON.readTree(codec.answer(WebhookRequest.of("POST", "/broken", bytes(REVIEW))).body());
    assertThat(open.at("/response/allowed").asBoolean()).isTrue();
    assertThat(open.at("/response/warnings/0").asText()).contains("admitted unchanged", "boom");

    JsonNode closed =
        JSON.readTree(codec.answer(WebhookRequest.of("POST", "/strict", bytes(REVIEW))).body());
    assertThat(closed.at("/response/allowed").asBoolean()).isFalse();
    assertThat(closed.at("/response/status/code").asInt()).isEqualTo(500);
    assertThat(codec.requestCount("/broken", Outcome.FAILED_OPEN)).isEqualTo(1);
    assertThat(codec.requestCount("/strict", Outcome.FAILED_CLOSED)).isEqualTo(1);
  }

  private static WebhookAnswer answer(ReviewCodec codec, String body) {
    return codec.answer(WebhookRequest.of("POST", "/mutate-v1-pod", bytes(body)));
  }
}
