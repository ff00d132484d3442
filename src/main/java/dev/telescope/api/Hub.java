package dev.telescope.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telescope.api.v1beta1.OpenTelemetryCollector;

/** Reads a CR of either served version into the hub (v1beta1) type the operator works on. */
public final class Hub {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Hub() {}

  /**
   * The v1beta1 form of a CR given as a JSON/YAML tree; a document without apiVersion is taken as
   * v1beta1.
   */
  public static OpenTelemetryCollector toHub(JsonNode doc) {
    String apiVersion = doc.path("apiVersion").asText("");
    if (apiVersion.endsWith("/v1alpha1")) {
      dev.telescope.api.v1alpha1.OpenTelemetryCollector alpha =
          JSON.convertValue(doc, dev.telescope.api.v1alpha1.OpenTelemetryCollector.class);
      return Conversion.toV1beta1(alpha);
    }
    OpenTelemetryCollector cr = JSON.convertValue(doc, OpenTelemetryCollector.class);
    if (cr.getMetadata() == null) {
      cr.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMeta());
    }
    return cr;
  }
}
