package dev.telescope.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.telescope.api.common.Mode;
import dev.telescope.api.common.PortsSpec;
import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import dev.telescope.api.v1beta1.OpenTelemetryCollectorSpec;
import dev.telescope.api.v1beta1.TargetAllocatorEmbedded;
import dev.telescope.settings.OperatorConfig;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Whether a collector CR may be stored, as one pure function the admission webhook and the
 * reconciler share, so that a CR the webhook let through is never refused later for a reason the
 * user was not told about. It answers with upstream's messages where upstream has the same rule,
 * and adds the config checks upstream lacks (pipelines naming undefined components, no pipelines,
 * an unreadable v1alpha1 config), each naming the exact path under {@code spec.config}.
 */
public final class Validation {
  /**
   * Set by the v1alpha1 to v1beta1 conversion when the v1alpha1 config string is not YAML; it holds
   * the original text (the conversion must not fail, so the stored config is an empty one).
   */
  public static final String INVALID_CONFIG_ANNOTATION =
      dev.telescope.api.Conversion.INVALID_CONFIG_ANNOTATION;

  /** Kubernetes' limit for port names (IANA service names). */
  static final int MAX_PORT_NAME = 15;

  private static final Pattern PORT_NAME_CHARSET = Pattern.compile("^[-a-z0-9]+$");
  private static final Pattern ONE_LETTER = Pattern.compile("[a-z]");

  /**
   * The verdict on one CR.
   *
   * @param errors why the CR must be refused, in upstream's order; empty means allowed
   * @param warnings worth telling the user (admission warnings), never blocking
   * @param beyondUpstream the subset of {@code errors} the upstream operator would have accepted,
   *     so a caller can tell its own stricter checks apart (for instance to explain them)
   */
  public record Result(List<String> errors, List<String> warnings, List<String> beyondUpstream) {
    public Result {
      errors = List.copyOf(errors);
      warnings = List.copyOf(warnings);
      beyondUpstream = List.copyOf(beyondUpstream);
    }

    /** Whether the CR may be stored. */
    public boolean allowed() {
      return errors.isEmpty();
    }
  }

  private Validation() {}

  /**
   * Validates a (defaulted) CR on create ({@code oldOrNull == null}) or update.
   *
   * @param cr the CR as it would be stored
   * @param oldOrNull the stored CR on update, null on create
   * @param cfg the operator settings (reserved for checks that depend on them)
   */
  public static Result validate(
      OpenTelemetryCollector cr, OpenTelemetryCollector oldOrNull, OperatorConfig cfg) {
    Collector out = new Collector();
    OpenTelemetryCollectorSpec spec = cr == null ? null : cr.getSpec();
    if (spec == null) {
      out.stricter("the OpenTelemetry Collector spec is required");
      return out.result();
    }
    Mode mode = spec.effectiveMode();

    if (oldOrNull != null && oldOrNull.getSpec() != null) {
      Mode oldMode = oldOrNull.getSpec().effectiveMode();
      if (oldMode != mode) {
        out.upstream(
            "the OpenTelemetry Collector mode is set to "
                + oldMode
                + ", which does not support modification");
      }
    }

    List<String> nulls = ConfigText.nullObjects(spec.config);
    if (!nulls.isEmpty()) {
      out.warnings.add(
          "Collector config spec.config has null objects: "
              + String.join(", ", nulls)
              + ". For compatibility with other tooling, such as kustomize and kubectl edit, it is"
              + " recommended to use empty objects e.g. batch: {}.");
    }

    if (mode != Mode.STATEFULSET) {
      if (notEmpty(spec.volumeClaimTemplates)) {
        out.upstream(unsupported(mode, "volumeClaimTemplates"));
      }
      if (spec.persistentVolumeClaimRetentionPolicy != null) {
        out.upstream(unsupported(mode, "persistentVolumeClaimRetentionPolicy"));
      }
    }

    if (mode == Mode.SIDECAR) {
      if (notEmpty(spec.tolerations)) {
        out.upstream(unsupported(mode, "tolerations"));
      }
      if (spec.priorityClassName != null && !spec.priorityClassName.isEmpty()) {
        out.upstream(unsupported(mode, "priorityClassName"));
      }
      if (spec.affinity != null) {
        out.upstream(unsupported(mode, "affinity"));
      }
      if (notEmpty(spec.additionalContainers)) {
        // Upstream's webhook says 'AdditionalContainers'; its CRD rule (what users see on any
        // supported cluster) says 'additionalContainers', and so does ours.
        out.upstream(unsupported(mode, "additionalContainers"));
      }
    }

    targetAllocator(spec.targetAllocator, mode, out);
    AllocatorValidation.Result allocator =
        AllocatorValidation.collector(
            spec, cfg == null ? dev.telescope.settings.Capabilities.NONE : cfg.capabilities());
    allocator.errors().forEach(out::upstream);
    out.warnings.addAll(allocator.warnings());
    specPorts(spec.ports, out);
    config(cr, spec, out);
    SpecRules.autoscaler(spec, out);
    SpecRules.ingress(spec.ingress, mode, out);
    SpecRules.probe("LivenessProbe", spec.livenessProbe, out);
    SpecRules.probe("ReadinessProbe", spec.readinessProbe, out);
    SpecRules.probe("StartupProbe", spec.startupProbe, out);

    if (mode != Mode.DAEMONSET
        && spec.daemonSetUpdateStrategy != null
        && notBlank(spec.daemonSetUpdateStrategy.getType())) {
      out.upstream(unsupported(mode, "updateStrategy"));
    }
    if (mode != Mode.DEPLOYMENT
        && spec.deploymentUpdateStrategy != null
        && notBlank(spec.deploymentUpdateStrategy.getType())) {
      out.upstream(unsupported(mode, "deploymentUpdateStrategy"));
    }
    return out.result();
  }

