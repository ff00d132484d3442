package dev.telescope.settings;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Operator settings, read once from flags and environment at start-up and passed down, so that no
 * code deep inside reads {@code System.getenv} and every default lives here.
 */
public record OperatorConfig(
    String collectorImage,
    String collectorVersion,
    String operatorVersion,
    int webhookPort,
    Path certDir,
    CertMode certMode,
    int healthPort,
    int metricsPort,
    Set<String> watchNamespaces,
    String operatorNamespace,
    String webhookServiceName,
    String webhookSecretName,
    String mutatingWebhookConfigName,
    String validatingWebhookConfigName,
    String crdName,
    List<Pattern> labelsFilter,
    List<Pattern> annotationsFilter,
    Toggle createRbac,
    Toggle openShiftRoutes,
    Toggle prometheusCrds,
    Toggle nativeSidecars,
    boolean networkPolicyByDefault,
    boolean leaderElection,
    String leaderElectionLeaseName,
    int webhookThreads,
    java.time.Duration resyncPeriod,
    java.time.Duration podCheckPeriod,
    Map<String, String> proxyEnv,
    String targetAllocatorImage,
    InstrumentationSettings instrumentation,
    LogSettings logging,
    Set<String> featureGates,
    Capabilities capabilities,
    String healthHost,
    String metricsHost) {

  /** The collector version this build defaults to (upstream 0.158.0). */
  public static final String DEFAULT_COLLECTOR_VERSION = "0.158.0";

  /** The collector image used when a CR names none. */
  public static final String DEFAULT_COLLECTOR_IMAGE =
      "ghcr.io/open-telemetry/opentelemetry-collector-releases/opentelemetry-collector:"
          + DEFAULT_COLLECTOR_VERSION;

  /** The target allocator image used when a CR names none. */
  public static final String DEFAULT_TARGET_ALLOCATOR_IMAGE =
      "ghcr.io/open-telemetry/opentelemetry-operator/target-allocator:0.158.0";

  /** Where OLM, cert-manager mounts and controller-runtime put serving certificates. */
  public static final String DEFAULT_CERT_DIR = "/tmp/k8s-webhook-server/serving-certs";

  /** The collector CRD, whose conversion webhook gets the CA bundle. */
  public static final String CRD_NAME = "opentelemetrycollectors.opentelemetry.io";

  /** The proxy variables copied from the operator's environment into collector containers. */
  public static final List<String> PROXY_VARS =
      List.of("HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy");

  public OperatorConfig {
    watchNamespaces = Set.copyOf(watchNamespaces);
    labelsFilter = List.copyOf(labelsFilter);
    annotationsFilter = List.copyOf(annotationsFilter);
    proxyEnv = Map.copyOf(proxyEnv);
    featureGates = Set.copyOf(featureGates);
  }

  /** The defaults, as a fresh install without flags or environment would run. */
  public static OperatorConfig defaults() {
    return parse(List.of(), Map.of());
  }

  /** Help text for the leader-election default ({@link #leaderElectionDefault}). */
  public static final String LEADER_ELECTION_HELP = "true in a pod, false outside";

  /**
   * Whether leader election is on when no flag or variable says: the one place that decides it.
   *
   * @param env the process environment
   */
  static boolean leaderElectionDefault(java.util.function.Function<String, String> env) {
    return InCluster.running();
  }

  /** Webhook worker threads when {@code --webhook-threads} is not given. */
  static int defaultWebhookThreads() {
    return Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
  }

  /** The same settings with the capabilities detected (or forced) for this cluster. */
  public OperatorConfig withCapabilities(Capabilities detected) {
    Capabilities resolved =
        new Capabilities(
            openShiftRoutes.resolve(detected.openShiftRoutes()),
            prometheusCrds.resolve(detected.prometheusCrds()),
            createRbac.resolve(detected.createRbac()),
            nativeSidecars.resolve(detected.nativeSidecars()),
            detected.targetAllocators(),
            detected.gatewayApi(),
            detected.certManager());
    return new OperatorConfig(
        collectorImage,
        collectorVersion,
        operatorVersion,
        webhookPort,
        certDir,
        certMode,
        healthPort,
        metricsPort,
        watchNamespaces,
        operatorNamespace,
        webhookServiceName,
        webhookSecretName,
        mutatingWebhookConfigName,
        validatingWebhookConfigName,
        crdName,
        labelsFilter,
        annotationsFilter,
        createRbac,
        openShiftRoutes,
        prometheusCrds,
        nativeSidecars,
        networkPolicyByDefault,
        leaderElection,
        leaderElectionLeaseName,
        webhookThreads,
        resyncPeriod,
        podCheckPeriod,
        proxyEnv,
        targetAllocatorImage,
        instrumentation,
        logging,
        featureGates,
        resolved,
        healthHost,
        metricsHost);
  }

  /**
   * Whether a label key is dropped by {@code --labels-filter} when copied from the CR: as upstream,
   * a filter matches when the expression matches anywhere in the key.
   */
  public boolean labelFiltered(String key) {
    return labelsFilter.stream().anyMatch(p -> p.matcher(key).find());
  }

  /** Whether an annotation key is dropped by {@code --annotations-filter} (a match anywhere). */
  public boolean annotationFiltered(String key) {
    return annotationsFilter.stream().anyMatch(p -> p.matcher(key).find());
  }

  /** Whether an upstream feature gate is on (after {@code --feature-gates}). */
  public boolean featureGate(String id) {
    return featureGates.contains(id);
  }

  /** Whether CRs in this namespace are ours to reconcile. */
  public boolean watches(String namespace) {
    return watchNamespaces.isEmpty() || watchNamespaces.contains(namespace);
  }

  /**
   * Parses flags ({@code --name=value} or {@code --name value}) over the environment ({@code
   * TELESCOPE_NAME}, e.g. {@code TELESCOPE_COLLECTOR_IMAGE}, then upstream's variables such as
   * {@code WATCH_NAMESPACE}); flags win. Warnings about upstream flags that are accepted but not
   * acted on are dropped here; {@link SettingsParser#parse} returns them.
   *
   * @throws IllegalArgumentException naming the bad flag and why
   */
  public static OperatorConfig parse(List<String> flags, Map<String, String> env) {
    return SettingsParser.parse(flags, env).config();
  }
}
