package dev.telescope.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.zjsonpatch.JsonPatch;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonPatchesTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void equalObjectsGiveAnEmptyPatch() {
    Pod p = SidecarFixtures.pod("true");
    assertThat(JsonPatches.diff(p, new PodBuilder(p).build())).isEmpty();
  }

  @Test
  void addingToAListAndAMapGivesAddOperationsOnly() throws Exception {
    Pod before = SidecarFixtures.pod(null);
    Pod after =
        new PodBuilder(before)
            .editMetadata()
            .addToLabels("new", "label/value")
            .endMetadata()
            .editSpec()
            .addNewContainer()
            .withName("second")
            .withImage("img")
            .endContainer()
            .endSpec()
            .build();
    assertThat(JsonPatches.diff(before, after))
        .isEqualTo(
            JSON.readTree(
                """
                [
                  {"op": "add", "path": "/metadata/labels/new", "value": "label/value"},
                  {"op": "add", "path": "/spec/containers/1", "value": {"image": "img", "name": "second"}}
                ]
                """));
  }

  @Test
  void removingFromAListNeitherMovesNorCopies() throws Exception {
    Pod before =
        new PodBuilder(SidecarFixtures.pod(null))
            .editSpec()
            .addNewContainer()
            .withName("second")
            .withImage("img")
            .endContainer()
            .addNewContainer()
            .withName("third")
            .withImage("myapp-copy")
            .endContainer()
            .endSpec()
            .build();
    Pod after =
        new PodBuilder(before)
            .editSpec()
            .removeMatchingFromContainers(c -> c.getName().equals("second"))
            .endSpec()
            .build();
    ArrayNode patch = JsonPatches.diff(before, after);
    assertThat(patch).allMatch(op -> !op.get("op").asText().matches("move|copy"));
    assertThat(JsonPatch.apply(patch, JsonPatches.tree(before))).isEqualTo(JsonPatches.tree(after));
  }

  @Test
  void aLabelKeyWithASlashIsEscapedInThePointer() throws Exception {
    Pod before = SidecarFixtures.pod(null);
    Pod after =
        new PodBuilder(before)
            .editMetadata()
            .addToLabels("sidecar.opentelemetry.io/injected", "apps.side")
            .endMetadata()
            .build();
    assertThat(JsonPatches.diff(before, after))
        .isEqualTo(
            JSON.readTree(
                """
                [{"op": "add", "path": "/metadata/labels/sidecar.opentelemetry.io~1injected",
                  "value": "apps.side"}]
                """));
  }

  @Test
  void mapsJsonTreesAndModelObjectsDiffAlike() throws Exception {
    Pod pod = SidecarFixtures.pod(null);
    JsonNode tree = JsonPatches.tree(pod);
    @SuppressWarnings("unchecked")
    Map<String, Object> map = JSON.convertValue(tree, Map.class);
    assertThat(JsonPatches.diff(map, pod)).isEmpty();
    assertThat(JsonPatches.diff(tree, pod)).isEmpty();
  }

  @Test
  void base64IsTheCompactJsonOfThePatch() throws Exception {
    ArrayNode patch =
        (ArrayNode) JSON.readTree("[{\"op\":\"remove\",\"path\":\"/spec/containers/1\"}]");
    String decoded =
        new String(Base64.getDecoder().decode(JsonPatches.base64(patch)), StandardCharsets.UTF_8);
    assertThat(decoded).isEqualTo("[{\"op\":\"remove\",\"path\":\"/spec/containers/1\"}]");
  }

  @Test
  void removeOperationsCarryNoValue() throws Exception {
    Pod before = SidecarFixtures.pod("x");
    Pod after = new PodBuilder(before).editMetadata().withAnnotations(null).endMetadata().build();
    assertThat(JsonPatches.diff(before, after))
        .isEqualTo(JSON.readTree("[{\"op\":\"remove\",\"path\":\"/metadata/annotations\"}]"));
  }
}
