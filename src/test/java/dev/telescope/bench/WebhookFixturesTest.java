package dev.telescope.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telescope.webhook.PodAdmission;
import dev.telescope.webhook.WebhookServer;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import org.junit.jupiter.api.Test;

/**
 * The webhook benchmark's two pod cases, admitted once in-process: what the benchmark measures is
 * the sidecar alone, and the sidecar plus the Java agent in one patch (functional only; the figures
 * come from running the benchmark by hand).
 */
class WebhookFixturesTest {
  static final ObjectMapper JSON = WebhookServer.newObjectMapper();

  static byte[] answer(PodAdmission pods, byte[] body) throws Exception {
    AdmissionReview review = JSON.readValue(body, AdmissionReview.class);
    AdmissionReview answer = new AdmissionReview();
    answer.setApiVersion("admission.k8s.io/v1");
    answer.setKind("AdmissionReview");
    answer.setResponse(pods.handle(review.getRequest()));
    return JSON.writeValueAsBytes(answer);
  }

  @Test
  void theJavaPodGetsTheSidecarAndTheAgentAndThePlainPodOnlyTheSidecar() throws Exception {
    PodAdmission pods = WebhookFixtures.podAdmission();
    byte[] plain = answer(pods, WebhookFixtures.admissionReview(JSON));
    assertThat(WebhookBench.patchProblem(plain)).isNull();
    assertThat(WebhookBench.javaPatchProblem(plain)).contains("does not add the Java agent");

    byte[] java = answer(pods, WebhookFixtures.admissionReview(JSON, WebhookFixtures.javaPod()));
    assertThat(WebhookBench.javaPatchProblem(java)).isNull();
    assertThat(pods.injected()).isEqualTo(2);
    assertThat(pods.failed()).isZero();
    assertThat(pods.instrumentationCounters()).containsEntry("java.injected", 1L);
  }
}
