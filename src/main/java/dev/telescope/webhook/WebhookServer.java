package dev.telescope.webhook;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.telescope.webhook.ReviewCodec.Outcome;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
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
 * The HTTPS transport the Kubernetes API server calls for admission and CRD conversion, on the
 * JDK's built-in {@link HttpsServer} so the webhook needs no web framework; what a request means is
 * the {@link ReviewCodec}'s job, this class only moves bytes.
 *
 * <p>It reads bodies up to {@link Options#maxBodyBytes()} (no further), hands the request to the
 * codec and writes its answer. TLS is 1.2 or 1.3 only and takes its certificate from the given
 * {@link SSLContext} on every handshake, so a {@code ReloadingKeyManager} behind it rotates
 * certificates without a restart. Handlers run on a bounded pool; when its queue is full the JDK
 * server closes the connection (the API server then applies the webhook's failurePolicy).
 */
public final class WebhookServer implements AutoCloseable {

  /** The TLS versions offered; anything older is refused during the handshake. */
  public static final List<String> TLS_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

  /** The largest request body accepted by default: 3 MiB, the API server's own request limit. */
  public static final int DEFAULT_MAX_BODY_BYTES = 3 * 1024 * 1024;

  private static final Logger LOG = LoggerFactory.getLogger(WebhookServer.class);

  static {
    // Without TCP_NODELAY every answer waits ~40 ms on Nagle plus the peer's delayed ACK. The JDK
    // reads this property once, when its first HttpServer is created.
    JdkHttpServers.enableNoDelay();
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

  private final Options options;
  private final SSLContext sslContext;
  private final SSLParameters sslParameters;
  private final ReviewCodec codec;
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
    this.codec = new ReviewCodec(mapper, options.maxBodyBytes());
    this.sslParameters = serverParameters(sslContext);
  }

  /**
   * The TLS parameters every webhook transport uses: {@link #TLS_PROTOCOLS}, no client
   * certificates.
   *
   * @param sslContext the server context
   * @return its default parameters restricted to TLS 1.2 and 1.3
   */
  public static SSLParameters serverParameters(SSLContext sslContext) {
    SSLParameters parameters = sslContext.getDefaultSSLParameters();
    parameters.setProtocols(TLS_PROTOCOLS.toArray(new String[0]));
    parameters.setNeedClientAuth(false);
    return parameters;
  }

  /**
   * A Jackson mapper set up by fabric8; see {@link ReviewCodec#newObjectMapper()}.
   *
   * @return a new mapper; create one and reuse it
   */
  public static ObjectMapper newObjectMapper() {
    return ReviewCodec.newObjectMapper();
  }

  /** The codec behind this transport (routes and counters). */
  public ReviewCodec codec() {
    return codec;
  }

  /**
   * Serves an admission webhook at {@code path}; see {@link ReviewCodec#addAdmissionRoute}.
   *
   * @param path exact request path, e.g. {@code /mutate-v1-pod}
   * @param handler decides each request
   * @param failOpen when the handler throws: {@code true} admits with a warning (for pods, which
   *     must never be blocked by the operator), {@code false} denies with a 500 status
   * @return this server
   */
  public WebhookServer addAdmissionRoute(String path, AdmissionHandler handler, boolean failOpen) {
    codec.addAdmissionRoute(path, handler, failOpen);
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
    codec.addConversionRoute(path, handler);
    return this;
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
    codec.warmUp();
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
        codec.paths());
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
    return codec.requestCount(path, outcome);
  }

  /** Every non-zero counter by route, then outcome; unknown paths count as {@code "unmatched"}. */
  public Map<String, Map<Outcome, Long>> requestCounts() {
    return codec.requestCounts();
  }

  /** Connections closed unanswered because the request queue was full. */
  public long rejectedRequests() {
    return rejectedByPool.sum();
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
    URI uri = exchange.getRequestURI();
    String path = uri.getRawPath();
    String method = exchange.getRequestMethod();
    String lengthHeader = exchange.getRequestHeaders().getFirst("Content-Length");
    InputStream in = exchange.getRequestBody();
    try {
      WebhookAnswer answer = codec.precheck(method, path, lengthHeader);
      if (answer == null) {
        answer = readAndAnswer(in, method, uri, lengthHeader);
      } else if (answer.status() == 413) {
        long declared = Long.parseLong(lengthHeader.trim());
        if (declared <= (long) codec.maxBodyBytes() * DRAIN_FACTOR) {
          drain(in, declared);
        }
      }
      send(exchange, answer);
    } catch (IOException e) {
      LOG.debug("Connection to the webhook client failed on {}", path, e);
    } finally {
      exchange.close();
    }
  }

  private WebhookAnswer readAndAnswer(InputStream in, String method, URI uri, String lengthHeader)
      throws IOException {
    String path = uri.getRawPath();
    int limit = codec.maxBodyBytes();
    byte[] body;
    if (lengthHeader != null) {
      int declared = Integer.parseInt(lengthHeader.trim()); // checked by precheck
      body = in.readNBytes(declared);
      if (body.length < declared) {
        return codec.badRequest(path, "request body is shorter than Content-Length");
      }
    } else {
      // Chunked: read one byte past the limit to tell "exactly at the limit" from "over it"; the
      // codec answers 413 to the longer body.
      body = in.readNBytes(limit + 1);
      if (body.length > limit) {
        drain(in, (long) limit * DRAIN_FACTOR);
      }
    }
    return codec.answer(new WebhookRequest(method, path, uri.getRawQuery(), body));
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

  private static void send(HttpExchange exchange, WebhookAnswer answer) {
    try {
      answer.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
      if (answer.closeConnection()) {
        // The rest of the body was not read, so the connection cannot carry another request.
        exchange.getResponseHeaders().set("Connection", "close");
      }
      exchange.getResponseHeaders().set("Content-Type", answer.contentType());
      byte[] body = answer.body();
      exchange.sendResponseHeaders(answer.status(), body.length == 0 ? -1 : body.length);
      if (body.length > 0) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug("Could not send the {} answer", answer.status(), e);
    }
  }
}
