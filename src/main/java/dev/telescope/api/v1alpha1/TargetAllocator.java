package dev.telescope.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A standalone target allocator, or the one a collector with {@code targetAllocator.enabled}
 * spawns; served from our own CRD so that it exists whether or not upstream was ever installed.
 */
@Group("opentelemetry.io")
@Version(value = "v1alpha1", storage = true, served = true)
@Kind("TargetAllocator")
@Plural("targetallocators")
@Singular("targetallocator")
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
public class TargetAllocator extends CustomResource<TargetAllocatorSpec, TargetAllocatorStatus>
    implements Namespaced {
  public static final String API_VERSION = "opentelemetry.io/v1alpha1";
  public static final String KIND = "TargetAllocator";

  /**
   * The label a collector carries to join a standalone allocator: {@code
   * opentelemetry.io/target-allocator: <allocator name>}.
   */
  public static final String COLLECTOR_LABEL = "opentelemetry.io/target-allocator";
}
