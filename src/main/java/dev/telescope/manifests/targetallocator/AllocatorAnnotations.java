package dev.telescope.manifests.targetallocator;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * Annotations of the allocator's objects: the CR's own (minus {@code --annotations-filter}) on
 * every object; on the pod template also {@code podAnnotations} and the hash of {@code
 * targetallocator.yaml}, so that a config change rolls the pods.
 */
public final class AllocatorAnnotations {
  /** Upstream's pod annotation carrying the sha256 of the allocator config. */
  public static final String CONFIG_HASH = "opentelemetry-targetallocator-config/hash";

  private AllocatorAnnotations() {}

  /** The CR's annotations minus the filtered ones. */
  public static Map<String, String> object(AllocatorContext ctx) {
    Map<String, String> out = new TreeMap<>();
    Map<String, String> own = ctx.meta().getAnnotations();
    if (own != null) {
      own.forEach(
          (k, v) -> {
            if (!ctx.cfg().annotationFiltered(k)) {
              out.put(k, v);
            }
          });
    }
    return out;
  }

  /** The pod template's annotations. */
  public static Map<String, String> pod(AllocatorContext ctx) {
    Map<String, String> out = new TreeMap<>();
    if (ctx.spec().podAnnotations != null) {
      out.putAll(ctx.spec().podAnnotations);
    }
    out.putAll(object(ctx));
    out.put(CONFIG_HASH, sha256(AllocatorConfigMapBuilder.content(ctx)));
    return out;
  }

  static String sha256(String s) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }
}
