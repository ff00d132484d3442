package dev.telescope.settings;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Environment defaults for flags: {@code TELESCOPE_<FLAG>} for every flag, then the variable
 * upstream reads for the same setting ({@code WATCH_NAMESPACE}, {@code RELATED_IMAGE_*}, ...). A
 * flag on the command line always wins over both.
 */
public final class EnvDefaults implements IDefaultValueProvider {
  /**
   * Kubernetes writes a Docker-link variable {@code <SERVICE>_PORT=tcp://10.0.0.1:443} for every
   * Service in the namespace, so a Service named {@code telescope-webhook} sets {@code
   * TELESCOPE_WEBHOOK_PORT}. Such values are addresses of other Services, never settings.
   */
  private static final Pattern SERVICE_LINK = Pattern.compile("^(tcp|udp|sctp)://.*");

  /** Options that describe one run of a command rather than the operator: never from env. */
  private static final Set<String> COMMAND_ONLY =
      Set.of("--filename", "--help", "--version", "--no-defaults", "--openshift", "--gateway-api");

  private final Map<String, String> env;
  private final Map<String, String> variables = new HashMap<>();

  public EnvDefaults(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  /** The environment variable {@code TELESCOPE_<FLAG>} for a flag such as {@code --cert-dir}. */
  public static String envName(String flag) {
    return "TELESCOPE_" + flag.replaceFirst("^-+", "").toUpperCase(Locale.ROOT).replace('-', '_');
  }

  /** The variables read for an option, in order of precedence. */
  public static List<String> envNames(OptionSpec option) {
    List<String> names = new ArrayList<>();
    if (COMMAND_ONLY.contains(option.longestName())) {
      return names;
    }
    for (String flag : option.names()) {
      if (flag.startsWith("--")) {
        names.add(envName(flag));
      }
    }
    for (String flag : option.names()) {
      names.addAll(UpstreamFlags.envNames(flag));
    }
    return names;
  }

  @Override
  public String defaultValue(ArgSpec arg) {
    if (!(arg instanceof OptionSpec option)) {
      return null;
    }
    for (String name : envNames(option)) {
      String v = env.get(name);
      if (v != null && !v.isBlank() && !SERVICE_LINK.matcher(v.trim()).matches()) {
        variables.put(option.longestName(), name);
        return v.trim();
      }
    }
    return null;
  }

  /** The variable the option's value came from (when not given as a flag), or null. */
  String variable(OptionSpec option) {
    return variables.get(option.longestName());
  }

  /** A raw variable, for settings that have no flag (the proxy variables). */
  String get(String name) {
    return env.get(name);
  }
}
