package dev.telescope.install;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * The shipped jar (and so the image) carries only the product: scanners flag what ships, and a mock
 * API server or a trust manager that skips hostname checks has no place in an operator. Runs after
 * {@code package} (failsafe), on the jar the build just wrote.
 */
class ProductJarIT {
  /** Path prefixes that must not be in the product jar, with the reason. */
  static final List<String> FORBIDDEN =
      List.of(
          "io/fabric8/mockwebserver/", // the CRUD mock API server (tests, demo, benchmarks)
          "io/fabric8/kubernetes/client/server/mock/",
          "io/vertx/", // pulled in by the mock server
          "io/netty/", // likewise (no product transport uses Netty)
          "okhttp3/",
          "dev/telescope/bench/",
          "dev/telescope/demo/",
          "org/junit/",
          "org/assertj/");

  @Test
  void productJarHoldsOnlyTheProduct() throws IOException {
    List<String> found = forbiddenEntries(productJar());
    assertThat(found).as("classes that must not ship in target/telescope.jar").isEmpty();
  }

  @Test
  void productJarStillRunsEveryCommand() throws IOException {
    try (JarFile jar = new JarFile(productJar().toFile())) {
      assertThat(jar.getManifest().getMainAttributes().getValue("Main-Class"))
          .isEqualTo("dev.telescope.Main");
      assertThat(jar.getEntry("dev/telescope/Main.class")).isNotNull();
      assertThat(jar.getEntry("dev/telescope/DemoLauncher.class")).isNotNull();
    }
  }

  @Test
  void toolsJarCarriesTheDemoAndBenchmarks() throws IOException {
    Path tools = toolsJar();
    try (JarFile jar = new JarFile(tools.toFile())) {
      assertThat(jar.getEntry("dev/telescope/demo/Demo.class")).isNotNull();
      assertThat(jar.getEntry("dev/telescope/bench/ScaleBench.class")).isNotNull();
    }
    assertThat(Path.of("target/tools-lib")).isDirectory();
  }

  @Test
  void checkerFindsForbiddenEntries() throws IOException {
    // The check itself must be able to fail: the tools jar holds the demo.
    assertThat(forbiddenEntries(toolsJar())).anyMatch(e -> e.startsWith("dev/telescope/demo/"));
  }

  private static List<String> forbiddenEntries(Path jarPath) throws IOException {
    List<String> found = new ArrayList<>();
    try (JarFile jar = new JarFile(jarPath.toFile())) {
      Enumeration<JarEntry> entries = jar.entries();
      while (entries.hasMoreElements()) {
        String name = entries.nextElement().getName();
        for (String prefix : FORBIDDEN) {
          if (name.startsWith(prefix)) {
            found.add(name);
            break;
          }
        }
        if (name.endsWith(".class") && name.contains("ChainOnly")) {
          found.add(name); // the demo's chain-only (no hostname check) trust manager
        }
      }
    }
    return found;
  }

  private static Path productJar() {
    Path p = Path.of("target/telescope.jar");
    assertThat(p).as("run with mvn verify: the jar is built in the package phase").exists();
    return p;
  }

  private static Path toolsJar() throws IOException {
    try (var files = Files.list(Path.of("target"))) {
      return files
          .filter(f -> f.getFileName().toString().matches("telescope-.*-tools\\.jar"))
          .findFirst()
          .orElseThrow(() -> new AssertionError("no tools jar in target/"));
    }
  }
}
