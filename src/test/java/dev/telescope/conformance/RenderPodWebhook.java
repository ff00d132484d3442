package dev.telescope.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telescope.api.instrumentation.Instrumentation;
import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import dev.telescope.settings.OperatorConfig;
import dev.telescope.webhook.CollectorLookup;
import dev.telescope.webhook.JsonPatches;
import dev.telescope.webhook.PodAdmission;
import dev.telescope.webhook.PodInstrumentation;
import dev.telescope.webhook.SidecarEvents;
import dev.telescope.webhook.SidecarInjector;
import io.fabric8.kubernetes.api.model.GroupVersionKind;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.zjsonpatch.JsonPatch;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * The real pod webhook ({@link PodAdmission} with the sidecar and instrumentation steps) for the
 * emulated cluster, its caches read from what the cluster stores, with the ServiceAccount token
 * mounts around it as the API server adds them.
 */
final class RenderPodWebhook implements RenderCluster.PodWebhook {
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  private final OperatorConfig cfg;

  RenderPodWebhook(OperatorConfig cfg) {
    this.cfg = cfg;
  }

  @Override
  public JsonNode mutate(JsonNode pod, RenderCluster cluster) {
    ObjectNode before = ((ObjectNode) pod).deepCopy();
    JsonNode node = ServiceAccountTokens.unbind(before);
    ServiceAccountTokens.mount(before);
    List<OpenTelemetryCollector> collectors = new ArrayList<>();
    for (ObjectNode o : cluster.objects("OpenTelemetryCollector")) {
      collectors.add(SERIALIZATION.convertValue(o, OpenTelemetryCollector.class));
    }
    List<Namespace> namespaces = new ArrayList<>();
    for (ObjectNode o : cluster.objects("Namespace")) {
      namespaces.add(SERIALIZATION.convertValue(o, Namespace.class));
    }
    List<Instrumentation> instrumentations = new ArrayList<>();
    for (ObjectNode o : cluster.objects("Instrumentation")) {
      instrumentations.add(SERIALIZATION.convertValue(o, Instrumentation.class));
    }
    CollectorLookup lookup =
        CollectorLookup.of(collectors, namespaces, List.of())
            .withInstrumentations(instrumentations);
    PodAdmission admission =
        new PodAdmission(
            new SidecarInjector(cfg),
            lookup,
            SidecarEvents.NONE,
            new PodInstrumentation(cfg.instrumentation()));
    AdmissionRequest request = new AdmissionRequest();
    request.setUid(UUID.randomUUID().toString());
    request.setOperation("CREATE");
    request.setNamespace(before.at("/metadata/namespace").asText());
    request.setKind(new GroupVersionKind("", "Pod", "v1"));
    AdmissionResponse response = admission.handle(request, before);
    ObjectNode after = before;
    if (response.getPatch() != null) {
      JsonNode patch =
          JsonPatches.tree(
              SERIALIZATION.unmarshal(
                  new String(
                      Base64.getDecoder().decode(response.getPatch()), StandardCharsets.UTF_8),
                  JsonNode.class));
      after = (ObjectNode) JsonPatch.apply(patch, before);
    }
    ServiceAccountTokens.mount(after);
    ServiceAccountTokens.bind(after, node);
    return after;
  }
}
