package dev.telescope.settings;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
    Map<String, String> proxyEnv,
    String targetAllocatorImage,
    InstrumentationSettings instrumentation,
    LogSettings logging,
    Set<String> featureGates,
    Capabilities capabilities) {

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

  /** The defaults, as a fresh install without flags would run. */
  public static OperatorConfig defaults() {
    return new OperatorConfig(
        DEFAULT_COLLECTOR_IMAGE,
        DEFAULT_COLLECTOR_VERSION,
        Version.OPERATOR,
        9443,
        Path.of(DEFAULT_CERT_DIR),
        CertMode.AUTO,
        8081,
        8080,
        Set.of(),
        "telescope-system",
        "telescope-webhook",
        "telescope-webhook-cert",
        "telescope-mutating-webhook-configuration",
        "telescope-validating-webhook-configuration",
        "opentelemetrycollectors.opentelemetry.io",
        List.of(),
        List.of(Pattern.compile("kubectl\\.kubernetes\\.io/last-applied-configuration")),
        Toggle.AUTO,
        Toggle.AUTO,
        Toggle.AUTO,
        Toggle.AUTO,
        true,
        true,
        "telescope-operator-lock",
        Math.max(4, 2 * Runtime.getRuntime().availableProcessors()),
        java.time.Duration.ofMinutes(10),
        Map.of(),
        DEFAULT_TARGET_ALLOCATOR_IMAGE,
        InstrumentationSettings.defaults(),
        LogSettings.DEFAULT,
        Set.of(),
        Capabilities.NONE);
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
        proxyEnv,
        targetAllocatorImage,
        instrumentation,
        logging,
        featureGates,
        resolved);
  }

  /** Whether a label key is dropped by {@code --labels-filter} when copied from the CR. */
  public boolean labelFiltered(String key) {
    return labelsFilter.stream().anyMatch(p -> p.matcher(key).matches());
  }

  /** Whether an annotation key is dropped by {@code --annotations-filter}. */
  public boolean annotationFiltered(String key) {
    return annotationsFilter.stream().anyMatch(p -> p.matcher(key).matches());
  }

  /** Whether CRs in this namespace are ours to reconcile. */
  public boolean watches(String namespace) {
    return watchNamespaces.isEmpty() || watchNamespaces.contains(namespace);
  }

  /**
   * Parses flags ({@code --name=value} or {@code --name value}) over the environment ({@code
   * TELESCOPE_NAME}, e.g. {@code TELESCOPE_COLLECTOR_IMAGE}); flags win.
   *
   * @throws IllegalArgumentException naming the bad flag and why
   */
  public static OperatorConfig parse(List<String> flags, Map<String, String> env) {
    Map<String, List<String>> values = new LinkedHashMap<>();
    for (Flag f : Flag.values()) {
      String fromEnv = env.get(f.envName());
      if (fromEnv != null && !fromEnv.isBlank()) {
        values.put(f.flag, new ArrayList<>(List.of(fromEnv)));
      }
    }
    Map<String, List<String>> fromFlags = new LinkedHashMap<>();
    for (int i = 0; i < flags.size(); i++) {
      String arg = flags.get(i);
      if (!arg.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument '" + arg + "'");
      }
      String name = arg.substring(2);
      String value;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      } else if (Flag.byName(name) != null && Flag.byName(name).bool) {
        value = "true";
      } else if (Flag.byName(name) == null) {
        throw new IllegalArgumentException("unknown flag --" + name + " (see --help)");
      } else if (i + 1 < flags.size() && !flags.get(i + 1).startsWith("--")) {
        value = flags.get(++i);
      } else {
        throw new IllegalArgumentException("flag --" + name + " needs a value");
      }
      if (Flag.byName(name) == null) {
        throw new IllegalArgumentException("unknown flag --" + name + " (see --help)");
      }
      fromFlags.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
    }
    values.putAll(fromFlags);

    OperatorConfig d = defaults();
    try {
      List<Pattern> annotationsFilter =
          values.containsKey("annotations-filter")
              ? patterns(values.get("annotations-filter"), "annotations-filter")
              : d.annotationsFilter;
      Map<String, String> proxy = new LinkedHashMap<>();
      for (String v : PROXY_VARS) {
        String val = env.get(v);
        if (val != null) {
          proxy.put(v, val);
        }
      }
      String collectorImage = one(values, "collector-image", d.collectorImage);
      return new OperatorConfig(
          collectorImage,
          one(values, "collector-version", d.collectorVersion),
          d.operatorVersion,
          port(one(values, "webhook-port", "" + d.webhookPort), "webhook-port"),
          Path.of(one(values, "cert-dir", d.certDir.toString())),
          certMode(one(values, "cert-mode", d.certMode.flag())),
          port(one(values, "health-port", "" + d.healthPort), "health-port"),
          port(one(values, "metrics-port", "" + d.metricsPort), "metrics-port"),
          Set.copyOf(list(values.get("watch-namespaces"))),
          one(values, "operator-namespace", env.getOrDefault("POD_NAMESPACE", d.operatorNamespace)),
          one(values, "webhook-service-name", d.webhookServiceName),
          one(values, "webhook-secret-name", d.webhookSecretName),
          one(values, "mutating-webhook-configuration", d.mutatingWebhookConfigName),
          one(values, "validating-webhook-configuration", d.validatingWebhookConfigName),
          d.crdName,
          values.containsKey("labels-filter")
              ? patterns(values.get("labels-filter"), "labels-filter")
              : d.labelsFilter,
          annotationsFilter,
          toggle(values, "create-rbac"),
          toggle(values, "openshift-routes"),
          toggle(values, "prometheus-crds"),
          toggle(values, "native-sidecars"),
          bool(one(values, "network-policy-default", "true"), "network-policy-default"),
          bool(one(values, "leader-election", "true"), "leader-election"),
          one(values, "leader-election-lease", d.leaderElectionLeaseName),
          positive(one(values, "webhook-threads", "" + d.webhookThreads), "webhook-threads"),
          duration(one(values, "resync-period", "10m"), "resync-period"),
          proxy,
          one(values, "target-allocator-image", d.targetAllocatorImage),
          instrumentation(values, d.instrumentation),
          new LogSettings(
              one(values, "log-level", d.logging.level()),
              one(values, "log-format", d.logging.format())),
          Set.copyOf(list(values.get("feature-gates"))),
          Capabilities.NONE);
    } catch (IllegalArgumentException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  private static InstrumentationSettings instrumentation(
      Map<String, List<String>> values, InstrumentationSettings d) {
    Map<String, String> images = new LinkedHashMap<>(d.images());
    Set<String> enabled = new java.util.HashSet<>(d.enabled());
    for (String lang : InstrumentationSettings.LANGUAGES) {
      images.put(lang, one(values, "auto-instrumentation-" + lang + "-image", images.get(lang)));
      String flag = "enable-" + lang + "-instrumentation";
      if (values.containsKey(flag)) {
        if (bool(one(values, flag, "true"), flag)) {
          enabled.add(lang);
        } else {
          enabled.remove(lang);
        }
      }
    }
    return new InstrumentationSettings(
        images,
        enabled,
        bool(one(values, "enable-multi-instrumentation", "true"), "enable-multi-instrumentation"));
  }

  private static String one(Map<String, List<String>> values, String name, String fallback) {
    List<String> v = values.get(name);
    return v == null || v.isEmpty() ? fallback : v.get(v.size() - 1).trim();
  }

  private static List<String> list(List<String> raw) {
    List<String> out = new ArrayList<>();
    if (raw != null) {
      for (String v : raw) {
        for (String part : v.split(",")) {
          if (!part.isBlank()) {
            out.add(part.trim());
          }
        }
      }
    }
    return out;
  }

  private static List<Pattern> patterns(List<String> raw, String flag) {
    List<Pattern> out = new ArrayList<>();
    for (String p : raw) {
      try {
        out.add(Pattern.compile(p));
      } catch (java.util.regex.PatternSyntaxException e) {
        throw new IllegalArgumentException(
            "--" + flag + ": '" + p + "' is not a valid regular expression");
      }
    }
    return out;
  }

  /** Parses {@code 30s}, {@code 10m}, {@code 1h} or a plain number of seconds. */
  static java.time.Duration duration(String value, String flag) {
    try {
      String v = value.trim();
      char unit = v.charAt(v.length() - 1);
      if (Character.isDigit(unit)) {
        return java.time.Duration.ofSeconds(Long.parseLong(v));
      }
      long n = Long.parseLong(v.substring(0, v.length() - 1));
      java.time.Duration d =
          switch (unit) {
            case 's' -> java.time.Duration.ofSeconds(n);
            case 'm' -> java.time.Duration.ofMinutes(n);
            case 'h' -> java.time.Duration.ofHours(n);
            default -> throw new NumberFormatException();
          };
      if (d.isZero() || d.isNegative()) {
        throw new NumberFormatException();
      }
      return d;
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "--" + flag + " must be a duration such as 30s, 10m or 1h, got " + value);
    }
  }

  private static Toggle toggle(Map<String, List<String>> values, String flag) {
    String v = one(values, flag, "auto");
    try {
      return Toggle.parse(v);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "--" + flag + " must be auto, true or false, got '" + v + "'");
    }
  }

  private static CertMode certMode(String v) {
    try {
      return CertMode.parse(v);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "--cert-mode must be auto, files, self-managed or none, got '" + v + "'", e);
    }
  }

  private static boolean bool(String v, String flag) {
    if (v.equalsIgnoreCase("true")) {
      return true;
    }
    if (v.equalsIgnoreCase("false")) {
      return false;
    }
    throw new IllegalArgumentException("--" + flag + " must be true or false, got '" + v + "'");
  }

  private static int port(String value, String flag) {
    int p = positive(value, flag);
    if (p > 65535) {
      throw new IllegalArgumentException("--" + flag + " must be a port number, got " + value);
    }
    return p;
  }

  private static int positive(String value, String flag) {
    try {
      int p = Integer.parseInt(value);
      if (p < 0) {
        throw new NumberFormatException();
      }
      return p;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "--" + flag + " must be a non-negative number, got " + value);
    }
  }

  /** Every flag the operator reads, with its help text; {@code --help} prints this table. */
  public enum Flag {
    COLLECTOR_IMAGE("collector-image", false, "default collector image", DEFAULT_COLLECTOR_IMAGE),
    COLLECTOR_VERSION(
        "collector-version",
        false,
        "collector version reported in status",
        DEFAULT_COLLECTOR_VERSION),
    WEBHOOK_PORT("webhook-port", false, "HTTPS port of the admission webhook server", "9443"),
    CERT_DIR("cert-dir", false, "directory holding tls.crt and tls.key", DEFAULT_CERT_DIR),
    CERT_MODE("cert-mode", false, "auto | files | self-managed | none", "auto"),
    HEALTH_PORT("health-port", false, "plain HTTP port of /healthz and /readyz", "8081"),
    METRICS_PORT("metrics-port", false, "plain HTTP port of /metrics (0 disables)", "8080"),
    WATCH_NAMESPACES(
        "watch-namespaces", false, "comma-separated namespaces to reconcile (empty: all)", ""),
    OPERATOR_NAMESPACE(
        "operator-namespace",
        false,
        "namespace of the operator's own objects",
        "$POD_NAMESPACE or telescope-system"),
    WEBHOOK_SERVICE_NAME(
        "webhook-service-name",
        false,
        "Service fronting the webhook (certificate SANs)",
        "telescope-webhook"),
    WEBHOOK_SECRET_NAME(
        "webhook-secret-name",
        false,
        "Secret of self-managed certificates",
        "telescope-webhook-cert"),
    MUTATING_WEBHOOK_CONFIGURATION(
        "mutating-webhook-configuration",
        false,
        "MutatingWebhookConfiguration to inject the CA into",
        "telescope-mutating-webhook-configuration"),
    VALIDATING_WEBHOOK_CONFIGURATION(
        "validating-webhook-configuration",
        false,
        "ValidatingWebhookConfiguration to inject the CA into",
        "telescope-validating-webhook-configuration"),
    LABELS_FILTER(
        "labels-filter", false, "regex of CR labels not copied to objects (repeatable)", ""),
    ANNOTATIONS_FILTER(
        "annotations-filter",
        false,
        "regex of CR annotations not copied (repeatable)",
        "kubectl.kubernetes.io/last-applied-configuration"),
    CREATE_RBAC(
        "create-rbac", false, "create ClusterRoles for components: auto | true | false", "auto"),
    OPENSHIFT_ROUTES(
        "openshift-routes", false, "render OpenShift Routes: auto | true | false", "auto"),
    PROMETHEUS_CRDS(
        "prometheus-crds", false, "render ServiceMonitor/PodMonitor: auto | true | false", "auto"),
    NATIVE_SIDECARS(
        "native-sidecars",
        false,
        "inject native sidecars: auto (k8s >= 1.29) | true | false",
        "auto"),
    NETWORK_POLICY_DEFAULT(
        "network-policy-default", false, "default of spec.networkPolicy.enabled", "true"),
    LEADER_ELECTION("leader-election", false, "elect one active reconciler", "true"),
    LEADER_ELECTION_LEASE(
        "leader-election-lease",
        false,
        "name of the leader-election Lease",
        "telescope-operator-lock"),
    WEBHOOK_THREADS("webhook-threads", false, "webhook worker threads", "max(4, 2 x cores)"),
    RESYNC_PERIOD("resync-period", false, "reconcile every collector at least this often", "10m"),
    TARGET_ALLOCATOR_IMAGE(
        "target-allocator-image",
        false,
        "default target allocator image",
        DEFAULT_TARGET_ALLOCATOR_IMAGE),
    AUTO_INSTRUMENTATION_JAVA_IMAGE(
        "auto-instrumentation-java-image", false, "default Java agent image", img("java")),
    AUTO_INSTRUMENTATION_NODEJS_IMAGE(
        "auto-instrumentation-nodejs-image", false, "default Node.js agent image", img("nodejs")),
    AUTO_INSTRUMENTATION_PYTHON_IMAGE(
        "auto-instrumentation-python-image", false, "default Python agent image", img("python")),
    AUTO_INSTRUMENTATION_DOTNET_IMAGE(
        "auto-instrumentation-dotnet-image", false, "default .NET agent image", img("dotnet")),
    AUTO_INSTRUMENTATION_GO_IMAGE(
        "auto-instrumentation-go-image", false, "default Go agent image", img("go")),
    AUTO_INSTRUMENTATION_APACHE_HTTPD_IMAGE(
        "auto-instrumentation-apache-httpd-image",
        false,
        "default Apache HTTPD agent image",
        img("apache-httpd")),
    AUTO_INSTRUMENTATION_NGINX_IMAGE(
        "auto-instrumentation-nginx-image", false, "default nginx agent image", img("nginx")),
    ENABLE_JAVA_INSTRUMENTATION(
        "enable-java-instrumentation", true, "inject the Java agent", "true"),
    ENABLE_NODEJS_INSTRUMENTATION(
        "enable-nodejs-instrumentation", true, "inject the Node.js agent", "true"),
    ENABLE_PYTHON_INSTRUMENTATION(
        "enable-python-instrumentation", true, "inject the Python agent", "true"),
    ENABLE_DOTNET_INSTRUMENTATION(
        "enable-dotnet-instrumentation", true, "inject the .NET agent", "true"),
    ENABLE_GO_INSTRUMENTATION("enable-go-instrumentation", true, "inject the Go agent", "false"),
    ENABLE_APACHE_HTTPD_INSTRUMENTATION(
        "enable-apache-httpd-instrumentation", true, "inject the Apache HTTPD agent", "true"),
    ENABLE_NGINX_INSTRUMENTATION(
        "enable-nginx-instrumentation", true, "inject the nginx agent", "false"),
    ENABLE_MULTI_INSTRUMENTATION(
        "enable-multi-instrumentation", true, "allow several languages in one pod", "true"),
    LOG_LEVEL("log-level", false, "trace | debug | info | warn | error", "info"),
    LOG_FORMAT("log-format", false, "text | json", "text"),
    FEATURE_GATES("feature-gates", false, "comma-separated feature gates", "");

    private static String img(String language) {
      return InstrumentationSettings.DEFAULT_IMAGES.get(language);
    }

    /** The flag's name without dashes. */
    public final String flag;

    /** Whether the flag may be given without a value. */
    public final boolean bool;

    /** One line of help. */
    public final String help;

    /** The default, as shown in help. */
    public final String defaultValue;

    Flag(String flag, boolean bool, String help, String defaultValue) {
      this.flag = flag;
      this.bool = bool;
      this.help = help;
      this.defaultValue = defaultValue;
    }

    /** The environment variable that sets this flag. */
    public String envName() {
      return "TELESCOPE_" + flag.toUpperCase(java.util.Locale.ROOT).replace('-', '_');
    }

    static Flag byName(String name) {
      for (Flag f : values()) {
        if (f.flag.equals(name)) {
          return f;
        }
      }
      return null;
    }
  }
}
