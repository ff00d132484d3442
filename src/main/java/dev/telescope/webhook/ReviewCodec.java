package dev.telescope.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ConversionRequest;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ConversionResponse;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ConversionReview;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The webhook's HTTP semantics without a socket: dispatches a {@link WebhookRequest} by exact path,
 * decodes the AdmissionReview or ConversionReview, calls the handler and encodes its answer, and
 * returns every refusal (400, 404, 405, 413) as a {@link WebhookAnswer} value, so the rules are
 * testable without TLS and any transport can carry them.
 *
 * <p>Only {@code POST}; bodies up to {@code maxBodyBytes}; JSON that must be the right review kind
 * with a {@code request.uid}. A handler that throws gets the route's failure policy: admitted with
 * a warning when the route fails open (pods), denied with a 500 status otherwise.
 */
public final class ReviewCodec {

  static final String ADMISSION_API_VERSION = "admission.k8s.io/v1";
  static final String CONVERSION_API_VERSION = "apiextensions.k8s.io/v1";

  /** The counter key of requests to paths with no route. */
  public static final String UNMATCHED_ROUTE = "unmatched";

  private static final Logger LOG = LoggerFactory.getLogger(ReviewCodec.class);

  /** How a request ended, for the per-route counters. */
  public enum Outcome {
    /** Admission handler allowed the request. */
    ALLOWED,
    /** Admission handler denied the request. */
    DENIED,
    /** Handler threw on a fail-open route; answered allowed with a warning. */
    FAILED_OPEN,
    /** Handler threw on a fail-closed route; answered denied with a 500 status. */
    FAILED_CLOSED,
    /** Conversion succeeded. */
    CONVERTED,
    /** Conversion failed; answered with result status Failure. */
    CONVERSION_FAILED,
    /** Malformed request: HTTP 400. */
    BAD_REQUEST,
    /** No route at the path: HTTP 404. */
    NOT_FOUND,
    /** Not a POST: HTTP 405. */
    METHOD_NOT_ALLOWED,
    /** Body too large: HTTP 413. */
    TOO_LARGE,
    /** The server itself failed outside any handler: HTTP 500. */
    INTERNAL_ERROR
  }

  private sealed interface Route permits AdmissionRoute, ConversionRoute {}

  private record AdmissionRoute(AdmissionHandler handler, boolean failOpen) implements Route {}

  private record ConversionRoute(ConversionHandler handler) implements Route {}

  private final ObjectMapper mapper;
  private final ReviewJson json;
  private final int maxBodyBytes;
  private final Map<String, Route> routes = new ConcurrentHashMap<>();
  private final RequestCounters counters = new RequestCounters();

  /**
   * @param mapper the JSON mapper, configured like {@link #newObjectMapper()}, shared by all
   *     requests
   * @param maxBodyBytes the largest accepted request body
   */
  public ReviewCodec(ObjectMapper mapper, int maxBodyBytes) {
    this.mapper = Objects.requireNonNull(mapper, "mapper");
    this.json = new ReviewJson(mapper);
    if (maxBodyBytes < 1) {
      throw new IllegalArgumentException("maxBodyBytes must be positive");
    }
    this.maxBodyBytes = maxBodyBytes;
  }

  /**
   * A Jackson mapper set up by fabric8, so {@code request.object} decodes into model classes (a
   * {@code Pod} for pods). Jackson's default stream limits apply (nesting depth, number length),
   * which keep hostile JSON from exhausting the stack.
   *
   * @return a new mapper; create one and reuse it
   */
  public static ObjectMapper newObjectMapper() {
    ObjectMapper mapper = new ObjectMapper();
    new KubernetesSerialization(mapper, true);
    return mapper;
  }

  /**
   * Serves an admission webhook at {@code path}.
   *
   * @param path exact request path, e.g. {@code /mutate-v1-pod}
   * @param handler decides each request
   * @param failOpen when the handler throws: {@code true} admits with a warning, {@code false}
   *     denies with a 500 status
   */
  public void addAdmissionRoute(String path, AdmissionHandler handler, boolean failOpen) {
    register(path, new AdmissionRoute(Objects.requireNonNull(handler, "handler"), failOpen));
  }

  /**
   * Serves a CRD conversion webhook at {@code path}.
   *
   * @param path exact request path, e.g. {@code /convert}
   * @param handler converts each request's objects
   */
  public void addConversionRoute(String path, ConversionHandler handler) {
    register(path, new ConversionRoute(Objects.requireNonNull(handler, "handler")));
  }

  private void register(String path, Route route) {
    if (path == null || !path.startsWith("/")) {
      throw new IllegalArgumentException("route path must start with '/': " + path);
    }
    if (routes.putIfAbsent(path, route) != null) {
      throw new IllegalArgumentException("a route is already registered at " + path);
    }
    counters.register(path);
  }

  /** The registered paths, sorted. */
  public Set<String> paths() {
    return new TreeSet<>(routes.keySet());
  }

