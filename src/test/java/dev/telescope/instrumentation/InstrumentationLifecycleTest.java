package dev.telescope.instrumentation;

import static dev.telescope.instrumentation.PodInstrumenterTest.inst;
import static org.assertj.core.api.Assertions.assertThat;

import dev.telescope.api.instrumentation.Instrumentation;
import dev.telescope.settings.InstrumentationSettings;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Defaulting, validation and the start-up upgrade of Instrumentations (pure functions). */
class InstrumentationLifecycleTest {
  static final InstrumentationSettings DEFAULTS = InstrumentationSettings.defaults();
  static final String JAVA_REPO =
      "ghcr.io/open-telemetry/opentelemetry-operator/autoinstrumentation-java";
  static final String DOTNET_REPO =
      "ghcr.io/open-telemetry/opentelemetry-operator/autoinstrumentation-dotnet";

  static InstrumentationSettings withImages(Map<String, String> images) {
    Map<String, String> all = new HashMap<>(InstrumentationSettings.DEFAULT_IMAGES);
    all.putAll(images);
    return new InstrumentationSettings(all, InstrumentationSettings.DEFAULT_ENABLED, true);
  }

  @Test
  void defaultingFillsImagesResourcesPathsAndRecordsTheDefaults() {
    Instrumentation in =
        inst(
            "apps",
            "i",
            """
            exporter: {endpoint: http://c:4318}
            python: {image: my/python:1}
            java:
              resources: {limits: {cpu: "2"}}
            """);
    Instrumentation out = InstrumentationDefaults.apply(in, DEFAULTS);
    assertThat(in.getSpec().nodejs).isNull();
    assertThat(out.getSpec().java.image).isEqualTo(DEFAULTS.image("java"));
    assertThat(out.getSpec().python.image).isEqualTo("my/python:1");
    assertThat(out.getSpec().go.image).isEqualTo(DEFAULTS.image("go"));
    assertThat(out.getSpec().nginx.image).isEqualTo(DEFAULTS.image("nginx"));
    assertThat(out.getSpec().java.resources.getLimits()).containsOnlyKeys("cpu");
    assertThat(out.getSpec().java.resources.getRequests().get("memory").toString())
        .isEqualTo("64Mi");
    assertThat(out.getSpec().nodejs.resourceRequirements.getRequests().get("memory").toString())
        .isEqualTo("128Mi");
    assertThat(out.getSpec().apacheHttpd.resourceRequirements.getRequests().get("cpu").toString())
        .isEqualTo("1m");
    assertThat(out.getSpec().apacheHttpd.version).isEqualTo("2.4");
    assertThat(out.getSpec().apacheHttpd.configPath).isEqualTo("/usr/local/apache2/conf");
    assertThat(out.getSpec().nginx.configFile).isEqualTo("/etc/nginx/nginx.conf");
    assertThat(out.getMetadata().getAnnotations())
        .containsEntry(
            "instrumentation.opentelemetry.io/default-auto-instrumentation-java-image",
            DEFAULTS.image("java"))
        .containsEntry(
            "instrumentation.opentelemetry.io/default-auto-instrumentation-apache-httpd-image",
            DEFAULTS.image("apache-httpd"))
        .hasSize(7);
    // Defaulting twice changes nothing more.
    assertThat(
            io.fabric8.kubernetes.client.utils.Serialization.asJson(
                InstrumentationDefaults.apply(out, DEFAULTS)))
        .isEqualTo(io.fabric8.kubernetes.client.utils.Serialization.asJson(out));
  }

  @Test
  void validationRejectsBadSamplerArgumentsAndDoubleVolumes() {
    assertThat(
            InstrumentationValidation.validate(
                    inst("apps", "i", "sampler: {type: traceidratio, argument: \"1.5\"}"), DEFAULTS)
                .errors())
        .containsExactly("spec.sampler.argument should be in range [0..1]: 1.5");
    assertThat(
            InstrumentationValidation.validate(
                    inst("apps", "i", "sampler: {type: parentbased_traceidratio, argument: abc}"),
                    DEFAULTS)
                .errors())
        .containsExactly("spec.sampler.argument is not a number: abc");
    assertThat(
            InstrumentationValidation.validate(
                    inst(
                        "apps",
                        "i",
                        "sampler: {type: jaeger_remote, argument:"
                            + " \"endpoint=http://j:14250,pollingIntervalMs=x\"}"),
                    DEFAULTS)
                .errors())
        .containsExactly(
            "spec.sampler.argument is not a valid argument for sampler jaeger_remote: invalid"
                + " pollingIntervalMs: x");
    InstrumentationValidation.Result both =
        InstrumentationValidation.validate(
            inst(
                "apps",
                "i",
                """
                sampler: {type: always_on}
                java:
                  volumeLimitSize: 100Mi
                  volumeClaimTemplate:
                    spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
                """),
            DEFAULTS);
    assertThat(both.errors())
        .containsExactly(
            "spec.java.volumeClaimTemplate and spec.java.volumeLimitSize cannot both be defined:"
                + " set one of them");
    assertThat(both.warnings()).isEmpty();
  }

  @Test
  void validationWarnsAboutTlsAndMissingSampler() {
    InstrumentationValidation.Result r =
        InstrumentationValidation.validate(
            inst(
                "apps",
                "i",
                "exporter: {endpoint: http://c:4318, tls: {secretName: s, cert_file: tls.crt}}"),
            DEFAULTS);
    assertThat(r.errors()).isEmpty();
    assertThat(r.warnings())
        .containsExactly(
            "sampler type not set",
            "both exporter.tls.key_file and exporter.tls.cert_file must be set",
            "exporter.tls is configured but exporter.endpoint is not enabling TLS with https://");
    assertThat(
            InstrumentationValidation.validate(
                    inst(
                        "apps",
                        "i",
                        "sampler: {type: always_on}\nexporter: {endpoint: https://c:4318}"),
                    DEFAULTS)
                .warnings())
        .containsExactly("exporter is using https:// but exporter.tls is unset");
  }

