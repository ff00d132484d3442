package dev.telescope.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class KubernetesSidecarEventsTest {
  KubernetesClient client;

  private List<Event> events(String ns) {
    return client.v1().events().inNamespace(ns).list().getItems();
  }

  private static void eventually(java.util.function.BooleanSupplier condition) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(20))
        .until(condition::getAsBoolean);
  }

  private static Pod replica() {
    return new PodBuilder(SidecarFixtures.pod("true"))
        .editMetadata()
        .withName(null)
        .withGenerateName("web-7d4b9c-")
        .withOwnerReferences(
            new OwnerReferenceBuilder()
                .withApiVersion("apps/v1")
                .withKind("ReplicaSet")
                .withName("web-7d4b9c")
                .withUid("rs-uid")
                .withController(true)
                .build())
        .endMetadata()
        .build();
  }

  @Test
  void instrumentationProblemsHaveTheirOwnReason() {
    try (KubernetesSidecarEvents sink =
        new KubernetesSidecarEvents(client, 16, Duration.ofMinutes(5))) {
      sink.notInstrumented(
          replica(), "apps", "OpenTelemetry auto-instrumentation not injected: java: nope");
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> events("apps").size() == 1);
      Event e = events("apps").get(0);
      assertThat(e.getReason()).isEqualTo("InstrumentationNotInjected");
      assertThat(e.getType()).isEqualTo("Warning");
      assertThat(e.getInvolvedObject().getKind()).isEqualTo("ReplicaSet");
      assertThat(e.getMessage()).endsWith("java: nope");
    }
  }

  @Test
  void writesOneWarningEventPerReasonAndObject() throws Exception {
    try (KubernetesSidecarEvents sink =
        new KubernetesSidecarEvents(client, 16, Duration.ofMinutes(5))) {
      sink.notInjected(replica(), "apps", "OpenTelemetry sidecar not injected: nope");
      sink.notInjected(replica(), "apps", "OpenTelemetry sidecar not injected: nope");
      sink.notInjected(SidecarFixtures.pod("true"), "apps", "other reason");
      eventually(() -> sink.sent() + sink.suppressed() == 3);
      assertThat(sink.sent()).isEqualTo(2);
      assertThat(sink.suppressed()).isEqualTo(1);
    }
    List<Event> written = events("apps");
    assertThat(written).hasSize(2);
    Event fromReplica =
        written.stream().filter(e -> e.getMessage().endsWith("nope")).findFirst().orElseThrow();
    assertThat(fromReplica.getType()).isEqualTo("Warning");
    assertThat(fromReplica.getReason()).isEqualTo("SidecarNotInjected");
    assertThat(fromReplica.getSource().getComponent()).isEqualTo("telescope-webhook");
    assertThat(fromReplica.getCount()).isEqualTo(1);
    assertThat(fromReplica.getMetadata().getName()).startsWith("web-7d4b9c.");
    ObjectReference about = fromReplica.getInvolvedObject();
    // The pod has no name yet: the event goes to its ReplicaSet.
    assertThat(about.getKind()).isEqualTo("ReplicaSet");
    assertThat(about.getName()).isEqualTo("web-7d4b9c");
    assertThat(about.getUid()).isEqualTo("rs-uid");
    assertThat(about.getNamespace()).isEqualTo("apps");

    Event fromPod =
        written.stream()
            .filter(e -> e.getMessage().equals("other reason"))
            .findFirst()
            .orElseThrow();
    assertThat(fromPod.getInvolvedObject().getKind()).isEqualTo("Pod");
    assertThat(fromPod.getInvolvedObject().getName()).isEqualTo("my-app");
  }

  @Test
  void aPodWithNeitherNameNorOwnerIsNamedByItsGenerateName() {
    Pod bare =
        new PodBuilder(SidecarFixtures.pod("true"))
            .editMetadata()
            .withName(null)
            .withGenerateName("batch-")
            .endMetadata()
            .build();
    ObjectReference about = KubernetesSidecarEvents.involvedObject(bare, "apps");
    assertThat(about.getKind()).isEqualTo("Pod");
    assertThat(about.getName()).isEqualTo("batch-");
  }

  @Test
  void aFullQueueDropsInsteadOfBlocking() throws Exception {
    // An unreachable API server: the writer thread is stuck, admission must not be.
    KubernetesClient dead =
        new io.fabric8.kubernetes.client.KubernetesClientBuilder()
            .withConfig(
                new io.fabric8.kubernetes.client.ConfigBuilder()
                    .withMasterUrl("https://127.0.0.1:1")
                    .withRequestRetryBackoffLimit(0)
                    .withConnectionTimeout(200)
                    .build())
            .build();
    try (dead;
        KubernetesSidecarEvents sink = new KubernetesSidecarEvents(dead, 2, Duration.ZERO)) {
      for (int i = 0; i < 50; i++) {
        sink.notInjected(SidecarFixtures.pod("true"), "apps", "reason " + i);
      }
      assertThat(sink.dropped()).isGreaterThan(0);
      eventually(() -> sink.failed() > 0);
    }
  }
}
