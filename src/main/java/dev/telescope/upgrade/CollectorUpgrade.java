package dev.telescope.upgrade;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telescope.api.common.UpgradeStrategy;
import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import dev.telescope.api.v1beta1.OpenTelemetryCollectorSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides whether a collector stored by an older operator needs the upgrade routine and runs it:
 * every step newer than its {@code status.version}, in order, on a copy of its spec. Pure: the
 * reconciler writes the result.
 */
public final class CollectorUpgrade {
  private static final ObjectMapper JSON = new ObjectMapper();

  private CollectorUpgrade() {}

  /**
   * What the routine did.
   *
   * @param spec the migrated spec (the original when nothing changed)
   * @param specChanged whether a step changed the spec, so it must be written back
   * @param version the {@code status.version} to record
   * @param notes one sentence per change, for events and logs
   * @param problem why the routine stopped before the end (null when it ran through)
   */
  public record Result(
      OpenTelemetryCollectorSpec spec,
      boolean specChanged,
      String version,
      List<String> notes,
      String problem) {}

  /**
   * Runs the routine for {@code cr} towards the operator's {@code current} collector version. An
   * empty status version is a new collector (nothing to migrate); a version newer than ours (a
   * rollback) and {@code upgradeStrategy: none} keep spec and version as they are.
   */
  public static Result run(OpenTelemetryCollector cr, String current) {
    OpenTelemetryCollectorSpec spec = cr.getSpec();
    String stored = cr.getStatus() == null ? null : cr.getStatus().version;
    if (stored == null || stored.isBlank()) {
      return new Result(spec, false, current, List.of(), null);
    }
    if (spec == null || spec.upgradeStrategy == UpgradeStrategy.NONE || spec.isUnmanaged()) {
      return new Result(spec, false, stored, List.of(), null);
    }
    Version from;
    Version to;
    try {
      from = Version.parse(stored);
      to = Version.parse(current);
    } catch (IllegalArgumentException e) {
      return new Result(
          spec, false, stored, List.of(), "status.version '" + stored + "' is not a version");
    }
    if (from.compareTo(to) >= 0) {
      return new Result(spec, false, stored, List.of(), null);
    }
    ObjectNode original = JSON.valueToTree(spec);
    ObjectNode tree = original;
    List<String> notes = new ArrayList<>();
    for (Migrations.Step step : Migrations.STEPS) {
      if (step.version().compareTo(from) <= 0 || step.version().compareTo(to) > 0) {
        continue;
      }
      try {
        tree = step.migrate().apply(tree, notes);
      } catch (UpgradeException e) {
        // As upstream: a step that cannot migrate leaves the stored collector untouched.
        return new Result(
            spec,
            false,
            stored,
            List.copyOf(notes),
            "upgrade to v" + step.version() + " failed: " + e.getMessage());
      }
    }
    if (original.equals(tree)) {
      return new Result(spec, false, current, List.copyOf(notes), null);
    }
    try {
      OpenTelemetryCollectorSpec migrated =
          JSON.treeToValue(tree, OpenTelemetryCollectorSpec.class);
      return new Result(migrated, true, current, List.copyOf(notes), null);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("a migrated spec no longer reads as a spec", e);
    }
  }
}
