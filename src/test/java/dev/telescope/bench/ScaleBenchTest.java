package dev.telescope.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The scale benchmark's harness, run small: the operator as a separate JVM against the counting
 * mock API server. Proves the harness measures what BENCHMARKS.md says it does, and the properties
 * it reports (converged, no writes at steady state, none for foreign objects, none after a restart)
 * hold in this build.
 */
class ScaleBenchTest {

  @Test
  @Timeout(240)
  void aSmallRunConvergesAndWritesNothingAtSteadyState() throws Exception {
    ScaleBench.Settings s =
        ScaleBench.Settings.parse(
            List.of(
                "--collectors=20",
                "--namespaces=4",
                "--foreign=40",
                "--resync-seconds=1",
                "--timeout-seconds=120",
                // no jar: the operator runs from this build's class path
                "--jar=target/no-such.jar",
                "--in-process-mock=true"));
    StringBuilder report = new StringBuilder();
    List<String> log = new ArrayList<>();
    ScaleBench.Result r = ScaleBench.run(s, report::append, log::add);

    assertThat(r.converged()).as(String.join("\n", log)).isEqualTo(20);
    assertThat(r.convergeSeconds()).isPositive();
    assertThat(r.startupSeconds()).isPositive();
    // Every collector needs at least its ConfigMap, ServiceAccount and status.
    assertThat(r.writesPerCollector()).isGreaterThanOrEqualTo(3);
    assertThat(r.writesPerCollectorByKind())
        .containsKeys(
            "POST configmaps", "POST serviceaccounts", "PATCH opentelemetrycollectors/status");
    assertThat(r.steadyWrites()).as("writes at steady state").isZero();
    assertThat(r.steadyReconciles()).as("resyncs did happen").isPositive();
    assertThat(r.foreignWrites()).isZero();
    assertThat(r.restartWrites()).as("writes after a restart").isZero();
    assertThat(r.withForeign().rssKib()).isPositive();
    // Created 16 at a time through the CR webhooks (a separate process, over TLS): none refused.
    assertThat(r.burst().refused()).as(String.valueOf(r.burst().refusals())).isZero();
    assertThat(r.burst().created()).isEqualTo(20);
    assertThat(r.peakRssKib()).isPositive();
    assertThat(r.webhookRssKib()).isPositive();
    assertThat(report.toString())
        .contains("| writes during 2 full resyncs at steady state | 0 ")
        .contains("start-up to ready")
        // The mock answered with real-sized objects: managed fields on every kind we own.
        .containsPattern("\\| Deployment \\| \\d+ \\| \\d+ \\| \\d+ \\(4\\d %\\) \\|")
        .containsPattern("\\| Service \\| \\d+ \\| \\d+ \\| \\d+ \\([34]\\d %\\) \\|");
  }
}
