package dev.telescope.install;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * The image recipes agree with the build and the manifests: the jar the Dockerfile copies is the
 * one the shade plugin writes, the base is pinned, the AOT cache is trained with the flags it runs
 * with, the image user is the non-root one the pods expect, the exposed ports are the container
 * ports, and the Jib profile builds both architectures from the same base.
 */
class ImageBuildTest {
  static List<String> dockerfileLines() {
    List<String> out = new ArrayList<>();
    for (String l :
        InstallFiles.text(InstallFiles.root().resolve("operator/Dockerfile")).split("\n")) {
      String s = l.strip();
      if (!s.isEmpty() && !s.startsWith("#")) {
        out.add(s);
      }
    }
    return out;
  }

  /** The value of {@code ARG RUNTIME_IMAGE=...}: the one runtime base both recipes use. */
  static String runtimeImage() {
    return dockerfileLines().stream()
        .filter(l -> l.startsWith("ARG RUNTIME_IMAGE="))
        .findFirst()
        .orElseThrow()
        .substring("ARG RUNTIME_IMAGE=".length());
  }

  @Test
  void dockerfileBuildsTheShadedJarAndRunsItAsNonRootOnAPinnedBase() {
    List<String> lines = dockerfileLines();
    // A JRE-only base, pinned by digest: a republished tag cannot change what ships.
    assertThat(runtimeImage())
        .matches("eclipse-temurin:25\\.[0-9.]+_[0-9]+-jre@sha256:[0-9a-f]{64}");
    List<String> froms = lines.stream().filter(l -> l.startsWith("FROM ")).toList();
    assertThat(froms)
        .containsExactly(
            "FROM maven:3.9.11-eclipse-temurin-17 AS build",
            "FROM ${RUNTIME_IMAGE} AS train",
            "FROM ${RUNTIME_IMAGE}");
    String pom = InstallFiles.text(InstallFiles.root().resolve("pom.xml"));
    assertThat(pom).contains("<outputFile>${project.build.directory}/telescope.jar</outputFile>");
    assertThat(lines).contains("COPY --from=build /src/target/telescope.jar /app/telescope.jar");
    assertThat(lines)
        .anyMatch(l -> l.contains("mvn -B") && l.contains("-DskipTests") && l.contains("package"));
    // Only /app (jar + cache) and the SBOM leave the training stage; no tools, no mock server.
    assertThat(lines.stream().filter(l -> l.startsWith("COPY --from=")).toList())
        .containsExactly(
            "COPY --from=build /src/target/telescope.jar /app/telescope.jar",
            "COPY --from=build /src/target/telescope-*-tools.jar /train/tools.jar",
            "COPY --from=build /src/target/tools-lib /train/lib",
            "COPY --from=train /app/ /app/",
            "COPY --from=build /src/target/bom.json /app/sbom/telescope.cdx.json");
    assertThat(lines)
        .contains(
            "ENTRYPOINT [\"java\", \"-XX:AOTCache=/app/telescope.aot\","
                + " \"-XX:+UseCompactObjectHeaders\", \"-jar\", \"/app/telescope.jar\"]");
    String user =
        lines.stream().filter(l -> l.startsWith("USER ")).reduce((a, b) -> b).orElseThrow();
    // Numeric, so that the kubelet can check runAsNonRoot without a passwd file.
    assertThat(user).matches("USER [1-9][0-9]*(:[0-9]+)?");
    String expose = lines.stream().filter(l -> l.startsWith("EXPOSE ")).findFirst().orElseThrow();
    Set<String> exposed =
        new TreeSet<>(List.of(expose.substring("EXPOSE ".length()).split("\\s+")));
    Set<String> containerPorts = new TreeSet<>();
    for (ObjectNode d :
        DeployManifestsTest.ofKind(DeployManifestsTest.renderings().get("."), "Deployment")) {
      for (JsonNode p : DeployManifestsTest.container(d).path("ports")) {
        containerPorts.add(p.path("containerPort").asText());
      }
    }
    assertThat(exposed).isEqualTo(containerPorts);
  }

