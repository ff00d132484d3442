package dev.telescope.manifests;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.telescope.TestYaml;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;

/** The fixture matcher must fail where chainsaw would, or the e2e comparisons prove nothing. */
class FixturesTest {

  static JsonNode yaml(String s) {
    return Serialization.unmarshal(s, JsonNode.class);
  }

  @Test
  void extraKeysAreAllowed() {
    assertThatCode(() -> Fixtures.assertSubset(yaml("a: 1"), yaml("a: 1\nb: 2")))
        .doesNotThrowAnyException();
  }

  @Test
  void aDifferentValueFails() {
    assertThatThrownBy(() -> Fixtures.assertSubset(yaml("a: {b: 1}"), yaml("a: {b: 2}")))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining(".a.b");
  }

  @Test
  void aMissingKeyFails() {
    assertThatThrownBy(() -> Fixtures.assertSubset(yaml("a: 1"), yaml("b: 1")))
        .isInstanceOf(AssertionError.class);
  }

  @Test
  void listsMustMatchInLengthAndOrder() {
    assertThatThrownBy(() -> Fixtures.assertSubset(yaml("l: [1, 2]"), yaml("l: [1, 2, 3]")))
        .isInstanceOf(AssertionError.class);
    assertThatThrownBy(() -> Fixtures.assertSubset(yaml("l: [2, 1]"), yaml("l: [1, 2]")))
        .isInstanceOf(AssertionError.class);
  }

  @Test
  void expressionKeysStatusAndOwnerReferencesAreSkipped() {
    assertThatCode(
            () ->
                Fixtures.assertSubset(
                    yaml(
                        "status: {readyReplicas: 1}\nmetadata: {ownerReferences: [x]}\n"
                            + "spec: {(length(x)): 1}"),
                    yaml("metadata: {}\nspec: {}")))
        .doesNotThrowAnyException();
  }

  @Test
  void fixturesAreFound() {
    assertThatCode(() -> TestYaml.shared()).doesNotThrowAnyException();
  }
}
