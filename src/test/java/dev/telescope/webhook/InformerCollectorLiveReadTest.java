package dev.telescope.webhook;

import static dev.telescope.webhook.SidecarFixtures.collector;
import static org.assertj.core.api.Assertions.assertThat;

import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import dev.telescope.reconciler.MockCluster;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A collector the informer has not seen yet (applied a moment before its pods) is found by one live
 * read. Expectations take precedence over the CRUD store, so a collector that exists only as an
 * expectation is one the watch never delivers: the cache is reliably stale.
 */
@EnableKubernetesMockClient(crud = true)
class InformerCollectorLiveReadTest {
  private static final String COLLECTORS = "/apis/opentelemetry.io/v1beta1/namespaces/apps/";

  KubernetesClient client;
  KubernetesMockServer server;

  private InformerCollectorLookup synced() throws InterruptedException {
    InformerCollectorLookup lookup =
        new InformerCollectorLookup(client, Set.of(), Duration.ZERO).start();
    assertThat(lookup.awaitSynced(Duration.ofSeconds(30))).isTrue();
    MockCluster.drain(server);
    return lookup;
  }

  private static List<String> gets(List<RecordedRequest> requests) {
    return requests.stream()
        .filter(r -> r.getMethod().equals("GET") && !r.getPath().contains("watch=true"))
        .map(RecordedRequest::getPath)
        .toList();
  }

  @Test
  void aNamedCollectorMissingFromTheCacheIsFoundByOneLiveRead() throws Exception {
    OpenTelemetryCollector late = collector("apps", "late", "sidecar");
    server
        .expect()
        .get()
        .withPath(COLLECTORS + "opentelemetrycollectors/late")
        .andReturn(200, late)
        .always();
    try (InformerCollectorLookup lookup = synced()) {
      PodAdmission pods =
          new PodAdmission(new SidecarInjector(SidecarFixtures.CFG), lookup, SidecarEvents.NONE);
      AdmissionRequest request = new AdmissionRequest();
      request.setUid("u");
      request.setOperation("CREATE");
      request.setNamespace("apps");
      request.setResource(
          new io.fabric8.kubernetes.api.model.GroupVersionResource("", "pods", "v1"));
      AdmissionResponse r =
          pods.handle(
              request, JsonPatches.tree(SidecarFixtures.pod("apps/late")), Duration.ofSeconds(5));

      assertThat(r.getPatchType()).isEqualTo("JSONPatch");
      assertThat(pods.injected()).isEqualTo(1);
      assertThat(lookup.liveReads()).isEqualTo(1);
      assertThat(gets(MockCluster.drain(server)))
          .containsExactly(COLLECTORS + "opentelemetrycollectors/late");
    }
  }

  @Test
  void theOnlySidecarCollectorForTrueIsFoundByALiveListAndMissesAreRemembered() throws Exception {
    server
        .expect()
        .get()
        .withPath(COLLECTORS + "opentelemetrycollectors")
        .andReturn(
            200,
            "{\"apiVersion\":\"opentelemetry.io/v1beta1\",\"kind\":\"OpenTelemetryCollectorList\","
                + "\"metadata\":{},\"items\":["
                + Serialization.asJson(collector("apps", "gw", "deployment"))
                + ","
                + Serialization.asJson(collector("apps", "side", "sidecar"))
                + "]}")
        .once();
    try (InformerCollectorLookup lookup = synced()) {
      assertThat(lookup.sidecarCollectors("apps"))
          .extracting(c -> c.getMetadata().getName())
          .containsExactly("side");
      assertThat(lookup.collector("apps", "nope")).isEmpty();
      // A confirmed miss is believed for a few seconds: no second read.
      assertThat(lookup.collector("apps", "nope")).isEmpty();
      assertThat(lookup.liveReads()).isEqualTo(2);
      assertThat(gets(MockCluster.drain(server)))
          .containsExactly(
              COLLECTORS + "opentelemetrycollectors", COLLECTORS + "opentelemetrycollectors/nope");
    }
  }
}
