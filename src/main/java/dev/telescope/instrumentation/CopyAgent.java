package dev.telescope.instrumentation;

import dev.telescope.api.instrumentation.InstrumentationSpec;
import dev.telescope.api.instrumentation.Languages;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import java.util.List;
import java.util.Map;

/**
 * The languages whose agent an init container copies into a shared volume (Java, Node.js, Python,
 * .NET): what each adds to an instrumented container, and the volume and init container it adds to
 * the pod once.
 */
abstract class CopyAgent {
  static final String PYTHON_PLATFORM = Language.PREFIX + "otel-python-platform";
  static final String DOTNET_RUNTIME = Language.PREFIX + "otel-dotnet-auto-runtime";

  final Language language;

  CopyAgent(Language language) {
    this.language = language;
  }

  /** {@code opentelemetry-auto-instrumentation-<language>}: init container and volume. */
  String name() {
    return PodParts.PREFIX + "-" + language.id();
  }

  /**
   * Adds the language's env and volume mount to a container.
   *
   * @return null when done, else why the container is skipped (left unchanged)
   */
  abstract String container(Languages.Language block, Container c, Map<String, String> annotations);

  /** The language's own variables (e.g. JAVA_TOOL_OPTIONS), after the common env. */
  abstract void defaultEnv(Languages.Language block, Container c, Map<String, String> annotations);

  /** The init container's command. */
  abstract List<String> command(Languages.Language block, Map<String, String> annotations);

  /** Where the init container mounts the volume. */
  abstract String mountPath();

  /** Extra init containers after the agent's (Java extensions). */
  void extraInitContainers(Pod pod, Languages.Language block, Volume volume) {}

  /** Adds the volume and the init container, once per pod. */
  void pod(
      Pod pod,
      Languages.Language block,
      InstrumentationSpec spec,
      String firstContainer,
      Map<String, String> annotations) {
    if (PodParts.hasInitContainer(pod, name())) {
      return;
    }
    Volume volume = PodParts.agentVolume(block, name());
    PodParts.addVolume(pod, volume);
    Container init =
        new ContainerBuilder()
            .withName(name())
            .withImage(block == null ? null : block.image)
            .withCommand(command(block, annotations))
            .withResources(block == null ? null : block.resources())
            .withImagePullPolicy(spec.imagePullPolicy)
            .build();
    PodParts.mount(init, volume.getName(), mountPath());
    PodParts.insertInitContainer(pod, init, firstContainer);
    extraInitContainers(pod, block, volume);
  }

  /** Upstream refuses a variable it must extend when the container sets it from a reference. */
  static String fromReference(Container c, String... names) {
    for (String n : names) {
      int i = Env.indexOf(c.getEnv(), n);
      if (i >= 0 && c.getEnv().get(i).getValueFrom() != null) {
        return "the container defines env var value via ValueFrom, envVar: " + n;
      }
    }
    return null;
  }

  static List<EnvVar> env(Languages.Language block) {
    return block == null ? null : block.env;
  }

  /** The agent for a language that copies one; null for Go, the web servers and the SDK. */
  static CopyAgent of(Language language) {
    return switch (language) {
      case JAVA -> new JavaAgent();
      case NODEJS -> new NodeJsAgent();
      case PYTHON -> new PythonAgent();
      case DOTNET -> new DotNetAgent();
      default -> null;
    };
  }
}
