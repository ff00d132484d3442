package dev.telescope.api.instrumentation;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * How to auto-instrument the pods of a namespace: the SDK settings every language shares and the
 * agent image and options per language; the pod webhook reads it, no controller writes operands.
 */
@Group("opentelemetry.io")
@Version(value = "v1alpha1", storage = true, served = true)
@Kind("Instrumentation")
@Plural("instrumentations")
@Singular("instrumentation")
@ShortNames({"otelinst", "otelinsts"})
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
@AdditionalPrinterColumn(
    name = "Endpoint",
    jsonPath = ".spec.exporter.endpoint",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Sampler",
    jsonPath = ".spec.sampler.type",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Sampler Arg",
    jsonPath = ".spec.sampler.argument",
    type = AdditionalPrinterColumn.Type.STRING)
public class Instrumentation extends CustomResource<InstrumentationSpec, InstrumentationStatus>
    implements Namespaced {
  public static final String API_VERSION = "opentelemetry.io/v1alpha1";
  public static final String KIND = "Instrumentation";
}
