package dev.telescope.manifests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telescope.api.ConfigYaml;
import dev.telescope.api.common.TargetAllocatorCommon;
import dev.telescope.api.v1beta1.TargetAllocatorEmbedded;
import dev.telescope.naming.Names;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The TargetAllocator CR a collector with {@code targetAllocator.enabled} spawns, and the matching
 * rewrite of the collector's prometheus receiver so that it asks the allocator for its targets
 * instead of scraping them all itself. The allocator's own Deployment/Service/ConfigMap are the
 * TargetAllocator's business, not rendered here.
 */
public final class TargetAllocatorBuilder {
  public static final String API_VERSION = "opentelemetry.io/v1alpha1";
  public static final String KIND = "TargetAllocator";

  /** The receiver upstream rewrites: exactly the one with id {@code prometheus}. */
  static final String PROMETHEUS = "prometheus";

  private static final ObjectMapper JSON = new ObjectMapper();

  private TargetAllocatorBuilder() {}

  /** Whether {@code targetAllocator.enabled} is set. */
  public static boolean enabled(CollectorContext ctx) {
    TargetAllocatorEmbedded ta = ctx.spec().targetAllocator;
    return ta != null && Boolean.TRUE.equals(ta.enabled);
  }

  /**
   * The TargetAllocator CR: named like the collector, the CR's labels plus managed-by, the
   * allocator settings copied from the collector's embedded spec. Fields upstream always writes (Go
   * structs, not pointers: {@code resources}, {@code podDnsConfig}, {@code networkPolicy}, {@code
   * prometheusCR}, {@code observability}; and {@code global}, null when unset) are written even
   * when empty, so the stored object matches.
   */
  public static Optional<GenericKubernetesResource> build(CollectorContext ctx) {
    if (!enabled(ctx)) {
      return Optional.empty();
    }
    TargetAllocatorEmbedded ta = ctx.spec().targetAllocator;
    Map<String, Object> spec = new LinkedHashMap<>();
    putIfSet(spec, "replicas", ta.replicas);
    putIfSet(spec, "nodeSelector", ta.nodeSelector);
    spec.put("resources", ta.resources == null ? Map.of() : ta.resources);
    putIfSet(spec, "serviceAccount", ta.serviceAccount);
    putIfSet(spec, "image", ta.image);
    putIfSet(spec, "affinity", ta.affinity);
    putIfSet(spec, "securityContext", ta.securityContext);
    putIfSet(spec, "podSecurityContext", ta.podSecurityContext);
    putIfSet(spec, "topologySpreadConstraints", ta.topologySpreadConstraints);
    putIfSet(spec, "tolerations", ta.tolerations);
    putIfSet(spec, "env", ta.env);
    putIfSet(spec, "podAnnotations", ctx.spec().podAnnotations);
    putIfSet(spec, "podDisruptionBudget", ta.podDisruptionBudget);
    spec.put("podDnsConfig", Map.of());
    // The allocator follows the collector's networkPolicy setting, as upstream's does.
    spec.put(
        "networkPolicy",
        ctx.spec().networkPolicy == null
            ? Map.of()
            : JSON.convertValue(ctx.spec().networkPolicy, Map.class));
    putIfSet(spec, "mtls", ta.mtls);
    putIfSet(spec, "allocationStrategy", ta.allocationStrategy);
    putIfSet(spec, "filterStrategy", ta.filterStrategy);
    spec.put("prometheusCR", ta.prometheusCR == null ? Map.of() : ta.prometheusCR);
    putIfSet(spec, "collectorNotReadyGracePeriod", ta.collectorNotReadyGracePeriod);
    putIfSet(spec, "collectorTargetReloadInterval", ta.collectorTargetReloadInterval);
    putIfSet(spec, "allowInsecureAuthSecrets", ta.allowInsecureAuthSecrets);
    Map<String, Object> metrics = new LinkedHashMap<>();
    TargetAllocatorCommon.Observability obs = ta.observability;
    if (obs != null && obs.metrics != null) {
      putIfSet(metrics, "enableMetrics", obs.metrics.enableMetrics);
      putIfSet(metrics, "extraLabels", obs.metrics.extraLabels);
      putIfSet(metrics, "disablePrometheusAnnotations", obs.metrics.disablePrometheusAnnotations);
    }
    spec.put("observability", Map.of("metrics", metrics));
    spec.put("global", globalConfig(ctx));

    Map<String, String> labels = new TreeMap<>();
    if (ctx.cr().getMetadata().getLabels() != null) {
      labels.putAll(ctx.cr().getMetadata().getLabels());
    }
    labels.put(Labels.MANAGED_BY, Labels.OPERATOR);
    GenericKubernetesResource r = new GenericKubernetesResource();
    r.setApiVersion(API_VERSION);
    r.setKind(KIND);
    r.setMetadata(
        new ObjectMetaBuilder()
            .withName(ctx.name())
            .withNamespace(ctx.namespace())
            .withLabels(labels)
            .withAnnotations(Annotations.object(ctx))
            .build());
    r.setAdditionalProperty("spec", spec);
    return Optional.of(r);
  }

  /** Where the collector mounts its client certificate under allocator mTLS. */
  public static final String TLS_MOUNT_PATH = "/tls";