  @Test
  void validationWarnsAboutImagesTheUpgradeWillNotMove() {
    InstrumentationValidation.Result r =
        InstrumentationValidation.validate(
            inst(
                "apps",
                "blocked",
                "sampler: {type: always_on}\njava: {image: \""
                    + JAVA_REPO
                    + ":1.33.6\"}\ndotnet: {image: \""
                    + DOTNET_REPO
                    + ":1.2.0\"}\nnodejs: {image: \"x/nodejs:0.1.0\"}"),
            DEFAULTS);
    assertThat(r.warnings()).hasSize(2);
    assertThat(r.warnings().get(0))
        .startsWith(
            "Instrumentation apps/blocked: java image "
                + JAVA_REPO
                + ":1.33.6 is at a version that cannot be automatically upgraded. Java"
                + " instrumentation 2.0.0 contains breaking HTTP semantic convention changes.");
    assertThat(r.warnings().get(1)).contains("dotnet image").contains(".NET instrumentation 1.3.0");
  }

  @Test
  void upgradeBlocksCrossingABreakingReleaseExactlyAsDocumented() {
    assertThat(UpgradeBlocks.reason("java", JAVA_REPO + ":1.33.6", JAVA_REPO + ":2.30.0"))
        .isPresent();
    assertThat(UpgradeBlocks.reason("java", JAVA_REPO + ":2.0.0", JAVA_REPO + ":2.30.0")).isEmpty();
    assertThat(UpgradeBlocks.reason("java", JAVA_REPO + ":1.33.6", JAVA_REPO + ":1.34.0"))
        .isEmpty();
    assertThat(UpgradeBlocks.reason("java", JAVA_REPO + ":2.0.0", JAVA_REPO + ":latest"))
        .isPresent();
    assertThat(UpgradeBlocks.reason("java", JAVA_REPO + ":1.0.0", JAVA_REPO + ":latest")).isEmpty();
    assertThat(UpgradeBlocks.reason("python", "p:0.1b0", "p:0.64b0")).isEmpty();
    assertThat(UpgradeBlocks.reason("dotnet", "localhost:5000/dotnet", DOTNET_REPO + ":1.16.0"))
        .isEmpty();
  }

  @Test
  void startUpUpgradeMovesRecordedDefaultsOnly() {
    InstrumentationSettings old =
        withImages(Map.of("nodejs", "x/nodejs:0.70.0", "python", "x/python:0.50b0"));
    Instrumentation created =
        InstrumentationDefaults.apply(inst("apps", "i", "python: {image: mine/python:9}"), old);
    InstrumentationUpgrade.Result r = InstrumentationUpgrade.upgrade(created, DEFAULTS);
    assertThat(r.changed(created)).isTrue();
    assertThat(r.instrumentation().getSpec().nodejs.image).isEqualTo(DEFAULTS.image("nodejs"));
    assertThat(r.instrumentation().getMetadata().getAnnotations())
        .containsEntry(
            "instrumentation.opentelemetry.io/default-auto-instrumentation-nodejs-image",
            DEFAULTS.image("nodejs"));
    // A hand-picked image stays, and so does its recorded default.
    assertThat(r.instrumentation().getSpec().python.image).isEqualTo("mine/python:9");
    assertThat(r.blocked()).isEmpty();
    assertThat(created.getSpec().nodejs.image).isEqualTo("x/nodejs:0.70.0");
    // Upgrading again is a no-op.
    InstrumentationUpgrade.Result again =
        InstrumentationUpgrade.upgrade(r.instrumentation(), DEFAULTS);
    assertThat(again.changed(r.instrumentation())).isFalse();
  }

  @Test
  void startUpUpgradeRespectsBlocksAndDisabledLanguages() {
    InstrumentationSettings old =
        withImages(
            Map.of(
                "java", JAVA_REPO + ":1.33.6",
                "dotnet", DOTNET_REPO + ":1.2.0",
                "go", "x/go:v0.1.0"));
    Instrumentation created = InstrumentationDefaults.apply(inst("apps", "up", "{}"), old);
    InstrumentationUpgrade.Result r = InstrumentationUpgrade.upgrade(created, DEFAULTS);
    assertThat(r.instrumentation().getSpec().java.image).isEqualTo(JAVA_REPO + ":1.33.6");
    assertThat(r.instrumentation().getSpec().dotnet.image).isEqualTo(DOTNET_REPO + ":1.2.0");
    // go is disabled by default: left alone.
    assertThat(r.instrumentation().getSpec().go.image).isEqualTo("x/go:v0.1.0");
    assertThat(r.blocked()).containsOnlyKeys("java", "dotnet");
    assertThat(r.blocked().get("java"))
        .isEqualTo(
            "Automated upgrade blocked for java: Java instrumentation 2.0.0 contains breaking HTTP"
                + " semantic convention changes. See"
                + " https://opentelemetry.io/blog/2023/http-conventions-declared-stable/ for a"
                + " general description of the changes. To upgrade, manually set the image on this"
                + " Instrumentation resource to 2.0.0 or higher.");
    InstrumentationSettings goOn =
        new InstrumentationSettings(
            InstrumentationSettings.DEFAULT_IMAGES,
            Set.copyOf(InstrumentationSettings.LANGUAGES),
            true);
    assertThat(InstrumentationUpgrade.upgrade(created, goOn).instrumentation().getSpec().go.image)
        .isEqualTo(DEFAULTS.image("go"));
  }
}
