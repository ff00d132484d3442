package dev.telescope.reconciler;

import static dev.telescope.reconciler.MockCluster.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telescope.TestYaml;
import dev.telescope.settings.Capabilities;
import dev.telescope.settings.OperatorConfig;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * /readyz tells the truth: ready only while the reconciler really runs here or this replica is a
 * stand-by behind a renewing leader; otherwise one line says why.
 */
@EnableKubernetesMockClient(crud = true)
class ReadinessTest {
  static final Duration WAIT = Duration.ofSeconds(20);
  static final String NS = "observability";
  static final OperatorRuntime.LeaderElectionSettings FAST =
      new OperatorRuntime.LeaderElectionSettings(
          Duration.ofSeconds(3), Duration.ofSeconds(2), Duration.ofMillis(200), () -> {});

  KubernetesMockServer server;
  KubernetesClient client;
  OperatorRuntime runtime;

  @AfterEach
  void stop() {
    if (runtime != null) {
      runtime.close();
    }
  }

  void namespace(String name) {
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
  }

  OperatorRuntime start(List<String> flags, Capabilities caps) {
    // JOSDK checks the lease permissions with a rules review, which the CRUD mock cannot answer.
    server
        .expect()
        .post()
        .withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
        .andReturn(
            201,
            "{\"kind\":\"SelfSubjectRulesReview\",\"apiVersion\":\"authorization.k8s.io/v1\","
                + "\"metadata\":{},\"spec\":{},\"status\":{\"resourceRules\":[{\"verbs\":[\"*\"],"
                + "\"apiGroups\":[\"*\"],\"resources\":[\"*\"]}],\"nonResourceRules\":[],"
                + "\"incomplete\":false}}")
        .always();
    OperatorConfig cfg = OperatorConfig.parse(flags, Map.of()).withCapabilities(caps);
    return OperatorRuntime.start(
        client, cfg, Duration.ofSeconds(30), Optional.of("replica-a"), null, FAST);
  }

  @Test
  void aMissingLeaseNamespaceIsOneClearReasonUntilItExists() {
    MockCluster.installCrd(client);
    namespace(NS);
    client.resource(TestYaml.collector(CollectorReconcilerTest.cr("c", "deployment", ""))).create();
    runtime =
        start(
            List.of("--leader-election=true", "--operator-namespace=telescope-system"),
            Capabilities.NONE);

    assertThat(runtime.readinessProblem())
        .hasValueSatisfying(
            p ->
                assertThat(p)
                    .contains("namespace 'telescope-system'")
                    .contains("does not exist")
                    .contains("--leader-election=false")
                    .doesNotContain("\n"));
    assertThat(runtime.reconciles()).isZero();

    namespace("telescope-system");
    await("ready once the namespace exists", WAIT, () -> runtime.readinessProblem().isEmpty());
    assertThat(runtime.isLeader()).isTrue();
    await(
        "reconciled",
        WAIT,
        () -> client.apps().deployments().inNamespace(NS).withName("c-collector").get() != null);
  }

  @Test
  void aStandByBehindARenewingLeaderIsReady() {
    MockCluster.installCrd(client);
    namespace("telescope-system");
    client
        .resource(
            new LeaseBuilder()
                .withNewMetadata()
                .withName("telescope-operator-lock")
                .withNamespace("telescope-system")
                .endMetadata()
                .withNewSpec()
                .withHolderIdentity("replica-b")
                .withLeaseDurationSeconds(60)
                .withRenewTime(ZonedDateTime.now())
                .withAcquireTime(ZonedDateTime.now())
                .endSpec()
                .build())
        .create();
    runtime = start(List.of("--leader-election=true"), Capabilities.NONE);
    await("ready as stand-by", WAIT, () -> runtime.readinessProblem().isEmpty());
    assertThat(runtime.isLeader()).isFalse();
  }

  @Test
  void aStandByThatCannotReachTheApiServerSaysSo() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    KubernetesClient unreachable =
        new KubernetesClientBuilder()
            .withConfig(
                new ConfigBuilder()
                    .withMasterUrl("http://127.0.0.1:" + port)
                    .withRequestRetryBackoffLimit(0)
                    .withConnectionTimeout(300)
                    .build())
            .build();
    OperatorConfig cfg = OperatorConfig.parse(List.of("--leader-election=true"), Map.of());
    try (OperatorRuntime.LeaseWatchdog w =
        new OperatorRuntime.LeaseWatchdog(
            unreachable, cfg, "replica-a", FAST, new AtomicBoolean(false), () -> {})) {
      assertThat(w.standbyProblem).startsWith("waiting for the leader lease");
      w.check();
      assertThat(w.standbyProblem)
          .startsWith(
              "stand-by: cannot read the leader lease telescope-system/telescope-operator-lock");
    } finally {
      unreachable.close();
    }
  }

  @Test
  void aRunningOperatorThatLosesTheApiServerIsNotReadyAndSaysWhy() {
    MockCluster.installCrd(client);
    namespace(NS);
    runtime = start(List.of("--leader-election=false"), Capabilities.NONE);
    await("ready", WAIT, () -> runtime.readinessProblem().isEmpty());

    server.shutdown();

    await("not ready", WAIT, () -> runtime.readinessProblem().isPresent());
    assertThat(runtime.readinessProblem().get())
        .startsWith("some informers are not healthy")
        .doesNotContain("\n");
  }

  @Test
  void aForbiddenOptionalApiCountsAsAbsentAndDoesNotBlockReadiness() {
    ObjectMapper json = new ObjectMapper();
    server
        .expect()
        .post()
        .withPath("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews")
        .andReply(
            201,
            request -> {
              try {
                JsonNode review = json.readTree(request.getBody().readUtf8());
                String resource = review.at("/spec/resourceAttributes/resource").asText();
                ((com.fasterxml.jackson.databind.node.ObjectNode) review)
                    .putObject("status")
                    .put("allowed", !resource.equals("targetallocators"));
                return review;
              } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
              }
            })
        .always();
    Capabilities detected = new Capabilities(false, true, true, false, true, false);

    Capabilities readable = CapabilityDetector.readable(client, detected, Set.of());
    assertThat(readable.targetAllocators()).as("forbidden: treated as absent").isFalse();
    assertThat(readable.prometheusCrds()).as("allowed: kept").isTrue();
    assertThat(readable.createRbac()).isTrue();

    // The operator itself, with the forbidden API detected (the mock serves no monitors).
    detected = new Capabilities(false, false, true, false, true, false);

    MockCluster.installCrd(client);
    namespace(NS);
    runtime = start(List.of("--leader-election=false"), detected);
    await("ready", WAIT, () -> runtime.readinessProblem().isEmpty());
    client.resource(TestYaml.collector(CollectorReconcilerTest.cr("c", "deployment", ""))).create();
    await(
        "reconciled",
        WAIT,
        () -> client.apps().deployments().inNamespace(NS).withName("c-collector").get() != null);
  }

  @Test
  void anUnansweredAccessReviewKeepsTheCapability() {
    // The CRUD mock stores the review without a status: no answer is not a refusal.
    Capabilities detected = new Capabilities(true, true, false, false, true, true);
    assertThat(CapabilityDetector.readable(client, detected, Set.of(NS))).isEqualTo(detected);
  }
}
