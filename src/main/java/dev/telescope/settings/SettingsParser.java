package dev.telescope.settings;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Turns parsed {@link OperatorOptions} into the immutable {@link OperatorConfig}, resolving our
 * flags against upstream's spellings (a flag on the command line beats the environment, and where
 * both spellings are given the same way, ours wins) and collecting one warning per upstream flag
 * that Telescope accepts without acting on it.
 */
public final class SettingsParser {
  private SettingsParser() {}

  /** The settings and the warnings to log once logging is configured. */
  public record Parsed(OperatorConfig config, List<String> warnings) {}

  /**
   * Parses flags ({@code --name=value} or {@code --name value}) over the environment.
   *
   * @throws IllegalArgumentException naming the bad flag and why
   */
  public static Parsed parse(List<String> args, Map<String, String> env) {
    OperatorOptions options = new OperatorOptions();
    CommandLine cl = new CommandLine(options.spec().name("telescope"));
    EnvDefaults defaults = new EnvDefaults(env);
    configure(cl, defaults);
    ParseResult pr;
    try {
      pr = cl.parseArgs(args.toArray(String[]::new));
    } catch (ParameterException e) {
      throw new IllegalArgumentException(message(e), e);
    }
    return resolve(options, pr, defaults);
  }

  /** picocli's message, naming every spelling of the flag (it names only the longest). */
  public static String message(ParameterException e) {
    String m = e.getMessage();
    if (e.getArgSpec() instanceof OptionSpec o && o.names().length > 1) {
      m = m.replace("'" + o.longestName() + "'", "'" + String.join("' / '", o.names()) + "'");
    }
    return m;
  }

  /** Environment defaults and repeatable single-valued flags (the last one wins). */
  public static void configure(CommandLine cl, EnvDefaults defaults) {
    cl.setDefaultValueProvider(defaults);
    cl.setOverwrittenOptionsAllowed(true);
  }

  /**
   * Resolves a parse of {@code o}'s options (standalone or mixed into a command).
   *
   * @throws IllegalArgumentException naming the bad flag and why
   */
  public static Parsed resolve(OperatorOptions o, ParseResult pr, EnvDefaults env) {
    Resolver r = new Resolver(pr, env);
    List<String> warnings = new ArrayList<>();
    UpstreamFlags.Gates gates = UpstreamFlags.gates(o.featureGates);
    warnings.addAll(gates.warnings());
    warnings.addAll(r.ignoredFlagWarnings());

    HostPort metrics = r.address("--metrics-port", o.metricsPort, "--metrics-addr", o.metricsAddr);
    HostPort health =
        r.address("--health-port", o.healthPort, "--health-probe-addr", o.healthProbeAddr);

    Map<String, String> proxy = new LinkedHashMap<>();
    for (String v : OperatorConfig.PROXY_VARS) {
      String val = env.get(v);
      if (val != null) {
        proxy.put(v, val);
      }
    }
    boolean leaderElection =
        o.leaderElection != null
            ? o.leaderElection
            : OperatorConfig.leaderElectionDefault(env::get);
    OperatorConfig config =
        new OperatorConfig(
            o.collectorImage,
            o.collectorVersion,
            Version.OPERATOR,
            o.webhookPort,
            o.certDir,
            o.certMode,
            health.port(),
            metrics.port(),
            Set.copyOf(names(o.watchNamespaces)),
            o.operatorNamespace,
            o.webhookServiceName,
            o.webhookSecretName,
            o.mutatingWebhookConfiguration,
            o.validatingWebhookConfiguration,
            OperatorConfig.CRD_NAME,
            patterns(r.splitIfUpstreamEnv("--labels-filter", o.labelsFilter), "--labels-filter"),
            patterns(
                r.splitIfUpstreamEnv("--annotations-filter", o.annotationsFilter),
                "--annotations-filter"),
            o.createRbac,
            o.openShiftRoutes,
            o.prometheusCrds,
            o.nativeSidecars,
            o.networkPolicyDefault != null
                ? o.networkPolicyDefault
                : gates.enabled().contains("operand.networkpolicy"),
            leaderElection,
            o.leaderElectionLease,
            o.webhookThreads != null ? o.webhookThreads : OperatorConfig.defaultWebhookThreads(),
            o.resyncPeriod,
            o.podCheckPeriod,
            proxy,
            o.targetAllocatorImage,
            instrumentation(o, pr.commandSpec()),
            logging(o, r),
            gates.enabled(),
            Capabilities.NONE,
            health.host(),
            metrics.host());
    return new Parsed(config, List.copyOf(warnings));
  }

  private static InstrumentationSettings instrumentation(OperatorOptions o, CommandSpec spec) {
    Map<String, String> images = new LinkedHashMap<>();
    Set<String> enabled = new HashSet<>();
    for (String lang : InstrumentationSettings.LANGUAGES) {
      images.put(lang, spec.findOption("--auto-instrumentation-" + lang + "-image").getValue());
      Boolean on = spec.findOption("--enable-" + lang + "-instrumentation").getValue();
      if (Boolean.TRUE.equals(on)) {
        enabled.add(lang);
      }
    }
    return new InstrumentationSettings(images, enabled, o.multiInstrumentation);
  }

