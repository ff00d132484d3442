package dev.telescope.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Start to ready of {@code java -jar telescope.jar operator} with exactly the image's JVM and flags
 * (read from the {@code ENTRYPOINT} of {@code operator/Dockerfile}, the AOT cache trained as the
 * image build trains it) against the mock API server, which answers discovery like a cluster; and
 * the same start on JDK 17 and on JDK 25 without the cache, for comparison.
 *
 * <p>Usage: {@code java -cp target/telescope.jar:target/telescope-0.1.0-tools.jar:'target/tools-lib/*'
 * dev.telescope.bench.StartupBench [--runs=5] [--variants=jdk17,jdk25,jdk25-aot,image]
 * [--java17=...] [--java25=...]}
 */
public final class StartupBench {
  private StartupBench() {}

  private record Variant(String name, String java, List<String> flags, boolean aot) {}

  private record Run(double seconds, long rssKib) {}

  /**
   * Runs the benchmark.
   *
   * @param args options, see the class comment
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    int runs = 5;
    List<String> names = List.of("jdk17", "jdk25", "jdk25-aot", "image");
    String java17 = "/usr/lib/jvm/java-17-openjdk-amd64/bin/java";
    String java25 = defaultJava25();
    Path jar = Path.of("target/telescope.jar");
    Path dockerfile = Path.of("operator/Dockerfile");
    for (String arg : args) {
      if (arg.startsWith("--runs=")) {
        runs = Integer.parseInt(arg.substring(7));
      } else if (arg.startsWith("--variants=")) {
        names = Arrays.asList(arg.substring(11).split(","));
      } else if (arg.startsWith("--java17=")) {
        java17 = arg.substring(9);
      } else if (arg.startsWith("--java25=")) {
        java25 = arg.substring(9);
      } else if (arg.startsWith("--jar=")) {
        jar = Path.of(arg.substring(6));
      } else {
        throw new IllegalArgumentException("unknown option " + arg);
      }
    }
    List<String> image = imageFlags(dockerfile);
    List<String> imageNoHeaders = new ArrayList<>(image);
    imageNoHeaders.remove("-XX:+UseCompactObjectHeaders");
    List<Variant> all =
        List.of(
            new Variant("jdk17", java17, List.of(), false),
            new Variant("jdk25", java25, List.of(), false),
            new Variant("jdk25-aot", java25, imageNoHeaders, true),
            new Variant("image", java25, image, true));
    BenchSupport.Shipped shipped = BenchSupport.shipped(Path.of("deploy/base/operator.yaml"));
    System.out.println("# Start-up to ready: java -jar " + jar + " operator");
    System.out.println();
    System.out.println(BenchSupport.machine());
    System.out.println(
        "JAVA_TOOL_OPTIONS ("
            + shipped.source()
            + "): "
            + shipped.javaToolOptions()
            + ", "
            + shipped.maxRamFlag()
            + "; image flags ("
            + dockerfile
            + "): "
            + String.join(" ", image));
    System.out.println();
    System.out.println("| JVM and flags | runs | median | min | max | RSS at ready (median) |");
    System.out.println("|---|---:|---:|---:|---:|---:|");
    double imageMedian = -1;
    try (BenchSupport.Child api = AotTraining.startMockApi()) {
      int apiPort = Integer.parseInt(api.awaitLine("API_PORT ", Duration.ofSeconds(120)));
      HttpClient http = HttpClient.newHttpClient();
      for (Variant v : all) {
        if (!names.contains(v.name())) {
          continue;
        }
        List<String> flags = new ArrayList<>(v.flags());
        if (v.aot()) {
          Path cache = Files.createTempFile("telescope-" + v.name(), ".aot");
          AotTraining.train(v.java(), flags, jar, cache, shipped, apiPort);
          flags.replaceAll(f -> f.startsWith("-XX:AOTCache=") ? "-XX:AOTCache=" + cache : f);
        }
        List<Run> results = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
          results.add(start(v.java(), flags, jar, shipped, apiPort, http));
        }
        double[] seconds = results.stream().mapToDouble(Run::seconds).sorted().toArray();
        long[] rss = results.stream().mapToLong(Run::rssKib).sorted().toArray();
        double median = seconds[seconds.length / 2];
        if (v.name().equals("image")) {
          imageMedian = median;
        }
        System.out.printf(
            Locale.ROOT,
            "| %s: %s %s | %d | %.2f s | %.2f s | %.2f s | %.1f MiB |%n",
            v.name(),
            javaVersion(v.java()),
            String.join(" ", v.flags()),
            runs,
            median,
            seconds[0],
            seconds[seconds.length - 1],
            rss[rss.length / 2] / 1024.0);
      }
    }
    if (imageMedian >= 0) {
      System.out.println();
      System.out.printf(
          Locale.ROOT,
          "target: image start to ready ≤ 1.0 s: %.2f s — %s%n",
          imageMedian,
          imageMedian <= 1.0 ? "pass" : "MISS");
    }
  }

  /** One start: process start to the first /readyz 200, and the RSS then. */
  private static Run start(
      String java,
      List<String> flags,
      Path jar,
      BenchSupport.Shipped shipped,
      int apiPort,
      HttpClient http) {
    int healthPort = BenchSupport.freePort();
    List<String> command =
        AotTraining.operatorCommand(java, flags, jar, shipped, apiPort, healthPort);
    long t0 = System.nanoTime();
    try (BenchSupport.Child operator = AotTraining.startOperator(command, shipped)) {
      long ready = awaitReady(operator, http, healthPort, Duration.ofSeconds(120));
      return new Run((ready - t0) / 1e9, BenchSupport.rssKib(operator.pid()));
    }
  }

