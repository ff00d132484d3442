package dev.telescope;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Starts the embedded demo from the tools jar built beside {@code telescope.jar}, so that the
 * product jar and image carry no mock API server, Vert.x or Netty.
 */
final class DemoLauncher {
  static final String DEMO_CLASS = "dev.telescope.demo.Demo";

  private DemoLauncher() {}

  static int run(List<String> args, PrintStream out, PrintStream err) {
    try {
      Class<?> demo = demoClass();
      if (demo == null) {
        err.println(
            "the demo is not part of this build: it runs from the tools jar that"
                + " `mvn -B -DskipTests package` writes beside target/telescope.jar"
                + " (target/telescope-*-tools.jar and target/tools-lib/)");
        return 2;
      }
      Method run = demo.getMethod("run", List.class, PrintStream.class, PrintStream.class);
      return (Integer) run.invoke(null, args, out, err);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(cause);
    } catch (ReflectiveOperationException | IOException e) {
      throw new IllegalStateException("cannot start the demo: " + e, e);
    }
  }

  /** The demo class on the class path (tests, IDE) or from the tools jar beside this jar. */
  private static Class<?> demoClass() throws IOException, ClassNotFoundException {
    ClassLoader own = DemoLauncher.class.getClassLoader();
    try {
      return Class.forName(DEMO_CLASS, true, own);
    } catch (ClassNotFoundException notOnClassPath) {
      // fall through to the jar beside us
    }
    Path dir = ownDirectory();
    if (dir == null) {
      return null;
    }
    List<URL> urls = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      files
          .filter(p -> p.getFileName().toString().matches("telescope-.*-tools\\.jar"))
          .forEach(p -> urls.add(url(p)));
    }
    if (urls.isEmpty()) {
      return null;
    }
    Path lib = dir.resolve("tools-lib");
    if (Files.isDirectory(lib)) {
      try (Stream<Path> files = Files.list(lib)) {
        files.filter(p -> p.toString().endsWith(".jar")).sorted().forEach(p -> urls.add(url(p)));
      }
    }
    // Parent-first: the product's own classes (and their dependencies) come from telescope.jar.
    URLClassLoader loader = new URLClassLoader(urls.toArray(URL[]::new), own);
    Thread.currentThread().setContextClassLoader(loader);
    return Class.forName(DEMO_CLASS, true, loader);
  }

  private static Path ownDirectory() {
    try {
      Path self =
          Path.of(DemoLauncher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return Files.isRegularFile(self) ? self.getParent() : null;
    } catch (URISyntaxException | SecurityException | NullPointerException e) {
      return null;
    }
  }

  private static URL url(Path p) {
    try {
      return p.toUri().toURL();
    } catch (java.net.MalformedURLException e) {
      throw new IllegalStateException(e);
    }
  }
}
