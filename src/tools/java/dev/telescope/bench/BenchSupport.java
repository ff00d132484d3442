package dev.telescope.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * What both benchmarks share: the machine description printed beside every figure, the JVM flags
 * the shipped manifests give each component, child processes and bounded polling.
 */
public final class BenchSupport {
  private BenchSupport() {}

  /** The JVM flags deploy/base/*.yaml set when the repository is at hand, as shipped. */
  static final String SHIPPED_JAVA_TOOL_OPTIONS =
      "-XX:MaxRAMPercentage=45 -XX:MinRAMPercentage=45 -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError"
          + " -Dsun.net.httpserver.nodelay=true";

  /** The memory limit both shipped Deployments set. */
  static final String SHIPPED_MEMORY_LIMIT = "256Mi";

  /**
   * A component's container settings as deploy/ ships them: {@code JAVA_TOOL_OPTIONS} and the
   * memory limit (emulated with {@code -XX:MaxRAM}, which is what the JVM reads from the cgroup).
   *
   * @param javaToolOptions the env value
   * @param memoryLimit the Kubernetes quantity, e.g. {@code 256Mi}
   */
  record Shipped(
      String javaToolOptions, String memoryLimit, String source, Map<String, String> env) {
    Shipped(String javaToolOptions, String memoryLimit, String source) {
      this(
          javaToolOptions,
          memoryLimit,
          source,
          Map.of("JAVA_TOOL_OPTIONS", javaToolOptions, "MALLOC_ARENA_MAX", "2"));
    }

    /** {@code -XX:MaxRAM=<bytes>} for the memory limit. */
    String maxRamFlag() {
      return "-XX:MaxRAM=" + bytes(memoryLimit);
    }
  }

