package dev.telescope.instrumentation;

import dev.telescope.api.instrumentation.Instrumentation;
import dev.telescope.api.instrumentation.Languages;
import dev.telescope.settings.InstrumentationSettings;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The start-up upgrade of Instrumentations: a language whose image is still the default recorded by
 * the defaulting webhook moves to the operator's current default, so that upgrading the operator
 * upgrades the agents nobody chose by hand; a blocked release or a disabled language stays put.
 */
public final class InstrumentationUpgrade {
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private InstrumentationUpgrade() {}

  /**
   * The outcome for one Instrumentation.
   *
   * @param instrumentation the upgraded copy, or the input itself when nothing moved
   * @param blocked why each blocked language was not upgraded, by language
   */
  public record Result(Instrumentation instrumentation, Map<String, String> blocked) {
    /** Whether the object must be written back. */
    public boolean changed(Instrumentation original) {
      return instrumentation != original;
    }
  }

  /** Upgrades one Instrumentation; never modifies the input. */
  public static Result upgrade(Instrumentation original, InstrumentationSettings settings) {
    Map<String, String> annotations =
        original.getMetadata().getAnnotations() == null
            ? Map.of()
            : original.getMetadata().getAnnotations();
    Instrumentation copy = null;
    Map<String, String> blocked = new TreeMap<>();
    for (Language l : Language.values()) {
      if (l == Language.SDK) {
        continue;
      }
      String annotation = InstrumentationDefaults.defaultImageAnnotation(l.id());
      String recorded = annotations.get(annotation);
      if (recorded == null || recorded.isEmpty() || !settings.isEnabled(l.id())) {
        continue;
      }
      String target = settings.image(l.id());
      var reason = UpgradeBlocks.reason(l.id(), recorded, target);
      if (reason.isPresent()) {
        blocked.put(l.id(), "Automated upgrade blocked for " + l.id() + ": " + reason.get());
        continue;
      }
      Languages.Language block = l.block(original.getSpec());
      if (block == null || !recorded.equals(block.image) || recorded.equals(target)) {
        continue;
      }
      if (copy == null) {
        copy = SERIALIZATION.clone(original);
        copy.getMetadata().setAnnotations(new LinkedHashMap<>(annotations));
      }
      l.block(copy.getSpec()).image = target;
      copy.getMetadata().getAnnotations().put(annotation, target);
    }
    return new Result(copy == null ? original : copy, Map.copyOf(blocked));
  }
}
