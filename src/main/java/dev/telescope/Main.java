package dev.telescope;

import dev.telescope.settings.OperatorConfig;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The single entry point of {@code telescope.jar}: one command per way of running it. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    int code = run(Arrays.asList(args), System.out, System.err);
    if (code != Cli.KEEP_RUNNING) {
      System.exit(code);
    }
  }

  /**
   * Runs a command.
   *
   * @return the exit code, or {@link Cli#KEEP_RUNNING} when servers keep the JVM alive
   */
  public static int run(List<String> args, PrintStream out, PrintStream err) {
    if (args.isEmpty()
        || args.get(0).equals("--help")
        || args.get(0).equals("-h")
        || args.get(0).equals("help")) {
      out.print(usage());
      return 0;
    }
    String command = args.get(0);
    if (command.equals("demo") || command.equals("render")) {
      // render --pod runs the pod webhook, whose INFO lines would repeat render's own errors.
      quietForDemo();
    }
    List<String> rest = new ArrayList<>(args.subList(1, args.size()));
    if (rest.contains("--help") || rest.contains("-h")) {
      out.print(usage());
      return 0;
    }
    try {
      return switch (command.toLowerCase(Locale.ROOT)) {
        case "render" -> RenderCommand.run(rest, out, err);
        case "operator" -> Cli.operator(rest, err);
        case "webhook" -> Cli.webhook(rest, err);
        case "run" -> Cli.both(rest, err);
        case "demo" -> Cli.demo(rest, out, err);
        case "version", "--version" -> {
          out.println("telescope " + dev.telescope.settings.Version.OPERATOR);
          yield 0;
        }
        default -> {
          err.println("unknown command '" + command + "'");
          err.print(usage());
          yield 2;
        }
      };
    } catch (IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      return 2;
    }
  }

  /** The demo prints its own story; component logs would drown it. */
  private static void quietForDemo() {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    DEMO_LOGGERS.add(java.util.logging.Logger.getLogger("io.fabric8.mockwebserver"));
    DEMO_LOGGERS.forEach(l -> l.setLevel(java.util.logging.Level.WARNING));
  }

  // java.util.logging keeps loggers weakly; hold them so the level sticks.
  private static final List<java.util.logging.Logger> DEMO_LOGGERS = new ArrayList<>();

  static String usage() {
    StringBuilder b = new StringBuilder();
    b.append(
        """
        Telescope: a Kubernetes operator for OpenTelemetry Collectors.

        Usage: java -jar telescope.jar <command> [flags]

        Commands:
          run                 the reconciler and the admission webhook server in one process
          operator            the reconciler only (leader-elected)
          webhook             the admission webhook server only (stateless, scale freely)
          render -f CR.yaml   print the objects the operator would create, with no cluster
                              (repeat -f; - reads stdin; --openshift, --prometheus-crds,
                              --create-rbac, --native-sidecars, --gateway-api say what the
                              cluster offers;
                              --no-defaults skips the webhook's defaulting)
          render -f CR.yaml --pod app.yaml
                              print a Pod, or a Deployment/StatefulSet/DaemonSet/ReplicaSet/
                              Job/CronJob with its pod template, as the pod webhook would admit
                              it (sidecar and auto-instrumentation; -f gives the collectors,
                              Instrumentations and Namespaces; -n/--namespace overrides the
                              pod's namespace)
          demo                run the whole walkthrough against an embedded API server
          version             print the version
          --help              this text

        Flags (also settable as TELESCOPE_<NAME> environment variables, flags win):
        """);
    for (OperatorConfig.Flag f : OperatorConfig.Flag.values()) {
      b.append(String.format("  --%-34s %s (default: %s)%n", f.flag, f.help, f.defaultValue));
    }
    return b.toString();
  }
}