  /** The largest accepted request body. */
  public int maxBodyBytes() {
    return maxBodyBytes;
  }

  /**
   * The answer a request gets before its body is read, or {@code null} when the body is wanted: 404
   * for unknown paths, 405 for anything but {@code POST}, 400 for a malformed {@code
   * Content-Length}, 413 for a declared length over the limit.
   *
   * @param method the HTTP method
   * @param rawPath the request path
   * @param contentLength the {@code Content-Length} header, {@code null} when absent (chunked)
   * @return the early answer (already counted), or {@code null}
   */
  public WebhookAnswer precheck(String method, String rawPath, String contentLength) {
    Route route = routes.get(rawPath);
    try {
      checkRoute(route, method);
      declaredLength(contentLength);
      return null;
    } catch (ReviewRejection reject) {
      return refused(route == null ? UNMATCHED_ROUTE : rawPath, reject);
    }
  }

  /**
   * The declared body length, checked against the limit.
   *
   * @param contentLength the header, or {@code null}
   * @return the length, or {@code -1} when not declared
   */
  private long declaredLength(String contentLength) throws ReviewRejection {
    if (contentLength == null) {
      return -1;
    }
    long declared;
    try {
      declared = Long.parseLong(contentLength.trim());
    } catch (NumberFormatException e) {
      throw new ReviewRejection(400, Outcome.BAD_REQUEST, "Content-Length is not a number");
    }
    if (declared < 0) {
      throw new ReviewRejection(400, Outcome.BAD_REQUEST, "Content-Length is negative");
    }
    if (declared > maxBodyBytes) {
      throw tooLarge(maxBodyBytes);
    }
    return declared;
  }

  /**
   * A 400 the transport decided (e.g. the body ended before its {@code Content-Length}), counted
   * like the codec's own.
   *
   * @param rawPath the request path
   * @param reason one line for the client
   * @return the answer
   */
  public WebhookAnswer badRequest(String rawPath, String reason) {
    String key = routes.containsKey(rawPath) ? rawPath : UNMATCHED_ROUTE;
    return refused(key, new ReviewRejection(400, Outcome.BAD_REQUEST, reason));
  }

  /**
   * Answers one request completely. A body longer than the limit (a transport reads one byte past
   * it to tell) gets 413; no exception escapes.
   *
   * @param request the request as read
   * @return the answer, already counted
   */
  public WebhookAnswer answer(WebhookRequest request) {
    String path = request.rawPath();
    Route route = routes.get(path);
    String counterKey = route == null ? UNMATCHED_ROUTE : path;
    try {
      checkRoute(route, request.method());
      if (request.body().length > maxBodyBytes) {
        throw tooLarge(maxBodyBytes);
      }
      WebhookAnswer answer =
          route instanceof AdmissionRoute admission
              ? serveAdmission(request, admission)
              : serveConversion(path, (ConversionRoute) route, request.body());
      counters.count(counterKey, answer.outcome());
      return answer;
    } catch (ReviewRejection reject) {
      return refused(counterKey, reject);
    } catch (IOException | RuntimeException e) {
      LOG.error("Unexpected failure serving {}", path, e);
      counters.count(counterKey, Outcome.INTERNAL_ERROR);
      return WebhookAnswer.text(500, Outcome.INTERNAL_ERROR, "internal error");
    }
  }

  private static void checkRoute(Route route, String method) throws ReviewRejection {
    if (route == null) {
      throw new ReviewRejection(404, Outcome.NOT_FOUND, "no webhook is served at this path");
    }
    if (!"POST".equals(method)) {
      throw new ReviewRejection(405, Outcome.METHOD_NOT_ALLOWED, "only POST is supported");
    }
  }

  private WebhookAnswer refused(String counterKey, ReviewRejection reject) {
    counters.count(counterKey, reject.outcome);
    return WebhookAnswer.text(reject.status, reject.outcome, reject.getMessage());
  }

  private static ReviewRejection tooLarge(int limit) {
    return new ReviewRejection(
        413, Outcome.TOO_LARGE, "request body exceeds the limit of " + limit + " bytes");
  }

  /**
   * fabric8 indexes its model classes on first use, which takes seconds; doing that before the
   * first pod arrives keeps it within the API server's webhook timeout.
   */
  public void warmUp() {
    String sample =
        "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":"
            + "{\"uid\":\"warm-up\",\"object\":{\"apiVersion\":\"v1\",\"kind\":\"Pod\","
            + "\"metadata\":{\"name\":\"warm-up\"}}}}";
    try {
      AdmissionReview review = mapper.readValue(sample, AdmissionReview.class);
      mapper.writeValueAsBytes(review);
    } catch (IOException | RuntimeException e) {
      LOG.warn("Warming up the JSON mapper failed; the first request will be slower", e);
    }
  }

