package dev.telescope.settings;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What upstream's operator (0.158) accepts beyond our own flags: the environment variables it reads
 * for settings we honour, the flags we accept but do not act on (each with the warning that says
 * what it would have done), and its feature gates.
 */
public final class UpstreamFlags {
  private UpstreamFlags() {}

  /** A flag upstream accepts that Telescope takes and ignores, with what it would have done. */
  public record Ignored(String flag, boolean bool, String env, String wouldHave) {}

  /** Upstream flags accepted with one warning each. */
  public static final List<Ignored> IGNORED =
      List.of(
          new Ignored(
              "--pprof-addr",
              false,
              "PPROF_ADDR",
              "served Go's pprof profiler (use jcmd or JFR on the JVM instead)"),
          new Ignored(
              "--openshift-create-dashboard",
              true,
              "OPENSHIFT_CREATE_DASHBOARD",
              "created an OpenShift console dashboard for collectors"),
          new Ignored(
              "--enable-cr-metrics",
              true,
              "ENABLE_CR_METRICS",
              "exported per-resource metrics of the custom resources"),
          new Ignored(
              "--create-sm-operator-metrics",
              true,
              "CREATE_SM_OPERATOR_METRICS",
              "created a ServiceMonitor for the operator's own metrics"),
          new Ignored(
              "--ignore-missing-collector-crds",
              true,
              "IGNORE_MISSING_COLLECTOR_CRDS",
              "let the operator start without the OpenTelemetryCollector CRD"),
          new Ignored(
              "--clusterobservability-collector-image",
              false,
              "",
              "set the collector image of ClusterObservability resources, which Telescope does"
                  + " not manage"),
          new Ignored(
              "--operator-opamp-bridge-image",
              false,
              "RELATED_IMAGE_OPERATOR_OPAMP_BRIDGE",
              "set the OpAMP bridge image; Telescope does not manage OpAMPBridge resources"),
          new Ignored(
              "--fips-disabled-components",
              false,
              "FIPS_DISABLED_COMPONENTS",
              "refused these collector components on FIPS-enabled clusters"),
          new Ignored(
              "--tls-cluster-profile",
              true,
              "TLS_CLUSTER_PROFILE",
              "taken the TLS profile from OpenShift's APIServer resource"),
          new Ignored(
              "--tls-configure-operands",
              true,
              "TLS_CONFIGURE_OPERANDS",
              "applied the TLS profile to the collectors' configuration"),
          new Ignored(
              "--tls-min-version",
              false,
              "TLS_MIN_VERSION",
              "set the webhook's minimum TLS version (Telescope's speaks TLS 1.2 and 1.3)"),
          new Ignored(
              "--tls-cipher-suites",
              false,
              "TLS_CIPHER_SUITES",
              "restricted the webhook's cipher suites to this list"),
          new Ignored(
              "--zap-stacktrace-level",
              false,
              "",
              "attached stack traces to lines from this level on (Telescope writes the stack"
                  + " trace of every logged exception)"),
          new Ignored(
              "--enable-webhooks",
              true,
              "ENABLE_WEBHOOKS",
              "switched the webhooks in the operator process on or off; choose the command"
                  + " instead (run, operator or webhook)"),
          new Ignored(
              "--openshift-webhook-replicas",
              false,
              "OPENSHIFT_WEBHOOK_REPLICAS",
              "scaled the standalone pod webhook on OpenShift; scale the telescope-webhook"
                  + " Deployment instead"),
          new Ignored(
              "--config-file",
              false,
              "",
              "read settings from this YAML file; pass them as flags or TELESCOPE_* variables"));

  /** The variables upstream reads for flags we honour, by flag. */
  private static final Map<String, List<String>> ENV = env();

  /** Upstream's variables for a flag (ours or upstream's spelling), in order of precedence. */
  public static List<String> envNames(String flag) {
    return ENV.getOrDefault(flag, List.of());
  }

  /** Every upstream variable we read for an honoured flag, by flag. */
  public static Map<String, List<String>> honouredEnv() {
    return ENV;
  }

