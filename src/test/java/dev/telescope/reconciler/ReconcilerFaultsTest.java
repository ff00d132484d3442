package dev.telescope.reconciler;

import static dev.telescope.reconciler.FaultCluster.NS;
import static dev.telescope.reconciler.FaultCluster.WAIT;
import static dev.telescope.reconciler.FaultCluster.cr;
import static dev.telescope.reconciler.MockCluster.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import dev.telescope.settings.OperatorConfig;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;

/**
 * The reconciler against an API server that misbehaves: conflicts, errors and slow answers on
 * writes, dropped and expired watches, an operator stopped in the middle of its work, hand edits,
 * fields owned by others, and two replicas competing for the leader lease. In every case the
 * cluster must converge to exactly the objects the CRs ask for, with nothing lost or duplicated and
 * no write loop.
 */
class ReconcilerFaultsTest {
  private static final String COLLECTORS = "/apis/opentelemetry.io/v1beta1/namespaces/" + NS;
  private static final String APPS = "/apis/apps/v1/namespaces/" + NS;
  private static final String CORE = "/api/v1/namespaces/" + NS;
  private static final String RBAC = "/apis/rbac.authorization.k8s.io/v1";

  /** Long enough that only watch events, never the periodic resync, can drive a reconcile. */
  private static final Duration NO_RESYNC = Duration.ofMinutes(10);

  @Test
  void conflictsErrorsAndSlowAnswersOnWritesConvergeWithNothingLost() {
    try (FaultCluster c = new FaultCluster()) {
      List<FaultyDispatcher.Fault> faults = new ArrayList<>();
      // Each collector meets its own faults, so their retries back off in parallel.
      faults.add(c.faults.fail("POST", APPS + "/deployments$", 500, 2));
      faults.add(c.faults.fail("POST", CORE + "/services$", 409, 1));
      faults.add(c.faults.fail("POST", CORE + "/serviceaccounts$", 503, 1));
      faults.add(c.faults.fail("POST", RBAC + "/clusterroles$", 500, 1));
      faults.add(c.faults.fail("PATCH", COLLECTORS + "/opentelemetrycollectors/b/status", 500, 2));
      faults.add(c.faults.fail("PATCH", COLLECTORS + "/opentelemetrycollectors/c/status", 409, 1));
      faults.add(c.faults.slow("POST", CORE + "/configmaps$", Duration.ofMillis(1500), 2));
      OperatorRuntime runtime = c.operator(NO_RESYNC);

      c.create(cr("a", "deployment", "k8sattributes"));
      c.create(cr("b", "deployment", ""));
      c.create(cr("c", "statefulset", ""));
      c.awaitConverged("a", "b", "c");

      assertThat(faults).allSatisfy(f -> assertThat(f.spent()).as(f.toString()).isTrue());
      assertExactlyTheWantedObjects(c);

      // Updates meet conflicts too: two 409s on the Deployment update, one on the Service.
      FaultyDispatcher.Fault conflict =
          c.faults.fail("PUT", APPS + "/deployments/a-collector$", 409, 2);
      FaultyDispatcher.Fault serviceConflict =
          c.faults.fail("PUT", CORE + "/services/a-collector$", 409, 1);
      OpenTelemetryCollector a = c.get("a");
      a.getSpec().replicas = 2;
      a.getSpec().ports = null;
      a.getSpec().config.receivers =
          dev.telescope.TestYaml.config(
                  "receivers:\n  otlp:\n    protocols:\n      grpc:\n        endpoint:"
                      + " 0.0.0.0:4999\n")
              .receivers;
      MockCluster.setSpec(c.client, NS, "a", a.getSpec());
      await(
          "the deployment follows the edited CR",
          WAIT,
          () -> deployment(c, "a-collector").getSpec().getReplicas() == 2);
      await(
          "the service follows the edited CR",
          WAIT,
          () ->
              c
                  .client
                  .services()
                  .inNamespace(NS)
                  .withName("a-collector")
                  .get()
                  .getSpec()
                  .getPorts()
                  .stream()
                  .anyMatch(p -> p.getPort() == 4999));
      c.awaitConverged("a");
      assertThat(conflict.spent()).isTrue();
      assertThat(serviceConflict.spent()).isTrue();
      assertExactlyTheWantedObjects(c);
      assertThat(runtime.reconciles()).isPositive();
    }
  }