  /** Polls /readyz every 10 ms; returns System.nanoTime() of the first 200. */
  static long awaitReady(
      BenchSupport.Child operator, HttpClient http, int port, Duration timeout) {
    String url = "http://127.0.0.1:" + port + "/readyz";
    long[] at = new long[1];
    boolean ready =
        BenchSupport.poll(
            timeout,
            Duration.ofMillis(10),
            () -> {
              if (!operator.process.isAlive()) {
                throw new IllegalStateException("exited");
              }
              Optional<HttpResponse<String>> r = BenchSupport.get(http, url);
              at[0] = System.nanoTime();
              return r.isPresent() && r.get().statusCode() == 200;
            });
    if (!ready || !operator.process.isAlive()) {
      throw new IllegalStateException("the operator was not ready:\n" + operator.tail());
    }
    return at[0];
  }

  /**
   * The JVM flags of the image: the {@code ENTRYPOINT} of the Dockerfile between {@code java} and
   * {@code -jar}.
   */
  static List<String> imageFlags(Path dockerfile) {
    try {
      for (String line : Files.readAllLines(dockerfile)) {
        if (line.startsWith("ENTRYPOINT [")) {
          JsonNode entry = new ObjectMapper().readTree(line.substring("ENTRYPOINT ".length()));
          List<String> flags = new ArrayList<>();
          for (int i = 1; i < entry.size() && !entry.get(i).asText().equals("-jar"); i++) {
            flags.add(entry.get(i).asText());
          }
          return flags;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    throw new IllegalStateException("no ENTRYPOINT [...] in " + dockerfile);
  }

  private static String defaultJava25() {
    try (Stream<Path> jdks = Files.list(Path.of("/usr/lib/jvm"))) {
      return jdks.filter(p -> p.getFileName().toString().startsWith("temurin-25"))
          .map(p -> p.resolve("bin/java").toString())
          .findFirst()
          .orElse("java");
    } catch (IOException e) {
      return "java";
    }
  }

  private static String javaVersion(String java) {
    String out = BenchSupport.run(Duration.ofSeconds(30), java, "-version");
    for (String line : out.split("\n")) {
      if (line.contains("Runtime Environment")) {
        int build = line.indexOf("(build ");
        return build < 0 ? line.trim() : "JDK " + line.substring(build + 7, line.indexOf(')', build));
      }
    }
    return java;
  }
}
