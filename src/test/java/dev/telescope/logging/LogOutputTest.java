package dev.telescope.logging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telescope.settings.LogSettings;
import dev.telescope.settings.SettingsParser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** Log lines as operators' pipelines read them: one JSON object per line, or text; by level. */
class LogOutputTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
  private final Logger log = LoggerFactory.getLogger("dev.telescope.reconciler.Example");
  private LogSettings before;

  @BeforeEach
  void capture() {
    before = LogOutput.settings();
    LogOutput.redirect(new PrintStream(captured, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restore() {
    MDC.clear();
    LogOutput.redirect(null);
    LogOutput.configure(before);
  }

  private LogSettings settings(String... flags) {
    return SettingsParser.parse(List.of(flags), Map.of()).config().logging();
  }

  private List<String> lines() {
    String text = captured.toString(StandardCharsets.UTF_8);
    return text.isEmpty() ? List.of() : List.of(text.split("\n"));
  }

  private List<JsonNode> json() throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (String line : lines()) {
      out.add(JSON.readTree(line));
    }
    return out;
  }

  @Test
  void slf4jIsBoundToTelescopesBackend() {
    assertThat(LoggerFactory.getILoggerFactory().getClass().getName())
        .startsWith(LogServiceProvider.class.getName());
  }

  @Test
  void jsonLinesCarryTimeLevelLoggerMessageAndTheCollector() throws Exception {
    LogOutput.configure(settings("--log-format=json"));
    // JOSDK's dispatcher puts these around every reconcile, cleanup and error-status update.
    MDC.put("resource.namespace", "observability");
    MDC.put("resource.name", "gateway");
    MDC.put("resource.uid", "ignored");
    log.info("applied {} objects to \"{}\"", 3, "gateway\n");
    MDC.clear();
    log.warn("no collector here", new IllegalStateException("boom"));

    List<JsonNode> lines = json();
    assertThat(lines).hasSize(2);
    JsonNode first = lines.get(0);
    assertThat(first.get("timestamp").asText())
        .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
    assertThat(first.get("level").asText()).isEqualTo("INFO");
    assertThat(first.get("logger").asText()).isEqualTo("dev.telescope.reconciler.Example");
    assertThat(first.get("message").asText()).isEqualTo("applied 3 objects to \"gateway\n\"");
    assertThat(first.get("namespace").asText()).isEqualTo("observability");
    assertThat(first.get("name").asText()).isEqualTo("gateway");
    assertThat(first.has("resource.uid")).isFalse();
    JsonNode second = lines.get(1);
    assertThat(second.has("namespace")).isFalse();
    assertThat(second.get("level").asText()).isEqualTo("WARN");
    assertThat(second.get("error").asText()).contains("IllegalStateException: boom");
    assertThat(second.get("stacktrace").asText()).contains("LogOutputTest");
  }

  @Test
  void upstreamsKeysLevelFormatAndTimeEncodingApply() throws Exception {
    LogOutput.configure(
        settings(
            "--zap-message-key=msg",
            "--zap-level-key=severity",
            "--zap-time-key=ts",
            "--zap-level-format=lowercase",
            "--zap-time-encoding=millis"));
    log.error("failed");
    JsonNode line = json().get(0);
    assertThat(line.get("msg").asText()).isEqualTo("failed");
    assertThat(line.get("severity").asText()).isEqualTo("error");
    assertThat(line.get("ts").isNumber()).isTrue();
    assertThat(line.get("ts").asLong()).isGreaterThan(1_700_000_000_000L);
  }

  @Test
  void theLevelFilters() throws Exception {
    LogOutput.configure(settings("--log-format=json", "--log-level=warn"));
    assertThat(log.isInfoEnabled()).isFalse();
    log.debug("debug");
    log.info("info");
    log.warn("warn");
    log.error("error");
    assertThat(json()).extracting(n -> n.get("message").asText()).containsExactly("warn", "error");

    captured.reset();
    LogOutput.configure(settings("--log-format=json", "--zap-log-level=2"));
    log.trace("trace");
    assertThat(json()).extracting(n -> n.get("level").asText()).containsExactly("TRACE");
  }

  @Test
  void chattyLibrariesStayAtWarnWhateverTheLevel() {
    LogOutput.configure(settings("--log-level=trace"));
    LoggerFactory.getLogger("io.fabric8.mockwebserver.MockWebServer").info("request");
    LoggerFactory.getLogger("io.fabric8.mockwebserver.MockWebServer").warn("odd");
    assertThat(lines()).hasSize(1);
    assertThat(lines().get(0)).contains("odd");
  }

  @Test
  void textLinesAreForPeople() {
    LogOutput.configure(settings());
    MDC.put("resource.namespace", "observability");
    MDC.put("resource.name", "gateway");
    log.info("reconciled");
    assertThat(lines())
        .singleElement()
        .satisfies(
            l ->
                assertThat(l)
                    .matches("\\S+Z INFO +Example: \\[observability/gateway\\] reconciled"));
  }
}
