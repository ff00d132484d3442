package dev.telescope.bench;

import dev.telescope.api.CrdFile;
import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * ScaleBench against a real cluster ({@code --kubeconfig}): the operator and the webhook run here
 * as processes, as deploy/ runs them, and reach the API server through the kubeconfig. Nobody
 * counts requests on a real server, so the operator's writes are its own {@code
 * telescope_object_writes} counter plus every change of a collector the driver sees (it changes
 * none itself after creating them: finalizer and status writes). Cleans up what it created.
 */
final class RealCluster {
  private RealCluster() {}

  /** How a child process reaches the API server: JVM flags and environment. */
  record Connection(List<String> jvmArgs, Map<String, String> env) {}

  /** To the mock on loopback, or through the kubeconfig. */
  static Connection connection(Path kubeconfig, int mockPort) {
    if (kubeconfig != null) {
      return new Connection(
          List.of("-Dkubernetes.auth.tryServiceAccount=false"),
          Map.of("KUBECONFIG", kubeconfig.toAbsolutePath().toString()));
    }
    return new Connection(
        List.of(
            "-Dkubernetes.master=http://127.0.0.1:" + mockPort,
            "-Dkubernetes.auth.tryKubeConfig=false",
            "-Dkubernetes.auth.tryServiceAccount=false",
            "-Dkubernetes.trust.certificates=true",
            // In a cluster the client has a service-account token; without any, fabric8 re-reads
            // its whole configuration before every request, which would distort the figures.
            "-Dkubernetes.auth.token=bench"),
        Map.of());
  }

  /** Applies the connection to a child's command (after the java binary) and environment. */
  static void connect(Connection c, List<String> command, ProcessBuilder pb) {
    pb.environment().remove("KUBECONFIG");
    pb.environment().putAll(c.env());
    command.addAll(1, c.jvmArgs());
  }

  /** The driver's client for the cluster in the kubeconfig. */
  static KubernetesClient driver(Path kubeconfig) throws IOException {
    Config config =
        Config.fromKubeconfig(null, Files.readString(kubeconfig), kubeconfig.toString());
    config.setUserAgent(MockApiServer.DRIVER_AGENT);
    config.setRequestTimeout(60_000);
    config.setMaxConcurrentRequests(256);
    config.setMaxConcurrentRequestsPerHost(256);
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  /** Installs the CRD unless the cluster serves it already. */
  static void ensureCrd(KubernetesClient client) {
    CustomResourceDefinition crd =
        client
            .getKubernetesSerialization()
            .unmarshal(CrdFile.renderFromClasspath(), CustomResourceDefinition.class);
    if (client.apiextensions().v1().customResourceDefinitions().withName(name(crd)).get()
        == null) {
      client.resource(crd).create();
      client
          .apiextensions()
          .v1()
          .customResourceDefinitions()
          .withName(name(crd))
          .waitUntilCondition(
              c ->
                  c != null
                      && c.getStatus() != null
                      && c.getStatus().getConditions().stream()
                          .anyMatch(
                              x ->
                                  "Established".equals(x.getType())
                                      && "True".equals(x.getStatus())),
              60,
              java.util.concurrent.TimeUnit.SECONDS);
    }
  }

  private static void deleteOwned(
      KubernetesClient client, List<? extends HasMetadata> items, Set<String> namespaces) {
    for (HasMetadata o : items) {
      var a = o.getMetadata().getAnnotations();
      if (a != null && namespaces.contains(a.get("telescope.dev/owner-namespace"))) {
        client.resource(o).delete();
      }
    }
  }

  private static String name(HasMetadata o) {
    return o.getMetadata().getName();
  }

  /** The API as ScaleBench sees it, for a real cluster. */
  static final class Api implements ScaleBench.Api {
    private final HttpClient http = HttpClient.newHttpClient();
    private final SharedIndexInformer<OpenTelemetryCollector> collectors;
    private final AtomicLong collectorChanges = new AtomicLong();
    private volatile String operatorMetrics;

    Api(KubernetesClient client) {
      collectors =
          client
              .resources(OpenTelemetryCollector.class)
              .inAnyNamespace()
              .inform(
                  new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(OpenTelemetryCollector o) {}

                    @Override
                    public void onUpdate(OpenTelemetryCollector a, OpenTelemetryCollector b) {
                      if (!Objects.equals(
                          a.getMetadata().getResourceVersion(),
                          b.getMetadata().getResourceVersion())) {
                        collectorChanges.incrementAndGet();
                      }
                    }

                    @Override
                    public void onDelete(OpenTelemetryCollector o, boolean unknown) {}
                  },
                  0);
    }

    /** Where the operator now running publishes its metrics. */
    void operatorMetrics(String url) {
      operatorMetrics = url;
    }

    @Override
    public int port() {
      return -1;
    }

    @Override
    public long pid() {
      return -1;
    }

    @Override
    public Map<String, Long> writes() {
      Map<String, Long> out = new TreeMap<>();
      String url = operatorMetrics;
      long objects = url == null ? 0 : ScaleBench.metric(http, url, "telescope_object_writes");
      out.put("operator WRITE owned objects (telescope_object_writes)", Math.max(0, objects));
      out.put("operator PATCH opentelemetrycollectors (changes seen)", collectorChanges.get());
      return out;
    }

    @Override
    public String sizes() {
      return "";
    }

    @Override
    public void close() {
      collectors.close();
    }
  }

  /**
   * Deletes what the run created: the collectors (their finalizers dropped first: the operator
   * may be gone), their namespaces, and the cluster-scoped RBAC they got.
   */
  static void cleanup(KubernetesClient client, Set<String> namespaces, Consumer<String> log) {
    for (String ns : namespaces) {
      try {
        for (OpenTelemetryCollector c :
            client.resources(OpenTelemetryCollector.class).inNamespace(ns).list().getItems()) {
          client
              .resources(OpenTelemetryCollector.class)
              .inNamespace(ns)
              .withName(name(c))
              .edit(
                  x -> {
                    x.getMetadata().setFinalizers(List.of());
                    return x;
                  });
        }
        client.namespaces().withName(ns).delete();
      } catch (KubernetesClientException e) {
        log.accept("cleanup of " + ns + ": " + e.getMessage());
      }
    }
    deleteOwned(client, client.rbac().clusterRoles().list().getItems(), namespaces);
    deleteOwned(client, client.rbac().clusterRoleBindings().list().getItems(), namespaces);
    log.accept("deleted the " + namespaces.size() + " namespaces and the collectors' RBAC");
  }
}