  /** Each collector's objects exist exactly once; nothing else is there. */
  private static void assertExactlyTheWantedObjects(FaultCluster c) {
    assertThat(c.names(Deployment.class)).containsExactly("a-collector", "b-collector");
    assertThat(c.names(io.fabric8.kubernetes.api.model.apps.StatefulSet.class))
        .containsExactly("c-collector");
    assertThat(c.names(Service.class))
        .containsExactlyInAnyOrder(
            "a-collector",
            "a-collector-headless",
            "a-collector-monitoring",
            "b-collector",
            "b-collector-headless",
            "b-collector-monitoring",
            "c-collector",
            "c-collector-headless",
            "c-collector-monitoring");
    assertThat(c.names(ServiceAccount.class))
        .containsExactlyInAnyOrder("a-collector", "b-collector", "c-collector");
    assertThat(c.names(PodDisruptionBudget.class))
        .containsExactlyInAnyOrder("a-collector", "b-collector", "c-collector");
    for (String name : List.of("a", "b", "c")) {
      OpenTelemetryCollector cr = c.get(name);
      // The finalizer only while cluster RBAC exists for the collector (only "a" needs it).
      if (name.equals("a")) {
        assertThat(cr.getMetadata().getFinalizers())
            .containsOnlyOnce(CollectorReconciler.FINALIZER);
      } else {
        assertThat(cr.getMetadata().getFinalizers()).doesNotContain(CollectorReconciler.FINALIZER);
      }
      String hash =
          workloadAnnotations(c, name).get("opentelemetry-operator-config/sha256").substring(0, 8);
      assertThat(c.names(ConfigMap.class)).contains(name + "-collector-" + hash);
    }
    assertThat(c.client.rbac().clusterRoles().withName("a-observability-cluster-role").get())
        .isNotNull();
    assertThat(
            c.client.rbac().clusterRoles().list().getItems().stream()
                .map(r -> r.getMetadata().getName()))
        .containsExactly("a-observability-cluster-role");
    assertThat(
            c.client.rbac().clusterRoleBindings().list().getItems().stream()
                .map(r -> r.getMetadata().getName()))
        .containsExactly("a-observability-collector");
  }

  private static Map<String, String> workloadAnnotations(FaultCluster c, String name) {
    Deployment d = deployment(c, name + "-collector");
    if (d != null) {
      return d.getSpec().getTemplate().getMetadata().getAnnotations();
    }
    return c.client
        .apps()
        .statefulSets()
        .inNamespace(NS)
        .withName(name + "-collector")
        .get()
        .getSpec()
        .getTemplate()
        .getMetadata()
        .getAnnotations();
  }

  private static Deployment deployment(FaultCluster c, String name) {
    return c.client.apps().deployments().inNamespace(NS).withName(name).get();
  }

  @Test
  void droppedAndExpiredWatchesRecoverAndNewCollectorsStillReconcile() {
    try (FaultCluster c = new FaultCluster()) {
      c.operator(NO_RESYNC);
      c.create(cr("first", "deployment", ""));
      c.awaitConverged("first");
      await("watches open", WAIT, () -> c.faults.openWatches() >= 12);
      int open = c.faults.openWatches();

      // The API server drops every watch (a restart, a load balancer timeout).
      int opened = c.faults.watchesOpened();
      assertThat(c.faults.dropWatches()).isEqualTo(open);
      await(
          "every informer watches again",
          WAIT,
          () -> c.faults.watchesOpened() >= opened + open && c.faults.openWatches() >= open);
      c.create(cr("second", "deployment", ""));
      c.awaitConverged("second");
      c.client.services().inNamespace(NS).withName("first-collector").delete();
      await(
          "a deleted service is recreated from its watch event",
          WAIT,
          () -> c.client.services().inNamespace(NS).withName("first-collector").get() != null);

      // Dropped again, and this time the resource version is too old to resume: 410 Gone makes
      // the informers list afresh, which must also pick up what changed while they were blind.
      FaultyDispatcher.Fault gone = c.faults.expireWatches(open);
      c.faults.dropWatches();
      c.create(cr("third", "deployment", ""));
      c.client.apps().deployments().inNamespace(NS).withName("second-collector").delete();
      await("the expired watches were answered 410", WAIT, () -> gone.hits() >= 1);
      c.awaitConverged("third");
      await(
          "a deployment deleted while the watches were down is recreated",
          WAIT,
          () -> deployment(c, "second-collector") != null);
      assertThat(c.names(Deployment.class))
          .containsExactly("first-collector", "second-collector", "third-collector");
    }
  }

