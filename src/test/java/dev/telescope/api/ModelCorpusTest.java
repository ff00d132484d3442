package dev.telescope.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telescope.api.CollectorDocuments.Doc;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every collector CR of the upstream corpus and the seed binds to our model with unknown fields
 * forbidden, so an upstream field we do not model (and would silently drop) fails here.
 */
class ModelCorpusTest {
  private static final ObjectMapper STRICT =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  @Test
  void everyCollectorDocumentBindsStrictly() {
    List<Doc> docs = CollectorDocuments.all();
    List<String> failures = new ArrayList<>();
    for (Doc doc : docs) {
      Class<?> type =
          doc.isAlpha()
              ? dev.telescope.api.v1alpha1.OpenTelemetryCollector.class
              : dev.telescope.api.v1beta1.OpenTelemetryCollector.class;
      try {
        STRICT.treeToValue(doc.node(), type);
      } catch (Exception e) {
        failures.add(doc.source() + ": " + e.getMessage().lines().findFirst().orElse(""));
      }
    }
    assertThat(failures).as("documents that do not bind to the model").isEmpty();
    assertThat(docs).hasSizeGreaterThan(100);
  }

  @Test
  void strictMapperRejectsAFieldWeDoNotModel() {
    Doc seed = CollectorDocuments.seed();
    var node = seed.node().deepCopy();
    node.withObject("/spec").put("notAField", true);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> STRICT.treeToValue(node, dev.telescope.api.v1alpha1.OpenTelemetryCollector.class))
        .hasMessageContaining("notAField");
  }

  @Test
  void corpusSkipsAreFewAndReported() {
    CollectorDocuments.Corpus corpus = CollectorDocuments.corpus();
    System.out.printf(
        "corpus: %d collector documents, %d skipped for JMESPath keys in spec %s, %d JMESPath"
            + " status keys removed%n",
        corpus.docs().size(),
        corpus.skipped().size(),
        corpus.skipped(),
        corpus.strippedStatusKeys());
    assertThat(corpus.skipped().size()).isLessThan(corpus.docs().size() / 10);
    assertThat(corpus.docs()).anyMatch(Doc::isAlpha);
  }
}