  private static Map<String, List<String>> env() {
    Map<String, List<String>> m = new LinkedHashMap<>();
    m.put("--watch-namespace", List.of("WATCH_NAMESPACE"));
    m.put("--operator-namespace", List.of("POD_NAMESPACE", "NAMESPACE"));
    m.put("--collector-image", List.of("RELATED_IMAGE_COLLECTOR"));
    m.put(
        "--target-allocator-image",
        List.of("RELATED_IMAGE_TARGET_ALLOCATOR", "RELATED_IMAGE_TARGETALLOCATOR"));
    for (String lang : InstrumentationSettings.LANGUAGES) {
      String upper = lang.toUpperCase(Locale.ROOT).replace('-', '_');
      m.put(
          "--auto-instrumentation-" + lang + "-image",
          List.of("RELATED_IMAGE_AUTO_INSTRUMENTATION_" + upper));
      m.put(
          "--enable-" + lang + "-instrumentation",
          List.of("ENABLE_" + upper + "_AUTO_INSTRUMENTATION"));
    }
    m.put("--enable-multi-instrumentation", List.of("ENABLE_MULTI_INSTRUMENTATION"));
    m.put("--enable-leader-election", List.of("ENABLE_LEADER_ELECTION"));
    m.put("--metrics-addr", List.of("METRICS_ADDR"));
    m.put("--metrics-secure", List.of("METRICS_SECURE"));
    m.put("--metrics-tls-cert-file", List.of("METRICS_TLS_CERT_FILE"));
    m.put("--metrics-tls-key-file", List.of("METRICS_TLS_KEY_FILE"));
    m.put("--health-probe-addr", List.of("HEALTH_PROBE_ADDR"));
    m.put("--webhook-port", List.of("WEBHOOK_PORT"));
    m.put("--labels-filter", List.of("LABELS_FILTER"));
    m.put("--annotations-filter", List.of("ANNOTATIONS_FILTER"));
    m.put("--feature-gates", List.of("FEATURE_GATES"));
    m.put("--zap-message-key", List.of("ZAP_MESSAGE_KEY"));
    m.put("--zap-level-key", List.of("ZAP_LEVEL_KEY"));
    m.put("--zap-time-key", List.of("ZAP_TIME_KEY"));
    m.put("--zap-level-format", List.of("ZAP_LEVEL_FORMAT"));
    for (Ignored i : IGNORED) {
      if (!i.env().isEmpty()) {
        m.put(i.flag(), List.of(i.env()));
      }
    }
    return Map.copyOf(m);
  }

  // ---- feature gates -------------------------------------------------------------------------

  /** Upstream 0.158's gates, with whether each is on by default and what Telescope does with it. */
  public record Gate(String id, boolean onByDefault, boolean stable, String telescope) {}

  /** The gates upstream 0.158 registers. */
  public static final List<Gate> GATES =
      List.of(
          new Gate(
              "operand.networkpolicy",
              true,
              false,
              null /* honoured: the default of spec.networkPolicy.enabled */),
          new Gate(
              "operator.networkpolicy",
              true,
              false,
              "would have made the operator create a NetworkPolicy for its own pods; Telescope"
                  + " does not"),
          new Gate("operator.golang.flags", true, true, null),
          new Gate("operator.collector.usedefaulttelemetryshape", true, true, null),
          new Gate("operator.targetallocator.fallbackstrategy", false, false, null),
          new Gate(
              "operator.clusterobservability",
              false,
              false,
              "would have enabled ClusterObservability resources, which Telescope does not"
                  + " manage"));

  /** The enabled gates after {@code --feature-gates}, and the warnings the value earns. */
  public record Gates(Set<String> enabled, List<String> warnings) {}

  /**
   * Applies a {@code --feature-gates} value ({@code gate}, {@code +gate} or {@code -gate}, comma
   * separated) to upstream's defaults. Unknown gates and gates that do not apply are warned about,
   * never refused: manifests written for other upstream versions carry gates this one lacks.
   */
  public static Gates gates(List<String> values) {
    Set<String> enabled = new TreeSet<>();
    GATES.stream().filter(Gate::onByDefault).forEach(g -> enabled.add(g.id()));
    List<String> warnings = new ArrayList<>();
    for (String value : values) {
      for (String raw : value.split(",")) {
        String entry = raw.trim();
        if (entry.isEmpty()) {
          continue;
        }
        boolean on = !entry.startsWith("-");
        String id = entry.replaceFirst("^[+-]", "");
        Gate gate = GATES.stream().filter(g -> g.id().equals(id)).findFirst().orElse(null);
        if (gate == null) {
          warnings.add(
              "--feature-gates: '" + id + "' is not a feature gate of upstream 0.158; ignored");
          continue;
        }
        if (gate.stable() && !on) {
          warnings.add(
              "--feature-gates: '" + id + "' is stable and cannot be disabled; it stays on");
          continue;
        }
        if (gate.telescope() != null) {
          warnings.add("--feature-gates: '" + entry + "' " + gate.telescope());
        }
        if (on) {
          enabled.add(id);
        } else {
          enabled.remove(id);
        }
      }
    }
    return new Gates(Set.copyOf(enabled), List.copyOf(warnings));
  }
}