  @Test
  void operatorStoppedMidReconcileAndRestartedConvergesWithoutDuplicates() {
    try (FaultCluster c = new FaultCluster()) {
      // Slow Service creation keeps the first operator busy in the middle of its reconciles; the
      // mock stores each Service before its delayed answer, so some creates succeed unanswered.
      c.faults.slow("POST", CORE + "/services$", Duration.ofMillis(700), 6);
      OperatorRuntime first = c.operator(NO_RESYNC);
      for (String n : List.of("r1", "r2", "r3")) {
        c.create(cr(n, "deployment", "k8sattributes"));
      }
      await(
          "the first operator is mid-way (some but not all services exist)",
          WAIT,
          () -> !c.names(Service.class).isEmpty());
      c.crash(first);
      long before = first.reconciles();
      assertThat(c.names(Service.class)).hasSizeLessThan(9);

      OperatorRuntime second = c.operator(Duration.ofMillis(500));
      c.awaitConverged("r1", "r2", "r3");
      assertThat(second.reconciles()).isPositive();
      assertThat(first.reconciles()).isEqualTo(before);
      assertThat(c.names(Deployment.class))
          .containsExactly("r1-collector", "r2-collector", "r3-collector");
      assertThat(c.names(Service.class)).hasSize(9).doesNotHaveDuplicates();
      assertThat(c.names(ConfigMap.class))
          .filteredOn(n -> n.startsWith("r"))
          .hasSize(3)
          .doesNotHaveDuplicates();
      assertThat(c.client.rbac().clusterRoles().list().getItems()).hasSize(3);
      assertThat(c.client.rbac().clusterRoleBindings().list().getItems()).hasSize(3);
      for (String n : List.of("r1", "r2", "r3")) {
        assertThat(c.get(n).getMetadata().getFinalizers())
            .containsOnlyOnce(CollectorReconciler.FINALIZER);
      }
    }
  }

  @Test
  void objectsDeletedOrEditedByHandAreRepairedFromWatchEvents() {
    try (FaultCluster c = new FaultCluster()) {
      c.operator(NO_RESYNC);
      c.create(cr("hand", "deployment", "k8sattributes"));
      c.awaitConverged("hand");
      await(
          "cluster role",
          WAIT,
          () ->
              c.client.rbac().clusterRoles().withName("hand-observability-cluster-role").get()
                  != null);
      String configMap =
          c.names(ConfigMap.class).stream()
              .filter(n -> n.startsWith("hand-collector-"))
              .findFirst()
              .orElseThrow();
      Deployment d = deployment(c, "hand-collector");
      String image = d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();

      // Edits: a foreign image, a Service port, the rendered config, a wider ClusterRole.
      d.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("evil/collector:latest");
      c.client.resource(d).update();
      Service s = c.client.services().inNamespace(NS).withName("hand-collector").get();
      s.getSpec().getPorts().get(0).setPort(1);
      s.getSpec().getPorts().add(new ServicePortBuilder().withName("extra").withPort(2222).build());
      c.client.resource(s).update();
      ConfigMap cm = c.client.configMaps().inNamespace(NS).withName(configMap).get();
      String rendered = cm.getData().get("collector.yaml");
      cm.getData().put("collector.yaml", "receivers: {}\n");
      c.client.resource(cm).update();
      ClusterRole role =
          c.client.rbac().clusterRoles().withName("hand-observability-cluster-role").get();
      role.getRules()
          .add(
              new PolicyRuleBuilder()
                  .withApiGroups("")
                  .withResources("secrets")
                  .withVerbs("get", "list")
                  .build());
      c.client.resource(role).update();

      await(
          "image repaired",
          WAIT,
          () ->
              image.equals(
                  deployment(c, "hand-collector")
                      .getSpec()
                      .getTemplate()
                      .getSpec()
                      .getContainers()
                      .get(0)
                      .getImage()));
      await(
          "service ports repaired",
          WAIT,
          () ->
              c
                  .client
                  .services()
                  .inNamespace(NS)
                  .withName("hand-collector")
                  .get()
                  .getSpec()
                  .getPorts()
                  .stream()
                  .noneMatch(p -> p.getPort() == 1 || p.getPort() == 2222));
      await(
          "config repaired",
          WAIT,
          () ->
              rendered.equals(
                  c.client
                      .configMaps()
                      .inNamespace(NS)
                      .withName(configMap)
                      .get()
                      .getData()
                      .get("collector.yaml")));
      await(
          "the widened ClusterRole is narrowed back",
          WAIT,
          () ->
              c
                  .client
                  .rbac()
                  .clusterRoles()
                  .withName("hand-observability-cluster-role")
                  .get()
                  .getRules()
                  .stream()
                  .noneMatch(r -> r.getResources().contains("secrets")));

      // Deletions.
      c.client.apps().deployments().inNamespace(NS).withName("hand-collector").delete();
      c.client.configMaps().inNamespace(NS).withName(configMap).delete();
      c.client.serviceAccounts().inNamespace(NS).withName("hand-collector").delete();
      c.client.rbac().clusterRoles().withName("hand-observability-cluster-role").delete();
      c.client.rbac().clusterRoleBindings().withName("hand-observability-collector").delete();
      await("deployment recreated", WAIT, () -> deployment(c, "hand-collector") != null);
      await(
          "config map recreated",
          WAIT,
          () -> c.client.configMaps().inNamespace(NS).withName(configMap).get() != null);
      await(
          "service account recreated",
          WAIT,
          () ->
              c.client.serviceAccounts().inNamespace(NS).withName("hand-collector").get() != null);
      await(
          "cluster role recreated",
          WAIT,
          () ->
              c.client.rbac().clusterRoles().withName("hand-observability-cluster-role").get()
                  != null);
      await(
          "cluster role binding recreated",
          WAIT,
          () ->
              c.client.rbac().clusterRoleBindings().withName("hand-observability-collector").get()
                  != null);
    }
  }