  /**
   * Whether the collector talks mTLS to its own allocator: {@code targetAllocator.mtls.enabled}
   * with cert-manager's certificates (cert-manager installed) or a user-provided client one.
   */
  public static boolean mtls(CollectorContext ctx) {
    TargetAllocatorEmbedded ta = ctx.spec().targetAllocator;
    return enabled(ctx)
        && AllocatorTlsVolumes.served(
            ta.mtls, ctx.cfg().capabilities(), AllocatorTlsVolumes.CLIENT);
  }

  /** The collector's client certificate volume under allocator mTLS. */
  public static Volume clientCertificateVolume(CollectorContext ctx) {
    String secret = clientCertificateSecret(ctx);
    return AllocatorTlsVolumes.volume(
        secret, ctx.spec().targetAllocator.mtls, secret, AllocatorTlsVolumes.CLIENT);
  }

  /** The Secret (and volume) holding the collector's client certificate. */
  public static String clientCertificateSecret(CollectorContext ctx) {
    return Names.targetAllocatorCertificate(ctx.name(), "ta-client-cert");
  }

  /** The label by which a collector joins a standalone TargetAllocator of that name. */
  public static final String ALLOCATOR_LABEL = "opentelemetry.io/target-allocator";

  /**
   * The allocator a collector fetches its targets from: its own ({@code targetAllocator.enabled},
   * same name), else the standalone one it is labelled with.
   */
  public static Optional<String> allocatorName(CollectorContext ctx) {
    if (enabled(ctx)) {
      return Optional.of(ctx.name());
    }
    Map<String, String> labels = ctx.cr().getMetadata().getLabels();
    String name = labels == null ? null : labels.get(ALLOCATOR_LABEL);
    return name == null || name.isEmpty() ? Optional.empty() : Optional.of(name);
  }

  /** How often collectors fetch their targets: {@code collectorTargetReloadInterval}, else 30s. */
  static String reloadInterval(TargetAllocatorEmbedded ta) {
    String v = ta == null ? null : ta.collectorTargetReloadInterval;
    return v == null || v.isEmpty() ? "30s" : v;
  }

  private static void putIfSet(Map<String, Object> spec, String key, Object value) {
    if (value == null
        || (value instanceof Map<?, ?> m && m.isEmpty())
        || (value instanceof java.util.Collection<?> c && c.isEmpty())
        || (value instanceof String s && s.isEmpty())) {
      return;
    }
    spec.put(key, value);
  }

  /** The prometheus receiver's {@code config.global}, which the allocator also applies. */
  private static Object globalConfig(CollectorContext ctx) {
    JsonNode global = prometheus(ctx).map(p -> p.path("config").get("global")).orElse(null);
    return global == null || global.isNull() ? null : JSON.convertValue(global, Object.class);
  }

  private static Optional<JsonNode> prometheus(CollectorContext ctx) {
    var config = ctx.config().source();
    if (config == null || config.receivers == null || !config.receivers.isObject()) {
      return Optional.empty();
    }
    return Optional.ofNullable(config.receivers.get(PROMETHEUS));
  }

  /**
   * The collector config as the ConfigMap carries it when an allocator is enabled: the {@code
   * prometheus} receiver (with or without a {@code config}) loses its {@code scrape_configs} and
   * gains {@code target_allocator} (endpoint of the allocator's Service, {@code
   * collectorTargetReloadInterval} as interval, the pod name as collector id; other settings the
   * user gave there are kept). Upstream re-serialises the whole document through a generic YAML
   * library, so keys come out sorted at every level with 4-space indentation.
   *
   * @return the rewritten YAML, or empty when there is no allocator or no prometheus {@code config}
   *     to rewrite
   */
  public static Optional<String> collectorConfig(CollectorContext ctx) {
    Optional<String> allocator = allocatorName(ctx);
    if (allocator.isEmpty()) {
      return Optional.empty();
    }
    JsonNode tree = ConfigYaml.sorted(ConfigYaml.toTree(ctx.config().source()));
    JsonNode prom = tree.path("receivers").get(PROMETHEUS);
    if (!(prom instanceof ObjectNode receiver)) {
      return Optional.empty();
    }
    if (receiver.get("config") instanceof ObjectNode config) {
      config.remove("scrape_configs");
    }
    JsonNode existing = receiver.get("target_allocator");
    ObjectNode ta = existing instanceof ObjectNode o ? o : JSON.createObjectNode();
    ta.put("interval", reloadInterval(ctx.spec().targetAllocator));
    ta.put("collector_id", "${POD_NAME}");
    if (mtls(ctx)) {
      ta.put("endpoint", "https://" + Names.targetAllocator(allocator.get()) + ":443");
      ObjectNode tls = ta.putObject("tls");
      tls.put("ca_file", TLS_MOUNT_PATH + "/ca.crt");
      tls.put("cert_file", TLS_MOUNT_PATH + "/tls.crt");
      tls.put("key_file", TLS_MOUNT_PATH + "/tls.key");
      tls.put("reload_interval", "5m");
    } else {
      ta.put("endpoint", "http://" + Names.targetAllocator(allocator.get()) + ":80");
    }
    receiver.set("target_allocator", ta);
    return Optional.of(ConfigYaml.write(ConfigYaml.sorted(tree), 4));
  }
}
