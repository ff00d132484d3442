package dev.telescope;

import static org.assertj.core.api.Assertions.assertThat;

import dev.telescope.logging.LogOutput;
import dev.telescope.settings.LogSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The command line as users type it: commands, generated help, errors with exit code 2. */
class MainTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final LogSettings logging = LogOutput.settings();

  @AfterEach
  void restoreLogging() {
    // Commands configure the process's logging; later tests in this JVM expect the default.
    LogOutput.configure(logging);
  }

  private int run(String... args) {
    return Main.run(
        List.of(args),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8),
        Map.of());
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void helpListsTheCommands() {
    for (String help : List.of("--help", "-h", "help")) {
      out.reset();
      assertThat(run(help)).isZero();
      assertThat(out())
          .contains("run", "operator", "webhook", "render", "demo", "version")
          .contains("TELESCOPE_<FLAG>");
    }
    out.reset();
    assertThat(run()).as("no command: the overview").isZero();
    assertThat(out()).contains("Commands:");
  }

  @Test
  void commandHelpIsGeneratedFromTheFlags() {
    assertThat(run("run", "--help")).isZero();
    assertThat(out())
        .contains("--webhook-port=PORT", "Default: 9443")
        .contains("--watch-namespace, --watch-namespaces")
        .contains("--auto-instrumentation-java-image", "--enable-go-instrumentation")
        .contains("--zap-log-level", "--metrics-addr", "--metrics-secure")
        .doesNotContain("--pprof-addr");
    out.reset();
    assertThat(run("help", "render")).isZero();
    assertThat(out()).contains("--filename", "--no-defaults", "--collector-image");
  }

  @Test
  void metricsFlagsThatDoNotGoTogetherExitTwoBeforeAnythingStarts() {
    assertThat(run("webhook", "--metrics-bearer-token-file=/var/run/token")).isEqualTo(2);
    assertThat(err()).contains("error: ").contains("need --metrics-secure");
    err.reset();
    assertThat(run("operator", "--metrics-secure", "--metrics-tls-cert-file=/tls.crt"))
        .isEqualTo(2);
    assertThat(err()).contains("--metrics-tls-cert-file and --metrics-tls-key-file go together");
  }

  @Test
  void versionBothWays() {
    assertThat(run("version")).isZero();
    assertThat(run("--version")).isZero();
    assertThat(out()).containsPattern("telescope \\S+\\R.*telescope \\S+");
  }

  @Test
  void mistakesExitTwoAndSayWhy() {
    assertThat(run("deploy")).isEqualTo(2);
    assertThat(err()).contains("'deploy'").contains("--help");
    err.reset();
    assertThat(run("run", "--webhook-port=many")).isEqualTo(2);
    assertThat(err()).contains("--webhook-port").contains("many");
    err.reset();
    assertThat(run("render")).as("render needs -f").isEqualTo(2);
    assertThat(err()).contains("--filename");
  }

  @Test
  void renderPrintsTheObjectsWithOperatorFlags() {
    int code =
        run(
            "render",
            "-f",
            "examples/collector-deployment.yaml",
            "--collector-image=registry.example/collector:1",
            "--log-level=warn");
    assertThat(code).as(err()).isZero();
    assertThat(out()).contains("kind: Deployment").contains("registry.example/collector:1");
  }
}