  private static LogSettings logging(OperatorOptions o, Resolver r) {
    String zapLevel = o.zapLogLevel == null ? null : LogSettings.fromZapLevel(o.zapLogLevel);
    String zapFormat = o.zapEncoder == null ? null : LogSettings.fromZapEncoder(o.zapEncoder);
    boolean devel = Boolean.TRUE.equals(o.zapDevel);
    String level = r.pick("--log-level", o.logLevel, "--zap-log-level", zapLevel);
    if (level == null) {
      level = devel ? "debug" : o.logLevel;
    }
    String format = r.pick("--log-format", o.logFormat, "--zap-encoder", zapFormat);
    if (format == null) {
      // Upstream logs JSON unless in development mode: a process started with upstream's
      // logging flags logs as upstream would.
      boolean upstreamLogging =
          r.given("--zap-log-level")
              || r.given("--zap-time-encoding")
              || r.given("--zap-devel")
              || r.given("--zap-time-key")
              || r.given("--zap-level-key")
              || r.given("--zap-message-key")
              || r.given("--zap-level-format");
      format = devel ? "text" : upstreamLogging ? "json" : o.logFormat;
    }
    String levelFormat = o.zapLevelFormat.trim();
    if (!levelFormat.equalsIgnoreCase("uppercase") && !levelFormat.equalsIgnoreCase("lowercase")) {
      throw new IllegalArgumentException(
          "--zap-level-format must be uppercase or lowercase, got '" + levelFormat + "'");
    }
    return new LogSettings(
        level,
        format,
        o.zapTimeEncoding,
        o.zapTimeKey,
        o.zapLevelKey,
        o.zapMessageKey,
        levelFormat.equalsIgnoreCase("uppercase"));
  }

  private static List<String> names(List<String> raw) {
    List<String> out = new ArrayList<>();
    for (String v : raw) {
      for (String part : v.split(",")) {
        if (!part.isBlank()) {
          out.add(part.trim());
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
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException(
            flag + ": '" + p + "' is not a valid regular expression");
      }
    }
    return out;
  }

  /** A listening address: host (empty: the process's bind address) and port. */
  record HostPort(String host, int port) {
    static HostPort parse(String value, String flag) {
      String v = value.trim();
      if (v.equals("0")) {
        return new HostPort("", 0);
      }
      int colon = v.lastIndexOf(':');
      if (colon < 0) {
        throw new IllegalArgumentException(flag + " must be [host]:port, got '" + value + "'");
      }
      String host = v.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      try {
        return new HostPort(
            host, new OptionConverters.PortConverter().convert(v.substring(colon + 1)));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(flag + " must be [host]:port, got '" + value + "'");
      }
    }
  }

  /** Where each value came from: the command line, the environment, or the default. */
  private record Resolver(ParseResult pr, EnvDefaults env) {
    private OptionSpec option(String flag) {
      return pr.commandSpec().findOption(flag);
    }

    boolean matched(String flag) {
      return pr.hasMatchedOption(flag);
    }

    boolean fromEnv(String flag) {
      return env.variable(option(flag)) != null;
    }

    boolean given(String flag) {
      return matched(flag) || fromEnv(flag);
    }

    /**
     * Our flag or upstream's: the command line beats the environment, ours beats upstream's given
     * the same way; null when neither was given.
     */
    <T> T pick(String ours, T oursValue, String theirs, T theirsValue) {
      if (matched(ours)) {
        return oursValue;
      }
      if (matched(theirs)) {
        return theirsValue;
      }
      if (fromEnv(ours)) {
        return oursValue;
      }
      return fromEnv(theirs) ? theirsValue : null;
    }

    HostPort address(String portFlag, int port, String addrFlag, String addr) {
      HostPort fromAddr = addr == null ? null : HostPort.parse(addr, addrFlag);
      HostPort picked = pick(portFlag, new HostPort("", port), addrFlag, fromAddr);
      return picked != null ? picked : new HostPort("", port);
    }

    /** Upstream's LABELS_FILTER and ANNOTATIONS_FILTER hold comma-separated lists. */
    List<String> splitIfUpstreamEnv(String flag, List<String> values) {
      String variable = env.variable(option(flag));
      if (matched(flag) || variable == null || variable.startsWith("TELESCOPE_")) {
        return values;
      }
      return names(values);
    }

    List<String> ignoredFlagWarnings() {
      List<String> warnings = new ArrayList<>();
      for (UpstreamFlags.Ignored ignored : UpstreamFlags.IGNORED) {
        OptionSpec o = option(ignored.flag());
        String source =
            matched(ignored.flag())
                ? ignored.flag() + "=" + o.getValue()
                : env.variable(o) != null ? "$" + env.variable(o) + "=" + o.getValue() : null;
        if (source != null) {
          warnings.add(
              source
                  + " is accepted for compatibility with the upstream operator and ignored;"
                  + " upstream would have "
                  + ignored.wouldHave());
        }
      }
      return warnings;
    }
  }
}