  /**
   * @param path a registered route, or {@code "unmatched"} for requests to unknown paths
   * @param outcome how requests ended
   * @return how many requests to {@code path} ended with {@code outcome}
   */
  public long requestCount(String path, Outcome outcome) {
    return counters.requestCount(path, outcome);
  }

  /** Every non-zero counter by route, then outcome; unknown paths count as {@code "unmatched"}. */
  public Map<String, Map<Outcome, Long>> requestCounts() {
    return counters.requestCounts();
  }

  private WebhookAnswer serveAdmission(WebhookRequest http, AdmissionRoute route)
      throws IOException, ReviewRejection {
    String path = http.rawPath();
    byte[] body = http.body();
    JsonNode object = null;
    AdmissionReview review;
    if (route.handler() instanceof AdmissionHandler.RawObject) {
      // Only the envelope is bound to the model; the object stays the JSON that was sent.
      JsonNode tree = json.decode(body, JsonNode.class, "AdmissionReview");
      if (!(tree instanceof ObjectNode root)) {
        throw new ReviewRejection(
            400, Outcome.BAD_REQUEST, "request body is not a AdmissionReview: not a JSON object");
      }
      if (root.get("request") instanceof ObjectNode request) {
        object = request.remove("object");
        request.remove("oldObject");
      }
      review = json.bind(root, AdmissionReview.class, "AdmissionReview");
    } else {
      review = json.decode(body, AdmissionReview.class, "AdmissionReview");
    }
    ReviewJson.checkEnvelope(
        "AdmissionReview", ADMISSION_API_VERSION, review.getKind(), review.getApiVersion());
    AdmissionRequest request = review.getRequest();
    ReviewJson.checkRequest("AdmissionReview", request, request == null ? null : request.getUid());
    AdmissionResponse response;
    Outcome outcome;
    try {
      response =
          route.handler() instanceof AdmissionHandler.RawObject raw
              ? raw.handle(request, object, http)
              : route.handler().handle(request);
      if (response == null || response.getAllowed() == null) {
        throw new IllegalStateException("the handler returned no decision");
      }
      outcome = response.getAllowed() ? Outcome.ALLOWED : Outcome.DENIED;
    } catch (Exception | StackOverflowError e) {
      LOG.error(
          "Admission webhook {} failed for {} {} {} (uid {}); {}",
          path,
          request.getOperation(),
          request.getKind() == null ? "" : request.getKind().getKind(),
          FailureAnswers.objectRef(request),
          request.getUid(),
          route.failOpen() ? "admitting unchanged" : "denying",
          e);
      response = route.failOpen() ? FailureAnswers.failOpen(path, e) : FailureAnswers.failClosed(e);
      outcome = route.failOpen() ? Outcome.FAILED_OPEN : Outcome.FAILED_CLOSED;
    }
    response.setUid(request.getUid());
    AdmissionReview answer = new AdmissionReview();
    answer.setApiVersion(ADMISSION_API_VERSION);
    answer.setKind("AdmissionReview");
    answer.setResponse(response);
    return WebhookAnswer.json(mapper.writeValueAsBytes(answer), outcome);
  }

  private WebhookAnswer serveConversion(String path, ConversionRoute route, byte[] body)
      throws IOException, ReviewRejection {
    ConversionReview review = json.decode(body, ConversionReview.class, "ConversionReview");
    ReviewJson.checkEnvelope(
        "ConversionReview", CONVERSION_API_VERSION, review.getKind(), review.getApiVersion());
    ConversionRequest request = review.getRequest();
    ReviewJson.checkRequest("ConversionReview", request, request == null ? null : request.getUid());
    ConversionResponse response;
    Outcome outcome;
    try {
      response = route.handler().convert(request);
      if (response == null) {
        throw new IllegalStateException("the converter returned no response");
      }
      if (response.getResult() == null) {
        response.setResult(new StatusBuilder().withStatus("Success").build());
      }
      outcome =
          "Failure".equals(response.getResult().getStatus())
              ? Outcome.CONVERSION_FAILED
              : Outcome.CONVERTED;
    } catch (Exception | StackOverflowError e) {
      LOG.error(
          "Conversion webhook {} failed converting {} object(s) to {} (uid {})",
          path,
          request.getObjects() == null ? 0 : request.getObjects().size(),
          request.getDesiredAPIVersion(),
          request.getUid(),
          e);
      Status failure =
          new StatusBuilder().withStatus("Failure").withMessage(ReviewJson.describe(e)).build();
      response = new ConversionResponse(new ArrayList<>(), failure, null);
      outcome = Outcome.CONVERSION_FAILED;
    }
    response.setUid(request.getUid());
    ConversionReview answer = new ConversionReview();
    answer.setApiVersion(CONVERSION_API_VERSION);
    answer.setKind("ConversionReview");
    answer.setResponse(response);
    return WebhookAnswer.json(mapper.writeValueAsBytes(answer), outcome);
  }
}
