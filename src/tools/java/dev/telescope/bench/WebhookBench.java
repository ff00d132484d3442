package dev.telescope.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.telescope.tls.CertificateMinter;
import dev.telescope.tls.KeyMaterialException;
import dev.telescope.tls.PemKeyMaterial;
import dev.telescope.tls.ReloadingKeyManager;
import dev.telescope.webhook.PodAdmission;
import dev.telescope.webhook.ReviewCodec;
import dev.telescope.webhook.WebhookServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

/**
 * Admission throughput and latency of the pod webhook against two baselines measured in the same
 * run on the same machine: nginx answering a constant over TLS (what the machine can do at all) and
 * a bare JDK {@link HttpsServer} echoing the body (what the JDK server can do without our work).
 *
 * <p>{@code run} drives all three with {@code wrk} over TLS keep-alive, POSTing a real pod
 * AdmissionReview, and prints a Markdown report. Each server runs in its own JVM (nginx in its own
 * processes) with the JVM flags and memory limit deploy/ ships. {@code serve webhook|echo} is the
 * child side. Not a test: run it by hand (bench/webhook.sh), never in {@code mvn verify}.
 */
public final class WebhookBench {
  private static final ObjectMapper JSON = WebhookServer.newObjectMapper();

  /** The target sent the pod that also asks for the Java agent. */
  static final String JAVA = "webhook-java";

  private WebhookBench() {}

  /** Settings of one run. */
  record Settings(
      int seconds,
      int warmupSeconds,
      int latencyConnections,
      int throughputConnections,
      int threads,
      int rounds,
      List<String> targets,
      Path work,
      Path deploy,
      boolean javaDriver,
      int pacedRate) {

    /** The settings, or null when {@code --help} printed the usage. */
    static Settings parse(List<String> args) {
      BenchSupport.Options o =
          new BenchSupport.Options("WebhookBench run")
              .flag("seconds", 15, "length of each measurement")
              .flag("warmup", 20, "warm-up before measuring")
              .flag("latency-connections", 8, "connections of the latency run")
              .flag("throughput-connections", 64, "connections of the throughput run")
              .flag("threads", 2, "load-generator threads")
              .flag("rounds", 1, "rounds (the report keeps medians)")
              .flag("targets", "webhook,webhook-java,echo,nginx", "what to measure, comma-separated")
              .flag("work", "target/bench-webhook", "working directory")
              .flag("deploy", "deploy/base/webhook.yaml", "JVM flags and limits as shipped")
              .flag("java-driver", false, "drive the load from Java instead of wrk")
              .flag("paced-rate", 5000, "requests per second of the paced run");
      if (!o.parse(args)) {
        return null;
      }
      return new Settings(
          o.integer("seconds"),
          o.integer("warmup"),
          o.integer("latency-connections"),
          o.integer("throughput-connections"),
          o.integer("threads"),
          o.integer("rounds"),
          List.of(o.get("targets").split(",")),
          Path.of(o.get("work")),
          Path.of(o.get("deploy")),
          o.bool("java-driver"),
          o.integer("paced-rate"));
    }
  }

  /** One load measurement. */
  record Load(
      String target,
      int connections,
      long requests,
      double seconds,
      long errors,
      double p50Micros,
      double p99Micros,
      double maxMicros,
      double cpuMicrosPerRequest) {
    double throughput() {
      return requests / seconds;
    }

    Load withCpu(double micros) {
      return new Load(
          target, connections, requests, seconds, errors, p50Micros, p99Micros, maxMicros, micros);
    }
  }

  public static void main(String[] args) throws Exception {
    List<String> list = Arrays.asList(args);
    if (list.isEmpty() || list.get(0).equals("--help")) {
      System.out.println(
          "usage: WebhookBench run [flags] (WebhookBench run --help lists them)\n"
              + "       WebhookBench serve webhook|echo <cert-dir>");
      return;
    }
    switch (list.get(0)) {
      case "run" -> {
        Settings s = Settings.parse(list.subList(1, list.size()));
        if (s != null) {
          System.exit(run(s, System.out));
        }
      }
      case "serve" -> serve(list.get(1), Path.of(list.get(2)));
      default -> throw new IllegalArgumentException("unknown command " + list.get(0));
    }
  }

  // ---------------------------------------------------------------- child side

