package dev.telescope.reconciler;

import static dev.telescope.reconciler.MockCluster.await;

import dev.telescope.TestYaml;
import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import dev.telescope.settings.Capabilities;
import dev.telescope.settings.OperatorConfig;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One mock API server with fault injection, a client, and helpers to start operators against it and
 * to inspect what they made. Closing it stops every operator it started, then the server.
 */
final class FaultCluster implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(30);
  static final String NS = "observability";

  final FaultyDispatcher faults = new FaultyDispatcher();
  final KubernetesMockServer server = FaultyDispatcher.server(faults);
  final KubernetesClient client = server.createClient();
  private final List<OperatorRuntime> runtimes = new ArrayList<>();
  private final List<KubernetesClient> clients = new ArrayList<>();
  private final Map<OperatorRuntime, KubernetesClient> clientOf = new java.util.HashMap<>();

  FaultCluster() {
    MockCluster.installCrd(client);
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .create();
    // The leader lease lives in the operator's namespace, which an install always creates.
    client
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName("telescope-system")
                .endMetadata()
                .build())
        .create();
  }

  static OperatorConfig config(String... flags) {
    List<String> args = new ArrayList<>(List.of("--leader-election=false"));
    args.addAll(List.of(flags));
    return OperatorConfig.parse(args, Map.of())
        .withCapabilities(new Capabilities(false, false, true, false));
  }

  /** An operator without leader election, resyncing every {@code resync}. */
  OperatorRuntime operator(Duration resync) {
    return operator(config(), resync, "test", OperatorRuntime.LeaderElectionSettings.defaults());
  }

  /** An operator on its own client, as a second replica would have. */
  OperatorRuntime operator(
      OperatorConfig cfg,
      Duration resync,
      String identity,
      OperatorRuntime.LeaderElectionSettings election) {
    KubernetesClient own = server.createClient();
    OperatorRuntime r =
        OperatorRuntime.start(own, cfg, resync, Optional.of(identity), null, election);
    synchronized (runtimes) {
      runtimes.add(r);
      clients.add(own);
      clientOf.put(r, own);
    }
    return r;
  }

  /**
   * Stops an operator as a killed process would: its connection goes first, so requests in flight
   * get no answer, then it stops.
   */
  void crash(OperatorRuntime r) {
    KubernetesClient own;
    synchronized (runtimes) {
      own = clientOf.get(r);
    }
    own.close();
    r.close();
  }

  /** A deployment-mode (or other mode) collector with OTLP in, debug out. */
  static String cr(String name, String mode, String extraProcessor) {
    String processors = extraProcessor.isEmpty() ? "[batch]" : "[batch, " + extraProcessor + "]";
    String extra = extraProcessor.isEmpty() ? "" : "\n      " + extraProcessor + ": {}";
    return """
        apiVersion: opentelemetry.io/v1beta1
        kind: OpenTelemetryCollector
        metadata:
          name: %s
          namespace: %s
        spec:
          mode: %s
          config:
            receivers:
              otlp:
                protocols:
                  grpc: {}
                  http: {}
            processors:
              batch: {}%s
            exporters:
              debug: {}
            service:
              pipelines:
                traces:
                  receivers: [otlp]
                  processors: %s
                  exporters: [debug]
        """
        .formatted(name, NS, mode, extra, processors);
  }

  OpenTelemetryCollector create(String yaml) {
    return client.resource(TestYaml.collector(yaml)).create();
  }

  OpenTelemetryCollector get(String name) {
    return client.resources(OpenTelemetryCollector.class).inNamespace(NS).withName(name).get();
  }

  /** The Ready condition's status ("True"/"False"), or null while there is none. */
  String ready(String name) {
    OpenTelemetryCollector cr = get(name);
    if (cr == null || cr.getStatus() == null || cr.getStatus().conditions == null) {
      return null;
    }
    return cr.getStatus().conditions.stream()
        .filter(c -> "Ready".equals(c.getType()))
        .map(c -> c.getStatus())
        .findFirst()
        .orElse(null);
  }

  /** The Ready condition's message, or "" while there is none. */
  String readyMessage(String name) {
    OpenTelemetryCollector cr = get(name);
    if (cr == null || cr.getStatus() == null || cr.getStatus().conditions == null) {
      return "";
    }
    return cr.getStatus().conditions.stream()
        .filter(c -> "Ready".equals(c.getType()))
        .map(c -> c.getMessage())
        .findFirst()
        .orElse("");
  }

  /** Whether the collector reports Ready=True for its current generation. */
  boolean converged(String name) {
    OpenTelemetryCollector cr = get(name);
    return cr != null
        && "True".equals(ready(name))
        && cr.getStatus().observedGeneration != null
        && cr.getStatus().observedGeneration.equals(cr.getMetadata().getGeneration());
  }

  void awaitConverged(String... names) {
    for (String n : names) {
      await(n + " Ready=True for its generation", WAIT, () -> converged(n));
    }
  }

  /** Names of the objects of a namespaced kind in {@link #NS}. */
  <T extends HasMetadata> List<String> names(Class<T> kind) {
    return client.resources(kind).inNamespace(NS).list().getItems().stream()
        .map(o -> o.getMetadata().getName())
        .sorted()
        .toList();
  }

  List<Event> events() {
    return client.resources(Event.class).inNamespace(NS).list().getItems();
  }

  @Override
  public void close() {
    List<OperatorRuntime> all;
    List<KubernetesClient> own;
    synchronized (runtimes) {
      all = List.copyOf(runtimes);
      own = List.copyOf(clients);
    }
    for (OperatorRuntime r : all) {
      try {
        r.close();
      } catch (RuntimeException ignored) {
        // already stopped
      }
    }
    own.forEach(KubernetesClient::close);
    client.close();
    server.destroy();
  }
}