  @Test
  void fieldsOthersOwnAreNotFoughtOver() {
    try (FaultCluster c = new FaultCluster()) {
      OperatorRuntime runtime = c.operator(Duration.ofMillis(300));
      c.create(
          cr("scaled", "deployment", "")
              .replace(
                  "  mode: deployment\n",
                  "  mode: deployment\n  autoscaler:\n    minReplicas: 1\n    maxReplicas: 5\n"));
      c.awaitConverged("scaled");
      await(
          "hpa",
          WAIT,
          () ->
              c.client
                      .resources(HorizontalPodAutoscaler.class)
                      .inNamespace(NS)
                      .withName("scaled-collector")
                      .get()
                  != null);

      // The HPA scales the collector through its scale subresource: spec.replicas changes.
      OpenTelemetryCollector scaled = c.get("scaled");
      scaled.getSpec().replicas = 3;
      c.client.resource(scaled).update();
      await(
          "the deployment follows the HPA's choice",
          WAIT,
          () -> deployment(c, "scaled-collector").getSpec().getReplicas() == 3);
      // kubectl rollout restart, and a controller annotating the Service.
      Deployment d = deployment(c, "scaled-collector");
      d.getSpec()
          .getTemplate()
          .getMetadata()
          .getAnnotations()
          .put("kubectl.kubernetes.io/restartedAt", "2026-01-01T00:00:00Z");
      c.client.resource(d).update();
      Service s = c.client.services().inNamespace(NS).withName("scaled-collector").get();
      s.getMetadata().getAnnotations().put("cloud.example.com/load-balancer-id", "lb-1");
      c.client.resource(s).update();

      // Converged: several resyncs pass without a single write.
      await(
          "settled",
          WAIT,
          () -> {
            MockCluster.drain(c.server);
            long r = runtime.reconciles();
            await("a resync", WAIT, () -> runtime.reconciles() >= r + 2);
            return MockCluster.writes(MockCluster.drain(c.server)).isEmpty();
          });
      long start = runtime.reconciles();
      await("several resyncs", WAIT, () -> runtime.reconciles() >= start + 6);
      assertThat(MockCluster.writes(MockCluster.drain(c.server))).isEmpty();
      Deployment after = deployment(c, "scaled-collector");
      assertThat(after.getSpec().getReplicas()).isEqualTo(3);
      assertThat(after.getSpec().getTemplate().getMetadata().getAnnotations())
          .containsEntry("kubectl.kubernetes.io/restartedAt", "2026-01-01T00:00:00Z");
      assertThat(
              c.client
                  .services()
                  .inNamespace(NS)
                  .withName("scaled-collector")
                  .get()
                  .getMetadata()
                  .getAnnotations())
          .containsEntry("cloud.example.com/load-balancer-id", "lb-1");
    }
  }