  /**
   * Serves until stdin closes, then prints the injection counters: {@code PORT n} first, {@code
   * STATS ...} last.
   */
  static void serve(String what, Path certDir) throws Exception {
    SSLContext ssl = serverContext(certDir);
    AutoCloseable stop;
    int port;
    PodAdmission pods = null;
    if (what.equals("webhook") || what.equals(JAVA)) {
      // One server for both: the webhook-java target differs only in the pod it is sent.
      pods = WebhookFixtures.podAdmission();
      WebhookServer server = WebhookFixtures.webhookServer(ssl, pods, 0);
      server.start();
      port = server.port();
      stop = () -> server.stop(Duration.ZERO);
    } else if (what.startsWith("netty")) {
      // The transport candidate: "netty" with BoringSSL (netty-tcnative), "netty-jdk" with the
      // JDK's TLS engine; the codec runs on a pool as large as the JDK server's.
      pods = WebhookFixtures.podAdmission();
      ReloadingKeyManager keys =
          new ReloadingKeyManager(
              PemKeyMaterial.load(certDir.resolve("tls.crt"), certDir.resolve("tls.key")));
      ReviewCodec codec =
          WebhookFixtures.routes(
              new ReviewCodec(ReviewCodec.newObjectMapper(), WebhookServer.DEFAULT_MAX_BODY_BYTES),
              pods);
      codec.warmUp();
      int threads = dev.telescope.settings.OperatorConfig.defaults().webhookThreads();
      NettyWebhookTransport netty =
          new NettyWebhookTransport(
              codec,
              keys,
              Runtime.getRuntime().availableProcessors(),
              Integer.getInteger("bench.netty.handlers", threads),
              what.equals("netty"));
      port = netty.start("127.0.0.1", 0);
      stop = netty;
    } else if (what.equals("echo")) {
      HttpsServer echo = echoServer(ssl, 0);
      port = echo.getAddress().getPort();
      stop = () -> echo.stop(0);
    } else {
      throw new IllegalArgumentException("serve webhook|echo, not " + what);
    }
    System.out.println("PORT " + port);
    System.out.flush();
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      while (in.readLine() != null) {
        // wait for EOF
      }
    }
    if (pods != null) {
      System.out.println(
          "STATS injected="
              + pods.injected()
              + " failed="
              + pods.failed()
              + " skipped="
              + pods.skipped()
              + " ignored="
              + pods.ignored());
    } else {
      System.out.println("STATS");
    }
    System.out.flush();
    stop.close();
    System.exit(0);
  }

  /** The targets that run the real webhook (on either transport). */
  static boolean isWebhook(String name) {
    return name.equals("webhook") || name.startsWith("netty");
  }

  static SSLContext serverContext(Path certDir) throws KeyMaterialException {
    PemKeyMaterial material =
        PemKeyMaterial.load(certDir.resolve("tls.crt"), certDir.resolve("tls.key"));
    return new ReloadingKeyManager(material).sslContext();
  }

  /**
   * The baseline: the JDK server with the webhook's TLS settings, pool shape and
   * TCP_NODELAY, reading the body and sending it back.
   */
  static HttpsServer echoServer(SSLContext ssl, int port) throws IOException {
    System.setProperty("sun.net.httpserver.nodelay", "true");
    SSLParameters parameters = ssl.getDefaultSSLParameters();
    parameters.setProtocols(WebhookServer.TLS_PROTOCOLS.toArray(new String[0]));
    parameters.setNeedClientAuth(false);
    int threads = dev.telescope.settings.OperatorConfig.defaults().webhookThreads();
    AtomicInteger n = new AtomicInteger();
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            threads,
            threads,
            60,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(1024),
            r -> {
              Thread t = new Thread(r, "echo-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    HttpsServer https = HttpsServer.create(new InetSocketAddress("127.0.0.1", port), 0);
    https.setHttpsConfigurator(
        new HttpsConfigurator(ssl) {
          @Override
          public void configure(HttpsParameters params) {
            params.setSSLParameters(parameters);
          }
        });
    https.setExecutor(pool);
    https.createContext(
        "/",
        exchange -> {
          try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
              try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
              }
            }
          }
        });
    https.start();
    return https;
  }

  // ---------------------------------------------------------------- driver side

  static int run(Settings s, PrintStream out) throws Exception {
    Files.createDirectories(s.work());
    Path certDir = s.work().resolve("certs");
    CertificateMinter.Minted ca = writeCertificates(certDir);
    SSLContext client = clientContext(ca);
    byte[] body = WebhookFixtures.admissionReview(JSON);
    Path bodyFile = s.work().resolve("admission-review.json");
    Files.write(bodyFile, body);
    byte[] javaBody = WebhookFixtures.admissionReview(JSON, WebhookFixtures.javaPod());
    Path javaBodyFile = s.work().resolve("admission-review-java.json");
    Files.write(javaBodyFile, javaBody);
    BenchSupport.Shipped shipped = BenchSupport.shipped(s.deploy());
    String machine = BenchSupport.machine();
    List<String> problems = new ArrayList<>();
    Map<String, List<Load>> results = new LinkedHashMap<>();
    Map<String, List<Load>> paced = new LinkedHashMap<>();
    Map<String, String> stats = new LinkedHashMap<>();
    Map<String, Integer> responseBytes = new LinkedHashMap<>();
    Map<String, Long> rssKib = new LinkedHashMap<>();
    List<Target> targets = new ArrayList<>();
    try {
      byte[] webhookAnswer = null;
      for (String name : s.targets()) {
        Target t =
            switch (name) {
              case "webhook", JAVA, "echo", "netty", "netty-jdk" ->
                  JvmTarget.start(name, certDir, shipped);
              case "nginx" -> {
                if (webhookAnswer == null) {
                  webhookAnswer = sanity(client, "webhook-probe", -1, body, null);
                }
                yield NginxTarget.start(s.work().resolve("nginx"), certDir, webhookAnswer);
              }
              default -> throw new IllegalArgumentException("unknown target " + name);
            };
        targets.add(t);
        byte[] answer =
            sanity(client, name, t.port(), name.equals(JAVA) ? javaBody : body, problems);
        responseBytes.put(
            name,
            name.equals("nginx")
                ? NginxTarget.nginxConstant(new String(answer, StandardCharsets.UTF_8)).length()
                : answer.length);
        if (name.equals("webhook")) {
          webhookAnswer = answer;
        }
      }
      for (int round = 1; round <= s.rounds(); round++) {
        for (Target t : targets) {
          boolean java = t.name().equals(JAVA);
          Path tBodyFile = java ? javaBodyFile : bodyFile;
          byte[] tBody = java ? javaBody : body;
          if (round == 1 && s.warmupSeconds() > 0) {
            System.err.printf("warming up %s for %d s%n", t.name(), s.warmupSeconds());
            load(s, t, s.throughputConnections(), s.warmupSeconds(), tBodyFile, client, tBody);
          }
          for (int c : List.of(s.latencyConnections(), s.throughputConnections())) {
            Load l = load(s, t, c, s.seconds(), tBodyFile, client, tBody);
            System.err.printf(
                Locale.ROOT,
                "round %d %s c=%d: %.0f req/s p50 %s p99 %s errors %d, server CPU %.0f µs/req,"
                    + " load %s%n",
                round,
                t.name(),
                c,
                l.throughput(),
                BenchSupport.ms(l.p50Micros()),
                BenchSupport.ms(l.p99Micros()),
                l.errors(),
                l.cpuMicrosPerRequest(),
                BenchSupport.loadAverage());
            if (l.errors() > 0) {
              problems.add(t.name() + " c=" + c + ": " + l.errors() + " errors");
            }
            results.computeIfAbsent(t.name(), k -> new ArrayList<>()).add(l);
            if (!t.name().equals("nginx")) {
              rssKib.merge(t.name(), BenchSupport.rssKib(t.pid()), Math::max);
            }
          }
          if (s.pacedRate() > 0 && !s.javaDriver()) {
            // The same offered load for every server: latency at a rate all of them sustain,
            // rather than at saturation, where it only restates throughput (Little's law).
            Load l = paced(s, t, tBodyFile);
            System.err.printf(
                Locale.ROOT,
                "round %d %s c=%d paced %d/s: %.0f req/s p50 %s p99 %s errors %d%n",
                round,
                t.name(),
                l.connections(),
                s.pacedRate(),
                l.throughput(),
                BenchSupport.ms(l.p50Micros()),
                BenchSupport.ms(l.p99Micros()),
                l.errors());
            if (l.errors() > 0) {
              problems.add(t.name() + " paced: " + l.errors() + " errors");
            }
            paced.computeIfAbsent(t.name(), k -> new ArrayList<>()).add(l);
          }
        }
      }
    } finally {
      for (Target t : targets) {
        stats.put(t.name(), t.stop());
      }
    }
    for (String webhook : List.of("webhook", JAVA)) {
      injectionProblem(webhook, results, stats).ifPresent(problems::add);
    }
    out.print(
        report(s, shipped, machine, results, paced, stats, responseBytes, body.length, problems));
    out.print(transports(s, results, rssKib));
    return problems.isEmpty() ? 0 : 1;
  }

  /** A webhook target that did not inject every measured pod, or failed some. */
  private static java.util.Optional<String> injectionProblem(
      String webhook, Map<String, List<Load>> results, Map<String, String> stats) {
    long webhookRequests =
        results.getOrDefault(webhook, List.of()).stream().mapToLong(Load::requests).sum();
    String webhookStats = stats.get(webhook);
    if (webhookStats != null) {
      long injected = statValue(webhookStats, "injected");
      long failed = statValue(webhookStats, "failed");
      if (injected < webhookRequests || failed > 0) {
        return java.util.Optional.of(
            webhook
                + " injected "
                + injected
                + " pods (failed "
                + failed
                + ") for "
                + webhookRequests
                + " measured requests");
      }
    }
    return java.util.Optional.empty();
  }

  /**
   * Every webhook transport against nginx of the same run (the two ratios), with the
   * largest RSS the server process reached right after a run at the throughput connection count.
   */
  static String transports(
      Settings s, Map<String, List<Load>> results, Map<String, Long> rssKib) {
    List<Load> nginx = results.get("nginx");
    if (nginx == null) {
      return "";
    }
    Load nLat = median(nginx, s.latencyConnections());
    Load nTput = median(nginx, s.throughputConnections());
    StringBuilder b = new StringBuilder();
    b.append("\nTransports against nginx (same run; medians of the rounds):\n\n")
        .append("| server | req/s at ")
        .append(s.throughputConnections())
        .append(" | × nginx (goal ≥ 0.5) | p99 at ")
        .append(s.latencyConnections())
        .append(" | × nginx (goal ≤ 1.5) | max RSS under load |\n|---|---:|---:|---:|---:|---:|\n");
    results.forEach(
        (name, loads) -> {
          Load lat = median(loads, s.latencyConnections());
          Load tput = median(loads, s.throughputConnections());
          b.append(
              String.format(
                  Locale.ROOT,
                  "| %s | %.0f | %.2f× | %s | %.2f× | %s |%n",
                  name,
                  tput.throughput(),
                  tput.throughput() / nTput.throughput(),
                  BenchSupport.ms(lat.p99Micros()),
                  lat.p99Micros() / nLat.p99Micros(),
                  rssKib.containsKey(name)
                      ? String.format(Locale.ROOT, "%.1f MiB", rssKib.get(name) / 1024.0)
                      : "n/a"));
        });
    return b.toString();
  }

  private static long statValue(String stats, String key) {
    for (String part : stats.split("\\s+")) {
      if (part.startsWith(key + "=")) {
        return Long.parseLong(part.substring(key.length() + 1));
      }
    }
    return -1;
  }

  /** A server under test. */
  interface Target {
    String name();

    int port();

    /** The server's process (nginx: its master, whose workers are descendants). */
    long pid();

    /** Stops it and returns what it reported. */
    String stop();
  }

  /** The webhook or the echo server in a JVM started as deploy/ ships it. */
  record JvmTarget(String name, int port, BenchSupport.Child child) implements Target {
    @Override
    public long pid() {
      return child.pid();
    }

    static JvmTarget start(String name, Path certDir, BenchSupport.Shipped shipped) {
      List<String> command = new ArrayList<>();
      command.add(BenchSupport.javaBinary());
      command.add(shipped.maxRamFlag());
      command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
      command.add("-cp");
      command.add(BenchSupport.classPath());
      command.add(WebhookBench.class.getName());
      command.add("serve");
      command.add(name);
      command.add(certDir.toString());
      ProcessBuilder pb = new ProcessBuilder(command);
      pb.environment().putAll(shipped.env());
      BenchSupport.Child child = new BenchSupport.Child(name, pb, false);
      int port = Integer.parseInt(child.awaitLine("PORT ", Duration.ofSeconds(60)));
      return new JvmTarget(name, port, child);
    }

    @Override
    public String stop() {
      try {
        child.process.getOutputStream().close();
        return child.awaitLine("STATS", Duration.ofSeconds(20));
      } catch (IOException | RuntimeException e) {
        return "STATS unavailable: " + e.getMessage();
      } finally {
        child.close();
      }
    }
  }

  /** nginx from the distribution, tuned as one would for a fast TLS endpoint. */
  record NginxTarget(String name, int port, BenchSupport.Child child) implements Target {
    @Override
    public long pid() {
      return child.pid();
    }

    static NginxTarget start(Path dir, Path certDir, byte[] answer) throws IOException {
      Path nginx =
          BenchSupport.onPath("nginx")
              .orElseThrow(
                  () -> new IllegalStateException("nginx is not installed (bench/webhook.sh)"));
      Files.createDirectories(dir.resolve("logs"));
      int port = BenchSupport.freePort();
      String constant = nginxConstant(new String(answer, StandardCharsets.UTF_8));
      if (constant.contains("'") || constant.contains("\\") || constant.contains("$")) {
        throw new IllegalStateException("the webhook answer cannot be an nginx string literal");
      }
      String conf =
          """
          daemon off;
          master_process on;
          worker_processes auto;
          pid %1$s/nginx.pid;
          error_log %1$s/logs/error.log warn;
          events {
            worker_connections 4096;
          }
          http {
            access_log off;
            sendfile on;
            tcp_nodelay on;
            keepalive_timeout 75s;
            keepalive_requests 10000000;
            client_body_temp_path %1$s/body;
            proxy_temp_path %1$s/proxy;
            fastcgi_temp_path %1$s/fastcgi;
            uwsgi_temp_path %1$s/uwsgi;
            scgi_temp_path %1$s/scgi;
            ssl_protocols TLSv1.2 TLSv1.3;
            ssl_session_cache shared:SSL:10m;
            ssl_session_timeout 10m;
            ssl_prefer_server_ciphers off;
            server {
              listen 127.0.0.1:%2$d ssl;
              ssl_certificate %3$s/tls.crt;
              ssl_certificate_key %3$s/tls.key;
              location / {
                default_type application/json;
                return 200 '%4$s';
              }
            }
          }
          """
              .formatted(
                  dir.toAbsolutePath(), port, certDir.toAbsolutePath(), constant.replace("\n", ""));
      Path confFile = dir.resolve("nginx.conf");
      Files.writeString(confFile, conf);
      BenchSupport.Child child =
          new BenchSupport.Child(
              "nginx",
              new ProcessBuilder(
                  nginx.toString(),
                  "-p",
                  dir.toAbsolutePath().toString(),
                  "-c",
                  confFile.toAbsolutePath().toString()),
              true);
      if (!BenchSupport.poll(Duration.ofSeconds(10), Duration.ofMillis(50), () -> portOpen(port))) {
        child.close();
        throw new IllegalStateException("nginx did not start: " + child.tail());
      }
      return new NginxTarget("nginx", port, child);
    }

    @Override
    public String stop() {
      child.close();
      return "";
    }

    /**
     * nginx reads one config token into a 4 KiB buffer, so a longer answer gets its base64 patch
     * shortened (still valid JSON of the same shape, a few hundred bytes smaller).
     */
    static String nginxConstant(String answer) {
      int max = 4000;
      if (answer.length() <= max) {
        return answer;
      }
      int at = answer.indexOf("\"patch\":\"");
      if (at < 0) {
        throw new IllegalStateException("the answer is too long for nginx and has no patch");
      }
      int from = at + "\"patch\":\"".length();
      int to = answer.indexOf('"', from);
      int keep = (to - from) - (answer.length() - max);
      keep -= keep % 4;
      return answer.substring(0, from + Math.max(0, keep)) + answer.substring(to);
    }
  }

  private static boolean portOpen(int port) {
    try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Sends the review once and checks the answer: for the webhook, an allowed AdmissionReview with a
   * JSONPatch that adds {@code otc-container}. Returns the answer body.
   */
  static byte[] sanity(SSLContext client, String name, int port, byte[] body, List<String> problems)
      throws IOException, InterruptedException {
    if (port < 0) {
      // nginx needs the webhook's answer but the webhook is not among the targets: make one.
      return answerWithoutServer(body);
    }
    HttpClient http = HttpClient.newBuilder().sslContext(client).build();
    HttpResponse<byte[]> response =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("https://127.0.0.1:" + port + WebhookFixtures.POD_PATH))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() != 200) {
      throw new IllegalStateException(name + " answered HTTP " + response.statusCode());
    }
    if (isWebhook(name) || name.equals(JAVA)) {
      String problem =
          name.equals(JAVA) ? javaPatchProblem(response.body()) : patchProblem(response.body());
      if (problem != null) {
        throw new IllegalStateException("the webhook's answer is not an injection: " + problem);
      }
      System.err.println(
          "webhook sanity check: allowed, JSONPatch adds otc-container ("
              + response.body().length
              + " bytes)");
    }
    return response.body();
  }

  /** Why an AdmissionReview answer is not an otc-container injection, or null when it is. */
  static String patchProblem(byte[] answer) throws IOException {
    JsonNode review = JSON.readTree(answer);
    JsonNode response = review.path("response");
    if (!response.path("allowed").asBoolean(false)) {
      return "not allowed: " + review;
    }
    if (!"JSONPatch".equals(response.path("patchType").asText())) {
      return "no JSONPatch: " + review;
    }
    String patch =
        new String(
            Base64.getDecoder().decode(response.path("patch").asText()), StandardCharsets.UTF_8);
    if (!patch.contains("\"otc-container\"") || !patch.contains("OTEL_CONFIG")) {
      return "the patch does not add otc-container with OTEL_CONFIG: " + patch;
    }
    return null;
  }

  /**
   * Why an answer for the Java pod is not the sidecar plus the Java agent in one patch, or null
   * when it is.
   */
  static String javaPatchProblem(byte[] answer) throws IOException {
    String problem = patchProblem(answer);
    if (problem != null) {
      return problem;
    }
    String patch =
        new String(
            Base64.getDecoder().decode(JSON.readTree(answer).at("/response/patch").asText()),
            StandardCharsets.UTF_8);
    if (!patch.contains("\"opentelemetry-auto-instrumentation-java\"")
        || !patch.contains("JAVA_TOOL_OPTIONS")) {
      return "the patch does not add the Java agent: " + patch;
    }
    return null;
  }

  private static byte[] answerWithoutServer(byte[] body) throws IOException {
    var review =
        JSON.readValue(body, io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview.class);
    var response = WebhookFixtures.podAdmission().handle(review.getRequest());
    var answer = new io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview();
    answer.setApiVersion("admission.k8s.io/v1");
    answer.setKind("AdmissionReview");
    answer.setResponse(response);
    return JSON.writeValueAsBytes(answer);
  }

  private static Load load(
      Settings s,
      Target t,
      int connections,
      int seconds,
      Path bodyFile,
      SSLContext client,
      byte[] body)
      throws IOException, InterruptedException {
    long cpuBefore = BenchSupport.cpuMicros(t.pid());
    Load l;
    if (s.javaDriver()) {
      l = javaLoad(t.name(), t.port(), connections, Duration.ofSeconds(seconds), client, body);
    } else {
      if (BenchSupport.onPath("wrk").isEmpty()) {
        throw new IllegalStateException("wrk is not installed (bench/webhook.sh installs it)");
      }
      l = wrk(s, t, connections, seconds, bodyFile);
    }
    long cpu = BenchSupport.cpuMicros(t.pid()) - cpuBefore;
    return l.withCpu(l.requests() == 0 ? 0 : (double) cpu / l.requests());
  }

  /** One wrk run; the Lua script prints exact figures in microseconds on a RESULT line. */
  static Load wrk(Settings s, Target t, int connections, int seconds, Path bodyFile)
      throws IOException {
    return wrk(s, t, connections, seconds, bodyFile, 0);
  }

  /**
   * {@code --paced-rate} requests per second over the throughput connections: each connection waits
   * {@code connections / rate} between an answer and its next request (wrk's {@code delay} hook;
   * the wait is not counted as latency).
   */
  static Load paced(Settings s, Target t, Path bodyFile) throws IOException {
    int connections = s.throughputConnections();
    long cpuBefore = BenchSupport.cpuMicros(t.pid());
    Load l =
        wrk(
            s,
            t,
            connections,
            s.seconds(),
            bodyFile,
            Math.max(1, Math.round(connections * 1000.0 / s.pacedRate())));
    long cpu = BenchSupport.cpuMicros(t.pid()) - cpuBefore;
    return l.withCpu(l.requests() == 0 ? 0 : (double) cpu / l.requests());
  }

  private static Load wrk(
      Settings s, Target t, int connections, int seconds, Path bodyFile, long delayMillis)
      throws IOException {
    Path script = s.work().resolve(delayMillis > 0 ? "post-paced.lua" : "post.lua");
    Files.writeString(
        script,
        """
        local f = assert(io.open("%s", "rb"))
        wrk.method = "POST"
        wrk.body = f:read("*all")
        f:close()
        wrk.headers["Content-Type"] = "application/json"
        %s
        function done(summary, latency, requests)
          local e = summary.errors
          io.write(string.format(
            "RESULT requests=%%d duration_us=%%d errors=%%d p50_us=%%d p99_us=%%d max_us=%%d\\n",
            summary.requests, summary.duration,
            e.connect + e.read + e.write + e.status + e.timeout,
            math.floor(latency:percentile(50)), math.floor(latency:percentile(99)),
            math.floor(latency.max)))
        end
        """
            .formatted(
                bodyFile.toAbsolutePath(),
                delayMillis > 0 ? "function delay() return " + delayMillis + " end" : ""));
    String output =
        BenchSupport.run(
            Duration.ofSeconds(seconds + 60),
            "wrk",
            "-t" + Math.min(s.threads(), connections),
            "-c" + connections,
            "-d" + seconds + "s",
            "--timeout",
            "10s",
            "--latency",
            "-s",
            script.toString(),
            "https://127.0.0.1:" + t.port() + WebhookFixtures.POD_PATH);
    for (String line : output.split("\n")) {
      if (line.startsWith("RESULT ")) {
        Map<String, Long> v = new LinkedHashMap<>();
        for (String part : line.substring(7).trim().split("\\s+")) {
          String[] kv = part.split("=");
          v.put(kv[0], Long.parseLong(kv[1]));
        }
        return new Load(
            t.name(),
            connections,
            v.get("requests"),
            v.get("duration_us") / 1e6,
            v.get("errors"),
            v.get("p50_us"),
            v.get("p99_us"),
            v.get("max_us"),
            0);
      }
    }
    throw new IllegalStateException("wrk printed no RESULT line:\n" + output);
  }

  /**
   * A load generator in Java for machines without wrk (and the smoke test): {@code connections}
   * threads, each with its own keep-alive connection, posting back to back.
   */
  static Load javaLoad(
      String name, int port, int connections, Duration duration, SSLContext client, byte[] body)
      throws InterruptedException {
    URI uri = URI.create("https://127.0.0.1:" + port + WebhookFixtures.POD_PATH);
    long end = System.nanoTime() + duration.toNanos();
    AtomicLong errors = new AtomicLong();
    long[][] latencies = new long[connections][];
    List<Thread> threads = new ArrayList<>();
    long start = System.nanoTime();
    for (int i = 0; i < connections; i++) {
      int index = i;
      HttpClient http =
          HttpClient.newBuilder()
              .sslContext(client)
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(Duration.ofSeconds(5))
              .build();
      HttpRequest request =
          HttpRequest.newBuilder(uri)
              .header("Content-Type", "application/json")
              .timeout(Duration.ofSeconds(10))
              .POST(HttpRequest.BodyPublishers.ofByteArray(body))
              .build();
      Thread th =
          new Thread(
              () -> {
                long[] lat = new long[1024];
                int count = 0;
                while (System.nanoTime() < end) {
                  long t0 = System.nanoTime();
                  try {
                    HttpResponse<byte[]> r =
                        http.send(request, HttpResponse.BodyHandlers.ofByteArray());
                    if (r.statusCode() != 200) {
                      errors.incrementAndGet();
                    }
                  } catch (IOException e) {
                    errors.incrementAndGet();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                  }
                  if (count == lat.length) {
                    lat = Arrays.copyOf(lat, lat.length * 2);
                  }
                  lat[count++] = (System.nanoTime() - t0) / 1000;
                }
                latencies[index] = Arrays.copyOf(lat, count);
              },
              "load-" + i);
      threads.add(th);
      th.start();
    }
    for (Thread th : threads) {
      th.join();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    long[] all =
        Arrays.stream(latencies)
            .flatMapToLong(l -> Arrays.stream(l == null ? new long[0] : l))
            .sorted()
            .toArray();
    return new Load(
        name,
        connections,
        all.length,
        seconds,
        errors.get(),
        percentile(all, 50),
        percentile(all, 99),
        all.length == 0 ? 0 : all[all.length - 1],
        0);
  }

  private static double percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  static CertificateMinter.Minted writeCertificates(Path dir) throws IOException {
    CertificateMinter minter = new CertificateMinter(CertificateMinter.KeyAlgorithm.EC_P256);
    CertificateMinter.Minted ca =
        minter.mintCa("telescope-bench-ca", Instant.now(), Duration.ofDays(1));
    CertificateMinter.Minted serving =
        minter.mintServing(
            ca, List.of("localhost"), List.of("127.0.0.1"), Instant.now(), Duration.ofDays(1));
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("tls.crt"), serving.certificatePem());
    Files.writeString(dir.resolve("tls.key"), serving.privateKeyPem());
    return ca;
  }

  static SSLContext clientContext(CertificateMinter.Minted ca) {
    try {
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      trust.setCertificateEntry("ca", ca.certificate());
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---------------------------------------------------------------- report

  private static Load median(List<Load> loads, int connections) {
    List<Load> at = loads.stream().filter(l -> l.connections() == connections).toList();
    if (at.isEmpty()) {
      return null;
    }
    double[] tput = at.stream().mapToDouble(Load::throughput).sorted().toArray();
    double[] p50 = at.stream().mapToDouble(Load::p50Micros).sorted().toArray();
    double[] p99 = at.stream().mapToDouble(Load::p99Micros).sorted().toArray();
    double[] max = at.stream().mapToDouble(Load::maxMicros).sorted().toArray();
    double[] cpu = at.stream().mapToDouble(Load::cpuMicrosPerRequest).sorted().toArray();
    long requests = at.stream().mapToLong(Load::requests).sum();
    long errors = at.stream().mapToLong(Load::errors).sum();
    int mid = at.size() / 2;
    // Median per figure; "seconds" set so that throughput() gives the median rate.
    return new Load(
        at.get(0).target(),
        connections,
        requests,
        requests / tput[mid],
        errors,
        p50[mid],
        p99[mid],
        max[max.length - 1],
        cpu[mid]);
  }

  static String report(
      Settings s,
      BenchSupport.Shipped shipped,
      String machine,
      Map<String, List<Load>> results,
      Map<String, List<Load>> paced,
      Map<String, String> stats,
      Map<String, Integer> responseBytes,
      int requestBytes,
      List<String> problems) {
    StringBuilder b = new StringBuilder();
    b.append("## Webhook benchmark results\n\n");
    b.append("- Machine: ").append(machine).append('\n');
    b.append(
        String.format(
            Locale.ROOT,
            "- Load: %s, %d threads, TLS keep-alive, POST of a %d-byte pod AdmissionReview;"
                + " %d s per measurement, %d s warm-up, %d round(s) (median shown)%n",
            s.javaDriver() ? "Java driver" : "wrk",
            s.threads(),
            requestBytes,
            s.seconds(),
            s.warmupSeconds(),
            s.rounds()));
    b.append("- JVM flags (webhook, echo): JAVA_TOOL_OPTIONS=`")
        .append(shipped.javaToolOptions())
        .append("` plus `")
        .append(shipped.maxRamFlag())
        .append("` for the ")
        .append(shipped.memoryLimit())
        .append(" memory limit (from ")
        .append(shipped.source())
        .append(")\n");
    responseBytes.forEach(
        (k, v) -> b.append("- ").append(k).append(" answer: ").append(v).append(" bytes\n"));
    stats.forEach(
        (k, v) -> {
          if (!v.isBlank() && !v.equals("STATS")) {
            b.append("- ").append(k).append(" counters: ").append(v).append('\n');
          }
        });
    b.append('\n');
    b.append(
        "| server | conns | throughput (req/s) | p50 | p99 | max | errors |"
            + " server CPU per request |\n");
    b.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
    Map<String, Load[]> medians = new LinkedHashMap<>();
    for (Map.Entry<String, List<Load>> e : results.entrySet()) {
      Load lat = median(e.getValue(), s.latencyConnections());
      Load tput = median(e.getValue(), s.throughputConnections());
      medians.put(e.getKey(), new Load[] {lat, tput});
      for (Load l : new Load[] {lat, tput}) {
        if (l == null) {
          continue;
        }
        b.append(
            String.format(
                Locale.ROOT,
                "| %s | %d | %.0f | %s | %s | %s | %d | %.0f µs |%n",
                l.target(),
                l.connections(),
                l.throughput(),
                BenchSupport.ms(l.p50Micros()),
                BenchSupport.ms(l.p99Micros()),
                BenchSupport.ms(l.maxMicros()),
                l.errors(),
                l.cpuMicrosPerRequest()));
      }
    }
    Map<String, Load> pacedMedians = new LinkedHashMap<>();
    if (!paced.isEmpty()) {
      b.append(
          String.format(
              Locale.ROOT,
              "%nSame offered load for every server: %d connections paced to %d requests/s in"
                  + " all:%n%n",
              s.throughputConnections(),
              s.pacedRate()));
      b.append("| server | conns | achieved (req/s) | p50 | p99 | max | errors |\n");
      b.append("|---|---:|---:|---:|---:|---:|---:|\n");
      paced.forEach(
          (name, loads) -> {
            Load l = median(loads, s.throughputConnections());
            pacedMedians.put(name, l);
            b.append(
                String.format(
                    Locale.ROOT,
                    "| %s | %d | %.0f | %s | %s | %s | %d |%n",
                    name,
                    l.connections(),
                    l.throughput(),
                    BenchSupport.ms(l.p50Micros()),
                    BenchSupport.ms(l.p99Micros()),
                    BenchSupport.ms(l.maxMicros()),
                    l.errors()));
          });
    }
    Load[] w = medians.get("webhook");
    Load[] n = medians.get("nginx");
    Load[] e = medians.get("echo");
    b.append("\n| target | measured | goal | result |\n|---|---:|---:|---|\n");
    if (w != null && n != null) {
      double r = w[0].p99Micros() / n[0].p99Micros();
      b.append(
          BenchSupport.targetRow(
              "DEVELOPERS: p99 at " + s.latencyConnections() + " conns vs nginx",
              String.format(
                  Locale.ROOT,
                  "%.2f× (%s vs %s)",
                  r,
                  BenchSupport.ms(w[0].p99Micros()),
                  BenchSupport.ms(n[0].p99Micros())),
              "≤ 2×",
              r <= 2.0));
      double t = w[1].throughput() / n[1].throughput();
      b.append(
          BenchSupport.targetRow(
              "DEVELOPERS: throughput at " + s.throughputConnections() + " conns vs nginx",
              String.format(
                  Locale.ROOT,
                  "%.2f× (%.0f vs %.0f req/s)",
                  t,
                  w[1].throughput(),
                  n[1].throughput()),
              "≥ 0.4×",
              t >= 0.4));
    }
    Load pw = pacedMedians.get("webhook");
    Load pe = pacedMedians.get("echo");
    if (pw != null && pe != null) {
      double r = pw.p99Micros() / pe.p99Micros();
      b.append(
          BenchSupport.targetRow(
              "issue: p99 at "
                  + s.throughputConnections()
                  + " conns vs JDK echo, same load ("
                  + s.pacedRate()
                  + "/s)",
              String.format(
                  Locale.ROOT,
                  "%.2f× (%s vs %s)",
                  r,
                  BenchSupport.ms(pw.p99Micros()),
                  BenchSupport.ms(pe.p99Micros())),
              "≤ 1.25×",
              r <= 1.25));
    }
    if (w != null && e != null) {
      double r = w[1].p99Micros() / e[1].p99Micros();
      b.append(
          BenchSupport.targetRow(
              "p99 at " + s.throughputConnections() + " conns vs JDK echo, both saturated",
              String.format(
                  Locale.ROOT,
                  "%.2f× (%s vs %s)",
                  r,
                  BenchSupport.ms(w[1].p99Micros()),
                  BenchSupport.ms(e[1].p99Micros())),
              "(capacity, not latency)",
              null));
    }
    if (w != null) {
      b.append(
          BenchSupport.targetRow(
              "issue: saturated admissions/s (" + s.throughputConnections() + " conns)",
              String.format(Locale.ROOT, "%.0f", w[1].throughput()),
              "≥ 5000",
              w[1].throughput() >= 5000));
    }
    Load[] j = medians.get(JAVA);
    if (w != null && j != null) {
      double r = j[1].throughput() / w[1].throughput();
      b.append(
          BenchSupport.targetRow(
              "issue: Java-instrumented + sidecar throughput vs sidecar only ("
                  + s.throughputConnections()
                  + " conns)",
              String.format(
                  Locale.ROOT,
                  "%.2f× (%.0f vs %.0f req/s)",
                  r,
                  j[1].throughput(),
                  w[1].throughput()),
              "≥ 0.8×",
              r >= 0.8));
    }
    if (!problems.isEmpty()) {
      b.append("\nProblems: ").append(String.join("; ", problems)).append('\n');
    }
    return b.toString();
  }
}
