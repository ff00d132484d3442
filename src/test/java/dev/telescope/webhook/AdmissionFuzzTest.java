package dev.telescope.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telescope.settings.OperatorConfig;
import dev.telescope.tls.ReloadingKeyManager;
import dev.telescope.tls.TestPki;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Mutated admission and conversion reviews, from a fixed seed, sent over TLS to a webhook server
 * wired with the real routes (pod injection, collector defaulting, validation, conversion). Every
 * answer must be a one-line 4xx or a well-formed review (the pod route always allowing), never a
 * 5xx or a hang; the server must keep serving, without leaking threads or memory.
 *
 * <p>{@code -Dtelescope.long=true} sends ten times as many bodies.
 */
class AdmissionFuzzTest {
  private static final long SEED = 20261126L;
  private static final int BODIES = Boolean.getBoolean("telescope.long") ? 20_000 : 2_000;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final String POD = "/mutate-v1-pod";

  private static final TestPki PKI = new TestPki();
  private static WebhookServer server;
  private static HttpClient client;

  /** A route and a valid body for it. */
  record Fixture(String path, String body) {}

  private static List<Fixture> fixtures;

  @BeforeAll
  static void start() throws Exception {
    OperatorConfig cfg = OperatorConfig.defaults();
    CollectorLookup lookup =
        CollectorLookup.of(
            List.of(
                SidecarFixtures.collector(SidecarFixtures.NS, "sidecar", "sidecar"),
                SidecarFixtures.collector("other", "theirs", "sidecar")),
            List.of(
                SidecarFixtures.namespace(SidecarFixtures.NS, null),
                SidecarFixtures.namespace("other", null)),
            List.of());
    PodAdmission pods = new PodAdmission(new SidecarInjector(cfg), lookup, SidecarEvents.NONE);
    CollectorAdmission collectors = new CollectorAdmission(cfg);
    server =
        new WebhookServer(
            WebhookServer.Options.defaults().withAddress("127.0.0.1", 0).withThreads(4, 64),
            new ReloadingKeyManager(PKI.servingMaterial()).sslContext());
    server
        .addAdmissionRoute(POD, pods, true)
        .addAdmissionRoute(CollectorAdmission.MUTATE_PATH, collectors::mutate, false)
        .addAdmissionRoute(CollectorAdmission.VALIDATE_PATH, collectors::validate, false)
        .addConversionRoute(CollectorAdmission.CONVERT_PATH, collectors::convert);
    server.start();
    SSLContext tls = PKI.clientContext();
    client =
        HttpClient.newBuilder()
            .sslContext(tls)
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    fixtures =
        List.of(
            new Fixture(POD, podReview("sidecar.opentelemetry.io/inject", "true")),
            new Fixture(POD, podReview("sidecar.opentelemetry.io/inject", "other/theirs")),
            new Fixture(CollectorAdmission.MUTATE_PATH, collectorReview("CREATE")),
            new Fixture(CollectorAdmission.VALIDATE_PATH, collectorReview("CREATE")),
            new Fixture(CollectorAdmission.VALIDATE_PATH, collectorReview("UPDATE")),
            new Fixture(CollectorAdmission.CONVERT_PATH, conversionReview()));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.stop(Duration.ZERO);
    }
  }

  static String podReview(String annotation, String value) {
    return """
        {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview",
         "request":{"uid":"pod-uid-1","kind":{"group":"","version":"v1","kind":"Pod"},
          "resource":{"group":"","version":"v1","resource":"pods"},
          "namespace":"apps","operation":"CREATE","dryRun":false,
          "userInfo":{"username":"system:serviceaccount:kube-system:replicaset-controller"},
          "object":{"apiVersion":"v1","kind":"Pod",
            "metadata":{"generateName":"app-7d4b9-","namespace":"apps",
              "labels":{"app":"shop"},"annotations":{"%s":"%s"},
              "ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"app-7d4b9",
                "uid":"6b1c","controller":true}]},
            "spec":{"containers":[{"name":"app","image":"nginx:1.27",
              "ports":[{"containerPort":8080}],"env":[{"name":"A","value":"1"}],
              "resources":{"limits":{"cpu":"500m","memory":"128Mi"}}}],
              "volumes":[{"name":"data","emptyDir":{}}]}}}}
        """
        .formatted(annotation, value);
  }

  static String collectorReview(String operation) {
    String object =
        """
        {"apiVersion":"opentelemetry.io/v1beta1","kind":"OpenTelemetryCollector",
         "metadata":{"name":"otel","namespace":"apps","uid":"c-1","generation":1},
         "spec":{"mode":"deployment","replicas":2,
          "ports":[{"name":"extra","port":9999}],
          "autoscaler":{"minReplicas":1,"maxReplicas":3},
          "config":{"receivers":{"otlp":{"protocols":{"grpc":{"endpoint":"0.0.0.0:4317"},"http":{}}}},
           "processors":{"batch":{},"k8sattributes":{"extract":{"metadata":["k8s.pod.name"]}}},
           "exporters":{"debug":{}},
           "service":{"pipelines":{"traces":{"receivers":["otlp"],
             "processors":["batch","k8sattributes"],"exporters":["debug"]}}}}}}
        """;
    return """
        {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview",
         "request":{"uid":"cr-uid-1",
          "kind":{"group":"opentelemetry.io","version":"v1beta1","kind":"OpenTelemetryCollector"},
          "resource":{"group":"opentelemetry.io","version":"v1beta1","resource":"opentelemetrycollectors"},
          "namespace":"apps","name":"otel","operation":"%s","object":%s%s}}
        """
        .formatted(operation, object, operation.equals("UPDATE") ? ",\"oldObject\":" + object : "");
  }

  static String conversionReview() {
    return """
        {"apiVersion":"apiextensions.k8s.io/v1","kind":"ConversionReview",
         "request":{"uid":"conv-uid-1","desiredAPIVersion":"opentelemetry.io/v1beta1",
          "objects":[{"apiVersion":"opentelemetry.io/v1alpha1","kind":"OpenTelemetryCollector",
            "metadata":{"name":"old","namespace":"apps"},
            "spec":{"mode":"sidecar","minReplicas":1,
              "config":"receivers:\\n  otlp:\\n    protocols:\\n      grpc: {}\\nexporters:\\n  debug: {}\\nservice:\\n  pipelines:\\n    traces:\\n      receivers: [otlp]\\n      exporters: [debug]\\n"}}]}}
        """;
  }

  @Test
  void validFixturesAreAnsweredAsExpected() throws Exception {
    for (Fixture f : fixtures) {
      HttpResponse<String> r = post(f.path(), f.body());
      assertThat(r.statusCode()).as(f.path()).isEqualTo(200);
      JsonNode answer = JSON.readTree(r.body()).path("response");
      if (f.path().equals(CollectorAdmission.CONVERT_PATH)) {
        assertThat(answer.path("result").path("status").asText()).isEqualTo("Success");
      } else {
        assertThat(answer.path("allowed").asBoolean()).as(f.path() + " " + r.body()).isTrue();
      }
    }
    JsonNode injected = JSON.readTree(post(POD, fixtures.get(0).body()).body()).path("response");
    assertThat(injected.path("patch").asText()).isNotEmpty();
  }

  @Test
  void mutatedReviewsGetAClearAnswerAndTheServerKeepsServing() throws Exception {
    Random random = new Random(SEED);
    post(POD, fixtures.get(0).body());
    long threadsBefore = liveThreads();
    long heapBefore = usedHeapAfterGc();

    Map<String, Integer> outcomes = new TreeMap<>();
    List<String> failures = new ArrayList<>();
    for (int i = 0; i < BODIES; i++) {
      Fixture f = fixtures.get(random.nextInt(fixtures.size()));
      Mutation m = Mutation.pick(random);
      String body;
      try {
        body = m.apply(f.body(), random);
      } catch (RuntimeException e) {
        body = f.body().substring(0, random.nextInt(f.body().length()));
      }
      HttpResponse<String> r;
      try {
        r = post(f.path(), body);
      } catch (Exception e) {
        failures.add("#" + i + " " + m + " on " + f.path() + ": no answer (" + e + ")");
        continue;
      }
      String verdict = judge(f.path(), r);
      outcomes.merge(m + " -> " + outcomeKey(r), 1, Integer::sum);
      if (verdict != null) {
        failures.add(
            "#"
                + i
                + " "
                + m
                + " on "
                + f.path()
                + ": "
                + verdict
                + " | body starts "
                + abbreviate(body, 160)
                + " | answer "
                + abbreviate(r.body(), 300));
      }
    }
    assertThat(failures).as("bad answers; outcomes " + outcomes).isEmpty();
    // Both kinds of answers must have been exercised.
    assertThat(outcomes.keySet()).anyMatch(k -> k.endsWith("-> 4xx"));
    assertThat(outcomes.keySet()).anyMatch(k -> k.endsWith("-> review"));

    // Still serving, the same as before.
    validFixturesAreAnsweredAsExpected();
    dev.telescope.reconciler.MockCluster.await(
        "no leaked threads", Duration.ofSeconds(10), () -> liveThreads() <= threadsBefore + 2);
    long grown = usedHeapAfterGc() - heapBefore;
    assertThat(grown).as("heap growth in bytes").isLessThan(64L * 1024 * 1024);
  }

  @Test
  void extremeBodiesAreRefusedQuickly() throws Exception {
    String pod = fixtures.get(0).body();
    Map<String, String> cases = new LinkedHashMap<>();
    cases.put("100k nested arrays at the top", "[".repeat(100_000) + "]".repeat(100_000));
    cases.put(
        "100k nested objects in the pod",
        pod.replace(
            "\"spec\":{",
            "\"spec\":{\"x\":" + "{\"a\":".repeat(100_000) + "1" + "}".repeat(100_000) + ","));
    cases.put(
        "4 MiB body",
        pod.replace("\"A\",\"value\":\"1\"", "\"A\",\"value\":\"" + "x".repeat(4 << 20) + "\""));
    cases.put(
        "2.9 MiB string value",
        pod.replace("\"A\",\"value\":\"1\"", "\"A\",\"value\":\"" + "x".repeat(2900 << 10) + "\""));
    cases.put("missing uid", pod.replace("\"uid\":\"pod-uid-1\",", ""));
    cases.put("uid of the wrong type", pod.replace("\"uid\":\"pod-uid-1\"", "\"uid\":{\"a\":1}"));
    cases.put(
        "request is a list",
        "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":[]}");
    cases.put("object is a string", pod.replace("\"object\":{", "\"object\":\"pod\",\"x\":{"));
    cases.put("NUL bytes", pod.replace("nginx", "ng\u0000inx"));
    cases.put(
        "invalid UTF-8",
        new String(new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}'}, StandardCharsets.ISO_8859_1));
    for (Map.Entry<String, String> c : cases.entrySet()) {
      for (String path :
          List.of(POD, CollectorAdmission.VALIDATE_PATH, CollectorAdmission.CONVERT_PATH)) {
        long start = System.nanoTime();
        HttpResponse<String> r;
        try {
          r = post(path, c.getValue());
        } catch (java.io.IOException e) {
          throw new AssertionError(c.getKey() + " on " + path + ": no answer", e);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        String verdict = judge(path, r);
        assertThat(verdict)
            .as(c.getKey() + " on " + path + ": " + abbreviate(r.body(), 300))
            .isNull();
        assertThat(took).as(c.getKey() + " on " + path).isLessThan(Duration.ofSeconds(10));
      }
    }
    validFixturesAreAnsweredAsExpected();
  }

  @Test
  void collectorsWithWrongTypesAreDeniedWithThePathNotAnInternalError() throws Exception {
    String review = collectorReview("CREATE");
    Map<String, String> cases = new LinkedHashMap<>();
    cases.put(
        "\"maxReplicas\":3",
        "spec.autoscaler.maxReplicas: expected a whole number, got the string 'three'");
    cases.put("\"mode\":\"deployment\"", "spec.mode: expected one of daemonset, deployment,");
    cases.put(
        "\"exporters\":[\"debug\"]",
        "spec.config.service.pipelines.traces.exporters: expected a list, got true");
    cases.put("\"ports\":[{", "spec.ports[0]: expected a map, got the number 7");
    Map<String, String> replacements =
        Map.of(
            "\"maxReplicas\":3", "\"maxReplicas\":\"three\"",
            "\"mode\":\"deployment\"", "\"mode\":\"cluster\"",
            "\"exporters\":[\"debug\"]", "\"exporters\":true",
            "\"ports\":[{", "\"ports\":[7,{");
    for (Map.Entry<String, String> c : cases.entrySet()) {
      for (String path :
          List.of(CollectorAdmission.MUTATE_PATH, CollectorAdmission.VALIDATE_PATH)) {
        String body = review.replace(c.getKey(), replacements.get(c.getKey()));
        JsonNode answer = JSON.readTree(post(path, body).body()).path("response");
        assertThat(answer.path("allowed").asBoolean()).isFalse();
        assertThat(answer.path("status").path("code").asInt()).isEqualTo(400);
        assertThat(answer.path("status").path("message").asText())
            .startsWith("the object is not a valid OpenTelemetryCollector: ")
            .contains(c.getValue())
            .doesNotContain("dev.telescope")
            .doesNotContain("Source:");
      }
    }
    // Fields the model does not know are ignored, as upstream's decoder ignores them.
    String unknown = review.replace("\"replicas\":2,", "\"replicas\":2,\"futureField\":{\"a\":1},");
    JsonNode answer = JSON.readTree(post(CollectorAdmission.VALIDATE_PATH, unknown).body());
    assertThat(answer.path("response").path("allowed").asBoolean()).isTrue();
  }

  /** Why an answer is unacceptable, or null when it is fine. */
  static String judge(String path, HttpResponse<String> r) {
    int status = r.statusCode();
    String body = r.body() == null ? "" : r.body();
    if (status >= 500) {
      return "HTTP " + status;
    }
    if (status >= 400) {
      String type = r.headers().firstValue("content-type").orElse("");
      if (!type.startsWith("text/plain")) {
        return "4xx with content type " + type;
      }
      if (body.strip().isEmpty() || body.strip().contains("\n") || body.length() > 400) {
        return "4xx reason is not one short line";
      }
      if (body.contains("Exception") || body.contains("\tat ")) {
        return "4xx reason leaks a stack trace";
      }
      return null;
    }
    if (status != 200) {
      return "HTTP " + status;
    }
    JsonNode review;
    try {
      review = JSON.readTree(body);
    } catch (Exception e) {
      return "200 with a body that is not JSON";
    }
    boolean conversion = path.equals(CollectorAdmission.CONVERT_PATH);
    String kind = conversion ? "ConversionReview" : "AdmissionReview";
    if (!kind.equals(review.path("kind").asText())) {
      return "200 with kind " + review.path("kind").asText();
    }
    JsonNode response = review.path("response");
    if (response.path("uid").asText().isEmpty()) {
      return "200 without response.uid";
    }
    if (conversion) {
      String result = response.path("result").path("status").asText();
      if (!result.equals("Success") && !result.equals("Failure")) {
        return "conversion result " + result;
      }
      if (result.equals("Failure") && response.path("result").path("message").asText().isEmpty()) {
        return "conversion failure without a message";
      }
      return null;
    }
    if (!response.path("allowed").isBoolean()) {
      return "200 without response.allowed";
    }
    if (path.equals(POD) && !response.path("allowed").asBoolean()) {
      return "the pod route denied";
    }
    if (!response.path("allowed").asBoolean()) {
      int code = response.path("status").path("code").asInt();
      String message = response.path("status").path("message").asText();
      if (code >= 500) {
        return "denied with status code " + code + " (" + message + ")";
      }
      if (message.isEmpty()) {
        return "denied without a message";
      }
    }
    if (response.has("patch")) {
      try {
        JsonNode patch =
            JSON.readTree(java.util.Base64.getDecoder().decode(response.path("patch").asText()));
        if (!patch.isArray()) {
          return "patch is not a JSON Patch array";
        }
      } catch (Exception e) {
        return "patch does not decode";
      }
    }
    return null;
  }

  private static String outcomeKey(HttpResponse<String> r) {
    return r.statusCode() >= 400 ? "4xx" : r.statusCode() == 200 ? "review" : "" + r.statusCode();
  }

  /** One way to damage a valid review. */
  enum Mutation {
    TRUNCATE((s, r) -> s.substring(0, r.nextInt(Math.max(1, s.length())))),
    FLIP_BYTES(
        (s, r) -> {
          byte[] b = s.getBytes(StandardCharsets.UTF_8);
          int n = 1 + r.nextInt(6);
          for (int i = 0; i < n; i++) {
            b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
          }
          return new String(b, StandardCharsets.ISO_8859_1);
        }),
    DROP_FIELD(tree((t, r) -> dropRandom(t, r))),
    WRONG_TYPE(tree((t, r) -> retypeRandom(t, r))),
    WRONG_ENVELOPE(
        tree(
            (t, r) -> {
              ObjectNode o = (ObjectNode) t;
              switch (r.nextInt(5)) {
                case 0 -> o.put("kind", "ConversionReview");
                case 1 -> o.put("apiVersion", "admission.k8s.io/v1beta1");
                case 2 -> o.put("kind", "Pod");
                case 3 -> o.remove("request");
                default -> o.set("request", NODES.textNode("request"));
              }
              return o;
            })),
    NO_UID(
        tree(
            (t, r) -> {
              JsonNode req = t.path("request");
              if (req instanceof ObjectNode o) {
                if (r.nextBoolean()) {
                  o.remove("uid");
                } else {
                  o.put("uid", r.nextBoolean() ? "" : "   ");
                }
              }
              return t;
            })),
    DEEP_NESTING(
        (s, r) -> {
          JsonNode t = read(s);
          randomObject(t, r).put("__deep__", 0);
          int depth = 50 + r.nextInt(2_000);
          String nested = "[".repeat(depth) + "]".repeat(depth);
          return write(t).replace("\"__deep__\":0", "\"__deep__\":" + nested);
        }),
    BIG_VALUE(
        tree(
            (t, r) -> {
              ObjectNode target = randomObject(t, r);
              target.put("big", "y".repeat(1 + r.nextInt(256 * 1024)));
              return t;
            })),
    ODD_STRINGS(
        tree(
            (t, r) -> {
              ObjectNode target = randomObject(t, r);
              Iterator<String> names = target.fieldNames();
              List<String> keys = new ArrayList<>();
              names.forEachRemaining(keys::add);
              String odd =
                  switch (r.nextInt(5)) {
                    case 0 -> "\u0000\u0001\u001f";
                    case 1 -> "名前🦄\u202e";
                    case 2 -> "\ud800";
                    case 3 -> "../../etc/passwd";
                    default -> "a".repeat(300);
                  };
              if (keys.isEmpty()) {
                target.put(odd, odd);
              } else {
                target.put(keys.get(r.nextInt(keys.size())), odd);
              }
              return t;
            })),
    DUPLICATE_KEYS(
        (s, r) -> {
          int at = s.indexOf("\"uid\"");
          return at < 0 ? s : s.substring(0, at) + "\"uid\":\"first\"," + s.substring(at);
        }),
    COMBINED(
        (s, r) -> {
          String out = s;
          for (int i = 0; i < 2 + r.nextInt(2); i++) {
            Mutation m = values()[r.nextInt(values().length - 1)];
            try {
              out = m.apply(out, r);
            } catch (RuntimeException e) {
              // an earlier mutation made the text unparsable; keep what we have
            }
          }
          return out;
        });

    private final java.util.function.BiFunction<String, Random, String> f;

    Mutation(java.util.function.BiFunction<String, Random, String> f) {
      this.f = f;
    }

    String apply(String body, Random r) {
      return f.apply(body, r);
    }

    static Mutation pick(Random r) {
      return values()[r.nextInt(values().length)];
    }
  }

  private static java.util.function.BiFunction<String, Random, String> tree(
      java.util.function.BiFunction<JsonNode, Random, JsonNode> edit) {
    return (s, r) -> write(edit.apply(read(s), r));
  }

  private static JsonNode read(String s) {
    try {
      return JSON.readTree(s);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static String write(JsonNode t) {
    try {
      return JSON.writeValueAsString(t);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static List<JsonNode> containers(JsonNode t) {
    List<JsonNode> out = new ArrayList<>();
    collect(t, out);
    return out;
  }

  private static void collect(JsonNode n, List<JsonNode> out) {
    if (n.isContainerNode()) {
      out.add(n);
      n.forEach(c -> collect(c, out));
    }
  }

  private static ObjectNode randomObject(JsonNode t, Random r) {
    List<JsonNode> objects = containers(t).stream().filter(JsonNode::isObject).toList();
    return (ObjectNode) objects.get(r.nextInt(objects.size()));
  }

  private static JsonNode dropRandom(JsonNode t, Random r) {
    List<JsonNode> all = containers(t);
    JsonNode c = all.get(r.nextInt(all.size()));
    if (c instanceof ObjectNode o && o.size() > 0) {
      List<String> keys = new ArrayList<>();
      o.fieldNames().forEachRemaining(keys::add);
      o.remove(keys.get(r.nextInt(keys.size())));
    } else if (c instanceof ArrayNode a && a.size() > 0) {
      a.remove(r.nextInt(a.size()));
    }
    return t;
  }

  private static JsonNode retypeRandom(JsonNode t, Random r) {
    List<JsonNode> all = containers(t);
    JsonNode c = all.get(r.nextInt(all.size()));
    UnaryOperator<JsonNode> wrong =
        v ->
            switch (r.nextInt(7)) {
              case 0 -> NODES.textNode("x");
              case 1 -> NODES.numberNode(-1);
              case 2 -> NODES.numberNode(1e308);
              case 3 -> NODES.booleanNode(true);
              case 4 -> NODES.nullNode();
              case 5 -> NODES.arrayNode().add(1);
              default -> NODES.objectNode().put("a", 1);
            };
    if (c instanceof ObjectNode o && o.size() > 0) {
      List<String> keys = new ArrayList<>();
      o.fieldNames().forEachRemaining(keys::add);
      String k = keys.get(r.nextInt(keys.size()));
      o.set(k, wrong.apply(o.get(k)));
    } else if (c instanceof ArrayNode a && a.size() > 0) {
      int i = r.nextInt(a.size());
      a.set(i, wrong.apply(a.get(i)));
    }
    return t;
  }

  private static HttpResponse<String> post(String path, String body) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.port() + path))
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(15))
            .POST(BodyPublishers.ofByteArray(bytes(body)))
            .build(),
        BodyHandlers.ofString());
  }

  /** Bytes as sent: strings built from raw bytes (ISO-8859-1) stay byte-exact. */
  private static byte[] bytes(String body) {
    boolean raw = body.chars().allMatch(c -> c < 256);
    return raw ? body.getBytes(StandardCharsets.ISO_8859_1) : body.getBytes(StandardCharsets.UTF_8);
  }

  private static String abbreviate(String s, int max) {
    if (s == null) {
      return "null";
    }
    String one = s.replace('\n', ' ');
    return one.length() <= max ? one : one.substring(0, max) + "...";
  }

  private static long liveThreads() {
    return ManagementFactory.getThreadMXBean().getThreadCount();
  }

  private static long usedHeapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
