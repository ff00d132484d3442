package dev.telescope.bench;

import com.sun.net.httpserver.HttpServer;
import dev.telescope.api.CrdFile;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.crud.Attribute;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.crud.AttributeType;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * fabric8's CRUD mock API server in a JVM of its own, with the OpenTelemetryCollector CRD installed
 * and every write counted, so a benchmark can run the operator as a separate process and see
 * exactly what it writes.
 *
 * <p>Prints {@code API_PORT n} and {@code STATS_PORT m}; {@code GET http://127.0.0.1:m/writes}
 * answers one line per {@code <client> <METHOD> <resource>} with its count, where the client is
 * {@code driver} for requests whose User-Agent contains {@value #DRIVER_AGENT} and {@code operator}
 * for everything else. Runs until stdin closes. Objects are stored as a real API server would
 * return them ({@link RealServerShapes}) unless the second argument is {@code --as-sent}.
 */
public final class MockApiServer implements AutoCloseable {
  /** The User-Agent a benchmark driver sets so its own writes are told apart. */
  public static final String DRIVER_AGENT = "telescope-bench-driver";

  private final KubernetesMockServer server;
  private final HttpServer stats;
  private final CountingDispatcher dispatcher;
  private final Thread drainer;

  /**
   * Counts writes (anything but GET) by client, method and resource, then stores them.
   *
   * <p>The mock keeps every object in one insertion-ordered map and finds the one a create or
   * update names by scanning all of them, on its single event-loop thread: with tens of thousands
   * of objects that scan, not the operator, would set the pace. An API server looks objects up by
   * key, so this store is indexed by name for that lookup.
   */
  static final class CountingDispatcher extends KubernetesCrudDispatcher {
    final Map<String, LongAdder> writes = new ConcurrentHashMap<>();
    private final NameIndexedMap store = new NameIndexedMap();
    final RealServerShapes shapes;

    CountingDispatcher(RealServerShapes shapes) {
      this.shapes = shapes;
      try {
        java.lang.reflect.Field field =
            io.fabric8.mockwebserver.crud.CrudDispatcher.class.getDeclaredField("map");
        field.setAccessible(true);
        field.set(this, store);
      } catch (ReflectiveOperationException | RuntimeException e) {
        throw new IllegalStateException("cannot index the mock API server's store", e);
      }
    }

    @Override
    public Map.Entry<AttributeSet, String> findResource(AttributeSet query) {
      String name = NameIndexedMap.name(query);
      if (name == null) {
        return super.findResource(query);
      }
      for (AttributeSet key : store.named(name)) {
        if (key.matches(query)) {
          String value = store.get(key);
          if (value != null) {
            return Map.entry(key, value);
          }
        }
      }
      return null;
    }

    @Override
    public MockResponse handleCreate(RecordedRequest request) {
      return super.handleCreate(realSized(request));
    }

    @Override
    public MockResponse handleUpdate(RecordedRequest request) {
      return super.handleUpdate(realSized(request));
    }

    /** The request with the body a real server would store: defaults and managed fields added. */
    private RecordedRequest realSized(RecordedRequest request) {
      // Reading the body consumes it: the request is always rebuilt.
      String stored = shapes.enrich(request.getUtf8Body());
      return new RecordedRequest(
          request.getHttpVersion(),
          request.method(),
          request.getPath(),
          request.getHeaders(),
          new io.fabric8.mockwebserver.http.Buffer(
              stored == null ? new byte[0] : stored.getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
      String method = request.getMethod();
      if (!"GET".equals(method)) {
        String agent = request.getHeader("User-Agent");
        String client = agent != null && agent.contains(DRIVER_AGENT) ? "driver" : "operator";
        writes
            .computeIfAbsent(
                client + " " + method + " " + resource(request.getPath()), k -> new LongAdder())
            .increment();
      }
      MockResponse discovery = discovery(request);
      return discovery != null ? discovery : super.dispatch(request);
    }

    /**
     * The CRUD mock answers {@code /version} and discovery paths such as {@code
     * /apis/route.openshift.io} with every object it stores, which with tens of thousands of
     * objects is a response of tens of megabytes no real API server would send. Answer them as a
     * plain Kubernetes cluster does: a version, and 404 for API groups it does not serve.
     */
    static MockResponse discovery(RecordedRequest request) {
      if (!"GET".equals(request.getMethod())) {
        return null;
      }
      String path = request.getPath();
      int q = path.indexOf('?');
      if (q >= 0) {
        path = path.substring(0, q);
      }
      if (path.equals("/version")) {
        return new MockResponse()
            .setResponseCode(200)
            .setHeader("Content-Type", "application/json")
            .setBody(
                "{\"major\":\"1\",\"minor\":\"31\",\"gitVersion\":\"v1.31.0\","
                    + "\"platform\":\"linux/amd64\"}");
      }
      String[] parts = path.replaceAll("^/+|/+$", "").split("/");
      boolean groupOrVersion = parts.length >= 2 && parts.length <= 3 && parts[0].equals("apis");
      if (groupOrVersion && !SERVED_GROUPS.contains(parts[1])) {
        return new MockResponse()
            .setResponseCode(404)
            .setHeader("Content-Type", "application/json")
            .setBody(
                "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\","
                    + "\"reason\":\"NotFound\",\"code\":404}");
      }
      return null;
    }

    /** Groups a plain cluster with our CRD serves; discovery of any other one is a 404. */
    static final Set<String> SERVED_GROUPS =
        Set.of(
            "apps",
            "policy",
            "autoscaling",
            "networking.k8s.io",
            "rbac.authorization.k8s.io",
            "apiextensions.k8s.io",
            "authorization.k8s.io",
            "coordination.k8s.io",
            "events.k8s.io",
            "admissionregistration.k8s.io");
  }

  /** The mock's store, with its keys also indexed by object name. */
  static final class NameIndexedMap extends LinkedHashMap<AttributeSet, String> {
    private final Map<String, Set<AttributeSet>> byName = new HashMap<>();

    static String name(AttributeSet attributes) {
      Attribute a = attributes.getAttribute("name");
      if (a == null || a.getValues().size() != 1 || a.getType() != AttributeType.WITH) {
        return null;
      }
      return a.getValues().get(0).toString();
    }

    Set<AttributeSet> named(String name) {
      return byName.getOrDefault(name, Set.of());
    }

    @Override
    public String put(AttributeSet key, String value) {
      String name = name(key);
      if (name != null) {
        byName.computeIfAbsent(name, n -> new LinkedHashSet<>()).add(key);
      }
      return super.put(key, value);
    }

    @Override
    public String remove(Object key) {
      if (key instanceof AttributeSet attributes) {
        String name = name(attributes);
        Set<AttributeSet> keys = name == null ? null : byName.get(name);
        if (keys != null) {
          keys.remove(attributes);
          if (keys.isEmpty()) {
            byName.remove(name);
          }
        }
      }
      return super.remove(key);
    }

    @Override
    public void clear() {
      byName.clear();
      super.clear();
    }

    @Override
    public void putAll(Map<? extends AttributeSet, ? extends String> m) {
      m.forEach(this::put);
    }
  }

  /** {@code deployments}, {@code opentelemetrycollectors/status}, ... from a request path. */
  static String resource(String path) {
    String p = path;
    int q = p.indexOf('?');
    if (q >= 0) {
      p = p.substring(0, q);
    }
    String[] s = p.replaceAll("^/+", "").split("/");
    int i;
    if (s.length > 0 && s[0].equals("api")) {
      i = 2; // api/v1
    } else if (s.length > 0 && s[0].equals("apis")) {
      i = 3; // apis/group/version
    } else {
      return p;
    }
    if (i + 2 < s.length && s[i].equals("namespaces")) {
      i += 2; // namespaces/<name>/<resource>
    }
    if (i >= s.length) {
      return p;
    }
    String resource = s[i];
    if (i + 2 < s.length) {
      resource += "/" + s[i + 2];
    }
    return resource;
  }

  /** Starts on loopback, with the CRD installed, answering with real-sized objects. */
  public MockApiServer(int port) throws IOException {
    this(port, true);
  }

  /**
   * Starts on loopback, with the CRD installed.
   *
   * @param realSized whether stored objects get what a real API server adds (defaults, status,
   *     managed fields: see {@link RealServerShapes}); false stores them exactly as sent
   */
  public MockApiServer(int port, boolean realSized) throws IOException {
    dispatcher = new CountingDispatcher(RealServerShapes.load(realSized));
    server =
        new KubernetesMockServer(
            new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
    server.init(InetAddress.getLoopbackAddress(), port);
    try (KubernetesClient client = server.createClient()) {
      client
          .resource(
              Serialization.unmarshal(
                  CrdFile.renderFromClasspath(), CustomResourceDefinition.class))
          .create();
    }
    // The mock records every request for takeRequest(); nobody takes them here, so drop them.
    drainer =
        new Thread(
            () -> {
              while (!Thread.currentThread().isInterrupted()) {
                try {
                  server.takeRequest(1, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "mock-drainer");
    drainer.setDaemon(true);
    drainer.start();
    stats = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    stats.createContext(
        "/writes",
        exchange -> {
          try (exchange) {
            StringBuilder b = new StringBuilder();
            new TreeMap<>(dispatcher.writes)
                .forEach((k, v) -> b.append(k).append(' ').append(v.sum()).append('\n'));
            byte[] body = b.toString().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
              try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
              }
            }
          }
        });
    stats.createContext(
        "/sizes",
        exchange -> {
          try (exchange) {
            byte[] body = dispatcher.shapes.sizes().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
              try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
              }
            }
          }
        });
    stats.start();
  }

  /** The API server's port. */
  public int port() {
    return server.getPort();
  }

  /** The port of the write counters. */
  public int statsPort() {
    return stats.getAddress().getPort();
  }

  /** Mean sizes of the objects stored, per kind (see {@link RealServerShapes#sizes()}). */
  public String sizes() {
    return dispatcher.shapes.sizes();
  }

  /** The counters as {@code "<client> <METHOD> <resource>" -> count}. */
  public Map<String, Long> writes() {
    Map<String, Long> out = new TreeMap<>();
    dispatcher.writes.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  @Override
  public void close() {
    drainer.interrupt();
    stats.stop(0);
    server.destroy();
  }

  public static void main(String[] args) throws IOException {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
    boolean realSized = args.length < 2 || !args[1].equals("--as-sent");
    try (MockApiServer api = new MockApiServer(port, realSized)) {
      System.out.println("API_PORT " + api.port());
      System.out.println("STATS_PORT " + api.statsPort());
      System.out.flush();
      try (BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
        while (in.readLine() != null) {
          // run until stdin closes
        }
      }
    }
    System.exit(0);
  }
}