  /**
   * Reads the first Deployment's first container in a deploy/ manifest; falls back to the values
   * compiled in when the file is not there (the jar run outside a checkout).
   */
  static Shipped shipped(Path manifest) {
    if (Files.isRegularFile(manifest)) {
      try {
        YAMLMapper yaml = new YAMLMapper(new YAMLFactory());
        for (JsonNode doc :
            yaml.readValues(yaml.getFactory().createParser(manifest.toFile()), JsonNode.class)
                .readAll()) {
          if (doc == null || !"Deployment".equals(doc.path("kind").asText())) {
            continue;
          }
          JsonNode container = doc.at("/spec/template/spec/containers/0");
          String options = null;
          Map<String, String> literal = new java.util.TreeMap<>();
          for (JsonNode env : container.path("env")) {
            if (env.has("value")) {
              literal.put(env.path("name").asText(), env.path("value").asText());
            }
            if ("JAVA_TOOL_OPTIONS".equals(env.path("name").asText())) {
              options = env.path("value").asText();
            }
          }
          String limit = container.at("/resources/limits/memory").asText(null);
          if (options != null && limit != null) {
            return new Shipped(options, limit, manifest.toString(), Map.copyOf(literal));
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return new Shipped(SHIPPED_JAVA_TOOL_OPTIONS, SHIPPED_MEMORY_LIMIT, "built-in defaults");
  }

  /** A Kubernetes memory quantity in bytes (Ki/Mi/Gi or plain). */
  static long bytes(String quantity) {
    String q = quantity.trim();
    long unit = 1;
    if (q.endsWith("Ki")) {
      unit = 1L << 10;
    } else if (q.endsWith("Mi")) {
      unit = 1L << 20;
    } else if (q.endsWith("Gi")) {
      unit = 1L << 30;
    }
    String digits = unit == 1 ? q : q.substring(0, q.length() - 2);
    return Long.parseLong(digits) * unit;
  }

  /** The machine, one line: cores, CPU model, RAM, JDK, date, load average. */
  static String machine() {
    String cpu = "unknown CPU";
    long memKb = 0;
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          cpu = line.substring(line.indexOf(':') + 1).trim();
          break;
        }
      }
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          memKb = Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: leave the defaults
    }
    return String.format(
        Locale.ROOT,
        "%d cores (nproc), %s, %.1f GiB RAM, JDK %s (%s), %s, load average before the run %s",
        Runtime.getRuntime().availableProcessors(),
        cpu,
        memKb / 1024.0 / 1024.0,
        System.getProperty("java.version"),
        System.getProperty("java.vm.name"),
        LocalDate.now(),
        loadAverage());
  }

  /** The 1-minute load average, so a busy machine shows in the results. */
  static String loadAverage() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return parts[0];
    } catch (IOException | RuntimeException e) {
      return "n/a";
    }
  }

  /** A port that was free a moment ago (for servers that cannot report the one they bound). */
  static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The {@code java} of the running JDK. */
  static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** The jar or classes directory this class was loaded from, for child JVMs. */
  static String classPath() {
    return System.getProperty("java.class.path");
  }

  /** A child process whose output lines are collected (and echoed with a prefix when asked). */
  static final class Child implements AutoCloseable {
    final Process process;
    final String name;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> all = java.util.Collections.synchronizedList(new ArrayList<>());

    Child(String name, ProcessBuilder builder, boolean echo) {
      this.name = name;
      builder.redirectErrorStream(true);
      try {
        this.process = builder.start();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start " + name + ": " + builder.command(), e);
      }
      Thread reader =
          new Thread(
              () -> {
                try (BufferedReader r =
                    new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                  String line;
                  while ((line = r.readLine()) != null) {
                    all.add(line);
                    lines.add(line);
                    if (echo) {
                      System.err.println("  [" + name + "] " + line);
                    }
                  }
                } catch (IOException e) {
                  // the process ended
                }
              },
              name + "-output");
      reader.setDaemon(true);
      reader.start();
    }

    /** Waits for a line starting with {@code prefix} and returns the rest of it. */
    String awaitLine(String prefix, Duration timeout) {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline) {
        String line;
        try {
          line = lines.poll(50, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted", e);
        }
        if (line != null && line.startsWith(prefix)) {
          return line.substring(prefix.length()).trim();
        }
        if (line == null && !process.isAlive() && lines.isEmpty()) {
          throw new IllegalStateException(
              name + " exited with " + process.exitValue() + " before printing '" + prefix + "'");
        }
      }
      throw new IllegalStateException(
          name + " printed no '" + prefix + "' within " + timeout + "; output: " + tail());
    }

    /** The last lines of output, for error messages. */
    String tail() {
      List<String> messages = new ArrayList<>();
      synchronized (all) {
        for (String line : all) {
          // Stack frames say little in a benchmark report; the messages before them do.
          if (!line.startsWith("\tat ") && !line.startsWith("\t... ")) {
            messages.add(line);
          }
        }
      }
      return String.join(
          "\n", messages.subList(Math.max(0, messages.size() - 30), messages.size()));
    }

    long pid() {
      return process.pid();
    }

    @Override
    public void close() {
      process.destroy();
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
    }
  }

  /** Polls until the condition holds; false on timeout. Exceptions count as "not yet". */
  static boolean poll(Duration timeout, Duration every, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        if (condition.getAsBoolean()) {
          return true;
        }
      } catch (RuntimeException e) {
        // not yet
      }
      if (System.nanoTime() >= deadline) {
        return false;
      }
      try {
        Thread.sleep(every.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
  }

  /** A plain-HTTP GET: status and body, or empty when nothing answers. */
  static Optional<HttpResponse<String>> get(HttpClient http, String url) {
    try {
      return Optional.of(
          http.send(
              HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
              HttpResponse.BodyHandlers.ofString()));
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /** VmRSS of a process in KiB, from /proc. */
  static long rssKib(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    throw new IllegalStateException("no VmRSS for pid " + pid);
  }

  /**
   * CPU time (user + system) a process and its descendants used so far, in microseconds, from
   * /proc: load-independent, unlike throughput on a shared machine.
   */
  static long cpuMicros(long pid) {
    long ticks = 0;
    List<Long> pids = new ArrayList<>();
    pids.add(pid);
    ProcessHandle.of(pid).ifPresent(h -> h.descendants().forEach(d -> pids.add(d.pid())));
    for (long p : pids) {
      try {
        String stat = Files.readString(Path.of("/proc/" + p + "/stat"));
        // The command name may hold spaces; fields are counted after its closing parenthesis.
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
      } catch (IOException | RuntimeException e) {
        // exited meanwhile
      }
    }
    return ticks * 1_000_000L / CLOCK_TICKS;
  }

  /** USER_HZ; 100 on every Linux architecture the JDK runs on. */
  private static final long CLOCK_TICKS = 100;

  /** Runs a command to completion and returns its output (stdout and stderr). */
  static String run(Duration timeout, String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out;
      try (InputStream in = p.getInputStream()) {
        out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + " timed out");
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Whether an executable is on the PATH. */
  static Optional<Path> onPath(String executable) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path p = Path.of(dir.isEmpty() ? "." : dir, executable);
      if (Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    for (String dir : new String[] {"/usr/sbin", "/sbin", "/usr/local/sbin"}) {
      Path p = Path.of(dir, executable);
      if (Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /** Milliseconds with one decimal. */
  static String ms(double micros) {
    return String.format(Locale.ROOT, "%.2f ms", micros / 1000.0);
  }

  /**
   * A benchmark's {@code --name=value} flags, each declared once with its default and help;
   * picocli parses them and generates {@code --help}.
   */
  static final class Options {
    private final picocli.CommandLine.Model.CommandSpec spec;

    Options(String command) {
      spec = picocli.CommandLine.Model.CommandSpec.create().name(command);
      spec.mixinStandardHelpOptions(true);
      spec.usageMessage().showDefaultValues(true);
    }

    Options flag(String name, Object defaultValue, String help) {
      spec.addOption(
          picocli.CommandLine.Model.OptionSpec.builder("--" + name)
              .type(String.class)
              .defaultValue(String.valueOf(defaultValue))
              .description(help)
              .build());
      return this;
    }

    /** Parses; false when {@code --help} printed the usage instead. */
    boolean parse(List<String> args) {
      picocli.CommandLine cl = new picocli.CommandLine(spec);
      cl.setOverwrittenOptionsAllowed(true);
      try {
        cl.parseArgs(args.toArray(String[]::new));
      } catch (picocli.CommandLine.ParameterException e) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
      if (cl.isUsageHelpRequested()) {
        cl.usage(System.out);
        return false;
      }
      return true;
    }

    String get(String name) {
      return spec.findOption("--" + name).getValue();
    }

    int integer(String name) {
      return Integer.parseInt(get(name));
    }

    boolean bool(String name) {
      return Boolean.parseBoolean(get(name));
    }
  }

  /** One row of a Markdown "figure | measured | goal | result" table; no verdict when null. */
  static String targetRow(String what, String measured, String goal, Boolean pass) {
    return "| "
        + what
        + " | "
        + measured
        + " | "
        + goal
        + " | "
        + (pass == null ? "" : pass ? "pass" : "MISS")
        + " |\n";
  }
}
