package dev.telescope;

import dev.telescope.logging.LogOutput;
import dev.telescope.settings.EnvDefaults;
import dev.telescope.settings.LogSettings;
import dev.telescope.settings.OperatorConfig;
import dev.telescope.settings.OperatorOptions;
import dev.telescope.settings.SettingsParser;
import dev.telescope.settings.Version;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/** The single entry point of {@code telescope.jar}: one command per way of running it. */
@Command(
    name = "telescope",
    mixinStandardHelpOptions = true,
    versionProvider = Main.VersionInfo.class,
    description = "A Kubernetes operator for OpenTelemetry Collectors.",
    footer = {"", Main.ENV_HELP})
public final class Main implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  static final String ENV_HELP =
      "Flags of a command: java -jar telescope.jar <command> --help. Every flag can also be set"
          + " as TELESCOPE_<FLAG> in the environment (e.g. TELESCOPE_WEBHOOK_PORT); a flag wins"
          + " over the environment. Upstream's flags and variables (WATCH_NAMESPACE,"
          + " RELATED_IMAGE_*, --zap-*, --metrics-addr, ...) are accepted too: docs/flags.md.";

  @Spec CommandSpec spec;

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
    return run(args, out, err, System.getenv());
  }

  static int run(List<String> args, PrintStream out, PrintStream err, Map<String, String> env) {
    return commandLine(out, err, env).execute(args.toArray(String[]::new));
  }

  /** No command: the overview. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 0;
  }

  static CommandLine commandLine(PrintStream out, PrintStream err, Map<String, String> env) {
    EnvDefaults defaults = new EnvDefaults(env);
    CommandLine cl = new CommandLine(new Main());
    cl.addSubcommand(
        "run", serve(new Serve(true, true, defaults), "the reconciler and the webhook server"));
    cl.addSubcommand(
        "operator",
        serve(new Serve(true, false, defaults), "the reconciler only (leader-elected)"));
    cl.addSubcommand(
        "webhook",
        serve(
            new Serve(false, true, defaults),
            "the admission webhook server only (stateless, scale freely)"));
    RenderCommand render = new RenderCommand(out, err, defaults);
    cl.addSubcommand("render", withSettings(render, render.options));
    cl.addSubcommand("demo", new DemoCommand(out, err));
    cl.addSubcommand("version", new VersionCommand());
    cl.addSubcommand("help", new HelpCommand());
    SettingsParser.configure(cl, defaults);
    cl.setOut(new PrintWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), true));
    cl.setErr(new PrintWriter(new java.io.OutputStreamWriter(err, StandardCharsets.UTF_8), true));
    cl.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          if (e instanceof IllegalArgumentException) {
            cmd.getErr().println("error: " + e.getMessage());
            return 2;
          }
          throw e;
        });
    cl.setParameterExceptionHandler(
        (e, args) -> {
          CommandLine cmd = e.getCommandLine();
          cmd.getErr().println("error: " + SettingsParser.message(e));
          CommandLine.UnmatchedArgumentException.printSuggestions(e, cmd.getErr());
          cmd.getErr()
              .println(
                  "see: java -jar telescope.jar"
                      + cmd.getCommandSpec().qualifiedName(" ").replaceFirst("^telescope", "")
                      + " --help");
          return 2;
        });
    return cl;
  }

  private static CommandSpec serve(Serve command, String description) {
    CommandSpec spec = withSettings(command, command.options);
    spec.usageMessage().description(description);
    return spec;
  }

  /** A command with the operator's flags mixed in, help and defaults shown. */
  private static CommandSpec withSettings(Object command, OperatorOptions options) {
    CommandSpec spec = CommandSpec.forAnnotatedObject(command);
    spec.mixinStandardHelpOptions(true);
    spec.addMixin("settings", options.spec());
    spec.usageMessage()
        .showDefaultValues(true)
        .sortOptions(false)
        .abbreviateSynopsis(true)
        .footer("", ENV_HELP);
    return spec;
  }

  /**
   * The settings of a command that mixes in {@code options}, with logging configured from them and
   * the warnings about upstream flags accepted without effect logged once.
   */
  static OperatorConfig settings(OperatorOptions options, CommandSpec spec, EnvDefaults env) {
    SettingsParser.Parsed parsed =
        SettingsParser.resolve(options, spec.commandLine().getParseResult(), env);
    LogOutput.configure(parsed.config().logging());
    parsed.warnings().forEach(LOG::warn);
    return parsed.config();
  }

  /** {@code run}, {@code operator} and {@code webhook}: the long-running processes. */
  @Command
  static final class Serve implements Callable<Integer> {
    final OperatorOptions options = new OperatorOptions();
    private final boolean reconciler;
    private final boolean webhook;
    private final EnvDefaults defaults;
    @Spec CommandSpec spec;

    Serve(boolean reconciler, boolean webhook, EnvDefaults defaults) {
      this.reconciler = reconciler;
      this.webhook = webhook;
      this.defaults = defaults;
    }

    @Override
    public Integer call() {
      return Cli.start(
          settings(options, spec, defaults), options.metricsServing(), reconciler, webhook);
    }
  }

  /** {@code demo}: the walkthrough against an embedded API server. */
  @Command(
      name = "demo",
      mixinStandardHelpOptions = true,
      description = "run the whole walkthrough against an embedded API server")
  static final class DemoCommand implements Callable<Integer> {
    // java.util.logging keeps loggers weakly; hold it so the level sticks.
    private static final java.util.logging.Logger MOCK_SERVER_JUL =
        java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    @Unmatched List<String> rest = new ArrayList<>();
    private final PrintStream out;
    private final PrintStream err;

    DemoCommand(PrintStream out, PrintStream err) {
      this.out = out;
      this.err = err;
    }

    @Override
    public Integer call() {
      // The demo prints its own story; component logs would drown it.
      LogOutput.configure(LogSettings.DEFAULT.withLevel("warn"));
      MOCK_SERVER_JUL.setLevel(java.util.logging.Level.WARNING);
      return DemoLauncher.run(rest, out, err);
    }
  }

  /** {@code version}. */
  @Command(name = "version", mixinStandardHelpOptions = true, description = "print the version")
  static final class VersionCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      spec.commandLine().getOut().println("telescope " + Version.OPERATOR);
      return 0;
    }
  }

  /** {@code --version}. */
  static final class VersionInfo implements IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"telescope " + Version.OPERATOR};
    }
  }
}
