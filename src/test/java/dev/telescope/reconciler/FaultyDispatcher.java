package dev.telescope.reconciler;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.ByteString;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * fabric8's CRUD mock API server with injected faults: matching requests get an error status or a
 * slow answer a bounded number of times, and open watches can be dropped on demand. Everything else
 * is the ordinary CRUD behaviour, so the operator runs its real code paths.
 */
public final class FaultyDispatcher extends KubernetesCrudDispatcher {

  /** One injected fault; {@link #hits()} tells how often it fired. */
  public static final class Fault {
    final String method;
    final Pattern path;
    final Predicate<String> body;
    final int status;
    final Duration delay;
    final AtomicInteger remaining;
    final AtomicInteger hits = new AtomicInteger();

    Fault(
        String method, String path, Predicate<String> body, int status, Duration delay, int times) {
      this.method = method;
      this.path = Pattern.compile(path);
      this.body = body;
      this.status = status;
      this.delay = delay;
      this.remaining = new AtomicInteger(times);
    }

    boolean matches(RecordedRequest r) {
      return method.equals(r.getMethod())
          && path.matcher(r.getPath()).find()
          && (body == null || body.test(peek(r)));
    }

    /** How often the fault was injected so far. */
    public int hits() {
      return hits.get();
    }

    /** Whether every planned injection happened. */
    public boolean spent() {
      return remaining.get() <= 0;
    }

    @Override
    public String toString() {
      String what = status == EXPIRE ? "expired" : status > 0 ? "" + status : "slow " + delay;
      return method + " " + path + " -> " + what + " x" + hits;
    }
  }

  /** One request as the API server saw it; {@code userAgent} tells the clients apart. */
  public record Seen(String method, String path, String userAgent) {}

  private final List<Fault> faults = new CopyOnWriteArrayList<>();
  private final List<Seen> seen = new CopyOnWriteArrayList<>();
  private final Set<WebSocket> watches = ConcurrentHashMap.newKeySet();
  private final AtomicInteger watchesOpened = new AtomicInteger();

  /** A started mock server backed by a new dispatcher of this kind. */
  public static KubernetesMockServer server(FaultyDispatcher dispatcher) {
    KubernetesMockServer server =
        new KubernetesMockServer(
            new Context(io.fabric8.kubernetes.client.utils.Serialization.jsonMapper()),
            new MockWebServer(),
            new HashMap<>(),
            dispatcher,
            false);
    server.init();
    return server;
  }

  /**
   * Answers the next {@code times} requests with {@code method} whose path matches {@code
   * pathRegex} (searched, not anchored; the path includes the query) with {@code status}.
   */
  public Fault fail(String method, String pathRegex, int status, int times) {
    return add(new Fault(method, pathRegex, null, status, Duration.ZERO, times));
  }

  /** As {@link #fail}, only for requests whose body satisfies {@code body}. */
  public Fault fail(
      String method, String pathRegex, Predicate<String> body, int status, int times) {
    return add(new Fault(method, pathRegex, body, status, Duration.ZERO, times));
  }

  /**
   * Answers the next {@code times} watch requests as an API server does when the requested resource
   * version is too old: the watch opens, sends one ERROR event with status 410 (Expired) and
   * closes. Informers must then list afresh.
   */
  public Fault expireWatches(int times) {
    return add(new Fault("GET", "[?&]watch=true", null, EXPIRE, Duration.ZERO, times));
  }

  private static final int EXPIRE = -410;

  /** Serves the next {@code times} matching requests normally, but only after {@code delay}. */
  public Fault slow(String method, String pathRegex, Duration delay, int times) {
    return add(new Fault(method, pathRegex, null, 0, delay, times));
  }

  private Fault add(Fault f) {
    faults.add(f);
    return f;
  }

  /** Removes every fault not yet spent. */
  public void clearFaults() {
    faults.clear();
  }

  /** Watches currently open. */
  public int openWatches() {
    return watches.size();
  }

  /** Watches opened since the start. */
  public int watchesOpened() {
    return watchesOpened.get();
  }

  /**
   * Closes every open watch from the server side, as an API server does when it restarts or a watch
   * times out.
   *
   * @return how many watches were closed
   */
  public int dropWatches() {
    int n = 0;
    for (WebSocket ws : List.copyOf(watches)) {
      watches.remove(ws);
      ws.close(1000, "dropped by the test");
      n++;
    }
    return n;
  }

