package dev.telescope.webhook;

import java.util.Objects;

/**
 * One HTTP request to the webhook as the transport read it, so the review codec can be driven
 * without a socket (tests, other transports).
 *
 * @param method the HTTP method, e.g. {@code POST}
 * @param rawPath the request path, not decoded, e.g. {@code /mutate-v1-pod}
 * @param rawQuery the query string, not decoded, without the {@code ?}; {@code null} when absent
 *     (the API server sends {@code timeout=10s} there)
 * @param body the request body as read; empty when there was none
 */
public record WebhookRequest(String method, String rawPath, String rawQuery, byte[] body) {

  /** Checks for nulls. */
  public WebhookRequest {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(rawPath, "rawPath");
    Objects.requireNonNull(body, "body");
  }

  /**
   * A request from its request-target, e.g. {@code /mutate-v1-pod?timeout=10s}.
   *
   * @param method the HTTP method
   * @param target the path with an optional {@code ?query}
   * @param body the body
   * @return the request
   */
  public static WebhookRequest of(String method, String target, byte[] body) {
    int question = target.indexOf('?');
    return question < 0
        ? new WebhookRequest(method, target, null, body)
        : new WebhookRequest(
            method, target.substring(0, question), target.substring(question + 1), body);
  }

  /**
   * The first value of a query parameter, not decoded.
   *
   * @param name the parameter name
   * @return its value, or {@code null} when absent
   */
  public String queryParameter(String name) {
    if (rawQuery == null || rawQuery.isEmpty()) {
      return null;
    }
    for (String pair : rawQuery.split("&")) {
      int equals = pair.indexOf('=');
      String key = equals < 0 ? pair : pair.substring(0, equals);
      if (key.equals(name)) {
        return equals < 0 ? "" : pair.substring(equals + 1);
      }
    }
    return null;
  }
}