  private static String unsupported(Mode mode, String attribute) {
    return "the OpenTelemetry Collector mode is set to "
        + mode
        + ", which does not support the attribute '"
        + attribute
        + "'";
  }

  private static void targetAllocator(TargetAllocatorEmbedded ta, Mode mode, Collector out) {
    if (ta == null || !Boolean.TRUE.equals(ta.enabled)) {
      return;
    }
    String strategy =
        ta.allocationStrategy == null || ta.allocationStrategy.isEmpty()
            ? "consistent-hashing"
            : ta.allocationStrategy;
    if (mode != Mode.STATEFULSET && mode != Mode.DAEMONSET) {
      out.upstream(
          "the OpenTelemetry Collector mode is set to "
              + mode
              + ", which does not support the target allocation deployment");
    } else if (mode == Mode.DAEMONSET && !strategy.equals("per-node")) {
      out.upstream(
          "the OpenTelemetry Collector mode is set to daemonset, which must be used with target"
              + " allocation strategy per-node");
    } else if (strategy.equals("per-node") && mode != Mode.DAEMONSET) {
      out.upstream(
          "target allocation strategy per-node is only supported in OpenTelemetry Collector mode"
              + " daemonset");
    }
  }

  private static void specPorts(List<PortsSpec> ports, Collector out) {
    if (ports == null) {
      return;
    }
    for (PortsSpec p : ports) {
      if (p == null) {
        continue;
      }
      List<String> nameErrs = portNameErrors(p.name == null ? "" : p.name);
      int number = p.port == null ? 0 : p.port;
      List<String> numErrs = portNumberErrors(number);
      if (!nameErrs.isEmpty() || !numErrs.isEmpty()) {
        out.upstream(
            "the OpenTelemetry Spec Ports configuration is incorrect, port name '"
                + (p.name == null ? "" : p.name)
                + "' errors: "
                + goList(nameErrs)
                + ", num '"
                + number
                + "' errors: "
                + goList(numErrs));
      }
    }
  }

  private static void config(
      OpenTelemetryCollector cr, OpenTelemetryCollectorSpec spec, Collector out) {
    Map<String, String> annotations =
        cr.getMetadata() == null ? null : cr.getMetadata().getAnnotations();
    String invalid = annotations == null ? null : annotations.get(INVALID_CONFIG_ANNOTATION);
    if (invalid != null) {
      out.stricter(
          "the OpenTelemetry config is incorrect: spec.config could not be read from the v1alpha1"
              + " config string ("
              + whyNotAConfig(invalid)
              + "); the original text is kept in the annotation "
              + INVALID_CONFIG_ANNOTATION);
      // The stored config is the empty stand-in; its own problems would only repeat this one.
      return;
    }
    CollectorConfig config = CollectorConfig.of(spec.config);
    for (ConfigProblem p : config.problems()) {
      String where = p.path().isEmpty() ? "spec.config" : "spec.config." + p.path();
      String message =
          p.message().startsWith("spec.config") ? p.message() : where + ": " + p.message();
      if (isPortProblem(p)) {
        out.upstream(
            "the OpenTelemetry config is incorrect. The port numbers are invalid: " + message);
      } else {
        out.stricter("the OpenTelemetry config is incorrect: " + message);
      }
    }
    if (config.source() != null
        && config.source().service != null
        && config.source().service.pipelines != null
        && config.pipelines().isEmpty()) {
      out.stricter(
          "the OpenTelemetry config is incorrect: spec.config.service.pipelines: no pipelines are"
              + " defined, so the collector would not start");
    }
    longPortNames(config, out);
  }

