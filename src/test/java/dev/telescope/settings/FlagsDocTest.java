package dev.telescope.settings;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Model.OptionSpec;

/** docs/flags.md names every flag and variable the operator reads, ours and upstream's. */
class FlagsDocTest {
  @Test
  void everyFlagAndVariableIsDocumented() throws Exception {
    String doc = Files.readString(Path.of("docs/flags.md"));
    for (OptionSpec o : new OperatorOptions().spec().options()) {
      for (String name : o.names()) {
        assertThat(doc).as("docs/flags.md names %s", name).contains("`" + name);
      }
      for (String env : EnvDefaults.envNames(o)) {
        if (!env.startsWith("TELESCOPE_")) {
          assertThat(doc).as("docs/flags.md names %s", env).contains(env);
        }
      }
    }
    for (UpstreamFlags.Gate gate : UpstreamFlags.GATES) {
      assertThat(doc).contains("`" + gate.id() + "`");
    }
  }

  @Test
  void theReadmePointsHere() throws Exception {
    assertThat(Files.readString(Path.of("README.md"))).contains("docs/flags.md");
  }
}
