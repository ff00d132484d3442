package dev.telescope.settings;

import dev.telescope.settings.OptionConverters.CertModeConverter;
import dev.telescope.settings.OptionConverters.DurationConverter;
import dev.telescope.settings.OptionConverters.NonNegativeConverter;
import dev.telescope.settings.OptionConverters.PeriodOrOffConverter;
import dev.telescope.settings.OptionConverters.PortConverter;
import dev.telescope.settings.OptionConverters.StrictBoolean;
import dev.telescope.settings.OptionConverters.ToggleConverter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/**
 * Every operator flag, with its one default and its help line; {@link SettingsParser} turns the
 * parsed values into an {@link OperatorConfig}. Upstream's spellings are aliases where they mean
 * the same, separate options where the syntax differs ({@code --metrics-addr} vs {@code
 * --metrics-port}).
 */
public final class OperatorOptions {
  @Option(
      names = "--collector-image",
      paramLabel = "IMAGE",
      defaultValue = OperatorConfig.DEFAULT_COLLECTOR_IMAGE,
      description = "collector image for CRs that name none")
  String collectorImage;

  @Option(
      names = "--collector-version",
      paramLabel = "VERSION",
      defaultValue = OperatorConfig.DEFAULT_COLLECTOR_VERSION,
      description = "collector version reported in status")
  String collectorVersion;

  @Option(
      names = "--webhook-port",
      paramLabel = "PORT",
      defaultValue = "9443",
      converter = PortConverter.class,
      description = "HTTPS port of the admission webhook server")
  int webhookPort;

  @Option(
      names = "--cert-dir",
      paramLabel = "DIR",
      defaultValue = OperatorConfig.DEFAULT_CERT_DIR,
      description = "directory holding tls.crt and tls.key")
  Path certDir;

  @Option(
      names = "--cert-mode",
      paramLabel = "MODE",
      defaultValue = "auto",
      converter = CertModeConverter.class,
      description = "auto | files | self-managed | none")
  CertMode certMode;

  @Option(
      names = "--health-port",
      paramLabel = "PORT",
      defaultValue = "8081",
      converter = PortConverter.class,
      description = "plain HTTP port of /healthz and /readyz")
  int healthPort;

  @Option(
      names = "--metrics-port",
      paramLabel = "PORT",
      defaultValue = "8080",
      converter = PortConverter.class,
      description = "plain HTTP port of /metrics (0 disables)")
  int metricsPort;

  @Option(
      names = "--metrics-addr",
      paramLabel = "[HOST]:PORT",
      description = "upstream's spelling: bind address and port of /metrics (0 disables)")
  String metricsAddr;

  @Option(
      names = "--metrics-secure",
      paramLabel = "true|false",
      arity = "0..1",
      fallbackValue = "true",
      defaultValue = "false",
      converter = StrictBoolean.class,
      description =
          "serve /metrics over HTTPS on the metrics port (the health port then serves none)")
  boolean metricsSecure;

  @Option(
      names = "--metrics-cert-dir",
      paramLabel = "DIR",
      description =
          "tls.crt and tls.key of HTTPS metrics, reloaded on change (default: the webhook's"
              + " certificate, else a self-signed one)")
  Path metricsCertDir;

  @Option(
      names = "--metrics-tls-cert-file",
      paramLabel = "FILE",
      description = "upstream's spelling: certificate of HTTPS metrics, read at start")
  Path metricsTlsCertFile;

  @Option(
      names = "--metrics-tls-key-file",
      paramLabel = "FILE",
      description = "upstream's spelling: key of HTTPS metrics, read at start")
  Path metricsTlsKeyFile;

  @Option(
      names = "--metrics-bearer-token-file",
      paramLabel = "FILE",
      description =
          "HTTPS metrics answer only requests with Authorization: Bearer <this file's content>")
  Path metricsBearerTokenFile;

  @Option(
      names = "--health-probe-addr",
      paramLabel = "[HOST]:PORT",
      description = "upstream's spelling: bind address and port of /healthz and /readyz")
  String healthProbeAddr;

  @Option(
      names = {"--watch-namespaces", "--watch-namespace"},
      paramLabel = "NS[,NS...]",
      split = ",",
      description = "namespaces to reconcile, comma-separated, repeatable (empty: all)")
  List<String> watchNamespaces = new ArrayList<>();

  @Option(
      names = "--operator-namespace",
      paramLabel = "NS",
      defaultValue = "telescope-system",
      description = "namespace of the operator's own objects (also $POD_NAMESPACE)")
  String operatorNamespace;

