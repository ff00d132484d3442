package dev.telescope.manifests;

import com.fasterxml.jackson.databind.JsonNode;
import dev.telescope.api.common.TargetAllocatorMtls;
import dev.telescope.settings.Capabilities;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.fabric8.kubernetes.api.model.VolumeProjectionBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The certificate volume each side of allocator mTLS mounts at {@code /tls} ({@code ca.crt}, {@code
 * tls.crt}, {@code tls.key}): cert-manager's Secret, or the user's ConfigMaps and Secrets projected
 * under those names, so both sides read the same paths whoever issued them.
 */
public final class AllocatorTlsVolumes {
  public static final String MOUNT_PATH = "/tls";

  /** The user-provided server certificate under {@code mtls.tls}. */
  public static final String SERVER = "serverCertificate";

  /** The user-provided client certificate under {@code mtls.tls}. */
  public static final String CLIENT = "clientCertificate";

  private AllocatorTlsVolumes() {}

  /** Whether the user gave their own certificates ({@code useCertManager: false}). */
  public static boolean userProvided(TargetAllocatorMtls m) {
    return TargetAllocatorMtls.on(m) && Boolean.FALSE.equals(m.useCertManager);
  }

  /**
   * Whether mTLS is served: on, with certificates from cert-manager (installed) or from the user (a
   * certificate for {@code field} is given).
   */
  public static boolean served(TargetAllocatorMtls m, Capabilities caps, String field) {
    if (!TargetAllocatorMtls.on(m)) {
      return false;
    }
    if (userProvided(m)) {
      return m.tls != null && m.tls.get(field) != null && m.tls.get(field).isObject();
    }
    return caps.certManager();
  }

  /**
   * The volume: cert-manager's Secret {@code certManagerSecret}, or a projection of the user's CA
   * and the certificate and key under {@code field}.
   */
  public static Volume volume(
      String name, TargetAllocatorMtls m, String certManagerSecret, String field) {
    if (!userProvided(m)) {
      return new VolumeBuilder()
          .withName(name)
          .withNewSecret()
          .withSecretName(certManagerSecret)
          .endSecret()
          .build();
    }
    Map<String, JsonNode> tls = m.tls;
    List<VolumeProjection> sources = new ArrayList<>();
    JsonNode ca = tls.get("certificateAuthorityCertificate");
    if (ca != null) {
      project(sources, ca.get("configMap"), true, "ca.crt");
      project(sources, ca.get("secret"), false, "ca.crt");
    }
    JsonNode cert = tls.get(field);
    project(sources, cert.get("certificateSecret"), false, "tls.crt");
    project(sources, cert.get("keySecret"), false, "tls.key");
    return new VolumeBuilder()
        .withName(name)
        .withNewProjected()
        .withSources(sources)
        .endProjected()
        .build();
  }

  /** One source: key (default: the file name) of the named ConfigMap or Secret as {@code file}. */
  private static void project(
      List<VolumeProjection> out, JsonNode ref, boolean configMap, String file) {
    if (ref == null || !ref.isObject() || !ref.path("name").isTextual()) {
      return;
    }
    String key = ref.path("key").isTextual() ? ref.path("key").asText() : file;
    VolumeProjectionBuilder b = new VolumeProjectionBuilder();
    if (configMap) {
      b.withNewConfigMap()
          .withName(ref.path("name").asText())
          .addNewItem()
          .withKey(key)
          .withPath(file)
          .endItem()
          .endConfigMap();
    } else {
      b.withNewSecret()
          .withName(ref.path("name").asText())
          .addNewItem()
          .withKey(key)
          .withPath(file)
          .endItem()
          .endSecret();
    }
    out.add(b.build());
  }
}
