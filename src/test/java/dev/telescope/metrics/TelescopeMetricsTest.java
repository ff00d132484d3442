package dev.telescope.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Telescope's meters as a real scrape shows them, and the documents that name them:
 * docs/metrics.md, the PrometheusRule and the Grafana dashboard in deploy/monitoring (and the
 * bundle's copies) use only metrics the code registers.
 */
class TelescopeMetricsTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path MONITORING = Path.of("deploy/monitoring");
  private static final Pattern METRIC =
      Pattern.compile("\\b((?:telescope|operator_sdk|jvm|process|system)_[a-z0-9_]+|up)\\b");
  private static final Pattern DOC_NAME =
      Pattern.compile("`((?:telescope|operator_sdk)_[a-z0-9_]+)`");

  @Test
  void telescopeMetersHaveTheirTypesAndLabels() throws Exception {
    Map<String, String> families = ScrapedCluster.families();
    assertThat(families)
        .containsEntry("telescope_object_writes_total", "counter")
        .containsEntry("telescope_sidecar_admissions_total", "counter")
        .containsEntry("telescope_webhook_requests_total", "counter")
        .containsEntry("telescope_webhook_request_duration_seconds", "histogram")
        .containsEntry("telescope_webhook_certificate_not_after_seconds", "gauge")
        .containsEntry("operator_sdk_controllers_execution_reconcile_seconds", "histogram")
        .containsEntry("operator_sdk_controllers_execution_reconcile_failure_total", "counter");
    assertThat(families.keySet())
        .as("no telescope counter exported as a gauge any more")
        .doesNotContain("telescope_object_writes", "telescope_sidecar_injected");
    for (String name : TelescopeMetrics.PROMETHEUS_NAMES) {
      assertThat(families).containsKey(name);
    }
    String scrape = ScrapedCluster.scrape();
    assertThat(scrape)
        .contains("telescope_sidecar_admissions_total{outcome=\"skipped\"} 1.0")
        .contains(
            "telescope_webhook_requests_total{outcome=\"allowed\",path=\"/mutate-v1-pod\"} 1.0")
        .contains("telescope_webhook_requests_total{outcome=\"not_found\",path=\"unmatched\"} 1.0")
        .contains("telescope_webhook_request_duration_seconds_count{path=\"/mutate-v1-pod\"} 1")
        .contains(
            "telescope_webhook_request_duration_seconds_bucket{path=\"/convert\",le=\"0.005\"}")
        .contains("operator_sdk_controllers_execution_reconcile_seconds_bucket{controller=");
    Matcher notAfter =
        Pattern.compile(
                "^telescope_webhook_certificate_not_after_seconds (\\S+)$", Pattern.MULTILINE)
            .matcher(scrape);
    assertThat(notAfter.find()).isTrue();
    double expires = Double.parseDouble(notAfter.group(1));
    double now = System.currentTimeMillis() / 1000.0;
    assertThat(expires).as("the test certificate is valid for a day").isBetween(now, now + 86400);
  }

  @Test
  void docsListEveryTelescopeAndOperatorSdkFamily() throws Exception {
    String doc = Files.readString(Path.of("docs/metrics.md"));
    Set<String> documented = new TreeSet<>();
    Matcher m = DOC_NAME.matcher(doc);
    while (m.find()) {
      documented.add(m.group(1));
    }
    String lazy = doc.substring(doc.indexOf("Lazily registered"), doc.indexOf("## JVM"));
    Set<String> lazilyRegistered = new TreeSet<>();
    Matcher l = DOC_NAME.matcher(lazy);
    while (l.find()) {
      lazilyRegistered.add(l.group(1));
    }
    Set<String> scraped = new TreeSet<>();
    for (String family : ScrapedCluster.families().keySet()) {
      if (family.startsWith("telescope_") || family.startsWith("operator_sdk_")) {
        scraped.add(family.endsWith("_max") ? family.substring(0, family.length() - 4) : family);
      }
    }
    assertThat(documented).as("every scraped family is in docs/metrics.md").containsAll(scraped);
    for (String name : documented) {
      assertThat(scraped.contains(name) || lazilyRegistered.contains(name))
          .as(name + " is documented but neither scraped nor listed as lazily registered")
          .isTrue();
    }
  }

  @Test
  void alertRulesCoverTheAgreedFailuresWithRegisteredMetrics() throws Exception {
    JsonNode rule = single(MONITORING.resolve("prometheusrule.yaml"));
    assertThat(rule.path("kind").asText()).isEqualTo("PrometheusRule");
    Map<String, String> alerts = new java.util.LinkedHashMap<>();
    for (JsonNode group : rule.path("spec").path("groups")) {
      for (JsonNode r : group.path("rules")) {
        alerts.put(r.path("alert").asText(), r.path("expr").asText());
        assertThat(r.path("labels").path("severity").asText()).isIn("warning", "critical");
        assertThat(r.path("annotations").path("summary").asText()).isNotBlank();
      }
    }
    assertThat(alerts)
        .containsKeys(
            "TelescopeOperatorDown",
            "TelescopeWebhookCertificateExpiring",
            "TelescopeReconcileErrors",
            "TelescopeSidecarInjectionFailures");
    assertThat(alerts.get("TelescopeWebhookCertificateExpiring"))
        .contains("telescope_webhook_certificate_not_after_seconds");
    assertThat(alerts.get("TelescopeReconcileErrors"))
        .contains("operator_sdk_controllers_execution_reconcile_failure_total");
    assertThat(alerts.get("TelescopeSidecarInjectionFailures"))
        .contains("telescope_sidecar_admissions_total{outcome=\"failed\"}");
    assertThat(alerts.get("TelescopeOperatorDown")).contains("job=\"telescope-operator-metrics\"");
    for (String expr : alerts.values()) {
      assertUsesRegisteredMetrics("alert " + expr, expr);
    }
    String doc = Files.readString(Path.of("docs/metrics.md"));
    alerts.keySet().forEach(a -> assertThat(doc).as("docs/metrics.md lists " + a).contains(a));
  }

  @Test
  void dashboardQueriesUseRegisteredMetrics() throws Exception {
    JsonNode dash = JSON.readTree(MONITORING.resolve("telescope-dashboard.json").toFile());
    assertThat(dash.path("uid").asText()).isNotBlank();
    List<String> exprs = new ArrayList<>();
    Set<Integer> ids = new TreeSet<>();
    for (JsonNode panel : dash.path("panels")) {
      assertThat(ids.add(panel.path("id").asInt())).as("panel ids are unique").isTrue();
      for (JsonNode target : panel.path("targets")) {
        exprs.add(target.path("expr").asText());
      }
    }
    assertThat(exprs).hasSizeGreaterThan(8);
    String all = String.join("\n", exprs);
    assertThat(all)
        .contains(
            "telescope_webhook_requests_total",
            "telescope_webhook_request_duration_seconds_bucket",
            "telescope_webhook_certificate_not_after_seconds",
            "telescope_sidecar_admissions_total",
            "operator_sdk_controllers_execution_reconcile_seconds_bucket");
    for (String expr : exprs) {
      assertUsesRegisteredMetrics("dashboard " + expr, expr);
    }
  }

  @Test
  void serviceMonitorScrapesBothMetricsServices() throws Exception {
    JsonNode sm = single(MONITORING.resolve("servicemonitor.yaml"));
    JsonNode selector = sm.path("spec").path("selector");
    List<String> selected = new ArrayList<>();
    for (String file : List.of("deploy/base/operator.yaml", "deploy/base/webhook.yaml")) {
      for (JsonNode o : all(Path.of(file))) {
        if (!o.path("kind").asText().equals("Service")) {
          continue;
        }
        JsonNode labels = o.path("metadata").path("labels");
        boolean matches = true;
        for (var e : selector.path("matchLabels").properties()) {
          matches &= e.getValue().asText().equals(labels.path(e.getKey()).asText());
        }
        for (JsonNode expr : selector.path("matchExpressions")) {
          Set<String> values = new TreeSet<>();
          expr.path("values").forEach(v -> values.add(v.asText()));
          assertThat(expr.path("operator").asText()).isEqualTo("In");
          matches &= values.contains(labels.path(expr.path("key").asText()).asText());
        }
        boolean hasMetricsPort = false;
        for (JsonNode port : o.path("spec").path("ports")) {
          hasMetricsPort |= port.path("name").asText().equals("metrics");
        }
        if (matches && hasMetricsPort) {
          selected.add(o.path("metadata").path("name").asText());
        }
      }
    }
    assertThat(selected)
        .containsExactlyInAnyOrder("telescope-operator-metrics", "telescope-webhook-metrics");
    assertThat(sm.path("spec").path("endpoints").get(0).path("port").asText()).isEqualTo("metrics");
  }

  private static void assertUsesRegisteredMetrics(String what, String expr) throws Exception {
    Map<String, String> families = ScrapedCluster.families();
    Set<String> lazily =
        Set.of("operator_sdk_reconciliations_failed_total"); // appears after the first failure
    Matcher m = METRIC.matcher(expr);
    while (m.find()) {
      String name = m.group(1);
      if (name.equals("up") || lazily.contains(name)) {
        continue;
      }
      String family = name.replaceAll("_(bucket|count|sum)$", "");
      boolean known =
          families.containsKey(name)
              || ("histogram".equals(families.get(family)) && !family.equals(name));
      assertThat(known).as(what + ": " + name + " is not a registered metric").isTrue();
    }
  }

  private static JsonNode single(Path p) throws IOException {
    List<JsonNode> docs = all(p);
    assertThat(docs).as(p.toString()).hasSize(1);
    return docs.get(0);
  }

  private static List<JsonNode> all(Path p) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    try (YAMLParser parser = new YAMLFactory().createParser(p.toFile())) {
      for (var it = YAML.readValues(parser, JsonNode.class); it.hasNext(); ) {
        JsonNode n = it.next();
        if (n != null && !n.isNull() && !n.isEmpty()) {
          out.add(n);
        }
      }
    }
    return out;
  }
}
