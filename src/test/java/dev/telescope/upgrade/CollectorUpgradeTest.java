package dev.telescope.upgrade;

import static org.assertj.core.api.Assertions.assertThat;

import dev.telescope.TestYaml;
import dev.telescope.api.common.UpgradeStrategy;
import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import dev.telescope.api.v1beta1.OpenTelemetryCollectorStatus;
import org.junit.jupiter.api.Test;

/** When the routine runs, which steps it runs, and what it records. */
class CollectorUpgradeTest {
  static final String CURRENT = "0.158.0";

  static OpenTelemetryCollector stored(String version) {
    OpenTelemetryCollector cr =
        TestYaml.collector(
            """
            apiVersion: opentelemetry.io/v1beta1
            kind: OpenTelemetryCollector
            metadata: {name: simplest, namespace: ns}
            spec:
              config:
                receivers: {otlp: {protocols: {grpc: {}}}}
                exporters: {otlp: {endpoint: 'backend:4317'}}
                service:
                  telemetry: {metrics: {address: '0.0.0.0:8888'}}
                  pipelines: {traces: {receivers: [otlp], exporters: [otlp]}}
            """);
    if (version != null) {
      cr.setStatus(new OpenTelemetryCollectorStatus());
      cr.getStatus().version = version;
    }
    return cr;
  }

  @Test
  void anOlderCollectorIsMigratedAndRecordsOurVersion() {
    CollectorUpgrade.Result r = CollectorUpgrade.run(stored("0.86.0"), CURRENT);
    assertThat(r.problem()).isNull();
    assertThat(r.specChanged()).isTrue();
    assertThat(r.version()).isEqualTo(CURRENT);
    assertThat(r.spec().config.exporters.has("otlp_grpc")).isTrue();
    assertThat(r.spec().config.service.pipelines.get("traces").exporters)
        .containsExactly("otlp_grpc");
    assertThat(r.spec().config.service.telemetry.toString())
        .isEqualTo(
            "{\"metrics\":{\"readers\":[{\"pull\":{\"exporter\":{\"prometheus\":{\"host\":\"0.0.0.0\",\"port\":8888}}}}]}}");
    assertThat(r.spec().args).as("the transitional gates come and go").isNullOrEmpty();
  }

  @Test
  void onlyStepsNewerThanTheStoredVersionRun() {
    CollectorUpgrade.Result r = CollectorUpgrade.run(stored("0.130.0"), CURRENT);
    assertThat(r.spec().config.exporters.has("otlp_grpc")).isTrue();
    assertThat(r.spec().config.service.telemetry.at("/metrics/address").asText())
        .as("0.122.0 is older than the stored version: not run")
        .isEqualTo("0.0.0.0:8888");
  }

  @Test
  void newCurrentNewerAndOptedOutCollectorsAreLeftAlone() {
    CollectorUpgrade.Result fresh = CollectorUpgrade.run(stored(null), CURRENT);
    assertThat(fresh.specChanged()).isFalse();
    assertThat(fresh.version()).isEqualTo(CURRENT);
    CollectorUpgrade.Result same = CollectorUpgrade.run(stored(CURRENT), CURRENT);
    assertThat(same.specChanged()).isFalse();
    CollectorUpgrade.Result newer = CollectorUpgrade.run(stored("0.170.0"), CURRENT);
    assertThat(newer.specChanged()).isFalse();
    assertThat(newer.version()).as("a rollback keeps the newer version").isEqualTo("0.170.0");
    OpenTelemetryCollector none = stored("0.86.0");
    none.getSpec().upgradeStrategy = UpgradeStrategy.NONE;
    CollectorUpgrade.Result optedOut = CollectorUpgrade.run(none, CURRENT);
    assertThat(optedOut.specChanged()).isFalse();
    assertThat(optedOut.version()).isEqualTo("0.86.0");
  }

  @Test
  void aStepThatCannotMigrateLeavesTheCollectorAsItWas() {
    OpenTelemetryCollector cr = stored("0.50.0");
    cr.getSpec().config.receivers =
        MigrationsTest.spec("jaeger: {remote_sampling: {}, protocols: {grpc: {}}}");
    CollectorUpgrade.Result r = CollectorUpgrade.run(cr, CURRENT);
    assertThat(r.specChanged()).isFalse();
    assertThat(r.version()).isEqualTo("0.50.0");
    assertThat(r.problem()).startsWith("upgrade to v0.61.0 failed: receiver jaeger");
  }

  @Test
  void versionsParseAsStatusVersionHoldsThem() {
    assertThat(Version.parse("v0.86.0")).isEqualTo(new Version(0, 86, 0));
    assertThat(Version.parse("0.158.0-rc.1")).isEqualTo(new Version(0, 158, 0));
    assertThat(Version.parse("0.9.0")).isLessThan(Version.parse("0.10.0"));
  }
}
