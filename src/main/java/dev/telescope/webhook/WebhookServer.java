package dev.telescope.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
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
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTPS endpoint the Kubernetes API server calls for admission and CRD conversion, on the JDK's
 * built-in {@link HttpsServer} so the webhook needs no web framework.
 *
 * <p>Routes are exact paths registered with {@link #addAdmissionRoute} or {@link
 * #addConversionRoute}. The server owns everything around the handlers: only {@code POST}, bodies
 * up to {@link Options#maxBodyBytes()} (read no further), JSON that must be the right review kind
 * with a {@code request.uid}, otherwise a one-line plain-text 4xx. TLS is 1.2 or 1.3 only and takes
 * its certificate from the given {@link SSLContext} on every handshake, so a {@code
 * ReloadingKeyManager} behind it rotates certificates without a restart.
 *
 * <p>Handlers run on a bounded pool; when its queue is full the JDK server closes the connection
 * (the API server then applies the webhook's failurePolicy).
 */
public final class WebhookServer implements AutoCloseable {

  /** The TLS versions offered; anything older is refused during the handshake. */
  public static final List<String> TLS_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

  /** The largest request body accepted by default: 3 MiB, the API server's own request limit. */
  public static final int DEFAULT_MAX_BODY_BYTES = 3 * 1024 * 1024;

  static final String ADMISSION_API_VERSION = "admission.k8s.io/v1";
  static final String CONVERSION_API_VERSION = "apiextensions.k8s.io/v1";
  private static final String UNMATCHED_ROUTE = "unmatched";
  private static final int MAX_WARNING_LENGTH = 120;
  private static final Logger LOG = LoggerFactory.getLogger(WebhookServer.class);

  static {
    // Without TCP_NODELAY every answer waits ~40 ms on Nagle plus the peer's delayed ACK. The JDK
    // reads this property once, when its first HttpServer is created.
    JdkHttpServers.enableNoDelay();
  }

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
    TOO_LARGE
  }

  /**
   * Listener and pool settings.
   *
   * @param bindAddress address to listen on, e.g. {@code 0.0.0.0}, or {@code 127.0.0.1} in tests
   * @param port port to listen on; {@code 0} picks a free one (see {@link #port()})
   * @param threads handler threads
   * @param queueCapacity requests that may wait for a handler thread
   * @param maxBodyBytes largest accepted request body
   */
  public record Options(
      String bindAddress, int port, int threads, int queueCapacity, int maxBodyBytes) {

    /** Validates the numbers. */
    public Options {
      Objects.requireNonNull(bindAddress, "bindAddress");
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be 0..65535, got " + port);
      }
      if (threads < 1 || queueCapacity < 1 || maxBodyBytes < 1) {
        throw new IllegalArgumentException(
            "threads, queueCapacity and maxBodyBytes must be positive");
      }
    }

    /**
     * All interfaces on port 9443, two handler threads per core, 1024 queued requests, 3 MiB
     * bodies.
     */
    public static Options defaults() {
      return new Options(
          "0.0.0.0",
          9443,
          2 * Runtime.getRuntime().availableProcessors(),
          1024,
          DEFAULT_MAX_BODY_BYTES);
    }

    /** A copy listening on {@code address:port}. */
    public Options withAddress(String address, int listenPort) {
      return new Options(address, listenPort, threads, queueCapacity, maxBodyBytes);
    }

    /** A copy with another pool size. */
    public Options withThreads(int handlerThreads, int queued) {
      return new Options(bindAddress, port, handlerThreads, queued, maxBodyBytes);
    }

    /** A copy with another body limit. */
    public Options withMaxBodyBytes(int limit) {
      return new Options(bindAddress, port, threads, queueCapacity, limit);
    }
  }

  private sealed interface Route permits AdmissionRoute, ConversionRoute {}

  private record AdmissionRoute(AdmissionHandler handler, boolean failOpen) implements Route {}

  private record ConversionRoute(ConversionHandler handler) implements Route {}

  /** A request that gets a plain-text 4xx answer. */
  private static final class Reject extends Exception {
    final int status;
    final Outcome outcome;

    Reject(int status, Outcome outcome, String reason) {
      super(reason, null, false, false);
      this.status = status;
      this.outcome = outcome;
    }
  }

  private final Options options;
  private final SSLContext sslContext;
  private final SSLParameters sslParameters;
  private final ObjectMapper mapper;
  private final Map<String, Route> routes = new ConcurrentHashMap<>();
  private final Map<String, LongAdder[]> counters = new ConcurrentHashMap<>();
  private final LongAdder rejectedByPool = new LongAdder();
  private final AtomicInteger inFlight = new AtomicInteger();
  private HttpsServer server;
  private ThreadPoolExecutor pool;

  /**
   * @param bindAddress address to listen on
   * @param port port to listen on, {@code 0} for any free port
   * @param sslContext server context, usually {@code ReloadingKeyManager.sslContext()}
   * @param threads handler threads
   */
  public WebhookServer(String bindAddress, int port, SSLContext sslContext, int threads) {
    this(
        Options.defaults().withAddress(bindAddress, port).withThreads(threads, 1024),
        sslContext,
        newObjectMapper());
  }

  /**
   * @param options listener and pool settings
   * @param sslContext server context, usually {@code ReloadingKeyManager.sslContext()}
   */
  public WebhookServer(Options options, SSLContext sslContext) {
    this(options, sslContext, newObjectMapper());
  }

  /**
   * @param options listener and pool settings
   * @param sslContext server context, usually {@code ReloadingKeyManager.sslContext()}
   * @param mapper the JSON mapper, configured like {@link #newObjectMapper()} (e.g. with custom
   *     resource classes registered), shared by all requests
   */
  public WebhookServer(Options options, SSLContext sslContext, ObjectMapper mapper) {
    this.options = Objects.requireNonNull(options, "options");
    this.sslContext = Objects.requireNonNull(sslContext, "sslContext");
    this.mapper = Objects.requireNonNull(mapper, "mapper");
    SSLParameters parameters = sslContext.getDefaultSSLParameters();
    parameters.setProtocols(TLS_PROTOCOLS.toArray(new String[0]));
    parameters.setNeedClientAuth(false);
    this.sslParameters = parameters;
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
   * @param failOpen when the handler throws: {@code true} admits with a warning (for pods, which
   *     must never be blocked by the operator), {@code false} denies with a 500 status
   * @return this server
   */
  public WebhookServer addAdmissionRoute(String path, AdmissionHandler handler, boolean failOpen) {
    register(path, new AdmissionRoute(Objects.requireNonNull(handler, "handler"), failOpen));
    return this;
  }

  /**
   * Serves a CRD conversion webhook at {@code path}.
   *
   * @param path exact request path, e.g. {@code /convert}
   * @param handler converts each request's objects
   * @return this server
   */
  public WebhookServer addConversionRoute(String path, ConversionHandler handler) {
    register(path, new ConversionRoute(Objects.requireNonNull(handler, "handler")));
    return this;
  }

  private void register(String path, Route route) {
    if (path == null || !path.startsWith("/")) {
      throw new IllegalArgumentException("route path must start with '/': " + path);
    }
    if (routes.putIfAbsent(path, route) != null) {
      throw new IllegalArgumentException("a route is already registered at " + path);
    }
    counters.computeIfAbsent(path, p -> newCounters());
  }

  /**
   * Binds and starts serving.
   *
   * @throws IOException when the address cannot be bound
   */
  public synchronized void start() throws IOException {
    if (server != null) {
      throw new IllegalStateException("already started");
    }
    warmUp();
    AtomicInteger threadNumber = new AtomicInteger();
    ThreadPoolExecutor executor =
        new ThreadPoolExecutor(
            options.threads(),
            options.threads(),
            60,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(options.queueCapacity()),
            r -> {
              Thread t = new Thread(r, "webhook-" + threadNumber.incrementAndGet());
              t.setDaemon(true);
              return t;
            },
            (r, e) -> {
              rejectedByPool.increment();
              // The JDK server closes the connection when the executor refuses.
              throw new RejectedExecutionException("webhook request queue is full");
            });
    HttpsServer https =
        HttpsServer.create(new InetSocketAddress(options.bindAddress(), options.port()), 0);
    https.setHttpsConfigurator(
        new HttpsConfigurator(sslContext) {
          @Override
          public void configure(HttpsParameters params) {
            params.setSSLParameters(sslParameters);
          }
        });
    https.setExecutor(executor);
    https.createContext("/", this::handle);
    https.start();
    this.pool = executor;
    this.server = https;
    LOG.info(
        "Webhook server listening on https://{}:{} with routes {}",
        options.bindAddress(),
        port(),
        routes.keySet());
  }

  /**
   * fabric8 indexes its model classes on first use, which takes seconds; doing that before the
   * first pod arrives keeps it within the API server's webhook timeout.
   */
  private void warmUp() {
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

  /** The bound port (useful when started with port 0). */
  public synchronized int port() {
    if (server == null) {
      throw new IllegalStateException("not started");
    }
    return server.getAddress().getPort();
  }

  /**
   * Stops accepting connections, lets running requests finish for up to {@code grace}, then stops.
   *
   * @param grace how long to wait for requests in progress
   */
  public synchronized void stop(Duration grace) {
    if (server == null) {
      return;
    }
    long graceMillis = Math.max(0, grace.toMillis());
    int seconds = (int) Math.min(Integer.MAX_VALUE, (graceMillis + 999) / 1000);
    // JDK 17's HttpServer.stop(delay) returns early only when an exchange ends while it waits; with
    // none in progress it would sit out the whole delay, so an idle server stops at once.
    server.stop(inFlight.get() == 0 ? 0 : seconds);
    pool.shutdown();
    try {
      if (!pool.awaitTermination(graceMillis, TimeUnit.MILLISECONDS)) {
        pool.shutdownNow();
      }
    } catch (InterruptedException e) {
      pool.shutdownNow();
      Thread.currentThread().interrupt();
    }
    server = null;
    pool = null;
    LOG.info("Webhook server stopped");
  }

  /** Stops with a five-second grace period. */
  @Override
  public void close() {
    stop(Duration.ofSeconds(5));
  }

  /**
   * @param path a registered route, or {@code "unmatched"} for requests to unknown paths
   * @param outcome how requests ended
   * @return how many requests to {@code path} ended with {@code outcome}
   */
  public long requestCount(String path, Outcome outcome) {
    LongAdder[] adders = counters.get(path);
    return adders == null ? 0 : adders[outcome.ordinal()].sum();
  }

  /** Every non-zero counter by route, then outcome; unknown paths count as {@code "unmatched"}. */
  public Map<String, Map<Outcome, Long>> requestCounts() {
    Map<String, Map<Outcome, Long>> snapshot = new LinkedHashMap<>();
    counters.forEach(
        (path, adders) -> {
          Map<Outcome, Long> byOutcome = new EnumMap<>(Outcome.class);
          for (Outcome outcome : Outcome.values()) {
            long count = adders[outcome.ordinal()].sum();
            if (count > 0) {
              byOutcome.put(outcome, count);
            }
          }
          snapshot.put(path, byOutcome);
        });
    return snapshot;
  }

  /** Connections closed unanswered because the request queue was full. */
  public long rejectedRequests() {
    return rejectedByPool.sum();
  }

  private static LongAdder[] newCounters() {
    LongAdder[] adders = new LongAdder[Outcome.values().length];
    for (int i = 0; i < adders.length; i++) {
      adders[i] = new LongAdder();
    }
    return adders;
  }

  private void count(String path, Outcome outcome) {
    counters.computeIfAbsent(path, p -> newCounters())[outcome.ordinal()].increment();
  }

  private void handle(HttpExchange exchange) {
    inFlight.incrementAndGet();
    try {
      serve(exchange);
    } finally {
      inFlight.decrementAndGet();
    }
  }

  private void serve(HttpExchange exchange) {
    String path = exchange.getRequestURI().getRawPath();
    Route route = routes.get(path);
    String counterKey = route == null ? UNMATCHED_ROUTE : path;
    try {
      if (route == null) {
        throw new Reject(404, Outcome.NOT_FOUND, "no webhook is served at this path");
      }
      if (!"POST".equals(exchange.getRequestMethod())) {
        exchange.getResponseHeaders().set("Allow", "POST");
        throw new Reject(405, Outcome.METHOD_NOT_ALLOWED, "only POST is supported");
      }
      byte[] body = readBody(exchange);
      if (route instanceof AdmissionRoute admission) {
        serveAdmission(exchange, path, admission, body);
      } else if (route instanceof ConversionRoute conversion) {
        serveConversion(exchange, path, conversion, body);
      }
    } catch (Reject reject) {
      count(counterKey, reject.outcome);
      if (reject.status == 413) {
        // The rest of the body is not read, so the connection cannot carry another request.
        exchange.getResponseHeaders().set("Connection", "close");
      }
      sendQuietly(exchange, reject.status, reject.getMessage());
    } catch (IOException e) {
      LOG.debug("Connection to the webhook client failed on {}", path, e);
    } catch (RuntimeException e) {
      LOG.error("Unexpected failure serving {}", path, e);
      sendQuietly(exchange, 500, "internal error");
    } finally {
      exchange.close();
    }
  }

  private byte[] readBody(HttpExchange exchange) throws IOException, Reject {
    int limit = options.maxBodyBytes();
    String lengthHeader = exchange.getRequestHeaders().getFirst("Content-Length");
    InputStream in = exchange.getRequestBody();
    if (lengthHeader != null) {
      long declared;
      try {
        declared = Long.parseLong(lengthHeader.trim());
      } catch (NumberFormatException e) {
        throw new Reject(400, Outcome.BAD_REQUEST, "Content-Length is not a number");
      }
      if (declared > limit) {
        if (declared <= (long) limit * DRAIN_FACTOR) {
          drain(in, declared);
        }
        throw tooLarge(limit);
      }
      byte[] body = in.readNBytes((int) declared);
      if (body.length < declared) {
        throw new Reject(400, Outcome.BAD_REQUEST, "request body is shorter than Content-Length");
      }
      return body;
    }
    // Chunked: read one byte past the limit to tell "exactly at the limit" from "over it".
    byte[] body = in.readNBytes(limit + 1);
    if (body.length > limit) {
      drain(in, (long) limit * DRAIN_FACTOR);
      throw tooLarge(limit);
    }
    return body;
  }

  /**
   * How far past the limit a body is still read (and thrown away) before answering 413. A server
   * that closes a connection with unread request bytes makes the peer's TCP stack reset it, and the
   * reset discards the 413 before the client reads it: the caller would see "connection reset"
   * instead of the reason. Bodies declared larger than this are refused unread.
   */
  static final int DRAIN_FACTOR = 4;

  private static void drain(InputStream in, long max) throws IOException {
    byte[] sink = new byte[64 * 1024];
    long left = max;
    int n;
    while (left > 0 && (n = in.read(sink, 0, (int) Math.min(sink.length, left))) > 0) {
      left -= n;
    }
  }

  private static Reject tooLarge(int limit) {
    return new Reject(
        413, Outcome.TOO_LARGE, "request body exceeds the limit of " + limit + " bytes");
  }

  private void serveAdmission(HttpExchange exchange, String path, AdmissionRoute route, byte[] body)
      throws IOException, Reject {
    JsonNode object = null;
    AdmissionReview review;
    if (route.handler() instanceof AdmissionHandler.RawObject) {
      // Only the envelope is bound to the model; the object stays the JSON that was sent.
      JsonNode tree = decode(body, JsonNode.class, "AdmissionReview");
      if (!(tree instanceof ObjectNode root)) {
        throw new Reject(
            400, Outcome.BAD_REQUEST, "request body is not a AdmissionReview: not a JSON object");
      }
      if (root.get("request") instanceof ObjectNode request) {
        object = request.remove("object");
        request.remove("oldObject");
      }
      review = bind(root, AdmissionReview.class, "AdmissionReview");
    } else {
      review = decode(body, AdmissionReview.class, "AdmissionReview");
    }
    checkEnvelope(
        "AdmissionReview", ADMISSION_API_VERSION, review.getKind(), review.getApiVersion());
    AdmissionRequest request = review.getRequest();
    if (request == null) {
      throw new Reject(400, Outcome.BAD_REQUEST, "AdmissionReview has no request");
    }
    if (request.getUid() == null || request.getUid().isBlank()) {
      throw new Reject(400, Outcome.BAD_REQUEST, "AdmissionReview request has no uid");
    }
    AdmissionResponse response;
    Outcome outcome;
    try {
      response =
          route.handler() instanceof AdmissionHandler.RawObject raw
              ? raw.handle(
                  request,
                  object,
                  AdmissionDeadline.timeout(exchange.getRequestURI().getRawQuery()))
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
          objectRef(request),
          request.getUid(),
          route.failOpen() ? "admitting unchanged" : "denying",
          e);
      response = route.failOpen() ? failOpen(path, e) : failClosed(e);
      outcome = route.failOpen() ? Outcome.FAILED_OPEN : Outcome.FAILED_CLOSED;
    }
    response.setUid(request.getUid());
    AdmissionReview answer = new AdmissionReview();
    answer.setApiVersion(ADMISSION_API_VERSION);
    answer.setKind("AdmissionReview");
    answer.setResponse(response);
    byte[] json = mapper.writeValueAsBytes(answer);
    count(path, outcome);
    send(exchange, 200, "application/json", json);
  }

  /** {@code namespace/name}; pods created by controllers have only a generateName so far. */
  private static String objectRef(AdmissionRequest request) {
    String name = request.getName();
    if ((name == null || name.isEmpty()) && request.getObject() instanceof HasMetadata object) {
      ObjectMeta meta = object.getMetadata();
      name = meta == null || meta.getGenerateName() == null ? null : meta.getGenerateName() + "*";
    }
    String namespace = request.getNamespace();
    return (namespace == null || namespace.isEmpty() ? "" : namespace + "/")
        + (name == null ? "(unnamed)" : name);
  }

  private static AdmissionResponse failOpen(String path, Throwable e) {
    AdmissionResponse response = new AdmissionResponse();
    response.setAllowed(true);
    String warning = "telescope webhook " + path + " failed, admitted unchanged: " + describe(e);
    response.setWarnings(List.of(truncate(warning, MAX_WARNING_LENGTH)));
    return response;
  }

  private static AdmissionResponse failClosed(Throwable e) {
    AdmissionResponse response = new AdmissionResponse();
    response.setAllowed(false);
    response.setStatus(
        new StatusBuilder()
            .withStatus("Failure")
            .withCode(500)
            .withReason("InternalError")
            .withMessage("telescope webhook internal error: " + describe(e))
            .build());
    return response;
  }

  private void serveConversion(
      HttpExchange exchange, String path, ConversionRoute route, byte[] body)
      throws IOException, Reject {
    ConversionReview review = decode(body, ConversionReview.class, "ConversionReview");
    checkEnvelope(
        "ConversionReview", CONVERSION_API_VERSION, review.getKind(), review.getApiVersion());
    ConversionRequest request = review.getRequest();
    if (request == null) {
      throw new Reject(400, Outcome.BAD_REQUEST, "ConversionReview has no request");
    }
    if (request.getUid() == null || request.getUid().isBlank()) {
      throw new Reject(400, Outcome.BAD_REQUEST, "ConversionReview request has no uid");
    }
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
      Status failure = new StatusBuilder().withStatus("Failure").withMessage(describe(e)).build();
      response = new ConversionResponse(new ArrayList<>(), failure, null);
      outcome = Outcome.CONVERSION_FAILED;
    }
    response.setUid(request.getUid());
    ConversionReview answer = new ConversionReview();
    answer.setApiVersion(CONVERSION_API_VERSION);
    answer.setKind("ConversionReview");
    answer.setResponse(response);
    byte[] json = mapper.writeValueAsBytes(answer);
    count(path, outcome);
    send(exchange, 200, "application/json", json);
  }

  private <T> T decode(byte[] body, Class<T> type, String kind) throws Reject {
    if (body.length == 0) {
      throw new Reject(400, Outcome.BAD_REQUEST, "request body is empty; expected a " + kind);
    }
    try {
      T value = mapper.readValue(body, type);
      if (value == null) {
        throw new Reject(400, Outcome.BAD_REQUEST, "request body is JSON null; expected a " + kind);
      }
      return value;
    } catch (MismatchedInputException e) {
      throw new Reject(
          400, Outcome.BAD_REQUEST, "request body is not a " + kind + ": " + oneLine(e));
    } catch (JsonProcessingException e) {
      StreamConstraintsException limit = limitExceeded(e);
      if (limit != null) {
        throw new Reject(
            400, Outcome.BAD_REQUEST, "request body exceeds JSON limits: " + oneLine(limit));
      }
      throw new Reject(400, Outcome.BAD_REQUEST, "request body is not valid JSON: " + oneLine(e));
    } catch (IOException e) {
      throw new Reject(400, Outcome.BAD_REQUEST, "request body could not be read as JSON");
    } catch (StackOverflowError e) {
      throw new Reject(400, Outcome.BAD_REQUEST, "request body is nested too deeply");
    } catch (IllegalArgumentException | IllegalStateException e) {
      // fabric8's deserializers report some malformed objects this way.
      throw new Reject(400, Outcome.BAD_REQUEST, "request body is not a " + kind);
    }
  }

  private <T> T bind(JsonNode tree, Class<T> type, String kind) throws Reject {
    try {
      return mapper.treeToValue(tree, type);
    } catch (JsonProcessingException e) {
      throw new Reject(
          400, Outcome.BAD_REQUEST, "request body is not a " + kind + ": " + oneLine(e));
    } catch (StackOverflowError e) {
      throw new Reject(400, Outcome.BAD_REQUEST, "request body is nested too deeply");
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new Reject(400, Outcome.BAD_REQUEST, "request body is not a " + kind);
    }
  }

  private static void checkEnvelope(
      String expectedKind, String expectedApiVersion, String kind, String apiVersion)
      throws Reject {
    if (!expectedKind.equals(kind)) {
      throw new Reject(
          400,
          Outcome.BAD_REQUEST,
          "expected kind "
              + expectedKind
              + ", got "
              + (kind == null ? "none" : truncate(kind, 60)));
    }
    if (!expectedApiVersion.equals(apiVersion)) {
      throw new Reject(
          400,
          Outcome.BAD_REQUEST,
          "expected apiVersion "
              + expectedApiVersion
              + ", got "
              + (apiVersion == null ? "none" : truncate(apiVersion, 60)));
    }
  }

  private static StreamConstraintsException limitExceeded(Throwable e) {
    // Deserializers wrap the parser's limit error in a mapping exception.
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof StreamConstraintsException limit) {
        return limit;
      }
    }
    return null;
  }

  private static String oneLine(JsonProcessingException e) {
    String message = e.getOriginalMessage();
    if (message == null) {
      return e.getClass().getSimpleName();
    }
    int newline = message.indexOf('\n');
    return truncate(newline < 0 ? message : message.substring(0, newline), 200);
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    String text = message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    return text.replace('\n', ' ').replace('\r', ' ');
  }

  private static String truncate(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max - 3) + "...";
  }

  private static void send(HttpExchange exchange, int status, String contentType, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  private static void sendQuietly(HttpExchange exchange, int status, String reason) {
    try {
      send(
          exchange,
          status,
          "text/plain; charset=utf-8",
          (reason + "\n").getBytes(StandardCharsets.UTF_8));
    } catch (IOException | RuntimeException e) {
      LOG.debug("Could not send the {} answer", status, e);
    }
  }
}
