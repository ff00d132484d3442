package dev.telescope.health;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plain-HTTP probe and scrape endpoints for kubelet and Prometheus: {@code /healthz} (200 while the
 * process runs), {@code /readyz} (200 only when every readiness check passes, otherwise 503 listing
 * the failing checks in plain words) and, when given a scrape supplier, {@code /metrics}.
 *
 * <p>The same class serves the separate metrics port: create a second instance with only {@link
 * #withMetrics}. Probes stay on plain HTTP so they keep working while certificates are broken; the
 * metrics port may serve HTTPS ({@link #withTls}) and ask scrapers for a bearer token ({@link
 * #withMetricsToken}).
 */
public final class HealthServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(HealthServer.class);
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  static {
    // Without TCP_NODELAY each small answer waits ~40 ms on Nagle and the peer's delayed ACK; the
    // JDK reads this once, when the process's first HttpServer is created (the webhook sets it
    // too).
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  private final String bindAddress;
  private final int port;
  private final Map<String, Supplier<Optional<String>>> checks = new ConcurrentHashMap<>();
  private final List<String> checkOrder = new CopyOnWriteArrayList<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile Supplier<String> metrics;
  private volatile Supplier<Optional<String>> metricsToken;
  private SSLContext tls;
  private HttpServer server;
  private ExecutorService executor;

  /**
   * @param bindAddress address to listen on, e.g. {@code 0.0.0.0}
   * @param port port to listen on ({@code --health-port}, 8081), {@code 0} for any free port
   */
  public HealthServer(String bindAddress, int port) {
    this.bindAddress = Objects.requireNonNull(bindAddress, "bindAddress");
    this.port = port;
  }

  /**
   * Adds a readiness check; {@code /readyz} fails while any check reports a problem. A check that
   * throws counts as failing with the exception's message.
   *
   * @param name short name shown before the problem, e.g. {@code certificate}
   * @param check returns the problem in plain words, or empty when ready
   * @return this server
   */
  public HealthServer addReadinessCheck(String name, Supplier<Optional<String>> check) {
    Objects.requireNonNull(check, "check");
    if (checks.putIfAbsent(Objects.requireNonNull(name, "name"), check) != null) {
      throw new IllegalArgumentException("a readiness check named " + name + " already exists");
    }
    checkOrder.add(name);
    return this;
  }

  /**
   * Serves {@code /metrics} with the text the supplier returns (e.g. a Prometheus registry's {@code
   * scrape()}).
   *
   * @param scrape produces the exposition text on every request
   * @return this server
   */
  public HealthServer withMetrics(Supplier<String> scrape) {
    this.metrics = Objects.requireNonNull(scrape, "scrape");
    return this;
  }

  /**
   * Serves HTTPS with this context instead of plain HTTP; call before {@link #start}. A context
   * whose key manager reloads (the webhook's) serves rotated certificates without a restart.
   *
   * @param context the server's TLS context
   * @return this server
   */
  public synchronized HealthServer withTls(SSLContext context) {
    if (server != null) {
      throw new IllegalStateException("already started");
    }
    this.tls = Objects.requireNonNull(context, "context");
    return this;
  }

  /**
   * Answers {@code /metrics} only to requests with {@code Authorization: Bearer <token>}; the
   * supplier is asked on every request, so a rotated token file takes effect at once. While it has
   * no token every scrape is refused.
   *
   * @param expected the token scrapers must present, empty while there is none
   * @return this server
   */
  public HealthServer withMetricsToken(Supplier<Optional<String>> expected) {
    this.metricsToken = Objects.requireNonNull(expected, "expected");
    return this;
  }

  /**
   * Runs every readiness check now.
   *
   * @return {@code name: problem} for every failing check, in registration order
   */
  public List<String> readinessProblems() {
    List<String> problems = new ArrayList<>();
    for (String name : checkOrder) {
      Optional<String> problem;
      try {
        problem = checks.get(name).get();
      } catch (RuntimeException e) {
        problem = Optional.of("check failed: " + e);
      }
      if (problem != null && problem.isPresent()) {
        problems.add(name + ": " + problem.get().replace('\n', ' '));
      }
    }
    return problems;
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
    AtomicInteger threadNumber = new AtomicInteger();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "health-" + threadNumber.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    InetSocketAddress address = new InetSocketAddress(bindAddress, port);
    HttpServer http;
    if (tls == null) {
      http = HttpServer.create(address, 0);
    } else {
      HttpsServer https = HttpsServer.create(address, 0);
      https.setHttpsConfigurator(new HttpsConfigurator(tls));
      http = https;
    }
    http.setExecutor(pool);
    http.createContext("/", this::handle);
    http.start();
    this.executor = pool;
    this.server = http;
    LOG.info(
        "Health server listening on {}://{}:{}{}",
        tls == null ? "http" : "https",
        bindAddress,
        port(),
        metricsToken == null ? "" : " (/metrics needs a bearer token)");
  }

  /** The bound port (useful when started with port 0). */
  public synchronized int port() {
    if (server == null) {
      throw new IllegalStateException("not started");
    }
    return server.getAddress().getPort();
  }

  /**
   * Stops serving, waiting up to {@code grace} for requests in progress.
   *
   * @param grace how long to wait
   */
  public synchronized void stop(Duration grace) {
    if (server == null) {
      return;
    }
    int seconds = (int) Math.min(Integer.MAX_VALUE, (Math.max(0, grace.toMillis()) + 999) / 1000);
    // JDK 17's stop(delay) sits out the whole delay unless an exchange ends meanwhile.
    server.stop(inFlight.get() == 0 ? 0 : seconds);
    executor.shutdown();
    try {
      if (!executor.awaitTermination(Math.max(0, grace.toMillis()), TimeUnit.MILLISECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
    server = null;
    executor = null;
  }

  /** Stops without waiting for requests in progress. */
  @Override
  public void close() {
    stop(Duration.ZERO);
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
    try {
      String method = exchange.getRequestMethod();
      String path = exchange.getRequestURI().getRawPath();
      if (!"GET".equals(method) && !"HEAD".equals(method)) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        send(exchange, 405, "text/plain; charset=utf-8", "only GET and HEAD are supported\n");
        return;
      }
      switch (path) {
        case "/healthz" -> send(exchange, 200, "text/plain; charset=utf-8", "ok\n");
        case "/readyz" -> {
          List<String> problems = readinessProblems();
          if (problems.isEmpty()) {
            send(exchange, 200, "text/plain; charset=utf-8", "ok\n");
          } else {
            send(
                exchange,
                503,
                "text/plain; charset=utf-8",
                "not ready:\n" + String.join("\n", problems) + "\n");
          }
        }
        case "/metrics" -> {
          Supplier<String> scrape = metrics;
          if (scrape == null) {
            send(exchange, 404, "text/plain; charset=utf-8", "no metrics are served here\n");
          } else if (!authorized(exchange)) {
            exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"metrics\"");
            send(exchange, 401, "text/plain; charset=utf-8", "a valid bearer token is required\n");
          } else {
            send(exchange, 200, PROMETHEUS_TEXT, scrape.get());
          }
        }
        default -> send(exchange, 404, "text/plain; charset=utf-8", "not found\n");
      }
    } catch (IOException e) {
      LOG.debug("Health endpoint client went away", e);
    } catch (RuntimeException e) {
      LOG.error("Health endpoint failed", e);
      try {
        send(exchange, 500, "text/plain; charset=utf-8", "internal error\n");
      } catch (IOException | RuntimeException ignored) {
        // Headers may already be sent; the connection is closed below.
      }
    } finally {
      exchange.close();
    }
  }

  /** Whether the request may read {@code /metrics}: no token is asked, or it carries the one. */
  private boolean authorized(HttpExchange exchange) {
    Supplier<Optional<String>> expected = metricsToken;
    if (expected == null) {
      return true;
    }
    Optional<String> token = expected.get();
    String header = exchange.getRequestHeaders().getFirst("Authorization");
    if (token == null || token.isEmpty() || token.get().isEmpty() || header == null) {
      return false;
    }
    String prefix = "Bearer ";
    if (header.length() <= prefix.length()
        || !header.regionMatches(true, 0, prefix, 0, prefix.length())) {
      return false;
    }
    // Constant time: how much of a guess matched must not show in the answer's timing.
    return MessageDigest.isEqual(
        header.substring(prefix.length()).trim().getBytes(StandardCharsets.UTF_8),
        token.get().getBytes(StandardCharsets.UTF_8));
  }

  private static void send(HttpExchange exchange, int status, String contentType, String text)
      throws IOException {
    byte[] body = text.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    boolean head = "HEAD".equals(exchange.getRequestMethod());
    exchange.sendResponseHeaders(status, head || body.length == 0 ? -1 : body.length);
    if (!head && body.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }
}
