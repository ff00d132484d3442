package dev.telescope.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.telescope.api.v1beta1.Config;
import dev.telescope.api.v1beta1.Pipeline;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;

/**
 * A typed, immutable view of one collector config: its components, which of them the pipelines use,
 * and everything that follows from them (ports, probes, env, RBAC, hash). Parsing never throws:
 * whatever is wrong is listed in {@link #problems()} with the path that points at it.
 */
public final class CollectorConfig {
  /** Where the health_check extension answers. */
  public record HealthCheck(String path, int port) {}

  private final Config source;
  private final Map<ComponentKind, Map<String, JsonNode>> components;
  private final Map<String, Pipeline> pipelines;
  private final List<String> serviceExtensions;
  private final Map<ComponentKind, Set<String>> used;
  private final List<ConfigProblem> problems = new ArrayList<>();
  private final List<ConfigProblem> warnings = new ArrayList<>();
  private final List<ComponentPort> receiverPorts;
  private final List<ComponentPort> exporterPorts;
  private final List<ComponentPort> extensionPorts;
  private final int metricsPort;
  private final HealthCheck healthCheck;
  private final List<PolicyRule> rbacRules;
  private final String hash;

  private CollectorConfig(Config config) {
    this.source = config;
    this.components = new EnumMap<>(ComponentKind.class);
    if (config == null) {
      problems.add(new ConfigProblem("", "spec.config is required"));
    }
    components.put(
        ComponentKind.RECEIVERS,
        section(config == null ? null : config.receivers, "receivers", true));
    components.put(
        ComponentKind.EXPORTERS,
        section(config == null ? null : config.exporters, "exporters", true));
    components.put(
        ComponentKind.PROCESSORS,
        section(config == null ? null : config.processors, "processors", false));
    components.put(
        ComponentKind.CONNECTORS,
        section(config == null ? null : config.connectors, "connectors", false));
    components.put(
        ComponentKind.EXTENSIONS,
        section(config == null ? null : config.extensions, "extensions", false));

    Map<String, Pipeline> p = new TreeMap<>();
    List<String> ext = new ArrayList<>();
    if (config != null && config.service == null) {
      problems.add(new ConfigProblem("service", "is required (it lists the pipelines)"));
    } else if (config != null) {
      if (config.service.pipelines != null) {
        p.putAll(config.service.pipelines);
      } else {
        problems.add(
            new ConfigProblem("service.pipelines", "is required (write pipelines: {} if empty)"));
      }
      if (config.service.extensions != null) {
        ext.addAll(config.service.extensions);
      }
    }
    this.pipelines = Collections.unmodifiableMap(p);
    this.serviceExtensions = List.copyOf(ext.stream().map(s -> s == null ? "" : s).toList());
    this.used = new EnumMap<>(ComponentKind.class);
    checkPipelines(config);

    List<ComponentPort> rp = new ArrayList<>();
    for (String id : used(ComponentKind.RECEIVERS)) {
      rp.addAll(ComponentPorts.receiver(id, component(ComponentKind.RECEIVERS, id), problems));
    }
    rp.sort(Comparator.comparing(ComponentPort::name));
    this.receiverPorts = List.copyOf(rp);
    List<ComponentPort> xp = new ArrayList<>();
    for (String id : used(ComponentKind.EXPORTERS)) {
      xp.addAll(ComponentPorts.exporter(id, component(ComponentKind.EXPORTERS, id), problems));
    }
    xp.sort(Comparator.comparing(ComponentPort::name));
    this.exporterPorts = List.copyOf(xp);
    List<ComponentPort> ep = new ArrayList<>();
    HealthCheck hc = null;
    for (String id : used(ComponentKind.EXTENSIONS)) {
      JsonNode settings = component(ComponentKind.EXTENSIONS, id);
      List<ComponentPort> ports = ComponentPorts.extension(id, settings, problems);
      ep.addAll(ports);
      if (hc == null && ComponentPorts.normalType(id).equals("healthcheck") && !ports.isEmpty()) {
        String path =
            settings != null
                    && settings.path("path").isTextual()
                    && !settings.get("path").asText().isEmpty()
                ? settings.get("path").asText()
                : "/";
        hc = new HealthCheck(path, ports.get(0).port());
      }
    }
    ep.sort(Comparator.comparing(ComponentPort::name));
    this.extensionPorts = List.copyOf(ep);
    checkPortNames(receiverPorts, ComponentKind.RECEIVERS);
    checkPortNames(exporterPorts, ComponentKind.EXPORTERS);
    checkPortNames(extensionPorts, ComponentKind.EXTENSIONS);
    this.healthCheck = hc;
    this.metricsPort = MetricsPortSetting.of(config, problems);
    this.rbacRules = List.copyOf(ComponentRbac.rulesFor(this));
    this.hash = ConfigHash.of(config);
  }

  /** Parses a v1beta1 config object. */
  public static CollectorConfig of(Config config) {
    return new CollectorConfig(config);
  }