  @Option(
      names = "--webhook-service-name",
      paramLabel = "NAME",
      defaultValue = "telescope-webhook",
      description = "Service fronting the webhook (certificate SANs)")
  String webhookServiceName;

  @Option(
      names = "--webhook-secret-name",
      paramLabel = "NAME",
      defaultValue = "telescope-webhook-cert",
      description = "Secret of the self-managed certificates")
  String webhookSecretName;

  @Option(
      names = "--mutating-webhook-configuration",
      paramLabel = "NAME",
      defaultValue = "telescope-mutating-webhook-configuration",
      description = "MutatingWebhookConfiguration to inject the CA into")
  String mutatingWebhookConfiguration;

  @Option(
      names = "--validating-webhook-configuration",
      paramLabel = "NAME",
      defaultValue = "telescope-validating-webhook-configuration",
      description = "ValidatingWebhookConfiguration to inject the CA into")
  String validatingWebhookConfiguration;

  @Option(
      names = "--labels-filter",
      paramLabel = "REGEX",
      description =
          "CR labels whose key contains a match are not copied to objects (repeatable, as"
              + " upstream)")
  List<String> labelsFilter = new ArrayList<>();

  @Option(
      names = "--annotations-filter",
      paramLabel = "REGEX",
      defaultValue = "kubectl\\.kubernetes\\.io/last-applied-configuration",
      description = "CR annotations whose key contains a match are not copied (repeatable)")
  List<String> annotationsFilter;

  @Option(
      names = {"--create-rbac", "--create-rbac-permissions"},
      paramLabel = "auto|true|false",
      arity = "0..1",
      fallbackValue = "true",
      defaultValue = "auto",
      converter = ToggleConverter.class,
      description = "create ClusterRoles for collector components")
  Toggle createRbac;

  @Option(
      names = "--openshift-routes",
      paramLabel = "auto|true|false",
      arity = "0..1",
      fallbackValue = "true",
      defaultValue = "auto",
      converter = ToggleConverter.class,
      description = "render OpenShift Routes")
  Toggle openShiftRoutes;

  @Option(
      names = "--prometheus-crds",
      paramLabel = "auto|true|false",
      arity = "0..1",
      fallbackValue = "true",
      defaultValue = "auto",
      converter = ToggleConverter.class,
      description = "render ServiceMonitors and PodMonitors")
  Toggle prometheusCrds;

  @Option(
      names = "--native-sidecars",
      paramLabel = "auto|true|false",
      arity = "0..1",
      fallbackValue = "true",
      defaultValue = "auto",
      converter = ToggleConverter.class,
      description = "inject native sidecars (auto: Kubernetes >= 1.29)")
  Toggle nativeSidecars;

  @Option(
      names = "--network-policy-default",
      paramLabel = "true|false",
      arity = "0..1",
      fallbackValue = "true",
      converter = StrictBoolean.class,
      description =
          "default of spec.networkPolicy.enabled (default: the operand.networkpolicy feature"
              + " gate, on)")
  Boolean networkPolicyDefault;

  @Option(
      names = {"--leader-election", "--enable-leader-election"},
      paramLabel = "true|false",
      arity = "0..1",
      fallbackValue = "true",
      converter = StrictBoolean.class,
      description =
          "elect one active reconciler (default: " + OperatorConfig.LEADER_ELECTION_HELP + ")")
  Boolean leaderElection;

  @Option(
      names = "--leader-election-lease",
      paramLabel = "NAME",
      defaultValue = "telescope-operator-lock",
      description = "name of the leader-election Lease")
  String leaderElectionLease;

  @Option(
      names = "--webhook-threads",
      paramLabel = "N",
      converter = NonNegativeConverter.class,
      description = "webhook worker threads (default: max(4, 2 x cores))")
  Integer webhookThreads;

  @Option(
      names = "--resync-period",
      paramLabel = "DURATION",
      defaultValue = "10m",
      converter = DurationConverter.class,
      description = "reconcile every collector at least this often (30s, 10m, 1h)")
  Duration resyncPeriod;

  @Option(
      names = "--pod-check-period",
      paramLabel = "DURATION",
      defaultValue = "5m",
      converter = PeriodOrOffConverter.class,
      description = "look for annotated pods without a sidecar this often; 0: off")
  Duration podCheckPeriod;

  @Option(
      names = "--target-allocator-image",
      paramLabel = "IMAGE",
      defaultValue = OperatorConfig.DEFAULT_TARGET_ALLOCATOR_IMAGE,
      description = "target allocator image for CRs that name none")
  String targetAllocatorImage;

