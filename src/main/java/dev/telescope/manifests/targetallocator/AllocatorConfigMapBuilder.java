package dev.telescope.manifests.targetallocator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.telescope.api.v1alpha1.TargetAllocatorSpec;
import dev.telescope.api.v1beta1.TargetAllocatorEmbedded;
import dev.telescope.manifests.CollectorContext;
import dev.telescope.manifests.Labels;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The allocator's ConfigMap, key {@code targetallocator.yaml}: which collectors share the targets
 * (the collector's selector labels), how (allocation and filter strategies), what to scrape (the
 * collector's prometheus scrape configs, moved here, plus the CR's own) and which
 * Prometheus-operator CRs to discover.
 */
public final class AllocatorConfigMapBuilder {
  /** The ConfigMap key and file name the allocator reads. */
  public static final String FILE = "targetallocator.yaml";

  private AllocatorConfigMapBuilder() {}

  public static ConfigMap build(AllocatorContext ctx) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(ctx.objectName())
        .withNamespace(ctx.namespace())
        .withLabels(Labels.allocator(ctx.meta(), ctx.objectName(), ctx.spec().image, ctx.cfg()))
        .withAnnotations(AllocatorAnnotations.object(ctx))
        .endMetadata()
        .withData(Map.of(FILE, content(ctx)))
        .build();
  }

  /** The text of {@code targetallocator.yaml}. */
  public static String content(AllocatorContext ctx) {
    TargetAllocatorSpec s = ctx.spec();
    Map<String, Object> out = new TreeMap<>();
    Map<String, Object> global;
    List<Object> scrapeConfigs = new ArrayList<>();
    if (s.scrapeConfigs != null) {
      s.scrapeConfigs.forEach(c -> scrapeConfigs.add(GoValues.of(c)));
    }
    CollectorContext collector = ctx.collector();
    if (collector != null) {
      out.put("collector_selector", selector(Labels.selector(collector)));
      Map<String, Object> own = GoValues.of(s.global);
      global = own != null && !own.isEmpty() ? own : collectorGlobal(collector);
      JsonNode collectorScrape = promConfig(collector).get("scrape_configs");
      if (collectorScrape != null && collectorScrape.isArray()) {
        collectorScrape.forEach(c -> scrapeConfigs.add(GoValues.unescapeDollars(GoValues.of(c))));
      }
    } else {
      out.put("collector_selector", null);
      global = GoValues.of(s.global);
    }
    Map<String, Object> config = new TreeMap<>();
    if (global != null && !global.isEmpty()) {
      config.put("global", global);
    }
    if (!scrapeConfigs.isEmpty()) {
      config.put("scrape_configs", scrapeConfigs);
    }
    if (!config.isEmpty()) {
      out.put("config", config);
    }
    out.put(
        "allocation_strategy",
        s.allocationStrategy == null || s.allocationStrategy.isEmpty()
            ? "consistent-hashing"
            : s.allocationStrategy);
    out.put("filter_strategy", s.filterStrategy == null ? "" : s.filterStrategy);
    TargetAllocatorEmbedded.PrometheusCR p = s.prometheusCR;
    if (p != null && Boolean.TRUE.equals(p.enabled)) {
      out.put("prometheus_cr", prometheusCr(p));
    }
    if (Boolean.TRUE.equals(s.allowInsecureAuthSecrets)) {
      out.put("allow_insecure_auth_secrets", true);
    }
    if (s.collectorNotReadyGracePeriod != null && !s.collectorNotReadyGracePeriod.isEmpty()) {
      out.put(
          "collector_not_ready_grace_period", GoDuration.normalise(s.collectorNotReadyGracePeriod));
    }
    if (ctx.mtlsServed()) {
      out.put("https", https());
    }
    return GoYaml.write(out);
  }

  /** Serving over https with the mounted server certificate, asking for client certificates. */
  static Map<String, Object> https() {
    String dir = AllocatorCertificatesBuilder.MOUNT_PATH;
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("enabled", true);
    m.put("listen_addr", ":" + AllocatorCertificatesBuilder.HTTPS_PORT);
    m.put("ca_file_path", dir + "/ca.crt");
    m.put("tls_cert_file_path", dir + "/tls.crt");
    m.put("tls_key_file_path", dir + "/tls.key");
    return m;
  }

  private static Map<String, Object> prometheusCr(TargetAllocatorEmbedded.PrometheusCR p) {
    Map<String, Object> m = new TreeMap<>();
    m.put("enabled", true);
    if (p.scrapeInterval != null && !p.scrapeInterval.isEmpty()) {
      m.put("scrape_interval", GoDuration.normalise(p.scrapeInterval));
    }
    if (p.evaluationInterval != null && !p.evaluationInterval.isEmpty()) {
      m.put("evaluation_interval", GoDuration.normalise(p.evaluationInterval));
    }
    if (p.scrapeProtocols != null) {
      m.put("scrape_protocols", new ArrayList<Object>(p.scrapeProtocols));
    }
    if (p.scrapeClasses != null) {
      List<Object> classes = new ArrayList<>();
      p.scrapeClasses.forEach(c -> classes.add(GoValues.of(c)));
      m.put("scrape_classes", classes);
    }
    if (p.allowNamespaces != null) {
      m.put("allow_namespaces", new ArrayList<Object>(p.allowNamespaces));
    }
    if (p.denyNamespaces != null) {
      m.put("deny_namespaces", new ArrayList<Object>(p.denyNamespaces));
    }
    if (p.secretNamespaces != null) {
      m.put("secret_namespaces", new ArrayList<Object>(p.secretNamespaces));
    }
    if (Boolean.TRUE.equals(p.denyFSAccessThroughSMs)) {
      m.put("deny_fs_access_through_sms", true);
    }
    m.put("service_monitor_namespace_selector", selector(p.serviceMonitorNamespaceSelector));
    m.put("service_monitor_selector", selector(p.serviceMonitorSelector));
    m.put("pod_monitor_namespace_selector", selector(p.podMonitorNamespaceSelector));
    m.put("pod_monitor_selector", selector(p.podMonitorSelector));
    m.put("scrape_config_namespace_selector", selector(p.scrapeConfigNamespaceSelector));
    m.put("scrape_config_selector", selector(p.scrapeConfigSelector));
    m.put("probe_namespace_selector", selector(p.probeNamespaceSelector));
    m.put("probe_selector", selector(p.probeSelector));
    return m;
  }

  /** A label selector as the allocator reads it: lower-case struct fields, in struct order. */
  static Map<String, Object> selector(LabelSelector s) {
    if (s == null) {
      return null;
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("matchlabels", s.getMatchLabels() == null ? Map.of() : new TreeMap<>(s.getMatchLabels()));
    List<Object> exprs = new ArrayList<>();
    if (s.getMatchExpressions() != null) {
      for (LabelSelectorRequirement r : s.getMatchExpressions()) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("key", r.getKey());
        e.put("operator", r.getOperator());
        e.put("values", r.getValues() == null ? List.of() : new ArrayList<Object>(r.getValues()));
        exprs.add(e);
      }
    }
    m.put("matchexpressions", exprs);
    return m;
  }

  private static Map<String, Object> selector(Map<String, String> matchLabels) {
    LabelSelector s = new LabelSelector();
    s.setMatchLabels(matchLabels);
    return selector(s);
  }

  private static Map<String, Object> collectorGlobal(CollectorContext collector) {
    JsonNode global = promConfig(collector).get("global");
    return global == null || global.isNull() ? null : GoValues.of(global);
  }

  /** The {@code config} of the collector's prometheus receiver (missing node when absent). */
  static JsonNode promConfig(CollectorContext collector) {
    var source = collector.config().source();
    if (source == null || source.receivers == null) {
      return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }
    return source.receivers.path("prometheus").path("config");
  }
}