  /** Every request received so far, in order. */
  public List<Seen> requests() {
    return List.copyOf(seen);
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    String ua = request.getHeader("User-Agent");
    seen.add(new Seen(request.getMethod(), request.getPath(), ua == null ? "" : ua));
    for (Fault f : faults) {
      if (f.matches(request) && f.remaining.getAndDecrement() > 0) {
        f.hits.incrementAndGet();
        if (f.status == EXPIRE) {
          return new MockResponse().withWebSocketUpgrade(new Expiring());
        }
        if (f.status > 0) {
          return status(f.status, request);
        }
        MockResponse slow = track(super.dispatch(request));
        // A body delay, not a sleep: the mock answers on an event loop that must stay free.
        return slow.setBodyDelay(f.delay);
      }
    }
    if ("POST".equals(request.getMethod())
        && request.getPath().startsWith("/apis/authorization.k8s.io/v1/selfsubject")) {
      return selfReview(request);
    }
    return track(super.dispatch(request));
  }

  /**
   * The CRUD mock stores self reviews instead of answering them (and refuses them without
   * metadata); answer as an API server would for an identity allowed everything.
   */
  private static MockResponse selfReview(RecordedRequest request) {
    String kind =
        request.getPath().endsWith("selfsubjectrulesreviews")
            ? "SelfSubjectRulesReview"
            : "SelfSubjectAccessReview";
    String status =
        kind.equals("SelfSubjectRulesReview")
            ? "{\"resourceRules\":[{\"verbs\":[\"*\"],\"apiGroups\":[\"*\"],"
                + "\"resources\":[\"*\"]}],\"nonResourceRules\":[],\"incomplete\":false}"
            : "{\"allowed\":true}";
    String spec = peek(request);
    int at = spec.indexOf("\"spec\":");
    String specJson = at < 0 ? "{}" : spec.substring(at + 7, spec.lastIndexOf('}'));
    return new MockResponse()
        .setResponseCode(201)
        .setHeader("Content-Type", "application/json")
        .setBody(
            "{\"kind\":\""
                + kind
                + "\",\"apiVersion\":\"authorization.k8s.io/v1\",\"metadata\":{},\"spec\":"
                + specJson
                + ",\"status\":"
                + status
                + "}");
  }

  private MockResponse track(MockResponse response) {
    WebSocketListener delegate = response.getWebSocketListener();
    if (delegate == null) {
      return response;
    }
    return response.withWebSocketUpgrade(new Tracking(delegate));
  }

  private static MockResponse status(int code, RecordedRequest request) {
    String reason =
        switch (code) {
          case 409 -> "Conflict";
          case 410 -> "Expired";
          case 429 -> "TooManyRequests";
          case 500 -> "InternalError";
          case 503 -> "ServiceUnavailable";
          default -> "Unknown";
        };
    String body =
        "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
            + "\"message\":\"injected "
            + code
            + " for "
            + request.getMethod()
            + "\",\"reason\":\""
            + reason
            + "\",\"code\":"
            + code
            + "}";
    return new MockResponse()
        .setResponseCode(code)
        .setHeader("Content-Type", "application/json")
        .setBody(body);
  }

  /** The body as text, leaving it readable for the CRUD handler (reading would consume it). */
  static String peek(RecordedRequest r) {
    return r.getBody() == null
        ? ""
        : new String(r.getBody().getBytes(), java.nio.charset.StandardCharsets.UTF_8);
  }

  /** A watch whose resource version is too old. */
  private static final class Expiring extends WebSocketListener {
    @Override
    public void onOpen(WebSocket webSocket, Response response) {
      webSocket.send(
          "{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"apiVersion\":\"v1\","
              + "\"metadata\":{},\"status\":\"Failure\",\"message\":\"too old resource version\","
              + "\"reason\":\"Expired\",\"code\":410}}");
      webSocket.close(1000, "expired");
    }
  }

  /** Remembers open watch connections so the test can drop them. */
  private final class Tracking extends WebSocketListener {
    private final WebSocketListener delegate;

    Tracking(WebSocketListener delegate) {
      this.delegate = delegate;
    }

    @Override
    public void onBeforeAccept(WebSocket webSocket, Response response) {
      delegate.onBeforeAccept(webSocket, response);
    }

    @Override
    public void onOpen(WebSocket webSocket, Response response) {
      watches.add(webSocket);
      watchesOpened.incrementAndGet();
      delegate.onOpen(webSocket, response);
    }

    @Override
    public void onMessage(WebSocket webSocket, String text) {
      delegate.onMessage(webSocket, text);
    }

    @Override
    public void onMessage(WebSocket webSocket, ByteString bytes) {
      delegate.onMessage(webSocket, bytes);
    }

    @Override
    public void onMessage(WebSocket webSocket, byte[] bytes) {
      delegate.onMessage(webSocket, bytes);
    }

    @Override
    public void onClosing(WebSocket webSocket, int code, String reason) {
      watches.remove(webSocket);
      delegate.onClosing(webSocket, code, reason);
    }

    @Override
    public void onClosed(WebSocket webSocket, int code, String reason) {
      watches.remove(webSocket);
      delegate.onClosed(webSocket, code, reason);
    }

    @Override
    public void onFailure(WebSocket webSocket, Throwable t, Response response) {
      watches.remove(webSocket);
      delegate.onFailure(webSocket, t, response);
    }
  }
}
