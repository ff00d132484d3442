package dev.telescope.install;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * The image recipes agree with the build and the manifests: the jar the Dockerfile copies is the
 * one the shade plugin writes, the image user is the non-root one the pods expect, the exposed
 * ports are the container ports, and the Jib profile documented for pom.xml is well-formed.
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

  @Test
  void dockerfileBuildsTheShadedJarAndRunsItAsNonRoot() {
    List<String> lines = dockerfileLines();
    List<String> froms = lines.stream().filter(l -> l.startsWith("FROM ")).toList();
    assertThat(froms).hasSize(2);
    assertThat(froms.get(0)).startsWith("FROM maven:3-eclipse-temurin-17 AS ");
    assertThat(froms.get(1))
        .isIn("FROM eclipse-temurin:17-jre", "FROM gcr.io/distroless/java17-debian12:nonroot");
    String pom = InstallFiles.text(InstallFiles.root().resolve("pom.xml"));
    assertThat(pom).contains("<outputFile>${project.build.directory}/telescope.jar</outputFile>");
    assertThat(lines)
        .anyMatch(
            l ->
                l.startsWith("COPY --from=")
                    && l.endsWith("/target/telescope.jar /app/telescope.jar"));
    assertThat(lines)
        .anyMatch(l -> l.contains("mvn -B") && l.contains("-DskipTests") && l.contains("package"));
    assertThat(lines).contains("ENTRYPOINT [\"java\", \"-jar\", \"/app/telescope.jar\"]");
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
  void dockerIgnoreSendsOnlyWhatTheBuildCopies() {
    List<String> lines =
        List.of(InstallFiles.text(InstallFiles.root().resolve(".dockerignore")).split("\n"));
    assertThat(lines).contains("*", "!pom.xml", "!src/");
  }

  @Test
  void documentedJibProfileIsWellFormedAndMatchesTheImage() throws Exception {
    String readme = InstallFiles.text(InstallFiles.root().resolve("operator/README.md"));
    Matcher m =
        Pattern.compile("```xml\n(<profile>.*?</profile>)\n```", Pattern.DOTALL).matcher(readme);
    assertThat(m.find()).as("operator/README.md has the jib profile").isTrue();
    Document doc =
        DocumentBuilderFactory.newInstance()
            .newDocumentBuilder()
            .parse(new ByteArrayInputStream(m.group(1).getBytes(StandardCharsets.UTF_8)));
    Element profile = doc.getDocumentElement();
    assertThat(text(profile, "id")).isEqualTo("jib");
    assertThat(text(profile, "artifactId")).isEqualTo("jib-maven-plugin");
    assertThat(text(profile, "version")).isEqualTo("3.5.2");
    Element from = (Element) profile.getElementsByTagName("from").item(0);
    assertThat(text(from, "image")).isEqualTo("eclipse-temurin:17-jre");
    assertThat(text(profile, "user")).isEqualTo("65532:65532");
    assertThat(text(profile, "mainClass")).isEqualTo("dev.telescope.Main");
    Element to = (Element) profile.getElementsByTagName("to").item(0);
    assertThat(text(to, "image")).isEqualTo("ghcr.io/telescope-dev/telescope:${project.version}");
    List<String> ports = new ArrayList<>();
    var portNodes = profile.getElementsByTagName("port");
    for (int i = 0; i < portNodes.getLength(); i++) {
      ports.add(portNodes.item(i).getTextContent());
    }
    assertThat(ports).containsExactlyInAnyOrder("9443", "8081", "8080");
  }

  static String text(Element parent, String tag) {
    return parent.getElementsByTagName(tag).item(0).getTextContent().strip();
  }
}