  @Test
  void withLeaderElectionExactlyOneReplicaReconcilesAndAStandByTakesOver() {
    try (FaultCluster c = new FaultCluster()) {
      OperatorConfig cfg = FaultCluster.config("--leader-election=true");
      List<String> lost = new CopyOnWriteArrayList<>();
      Duration lease = Duration.ofSeconds(3);
      OperatorRuntime.LeaderElectionSettings fast =
          new OperatorRuntime.LeaderElectionSettings(
              lease, Duration.ofMillis(1500), Duration.ofMillis(200), () -> lost.add("lost"));
      OperatorRuntime a = c.operator(cfg, Duration.ofMillis(300), "replica-a", fast);
      await("replica-a leads", WAIT, a::isLeader);
      OperatorRuntime b = c.operator(cfg, Duration.ofMillis(300), "replica-b", fast);

      c.create(cr("led", "deployment", ""));
      c.awaitConverged("led");
      long aBefore = a.reconciles();
      await("several resyncs on the leader", WAIT, () -> a.reconciles() >= aBefore + 5);
      assertThat(b.isLeader()).isFalse();
      assertThat(b.reconciles()).isZero();

      // The leader stops: it hands the lease back and the stand-by takes over.
      long stopped = System.nanoTime();
      a.close();
      await("replica-b leads", lease.plus(Duration.ofSeconds(3)), b::isLeader);
      // The lease was handed back, so this is a retry period, not a lease duration.
      assertThat(Duration.ofNanos(System.nanoTime() - stopped)).isLessThan(lease);
      long aFinal = a.reconciles();
      c.create(cr("after", "deployment", ""));
      c.awaitConverged("after");
      await("resyncs on the new leader", WAIT, () -> b.reconciles() >= 3);
      assertThat(a.reconciles()).isEqualTo(aFinal);
      assertThat(lost).isEmpty();
    }
  }

  @Test
  void aLeaderThatCannotRenewGivesUpAndTheStandByTakesOverWithinTheLease() {
    try (FaultCluster c = new FaultCluster()) {
      OperatorConfig cfg = FaultCluster.config("--leader-election=true");
      Duration lease = Duration.ofSeconds(3);
      List<OperatorRuntime> lostBy = new CopyOnWriteArrayList<>();
      OperatorRuntime[] a = new OperatorRuntime[1];
      OperatorRuntime.LeaderElectionSettings fast =
          new OperatorRuntime.LeaderElectionSettings(
              lease,
              Duration.ofMillis(1500),
              Duration.ofMillis(200),
              () -> {
                // In production the process exits; here the replica stops, as it would.
                lostBy.add(a[0]);
                CompletableFuture.runAsync(a[0]::close);
              });
      a[0] = c.operator(cfg, Duration.ofMillis(300), "replica-a", fast);
      await("replica-a leads", WAIT, a[0]::isLeader);
      OperatorRuntime b =
          c.operator(
              cfg,
              Duration.ofMillis(300),
              "replica-b",
              new OperatorRuntime.LeaderElectionSettings(
                  lease, Duration.ofMillis(1500), Duration.ofMillis(200), () -> {}));
      c.create(cr("partition", "deployment", ""));
      c.awaitConverged("partition");

      // replica-a is cut off from the API server for its lease renewals (patches of the Lease);
      // replica-b's own acquisition, which names it, still goes through.
      c.faults.fail(
          "PATCH",
          "/leases/telescope-operator-lock$",
          body -> !body.contains("replica-b"),
          500,
          Integer.MAX_VALUE);
      long cut = System.nanoTime();
      try {
        Awaitility.await("replica-b leads")
            .atMost(Duration.ofSeconds(15))
            .pollDelay(Duration.ZERO)
            .pollInterval(Duration.ofMillis(2))
            .until(b::isLeader);
      } catch (ConditionTimeoutException e) {
        // the assertions below say what is wrong
      }
      // At the moment the stand-by leads, the cut-off leader must already have given up.
      boolean overlap = a[0].isLeader();
      assertThat(b.isLeader()).as("replica-b leads").isTrue();
      assertThat(overlap).as("both replicas led at once").isFalse();
      assertThat(Duration.ofNanos(System.nanoTime() - cut))
          .as("take-over within renew deadline plus lease duration (and some slack)")
          .isLessThan(Duration.ofMillis(1500).plus(lease).plusSeconds(3));
      assertThat(lostBy).containsExactly(a[0]);
      c.create(cr("taken-over", "deployment", ""));
      c.awaitConverged("taken-over");
      assertThat(b.reconciles()).isPositive();
    }
  }
}
