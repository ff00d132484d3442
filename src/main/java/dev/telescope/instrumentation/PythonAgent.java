package dev.telescope.instrumentation;

import dev.telescope.api.instrumentation.Languages;
import io.fabric8.kubernetes.api.model.Container;
import java.util.List;
import java.util.Map;

/** Python: the SDK on {@code PYTHONPATH}, the glibc or musl build by annotation. */
final class PythonAgent extends CopyAgent {
  static final String PYTHONPATH = "PYTHONPATH";
  static final String MOUNT = "/otel-auto-instrumentation-python";
  static final String PATH_PREFIX = MOUNT + "/opentelemetry/instrumentation/auto_instrumentation";

  PythonAgent() {
    super(Language.PYTHON);
  }

  /** The directory to copy for the platform, or null when the platform is unknown. */
  static String source(Map<String, String> annotations) {
    String platform = annotations.getOrDefault(PYTHON_PLATFORM, "");
    return switch (platform) {
      case "", "glibc" -> "/autoinstrumentation/.";
      case "musl" -> "/autoinstrumentation-musl/.";
      default -> null;
    };
  }

  @Override
  String container(Languages.Language block, Container c, Map<String, String> annotations) {
    String refused = fromReference(c, PYTHONPATH);
    if (refused != null) {
      return refused;
    }
    if (source(annotations) == null) {
      return "provided "
          + PYTHON_PLATFORM
          + " annotation value '"
          + annotations.get(PYTHON_PLATFORM)
          + "' is not supported";
    }
    Env.appendIfNotSet(c, env(block));
    int i = Env.indexOf(c.getEnv(), PYTHONPATH);
    if (i < 0) {
      Env.set(c, PYTHONPATH, PATH_PREFIX + ":" + MOUNT);
    } else {
      Env.set(c, PYTHONPATH, PATH_PREFIX + ":" + c.getEnv().get(i).getValue() + ":" + MOUNT);
    }
    PodParts.mount(c, name(), MOUNT);
    return null;
  }

  @Override
  void defaultEnv(Languages.Language block, Container c, Map<String, String> annotations) {
    // What the Python distribution supports, unless the user chose otherwise.
    Env.appendIfNotSet(c, "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
    Env.appendIfNotSet(c, "OTEL_TRACES_EXPORTER", "otlp");
    Env.appendIfNotSet(c, "OTEL_METRICS_EXPORTER", "otlp");
    Env.appendIfNotSet(c, "OTEL_LOGS_EXPORTER", "otlp");
  }

  @Override
  List<String> command(Languages.Language block, Map<String, String> annotations) {
    String src = source(annotations);
    return List.of("cp", "-r", src == null ? "/autoinstrumentation/." : src, MOUNT);
  }

  @Override
  String mountPath() {
    return MOUNT;
  }
}
