package dev.telescope.instrumentation;

import dev.telescope.api.instrumentation.Languages;
import io.fabric8.kubernetes.api.model.Container;
import java.util.List;
import java.util.Map;

/** Node.js: the SDK loaded by {@code --require} on {@code NODE_OPTIONS}. */
final class NodeJsAgent extends CopyAgent {
  static final String NODE_OPTIONS = "NODE_OPTIONS";
  static final String MOUNT = "/otel-auto-instrumentation-nodejs";
  static final String REQUIRE = " --require " + MOUNT + "/autoinstrumentation.js";

  NodeJsAgent() {
    super(Language.NODEJS);
  }

  @Override
  String container(Languages.Language block, Container c, Map<String, String> annotations) {
    String refused = fromReference(c, NODE_OPTIONS);
    if (refused != null) {
      return refused;
    }
    Env.appendIfNotSet(c, env(block));
    PodParts.mount(c, name(), MOUNT);
    return null;
  }

  @Override
  void defaultEnv(Languages.Language block, Container c, Map<String, String> annotations) {
    int i = Env.indexOf(c.getEnv(), NODE_OPTIONS);
    if (i < 0) {
      Env.set(c, NODE_OPTIONS, REQUIRE);
    } else if (c.getEnv().get(i).getValueFrom() == null) {
      String value = c.getEnv().get(i).getValue() == null ? "" : c.getEnv().get(i).getValue();
      Env.set(c, NODE_OPTIONS, value + REQUIRE);
    }
    // The Node.js agent exports no metrics unless told: upstream turns OTLP on.
    Env.appendIfNotSet(c, "OTEL_METRICS_EXPORTER", "otlp");
  }

  @Override
  List<String> command(Languages.Language block, Map<String, String> annotations) {
    return List.of("cp", "-r", "/autoinstrumentation/.", MOUNT);
  }

  @Override
  String mountPath() {
    return MOUNT;
  }
}
