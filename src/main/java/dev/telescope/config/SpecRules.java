package dev.telescope.config;

import dev.telescope.api.common.AutoscalerSpec;
import dev.telescope.api.common.IngressSpec;
import dev.telescope.api.common.MetricSpec;
import dev.telescope.api.common.Mode;
import dev.telescope.api.common.ProbeSpec;
import dev.telescope.api.v1beta1.OpenTelemetryCollectorSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HPAScalingRules;
import java.math.BigDecimal;

/**
 * Upstream's checks of the collector spec outside the config (autoscaler, ingress, probes), with
 * its messages, kept apart from {@link Validation} so its verdict reads as the list of rules.
 */
final class SpecRules {
  private SpecRules() {}

  static void autoscaler(OpenTelemetryCollectorSpec spec, Validation.Collector out) {
    AutoscalerSpec as = spec.autoscaler;
    if (as == null) {
      return;
    }
    if (as.minReplicas != null && as.maxReplicas == null) {
      out.upstream("spec.maxReplica must be set when spec.minReplica is set");
    }
    if (as.maxReplicas == null) {
      return;
    }
    String prefix = "the OpenTelemetry Spec autoscale configuration is incorrect, ";
    int max = as.maxReplicas;
    if (max < 1) {
      out.upstream(prefix + "maxReplicas should be defined and one or more");
    }
    if (spec.replicas != null && spec.replicas > max) {
      out.upstream(prefix + "replicas must not be greater than maxReplicas");
    }
    Integer min = as.minReplicas != null ? as.minReplicas : spec.replicas;
    if (min != null && min > max) {
      out.upstream(prefix + "minReplicas must not be greater than maxReplicas");
    }
    if (min != null && min < 1) {
      out.upstream(prefix + "minReplicas should be one or more");
    }
    if (as.behavior != null) {
      window(as.behavior.getScaleDown(), "scaleDown", prefix, out);
      window(as.behavior.getScaleUp(), "scaleUp", prefix, out);
    }
    if (as.metrics != null) {
      for (MetricSpec m : as.metrics) {
        if (m == null || !"Pods".equals(m.type)) {
          out.upstream(prefix + "metric type unsupported. Expected metric of source type Pod");
          continue;
        }
        var target = m.pods == null ? null : m.pods.getTarget();
        String type = target == null ? null : target.getType();
        if ("AverageValue".equals(type)) {
          if (!atLeastOne(target.getAverageValue())) {
            out.upstream(prefix + "average value should be greater than 0");
          }
        } else if ("Value".equals(type)) {
          if (!atLeastOne(target.getValue())) {
            out.upstream(prefix + "value should be greater than 0");
          }
        } else {
          out.upstream(prefix + "invalid pods target type");
        }
      }
    }
  }

  private static void window(
      HPAScalingRules rules, String name, String prefix, Validation.Collector out) {
    Integer w = rules == null ? null : rules.getStabilizationWindowSeconds();
    if (w != null && (w < 0 || w > 3600)) {
      out.upstream(prefix + name + ".stabilizationWindowSeconds should be >=0 and <=3600");
    }
  }

  /** A quantity that is a whole number of at least 1 (upstream reads it as an int64). */
  static boolean atLeastOne(Quantity q) {
    if (q == null) {
      return false;
    }
    try {
      BigDecimal v = q.getNumericalAmount();
      if (v.signum() <= 0 || v.stripTrailingZeros().scale() > 0) {
        return false;
      }
      return v.compareTo(BigDecimal.ONE) >= 0
          && v.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) <= 0;
    } catch (RuntimeException e) {
      return false;
    }
  }

  static void ingress(IngressSpec ingress, Mode mode, Validation.Collector out) {
    if (ingress == null) {
      return;
    }
    if (ingress.type == IngressSpec.Type.INGRESS && mode == Mode.SIDECAR) {
      out.upstream(
          "the OpenTelemetry Spec Ingress configuration is incorrect. Ingress can only be used in"
              + " combination with the modes: deployment, daemonset, statefulset");
    }
    if (ingress.ruleType == IngressSpec.RuleType.SUBDOMAIN
        && (ingress.hostname == null
            || ingress.hostname.isEmpty()
            || ingress.hostname.equals("*"))) {
      out.upstream("a valid Ingress hostname has to be defined for subdomain ruleType");
    }
  }

  static void probe(String name, ProbeSpec probe, Validation.Collector out) {
    if (probe == null) {
      return;
    }
    check(name, "InitialDelaySeconds", probe.initialDelaySeconds, 0, out);
    check(name, "PeriodSeconds", probe.periodSeconds, 1, out);
    check(name, "TimeoutSeconds", probe.timeoutSeconds, 1, out);
    check(name, "SuccessThreshold", probe.successThreshold, 1, out);
    check(name, "FailureThreshold", probe.failureThreshold, 1, out);
    check(name, "TerminationGracePeriodSeconds", probe.terminationGracePeriodSeconds, 1, out);
  }

  private static void check(
      String probe, String field, Number value, int min, Validation.Collector out) {
    if (value != null && value.longValue() < min) {
      out.upstream(
          "the OpenTelemetry Spec "
              + probe
              + " "
              + field
              + " configuration is incorrect. "
              + field
              + " should be greater than or equal to "
              + min);
    }
  }
}
