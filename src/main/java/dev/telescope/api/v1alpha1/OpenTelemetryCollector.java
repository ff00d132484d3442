package dev.telescope.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/** An OpenTelemetry Collector as v1alpha1 clients write it; converted to v1beta1 at once. */
@Group("opentelemetry.io")
@Version(
    value = "v1alpha1",
    storage = false,
    served = true,
    deprecated = true,
    deprecationWarning = "OpenTelemetryCollector v1alpha1 is deprecated. Migrate to v1beta1.")
@Kind("OpenTelemetryCollector")
@Plural("opentelemetrycollectors")
@Singular("opentelemetrycollector")
@ShortNames({"otelcol", "otelcols"})
@AdditionalPrinterColumn(
    name = "Mode",
    jsonPath = ".spec.mode",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Version",
    jsonPath = ".status.version",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.scale.statusReplicas",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
@AdditionalPrinterColumn(
    name = "Image",
    jsonPath = ".status.image",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Management",
    jsonPath = ".spec.managementState",
    type = AdditionalPrinterColumn.Type.STRING)
public class OpenTelemetryCollector
    extends CustomResource<OpenTelemetryCollectorSpec, OpenTelemetryCollectorStatus>
    implements Namespaced {
  public static final String API_VERSION = "opentelemetry.io/v1alpha1";
}