  @Test
  void theAotCacheIsTrainedWithTheFlagsItIsUsedWithAndCheckedAtBuild() {
    String text = String.join("\n", dockerfileLines());
    // A cache recorded without compact headers is refused by a JVM started with them.
    assertThat(text)
        .contains(
            "\"dev.telescope.bench.AotTraining\"",
            "\"--jar=/app/telescope.jar\", \"--cache=/app/telescope.aot\"",
            "\"-XX:+UseCompactObjectHeaders\"]",
            "RUN [\"java\", \"-XX:AOTCache=/app/telescope.aot\", \"-XX:AOTMode=on\","
                + " \"-XX:+UseCompactObjectHeaders\", \"-XX:+UseSerialGC\"");
    // The training reads the Deployment's JAVA_TOOL_OPTIONS, so the build context must carry it.
    assertThat(text).contains("COPY deploy/base/operator.yaml /train/operator.yaml");
  }

  @Test
  void dockerIgnoreSendsOnlyWhatTheBuildCopies() {
    List<String> lines =
        List.of(InstallFiles.text(InstallFiles.root().resolve(".dockerignore")).split("\n"));
    assertThat(lines).contains("*", "!pom.xml", "!src/", "!deploy/base/operator.yaml");
  }

  @Test
  void jibProfileBuildsBothArchitecturesFromTheSamePinnedBase() throws Exception {
    Document doc =
        DocumentBuilderFactory.newInstance()
            .newDocumentBuilder()
            .parse(InstallFiles.root().resolve("pom.xml").toFile());
    Element profile = null;
    var profiles = doc.getElementsByTagName("profile");
    for (int i = 0; i < profiles.getLength(); i++) {
      Element p = (Element) profiles.item(i);
      if ("jib".equals(text(p, "id"))) {
        profile = p;
      }
    }
    assertThat(profile).as("pom.xml has a jib profile").isNotNull();
    assertThat(text(profile, "artifactId")).isEqualTo("jib-maven-plugin");
    Element from = (Element) profile.getElementsByTagName("from").item(0);
    assertThat(text(from, "image")).isEqualTo(runtimeImage());
    List<String> platforms = new ArrayList<>();
    var platformNodes = from.getElementsByTagName("platform");
    for (int i = 0; i < platformNodes.getLength(); i++) {
      Element p = (Element) platformNodes.item(i);
      platforms.add(text(p, "os") + "/" + text(p, "architecture"));
    }
    assertThat(platforms).containsExactlyInAnyOrder("linux/amd64", "linux/arm64");
    assertThat(text(profile, "user")).isEqualTo("65532:65532");
    assertThat(text(profile, "mainClass")).isEqualTo("dev.telescope.Main");
    List<String> entrypoint = new ArrayList<>();
    var args =
        ((Element) profile.getElementsByTagName("entrypoint").item(0)).getElementsByTagName("arg");
    for (int i = 0; i < args.getLength(); i++) {
      entrypoint.add(args.item(i).getTextContent().strip());
    }
    assertThat(entrypoint)
        .containsExactly(
            "java",
            "-XX:+UseCompactObjectHeaders",
            "-cp",
            "@/app/jib-classpath-file",
            "dev.telescope.Main");
    Element to = (Element) profile.getElementsByTagName("to").item(0);
    assertThat(text(to, "image")).isEqualTo("ghcr.io/telescope-dev/telescope:${project.version}");
    List<String> ports = new ArrayList<>();
    var portNodes = profile.getElementsByTagName("port");
    for (int i = 0; i < portNodes.getLength(); i++) {
      ports.add(portNodes.item(i).getTextContent());
    }
    assertThat(ports).containsExactlyInAnyOrder("9443", "8081", "8080");
  }

  @Test
  void theBuildWritesAnSbomOfTheProduct() {
    String pom = InstallFiles.text(InstallFiles.root().resolve("pom.xml"));
    assertThat(pom)
        .contains("<artifactId>cyclonedx-maven-plugin</artifactId>", "<goal>makeBom</goal>")
        .contains("<includeTestScope>false</includeTestScope>");
  }

  static String text(Element parent, String tag) {
    return parent.getElementsByTagName(tag).item(0).getTextContent().strip();
  }
}
