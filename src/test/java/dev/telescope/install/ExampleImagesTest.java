package dev.telescope.install;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telescope.TestYaml;
import dev.telescope.api.v1beta1.Config;
import dev.telescope.config.ImageComponents;
import dev.telescope.settings.OperatorConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every example collector, the walkthrough included, runs on the image it names. */
class ExampleImagesTest {
  @Test
  void everyExampleCollectorsImageContainsItsComponents() {
    String defaultImage = OperatorConfig.parse(List.of(), Map.of()).collectorImage();
    int checked = 0;
    for (Path p : InstallFiles.yamlFiles(InstallFiles.examples())) {
      if (p.getFileName().toString().equals("kustomization.yaml")) {
        continue;
      }
      for (ObjectNode o : InstallFiles.readObjects(p)) {
        if (!o.path("kind").asText().equals("OpenTelemetryCollector")) {
          continue;
        }
        JsonNode config = o.path("spec").path("config");
        Config c;
        try {
          c =
              TestYaml.config(
                  config.isTextual()
                      ? config.asText()
                      : InstallFiles.YAML.writeValueAsString(config));
        } catch (Exception e) {
          throw new AssertionError(p + ": " + e.getMessage(), e);
        }
        String image = o.path("spec").path("image").asText(defaultImage);
        assertThat(ImageComponents.warning(image, c))
            .as(p + " " + o.at("/metadata/name").asText())
            .isEmpty();
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(5);
  }
}
