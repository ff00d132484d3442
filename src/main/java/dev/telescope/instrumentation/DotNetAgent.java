package dev.telescope.instrumentation;

import dev.telescope.api.instrumentation.Languages;
import io.fabric8.kubernetes.api.model.Container;
import java.util.List;
import java.util.Map;

/** .NET: the CLR profiler and startup hook, for the glibc or musl runtime by annotation. */
final class DotNetAgent extends CopyAgent {
  static final String MOUNT = "/otel-auto-instrumentation-dotnet";
  static final String AUTO_HOME = "OTEL_DOTNET_AUTO_HOME";
  static final String STARTUP_HOOKS = "DOTNET_STARTUP_HOOKS";
  static final String ADDITIONAL_DEPS = "DOTNET_ADDITIONAL_DEPS";
  static final String SHARED_STORE = "DOTNET_SHARED_STORE";

  DotNetAgent() {
    super(Language.DOTNET);
  }

  private static String runtime(Map<String, String> annotations) {
    return annotations.getOrDefault(DOTNET_RUNTIME, "");
  }

  @Override
  String container(Languages.Language block, Container c, Map<String, String> annotations) {
    String refused = fromReference(c, STARTUP_HOOKS, ADDITIONAL_DEPS, SHARED_STORE);
    if (refused != null) {
      return refused;
    }
    if (Env.has(c, AUTO_HOME)) {
      return AUTO_HOME + " environment variable is already set in the container";
    }
    if (Env.indexOf(env(block), AUTO_HOME) >= 0) {
      return AUTO_HOME + " environment variable is already set in the .NET instrumentation spec";
    }
    String runtime = runtime(annotations);
    if (!List.of("", "linux-x64", "linux-musl-x64").contains(runtime)) {
      return "provided " + DOTNET_RUNTIME + " annotation value '" + runtime + "' is not supported";
    }
    Env.appendIfNotSet(c, env(block));
    PodParts.mount(c, name(), MOUNT);
    return null;
  }

  @Override
  void defaultEnv(Languages.Language block, Container c, Map<String, String> annotations) {
    String platform = "linux-musl-x64".equals(runtime(annotations)) ? "linux-musl" : "linux";
    keep(c, "CORECLR_ENABLE_PROFILING", "1");
    keep(c, "CORECLR_PROFILER", "{918728DD-259F-4A6A-AC2B-B85E1B658318}");
    keep(
        c,
        "CORECLR_PROFILER_PATH",
        MOUNT + "/" + platform + "/OpenTelemetry.AutoInstrumentation.Native.so");
    concat(c, STARTUP_HOOKS, MOUNT + "/net/OpenTelemetry.AutoInstrumentation.StartupHook.dll");
    concat(c, ADDITIONAL_DEPS, MOUNT + "/AdditionalDeps");
    keep(c, AUTO_HOME, MOUNT);
    concat(c, SHARED_STORE, MOUNT + "/store");
  }

  /** The container's value wins. */
  private static void keep(Container c, String name, String value) {
    Env.appendIfNotSet(c, name, value);
  }

  /** Path lists: ours is appended to the container's. */
  private static void concat(Container c, String name, String value) {
    int i = Env.indexOf(c.getEnv(), name);
    if (i < 0) {
      Env.set(c, name, value);
    } else {
      Env.set(c, name, c.getEnv().get(i).getValue() + ":" + value);
    }
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