  private Map<String, JsonNode> section(JsonNode node, String name, boolean required) {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    if (node == null || node.isNull()) {
      if (required && source != null) {
        problems.add(new ConfigProblem(name, "is required (write " + name + ": {} if empty)"));
      }
      return out;
    }
    if (!node.isObject()) {
      problems.add(
          new ConfigProblem(name, "must be a map of component ids to settings, not " + kind(node)));
      return out;
    }
    var it = node.fields();
    while (it.hasNext()) {
      var e = it.next();
      out.put(e.getKey(), e.getValue());
    }
    nullWarnings(name, node);
    return out;
  }

  /**
   * Warns about every null value inside a component section, nested maps included (upstream lists
   * them all, e.g. {@code receivers.otlp.protocols.grpc}); kustomize and {@code kubectl edit} drop
   * such keys, so the user is told to write {@code {}}.
   */
  private void nullWarnings(String path, JsonNode map) {
    List<String> keys = new ArrayList<>();
    map.fieldNames().forEachRemaining(keys::add);
    Collections.sort(keys);
    for (String k : keys) {
      JsonNode v = map.get(k);
      String p = path + "." + k;
      if (v == null || v.isNull()) {
        warnings.add(new ConfigProblem(p, "is null; write it as an empty object: " + k + ": {}"));
      } else if (v.isObject()) {
        nullWarnings(p, v);
      }
    }
  }

  private static String kind(JsonNode n) {
    if (n.isArray()) {
      return "a list";
    }
    if (n.isTextual()) {
      return "a string";
    }
    if (n.isNumber()) {
      return "a number";
    }
    if (n.isBoolean()) {
      return "a boolean";
    }
    return n.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
  }

  private void checkPipelines(Config config) {
    Set<String> usedReceivers = new LinkedHashSet<>();
    Set<String> usedProcessors = new LinkedHashSet<>();
    Set<String> usedExporters = new LinkedHashSet<>();
    Set<String> usedConnectors = new LinkedHashSet<>();
    if (config != null
        && config.service != null
        && config.service.pipelines != null
        && pipelines.isEmpty()) {
      // Only a warning: upstream renders such a collector (e2e conversion-webhook-invalid-config
      // turns an unparsable v1alpha1 config into one and expects the Deployment to exist).
      warnings.add(
          new ConfigProblem(
              "service.pipelines", "no pipelines are defined, so the collector will not start"));
    }
    for (Map.Entry<String, Pipeline> e : pipelines.entrySet()) {
      String path = "service.pipelines." + e.getKey();
      Pipeline pl = e.getValue();
      if (pl == null) {
        problems.add(new ConfigProblem(path, "is empty: a pipeline needs receivers and exporters"));
        continue;
      }
      if (pl.receivers == null || pl.receivers.isEmpty()) {
        problems.add(
            new ConfigProblem(path + ".receivers", "a pipeline needs at least one receiver"));
      }
      if (pl.exporters == null || pl.exporters.isEmpty()) {
        problems.add(
            new ConfigProblem(path + ".exporters", "a pipeline needs at least one exporter"));
      }
      resolve(
          path + ".receivers",
          pl.receivers,
          ComponentKind.RECEIVERS,
          usedReceivers,
          usedConnectors);
      resolve(path + ".processors", pl.processors, ComponentKind.PROCESSORS, usedProcessors, null);
      resolve(
          path + ".exporters",
          pl.exporters,
          ComponentKind.EXPORTERS,
          usedExporters,
          usedConnectors);
    }
    Set<String> usedExtensions = new LinkedHashSet<>();
    for (int i = 0; i < serviceExtensions.size(); i++) {
      String id = serviceExtensions.get(i);
      if (!components.get(ComponentKind.EXTENSIONS).containsKey(id)) {
        problems.add(
            new ConfigProblem(
                "service.extensions[" + i + "]",
                "extension '" + id + "' is not defined under extensions"));
      } else {
        usedExtensions.add(id);
      }
    }
    used.put(ComponentKind.RECEIVERS, Collections.unmodifiableSet(usedReceivers));
    used.put(ComponentKind.PROCESSORS, Collections.unmodifiableSet(usedProcessors));
    used.put(ComponentKind.EXPORTERS, Collections.unmodifiableSet(usedExporters));
    used.put(ComponentKind.CONNECTORS, Collections.unmodifiableSet(usedConnectors));
    used.put(ComponentKind.EXTENSIONS, Collections.unmodifiableSet(usedExtensions));
  }

  private void resolve(
      String path, List<String> ids, ComponentKind kind, Set<String> into, Set<String> connectors) {
    if (ids == null) {
      return;
    }
    for (int i = 0; i < ids.size(); i++) {
      String id = ids.get(i);
      if (id != null && components.get(kind).containsKey(id)) {
        into.add(id);
      } else if (id != null
          && connectors != null
          && components.get(ComponentKind.CONNECTORS).containsKey(id)) {
        connectors.add(id);
      } else {
        problems.add(
            new ConfigProblem(
                path + "[" + i + "]",
                kind.singular
                    + " '"
                    + id
                    + "' is not defined under "
                    + kind.section
                    + (connectors != null ? " or connectors" : "")));
      }
    }
  }

