package dev.telescope.instrumentation;

import dev.telescope.api.instrumentation.Languages;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import java.util.List;
import java.util.Map;

/** Java: the javaagent on {@code JAVA_TOOL_OPTIONS}, mounted per container. */
final class JavaAgent extends CopyAgent {
  static final String TOOL_OPTIONS = "JAVA_TOOL_OPTIONS";
  static final String MOUNT = "/otel-auto-instrumentation-java";

  JavaAgent() {
    super(Language.JAVA);
  }

  /** Each container gets its own mount of the shared volume. */
  static String mountOf(Container c) {
    return MOUNT + "-" + c.getName();
  }

  @Override
  String container(Languages.Language block, Container c, Map<String, String> annotations) {
    String refused = fromReference(c, TOOL_OPTIONS);
    if (refused != null) {
      return refused;
    }
    Env.appendIfNotSet(c, env(block));
    PodParts.mount(c, name(), mountOf(c));
    return null;
  }

  @Override
  void defaultEnv(Languages.Language block, Container c, Map<String, String> annotations) {
    String argument = " -javaagent:" + mountOf(c) + "/javaagent.jar";
    if (block instanceof Languages.Java java
        && java.extensions != null
        && !java.extensions.isEmpty()) {
      argument += " -Dotel.javaagent.extensions=" + mountOf(c) + "/extensions";
    }
    int i = Env.indexOf(c.getEnv(), TOOL_OPTIONS);
    if (i < 0) {
      Env.set(c, TOOL_OPTIONS, argument);
    } else if (c.getEnv().get(i).getValueFrom() == null) {
      String value = c.getEnv().get(i).getValue() == null ? "" : c.getEnv().get(i).getValue();
      Env.set(c, TOOL_OPTIONS, value + argument);
    }
  }

  @Override
  List<String> command(Languages.Language block, Map<String, String> annotations) {
    return List.of("cp", "/javaagent.jar", MOUNT + "/javaagent.jar");
  }

  @Override
  String mountPath() {
    return MOUNT;
  }

  @Override
  void extraInitContainers(Pod pod, Languages.Language block, Volume volume) {
    if (!(block instanceof Languages.Java java) || java.extensions == null) {
      return;
    }
    int index =
        PodParts.initContainers(pod)
            .indexOf(PodParts.find(pod.getSpec().getInitContainers(), name()));
    for (int i = 0; i < java.extensions.size(); i++) {
      Languages.Extension e = java.extensions.get(i);
      Container init =
          new ContainerBuilder()
              .withName(PodParts.PREFIX + "-extension-" + i)
              .withImage(e.image)
              .withCommand("cp", "-r", e.dir + "/.", MOUNT + "/extensions")
              .withResources(java.resources)
              .build();
      PodParts.mount(init, volume.getName(), MOUNT);
      PodParts.initContainers(pod).add(index + 1 + i, init);
    }
  }
}
