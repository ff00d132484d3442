package dev.telescope.reconciler;

import dev.telescope.api.instrumentation.Instrumentation;
import dev.telescope.instrumentation.InstrumentationUpgrade;
import dev.telescope.settings.InstrumentationSettings;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the start-up upgrade of Instrumentations once: lists them, writes back those whose recorded
 * default images moved, and tells with an {@code UpgradeBlocked} Warning why a language stayed. It
 * never stops the operator: a failure is logged and the next start tries again.
 */
public final class InstrumentationUpgrader {
  private static final Logger LOG = LoggerFactory.getLogger(InstrumentationUpgrader.class);

  private InstrumentationUpgrader() {}

  /**
   * Upgrades every Instrumentation in the watched namespaces (all when empty).
   *
   * @return how many were written back
   */
  public static int run(
      KubernetesClient client,
      InstrumentationSettings settings,
      Set<String> namespaces,
      EventRecorder events) {
    List<Instrumentation> all = new ArrayList<>();
    try {
      if (namespaces.isEmpty()) {
        all.addAll(client.resources(Instrumentation.class).inAnyNamespace().list().getItems());
      } else {
        for (String ns : namespaces) {
          all.addAll(client.resources(Instrumentation.class).inNamespace(ns).list().getItems());
        }
      }
    } catch (KubernetesClientException e) {
      LOG.warn("Instrumentation upgrade skipped: cannot list Instrumentations: {}", e.getMessage());
      return 0;
    }
    int written = 0;
    for (Instrumentation inst : all) {
      InstrumentationUpgrade.Result r = InstrumentationUpgrade.upgrade(inst, settings);
      for (Map.Entry<String, String> b : r.blocked().entrySet()) {
        events.warning(inst, "UpgradeBlocked", "Upgrade-" + b.getKey(), b.getValue());
        LOG.info(
            "Instrumentation {}/{}: {}",
            inst.getMetadata().getNamespace(),
            inst.getMetadata().getName(),
            b.getValue());
      }
      if (!r.changed(inst)) {
        continue;
      }
      try {
        // An update, not a patch: the annotations move with the images, under optimistic locking.
        client.resource(r.instrumentation()).update();
        written++;
        LOG.info(
            "Instrumentation {}/{}: agent images upgraded to the operator's defaults",
            inst.getMetadata().getNamespace(),
            inst.getMetadata().getName());
      } catch (KubernetesClientException e) {
        LOG.warn(
            "Instrumentation {}/{}: upgrade not written: {}",
            inst.getMetadata().getNamespace(),
            inst.getMetadata().getName(),
            e.getMessage());
      }
    }
    return written;
  }
}
