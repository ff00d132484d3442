package dev.telescope.webhook;

import dev.telescope.webhook.ReviewCodec.Outcome;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

/**
 * One HTTP answer of the webhook as a value, so every status the codec decides (200 with a review,
 * 400, 404, 405, 413) can be asserted without a socket and written by any transport.
 *
 * @param status the HTTP status
 * @param contentType the {@code Content-Type}
 * @param body the body bytes
 * @param headers extra response headers (e.g. {@code Allow} on a 405)
 * @param closeConnection whether the transport must close the connection after answering (the
 *     request body was not read to its end)
 * @param outcome how the request ended, for the counters
 */
public record WebhookAnswer(
    int status,
    String contentType,
    byte[] body,
    Map<String, String> headers,
    boolean closeConnection,
    Outcome outcome) {

  /** Checks for nulls. */
  public WebhookAnswer {
    Objects.requireNonNull(contentType, "contentType");
    Objects.requireNonNull(body, "body");
    headers = Map.copyOf(headers);
    Objects.requireNonNull(outcome, "outcome");
  }

  /** A JSON review answer with status 200. */
  static WebhookAnswer json(byte[] body, Outcome outcome) {
    return new WebhookAnswer(200, "application/json", body, Map.of(), false, outcome);
  }

  /** A one-line plain-text answer. */
  static WebhookAnswer text(int status, Outcome outcome, String reason) {
    return new WebhookAnswer(
        status,
        "text/plain; charset=utf-8",
        (reason + "\n").getBytes(StandardCharsets.UTF_8),
        status == 405 ? Map.of("Allow", "POST") : Map.of(),
        status == 413,
        outcome);
  }

  /** The body as UTF-8 text (for logs and tests). */
  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }
}
