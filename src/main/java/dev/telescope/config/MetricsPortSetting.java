package dev.telescope.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.telescope.api.v1beta1.Config;
import java.util.List;

/**
 * Reads the port of the collector's own metrics from {@code service.telemetry.metrics} (readers or
 * the legacy address) as upstream does, apart from {@link CollectorConfig}'s component view.
 */
final class MetricsPortSetting {
  private MetricsPortSetting() {}

  /**
   * The metrics port of {@code config}, 8888 when it names none; what cannot be used is added to
   * {@code problems}.
   */
  static int of(Config config, List<ConfigProblem> problems) {
    JsonNode telemetry = config == null || config.service == null ? null : config.service.telemetry;
    JsonNode metrics = telemetry == null ? null : telemetry.get("metrics");
    if (metrics == null || !metrics.isObject()) {
      return ComponentPorts.DEFAULT_METRICS_PORT;
    }
    JsonNode readers = metrics.get("readers");
    boolean hasReaders = readers != null && readers.isArray() && !readers.isEmpty();
    JsonNode address = metrics.get("address");
    if (!hasReaders && address != null && address.isTextual() && !address.asText().isEmpty()) {
      return addressPort(address.asText(), problems);
    }
    if (hasReaders) {
      // As upstream: the first pull reader with a Prometheus exporter decides; its port defaults
      // to 8888 when unset or 0. The legacy address is ignored once readers exist.
      for (int i = 0; i < readers.size(); i++) {
        JsonNode prometheus = readers.get(i).at("/pull/exporter/prometheus");
        if (prometheus.isMissingNode() || prometheus.isNull()) {
          continue;
        }
        JsonNode port = prometheus.get("port");
        if (port == null || port.isNull()) {
          return ComponentPorts.DEFAULT_METRICS_PORT;
        }
        long p = port.isNumber() ? port.asLong() : parseIntOr(port.asText(), -1);
        if (p == 0) {
          return ComponentPorts.DEFAULT_METRICS_PORT;
        }
        if (p < 0 || p > 65535) {
          problems.add(
              new ConfigProblem(
                  "service.telemetry.metrics.readers[" + i + "].pull.exporter.prometheus.port",
                  "'" + port.asText() + "' is not a valid port number (1-65535)"));
          return ComponentPorts.DEFAULT_METRICS_PORT;
        }
        return (int) p;
      }
    }
    return ComponentPorts.DEFAULT_METRICS_PORT;
  }

  /**
   * The port of the legacy {@code metrics.address}: a literal {@code :<digits>} at the end, 8888
   * when there is none (e.g. {@code ${env:POD_IP}}), and a problem when the port is itself an
   * environment variable, because Services need a number.
   */
  private static int addressPort(String a, List<ConfigProblem> problems) {
    if (java.util.regex.Pattern.compile(":\\$\\{.*}$").matcher(a).find()) {
      problems.add(
          new ConfigProblem(
              "service.telemetry.metrics.address",
              "'"
                  + a
                  + "' has an environment variable as port, so the monitoring Service cannot be"
                  + " built; write a literal port"));
      return ComponentPorts.DEFAULT_METRICS_PORT;
    }
    java.util.regex.Matcher m = java.util.regex.Pattern.compile(":(\\d+)$").matcher(a);
    if (!m.find()) {
      return ComponentPorts.DEFAULT_METRICS_PORT;
    }
    long p = parseIntOr(m.group(1), -1);
    if (p < 1 || p > 65535) {
      problems.add(
          new ConfigProblem(
              "service.telemetry.metrics.address",
              "'" + a + "' does not end with a valid port number (1-65535)"));
      return ComponentPorts.DEFAULT_METRICS_PORT;
    }
    return (int) p;
  }

  private static int parseIntOr(String s, int fallback) {
    try {
      return Integer.parseInt(s.trim());
    } catch (NumberFormatException e) {
      return fallback;
    }
  }
}