  /** Port numbers and protocols that upstream also refuses (its port parsing fails on them). */
  private static boolean isPortProblem(ConfigProblem p) {
    String m = p.message();
    return m.contains("port number") || m.startsWith("unknown protocol");
  }

  /**
   * Kubernetes caps port names at 15 characters; a component whose derived name is longer gets
   * {@code port-<number>} instead, which users find surprising in Service and probe definitions.
   */
  private static void longPortNames(CollectorConfig config, Collector out) {
    List<ComponentPort> all = new ArrayList<>();
    all.addAll(config.receiverPorts());
    all.addAll(config.exporterPorts());
    all.addAll(config.extensionPorts());
    for (ComponentPort p : all) {
      if (!p.name().equals("port-" + p.port())) {
        continue;
      }
      for (String candidate : candidates(config, p)) {
        if (candidate.length() > MAX_PORT_NAME) {
          out.warnings.add(
              "the OpenTelemetry config port name '"
                  + candidate
                  + "' exceeds the maximum length of 15 characters and has been replaced by '"
                  + p.name()
                  + "'");
        }
      }
    }
  }

  /** The names a port would have had: the component id, with the protocol for multi-port ones. */
  private static List<String> candidates(CollectorConfig config, ComponentPort p) {
    String base = p.component().replace('/', '-').replace('_', '-');
    Map<String, ComponentPorts.Protocol> table = ComponentPorts.protocolsOf(p.component());
    JsonNode settings = config.component(ComponentKind.RECEIVERS, p.component());
    if (table == null || settings == null || !settings.path("protocols").isObject()) {
      return List.of(base);
    }
    List<String> out = new ArrayList<>();
    Iterator<Map.Entry<String, JsonNode>> it = settings.get("protocols").fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      ComponentPorts.Protocol proto = table.get(e.getKey().replace("_", ""));
      if (proto == null) {
        continue;
      }
      int port =
          ComponentPorts.portOf(ComponentPorts.endpointOf(e.getValue()))
              .orElse(proto.defaultPort());
      if (port == p.port()) {
        out.add((base + "-" + e.getKey()).replace('_', '-'));
      }
    }
    return out;
  }

  /** Kubernetes' port-name rules, with its messages (IsValidPortName). */
  static List<String> portNameErrors(String name) {
    List<String> errs = new ArrayList<>();
    if (name.length() > MAX_PORT_NAME) {
      errs.add("must be no more than 15 characters");
    }
    if (!PORT_NAME_CHARSET.matcher(name).matches()) {
      errs.add("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
    }
    if (!ONE_LETTER.matcher(name).find()) {
      errs.add("must contain at least one letter (a-z)");
    }
    if (name.contains("--")) {
      errs.add("must not contain consecutive hyphens");
    }
    if (!name.isEmpty() && (name.startsWith("-") || name.endsWith("-"))) {
      errs.add("must not begin or end with a hyphen");
    }
    return errs;
  }

  /** Kubernetes' port-number rule, with its message (IsValidPortNum). */
  static List<String> portNumberErrors(int port) {
    return port >= 1 && port <= 65535
        ? List.of()
        : List.of("must be between 1 and 65535, inclusive");
  }

  /** A list as Go's {@code %s} prints a []string: {@code [a b]}. */
  private static String goList(List<String> items) {
    return "[" + String.join(" ", items) + "]";
  }

  /** A quantity that is a whole number of at least 1 (upstream reads it as an int64). */
  static boolean atLeastOne(Quantity q) {
    return SpecRules.atLeastOne(q);
  }

  /** Why a v1alpha1 config string is not a config: the YAML error, or what it is instead. */
  static String whyNotAConfig(String text) {
    return ConfigText.whyNotAConfig(text);
  }

  private static boolean notEmpty(List<?> l) {
    return l != null && !l.isEmpty();
  }

  private static boolean notBlank(String s) {
    return s != null && !s.isEmpty();
  }

  /** Gathers one verdict's messages, telling upstream's rules from Telescope's stricter ones. */
  static final class Collector {
    final List<String> errors = new ArrayList<>();
    final List<String> warnings = new ArrayList<>();
    final List<String> beyondUpstream = new ArrayList<>();

    void upstream(String message) {
      errors.add(message);
    }

    void stricter(String message) {
      errors.add(message);
      beyondUpstream.add(message);
    }

    Result result() {
      return new Result(errors, warnings, beyondUpstream);
    }
  }
}