  /**
   * Upstream's webhook refuses a config whose inferred port names Kubernetes would refuse (a name
   * without letters, e.g. from a receiver called {@code 12345}, or with {@code --}).
   */
  private void checkPortNames(List<ComponentPort> ports, ComponentKind kind) {
    for (ComponentPort p : ports) {
      if (!dev.telescope.naming.Names.isValidPortName(p.name())) {
        problems.add(
            new ConfigProblem(
                kind.section + "." + p.component(),
                "the port name '"
                    + p.name()
                    + "' inferred from the component id is not a valid Kubernetes port name"
                    + " (lower-case letters, digits and single '-', at least one letter)"));
      }
    }
  }

  /** The config this view was parsed from. */
  public Config source() {
    return source;
  }

  /** Whether the config can be rendered: no problems. */
  public boolean isValid() {
    return problems.isEmpty();
  }

  /** Errors: each makes the config unusable. */
  public List<ConfigProblem> problems() {
    return Collections.unmodifiableList(problems);
  }

  /** Things worth telling the user that do not stop rendering (null components). */
  public List<ConfigProblem> warnings() {
    return Collections.unmodifiableList(warnings);
  }

  /** The components of one section by id, in config order. */
  public Map<String, JsonNode> components(ComponentKind kind) {
    return Collections.unmodifiableMap(components.get(kind));
  }

  /** One component's settings (null when absent or written as null). */
  public JsonNode component(ComponentKind kind, String id) {
    JsonNode n = components.get(kind).get(id);
    return n == null || n.isNull() ? null : n;
  }

  /** Components of a kind that a pipeline (or, for extensions, service.extensions) uses. */
  public Set<String> used(ComponentKind kind) {
    return used.getOrDefault(kind, Set.of());
  }

  /** The pipelines by id, sorted. */
  public Map<String, Pipeline> pipelines() {
    return pipelines;
  }

  /** Extensions enabled in service.extensions. */
  public List<String> serviceExtensions() {
    return serviceExtensions;
  }

  /** Ports opened by used receivers, sorted by name. */
  public List<ComponentPort> receiverPorts() {
    return receiverPorts;
  }

  /** Ports opened by used exporters (the prometheus exporter), sorted by name. */
  public List<ComponentPort> exporterPorts() {
    return exporterPorts;
  }

  /** Ports opened by enabled extensions (health_check, jaeger_query), sorted by name. */
  public List<ComponentPort> extensionPorts() {
    return extensionPorts;
  }

  /**
   * The ports of the base and headless Services: receiver and exporter ports together, sorted by
   * name (upstream sorts the combined list, so {@code otlp-grpc} comes before {@code
   * prometheus-dev}).
   */
  public List<ComponentPort> receiverAndExporterPorts() {
    List<ComponentPort> all = new ArrayList<>(receiverPorts);
    all.addAll(exporterPorts);
    all.sort(Comparator.comparing(ComponentPort::name));
    return List.copyOf(all);
  }

  /** Every inferred port (receivers, exporters, extensions) sorted by name, for the container. */
  public List<ComponentPort> allPorts() {
    List<ComponentPort> all = new ArrayList<>(receiverAndExporterPorts());
    all.addAll(extensionPorts);
    all.sort(Comparator.comparing(ComponentPort::name));
    return List.copyOf(all);
  }

  /** The port of the collector's own metrics endpoint (default 8888). */
  public int metricsPort() {
    return metricsPort;
  }

  /** The health_check extension's endpoint, when one is enabled. */
  public Optional<HealthCheck> healthCheck() {
    return Optional.ofNullable(healthCheck);
  }

  /** Env vars receivers need, sorted by name (kubeletstats needs the node name). */
  public List<EnvVar> receiverEnv() {
    Map<String, EnvVar> env = new TreeMap<>();
    for (String id : used(ComponentKind.RECEIVERS)) {
      if (ComponentPorts.normalType(id).equals("kubeletstats")) {
        env.put(
            "K8S_NODE_NAME",
            new EnvVarBuilder()
                .withName("K8S_NODE_NAME")
                .withNewValueFrom()
                .withNewFieldRef()
                .withFieldPath("spec.nodeName")
                .endFieldRef()
                .endValueFrom()
                .build());
      }
    }
    return List.copyOf(env.values());
  }

  /** The cluster rules the used components need, in a stable order, deduplicated. */
  public List<PolicyRule> rbacRules() {
    return rbacRules;
  }

  /** Hex SHA-256 of the config, as upstream computes it. */
  public String hash() {
    return hash;
  }

  /** The first port of any used component with this number, if any (for diagnostics). */
  public OptionalInt portNumberOf(String name) {
    for (List<ComponentPort> l : List.of(receiverPorts, exporterPorts, extensionPorts)) {
      for (ComponentPort p : l) {
        if (p.name().equals(name)) {
          return OptionalInt.of(p.port());
        }
      }
    }
    return OptionalInt.empty();
  }
}
