package dev.telescope.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.telescope.api.instrumentation.Instrumentation;
import dev.telescope.instrumentation.InstrumentationDefaults;
import dev.telescope.settings.InstrumentationSettings;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The start-up upgrade against an API server: writes back moved defaults, reports blocks. */
@EnableKubernetesMockClient(crud = true)
class InstrumentationUpgraderTest {
  KubernetesClient client;

  static final String JAVA_OLD =
      "ghcr.io/open-telemetry/opentelemetry-operator/autoinstrumentation-java:1.33.6";

  @Test
  void upgradesRecordedDefaultsAndWarnsAboutBlockedOnes() {
    Map<String, String> oldImages = new HashMap<>(InstrumentationSettings.DEFAULT_IMAGES);
    oldImages.put("nodejs", "x/nodejs:0.70.0");
    oldImages.put("java", JAVA_OLD);
    InstrumentationSettings old =
        new InstrumentationSettings(oldImages, InstrumentationSettings.DEFAULT_ENABLED, true);
    Instrumentation created =
        InstrumentationDefaults.apply(
            Serialization.unmarshal(
                """
                apiVersion: opentelemetry.io/v1alpha1
                kind: Instrumentation
                metadata: {name: up, namespace: apps}
                spec: {exporter: {endpoint: "http://c:4318"}}
                """,
                Instrumentation.class),
            old);
    client.resource(created).create();

    int written =
        InstrumentationUpgrader.run(
            client,
            InstrumentationSettings.defaults(),
            Set.of(),
            new EventRecorder(client, "test"));

    assertThat(written).isEqualTo(1);
    Instrumentation now =
        client.resources(Instrumentation.class).inNamespace("apps").withName("up").get();
    assertThat(now.getSpec().nodejs.image)
        .isEqualTo(InstrumentationSettings.DEFAULT_IMAGES.get("nodejs"));
    assertThat(now.getSpec().java.image).isEqualTo(JAVA_OLD);
    List<Event> events = client.events().v1().events().inNamespace("apps").list().getItems();
    assertThat(events)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getReason()).isEqualTo("UpgradeBlocked");
              assertThat(e.getAction()).isEqualTo("Upgrade-java");
              assertThat(e.getNote()).startsWith("Automated upgrade blocked for java:");
            });
    // A second start changes nothing more.
    assertThat(
            InstrumentationUpgrader.run(
                client,
                InstrumentationSettings.defaults(),
                Set.of("apps"),
                new EventRecorder(client, "test")))
        .isZero();
  }
}