  @Option(
      names = "--enable-multi-instrumentation",
      paramLabel = "true|false",
      arity = "0..1",
      fallbackValue = "true",
      defaultValue = "true",
      converter = StrictBoolean.class,
      description = "allow several languages in one pod")
  boolean multiInstrumentation;

  @Option(
      names = "--feature-gates",
      paramLabel = "GATE[,-GATE...]",
      description = "upstream's feature gates: gate, +gate or -gate, comma-separated")
  List<String> featureGates = new ArrayList<>();

  @Option(
      names = "--log-level",
      paramLabel = "LEVEL",
      defaultValue = LogSettings.DEFAULT_LEVEL,
      description = "trace | debug | info | warn | error")
  String logLevel;

  @Option(
      names = "--log-format",
      paramLabel = "FORMAT",
      defaultValue = LogSettings.DEFAULT_FORMAT,
      description = "text | json (json when upstream's --zap-* flags are given)")
  String logFormat;

  @Option(
      names = "--zap-log-level",
      paramLabel = "LEVEL",
      description = "upstream's spelling of --log-level: debug, info, error, panic or n > 0")
  String zapLogLevel;

  @Option(
      names = "--zap-encoder",
      paramLabel = "json|console",
      description = "upstream's spelling of --log-format")
  String zapEncoder;

  @Option(
      names = "--zap-devel",
      paramLabel = "true|false",
      arity = "0..1",
      fallbackValue = "true",
      converter = StrictBoolean.class,
      description = "upstream's development logging: text at debug level")
  Boolean zapDevel;

  @Option(
      names = "--zap-time-encoding",
      paramLabel = "ENCODING",
      defaultValue = LogSettings.DEFAULT_TIME_ENCODING,
      description = "time in JSON lines: iso8601, rfc3339, rfc3339nano, epoch, millis or nano")
  String zapTimeEncoding;

  @Option(
      names = "--zap-time-key",
      paramLabel = "KEY",
      defaultValue = LogSettings.DEFAULT_TIME_KEY,
      description = "JSON key of the time")
  String zapTimeKey;

  @Option(
      names = "--zap-level-key",
      paramLabel = "KEY",
      defaultValue = LogSettings.DEFAULT_LEVEL_KEY,
      description = "JSON key of the level")
  String zapLevelKey;

  @Option(
      names = "--zap-message-key",
      paramLabel = "KEY",
      defaultValue = LogSettings.DEFAULT_MESSAGE_KEY,
      description = "JSON key of the message")
  String zapMessageKey;

  @Option(
      names = "--zap-level-format",
      paramLabel = "uppercase|lowercase",
      defaultValue = LogSettings.DEFAULT_LEVEL_FORMAT,
      description = "how JSON lines write the level")
  String zapLevelFormat;

  /**
   * How the metrics port answers, from {@code --metrics-secure} and its companions.
   *
   * @throws IllegalArgumentException when the flags do not go together
   */
  public MetricsServing metricsServing() {
    return new MetricsServing(
        metricsSecure,
        metricsCertDir,
        metricsTlsCertFile,
        metricsTlsKeyFile,
        metricsBearerTokenFile);
  }

  /**
   * The options as a picocli spec: the annotated fields above, the per-language instrumentation
   * flags (defaults from {@link InstrumentationSettings}) and upstream's ignored flags (hidden).
   */
  public CommandSpec spec() {
    CommandSpec spec = CommandSpec.forAnnotatedObject(this);
    for (String lang : InstrumentationSettings.LANGUAGES) {
      spec.addOption(
          OptionSpec.builder("--auto-instrumentation-" + lang + "-image")
              .paramLabel("IMAGE")
              .type(String.class)
              .defaultValue(InstrumentationSettings.DEFAULT_IMAGES.get(lang))
              .description("default " + lang + " instrumentation image")
              .build());
      spec.addOption(
          OptionSpec.builder("--enable-" + lang + "-instrumentation")
              .paramLabel("true|false")
              .type(Boolean.class)
              .arity("0..1")
              .fallbackValue("true")
              .converters(new StrictBoolean())
              .defaultValue(String.valueOf(InstrumentationSettings.DEFAULT_ENABLED.contains(lang)))
              .description("inject " + lang + " auto-instrumentation")
              .build());
    }
    for (UpstreamFlags.Ignored ignored : UpstreamFlags.IGNORED) {
      spec.addOption(
          OptionSpec.builder(ignored.flag())
              .type(String.class)
              .arity(ignored.bool() ? "0..1" : "1")
              .fallbackValue(ignored.bool() ? "true" : null)
              .hidden(true)
              .description(
                  "upstream's flag, accepted and ignored: it would have " + ignored.wouldHave())
              .build());
    }
    return spec;
  }
}
