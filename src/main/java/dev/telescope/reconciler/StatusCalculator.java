package dev.telescope.reconciler;

import dev.telescope.api.common.Mode;
import dev.telescope.api.common.ScaleStatus;
import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import dev.telescope.api.v1beta1.OpenTelemetryCollectorStatus;
import dev.telescope.manifests.CollectorContext;
import dev.telescope.manifests.Labels;
import dev.telescope.naming.Names;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Computes a collector's status from what was rendered and what the workload reports. Pure, so the
 * "patch only when changed" rule can compare two values.
 */
public final class StatusCalculator {
  public static final String READY = "Ready";
  public static final String RBAC = "RBACGranted";

  private StatusCalculator() {}

  /** One condition to set: type, status, reason and message. */
  public record Cond(String type, boolean status, String reason, String message) {}

  /** Set by the pod coverage check on sidecar collectors some of whose pods lack the sidecar. */
  public static final String PODS_WITHOUT_SIDECAR = "PodsWithoutSidecar";

  /**
   * The {@link #PODS_WITHOUT_SIDECAR} condition: True with the count and the first names when pods
   * that ask for this sidecar run without it, False once none does.
   *
   * @param count pods found without the sidecar
   * @param firstNames some of them, {@code namespace/name}
   */
  public static Cond podsWithoutSidecar(int count, List<String> firstNames) {
    if (count == 0) {
      return new Cond(
          PODS_WITHOUT_SIDECAR,
          false,
          "AllPodsInjected",
          "every pod asking for this sidecar has it");
    }
    return new Cond(
        PODS_WITHOUT_SIDECAR,
        true,
        "SidecarMissing",
        count
            + " pod(s) asking for this sidecar run without it (admitted while the webhook was"
            + " unreachable, or before the collector existed); restart them: "
            + String.join(", ", firstNames)
            + (count > firstNames.size() ? ", ..." : ""));
  }

  /**
   * The new status.
   *
   * @param previous the current status (conditions keep their transition time when unchanged)
   * @param workload the workload in the cluster (null for sidecar mode or not yet created)
   * @param conditions the conditions to set; others already present are kept
   * @param now the time used for new transitions
   */
  public static OpenTelemetryCollectorStatus compute(
      CollectorContext ctx,
      OpenTelemetryCollectorStatus previous,
      HasMetadata workload,
      List<Cond> conditions,
      Instant now) {
    String version =
        previous != null && previous.version != null && !previous.version.isEmpty()
            ? previous.version
            : ctx.cfg().collectorVersion();
    return compute(ctx, previous, workload, conditions, now, version);
  }

  /**
   * As above, with the {@code status.version} to record (the upgrade routine's outcome).
   *
   * @param version the collector version the spec is now up to date with
   */
  public static OpenTelemetryCollectorStatus compute(
      CollectorContext ctx,
      OpenTelemetryCollectorStatus previous,
      HasMetadata workload,
      List<Cond> conditions,
      Instant now,
      String version) {
    OpenTelemetryCollectorStatus s = new OpenTelemetryCollectorStatus();
    ScaleStatus scale = new ScaleStatus();
    if (ctx.mode() == Mode.SIDECAR) {
      scale.replicas = 0;
      scale.selector = "";
      scale.statusReplicas = "0/0";
    } else {
      scale.selector = Labels.asString(Labels.common(ctx, Names.collector(ctx.name())));
      int[] counts = counts(workload);
      scale.replicas = counts[1];
      scale.statusReplicas = counts[0] + "/" + counts[1];
    }
    s.scale = scale;
    s.version = version;
    s.image = ctx.image();
    s.observedGeneration = ctx.cr().getMetadata().getGeneration();
    s.conditions = mergeConditions(previous, conditions, s.observedGeneration, now);
    return s;
  }

  /** Ready and total pods of a workload; zero when it is absent or reports nothing yet. */
  static int[] counts(HasMetadata workload) {
    if (workload instanceof Deployment d && d.getStatus() != null) {
      return new int[] {nz(d.getStatus().getReadyReplicas()), nz(d.getStatus().getReplicas())};
    }
    if (workload instanceof StatefulSet st && st.getStatus() != null) {
      return new int[] {nz(st.getStatus().getReadyReplicas()), nz(st.getStatus().getReplicas())};
    }
    if (workload instanceof DaemonSet ds && ds.getStatus() != null) {
      return new int[] {
        nz(ds.getStatus().getNumberReady()), nz(ds.getStatus().getDesiredNumberScheduled())
      };
    }
    return new int[] {0, 0};
  }

  private static int nz(Integer i) {
    return i == null ? 0 : i;
  }

  static List<Condition> mergeConditions(
      OpenTelemetryCollectorStatus previous, List<Cond> wanted, Long generation, Instant now) {
    List<Condition> out = new ArrayList<>();
    List<Condition> old =
        previous == null || previous.conditions == null ? List.of() : previous.conditions;
    List<String> types = new ArrayList<>();
    for (Cond c : wanted) {
      types.add(c.type());
      Condition prior =
          old.stream().filter(o -> c.type().equals(o.getType())).findFirst().orElse(null);
      String status = c.status() ? "True" : "False";
      boolean same =
          prior != null
              && status.equals(prior.getStatus())
              && Objects.equals(c.reason(), prior.getReason())
              && Objects.equals(c.message(), prior.getMessage());
      String time =
          same && prior.getLastTransitionTime() != null
              ? prior.getLastTransitionTime()
              : DateTimeFormatter.ISO_INSTANT.format(
                  now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
      out.add(
          new ConditionBuilder()
              .withType(c.type())
              .withStatus(status)
              .withReason(c.reason())
              .withMessage(c.message())
              .withObservedGeneration(generation)
              .withLastTransitionTime(time)
              .build());
    }
    for (Condition o : old) {
      if (!types.contains(o.getType()) && !RBAC.equals(o.getType())) {
        out.add(o);
      }
    }
    return out;
  }

  /** Whether two statuses are the same for the purpose of writing (ignoring nothing). */
  public static boolean same(OpenTelemetryCollectorStatus a, OpenTelemetryCollectorStatus b) {
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    return json.valueToTree(a).equals(json.valueToTree(b));
  }

  /** Convenience for tests and the reconciler: the CR's current status or null. */
  public static OpenTelemetryCollectorStatus current(OpenTelemetryCollector cr) {
    return cr.getStatus();
  }
}
