package dev.telescope.api.common;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import java.util.Map;

/**
 * mTLS between collectors and their allocator: the serving and client certificates come from
 * cert-manager unless {@code useCertManager} is false and {@code tls} names user-provided ones.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TargetAllocatorMtls {
  @JsonPropertyDescription("Serve targets over HTTPS with client certificates.")
  public Boolean enabled;

  @JsonPropertyDescription("Issue the certificates with cert-manager (default true).")
  public Boolean useCertManager;

  @PreserveUnknownFields
  @JsonPropertyDescription("User-provided CA, server and client certificates.")
  public Map<String, JsonNode> tls;

  /** Whether mTLS is switched on for these settings (null: off). */
  public static boolean on(TargetAllocatorMtls m) {
    return m != null && Boolean.TRUE.equals(m.enabled);
  }
}
