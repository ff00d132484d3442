package dev.telescope;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.telescope.api.v1alpha1.TargetAllocator;
import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import dev.telescope.config.Defaults;
import dev.telescope.manifests.CollectorContext;
import dev.telescope.manifests.CollectorManifests;
import dev.telescope.manifests.targetallocator.AllocatorContext;
import dev.telescope.manifests.targetallocator.AllocatorManifests;
import dev.telescope.settings.Capabilities;
import dev.telescope.settings.EnvDefaults;
import dev.telescope.settings.OperatorConfig;
import dev.telescope.settings.OperatorOptions;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code render}: the operator's output for some CRs, with no cluster, as multi-document YAML. */
@Command(
    name = "render",
    description = {
      "print the objects the operator would create, with no cluster.",
      "With --pod: print a Pod, or a Deployment/StatefulSet/DaemonSet/ReplicaSet/Job/CronJob with"
          + " its pod template, as the pod webhook would admit it (sidecar and"
          + " auto-instrumentation; -f gives the collectors, Instrumentations and Namespaces).",
      "--openshift, --prometheus-crds, --create-rbac, --native-sidecars and --gateway-api say what"
          + " the cluster offers."
    })
final class RenderCommand implements Callable<Integer> {
  static final ObjectMapper YAML =
      new YAMLMapper(
          YAMLFactory.builder()
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
              .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
              .build());

  final OperatorOptions options = new OperatorOptions();
  private final PrintStream out;
  private final PrintStream err;
  private final EnvDefaults defaults;
  @Spec CommandSpec spec;

  @Option(
      names = {"-f", "--filename"},
      paramLabel = "CR.yaml",
      description = "a file of OpenTelemetryCollectors (repeatable; - reads stdin)")
  List<String> files = new ArrayList<>();

  @Option(
      names = "--pod",
      paramLabel = "app.yaml",
      description = "a pod or workload to admit as the webhook would (repeatable)")
  List<String> pods = new ArrayList<>();

  @Option(
      names = {"-n", "--namespace"},
      paramLabel = "NAMESPACE",
      description = "namespace of the --pod objects (default: theirs, else default)")
  String namespace;

  @Option(names = "--openshift", description = "the cluster offers OpenShift Routes")
  boolean openshift;

  @Option(names = "--gateway-api", description = "the cluster offers the Gateway API")
  boolean gatewayApi;

  @Option(names = "--no-defaults", description = "skip the webhook's defaulting")
  boolean noDefaults;

  RenderCommand(PrintStream out, PrintStream err, EnvDefaults defaults) {
    this.out = out;
    this.err = err;
    this.defaults = defaults;
  }

  @Override
  public Integer call() {
    // --prometheus-crds, --create-rbac and --native-sidecars are the operator's toggles: given
    // without a value they force the capability on, which is what "the cluster offers" means here.
    OperatorConfig cfg =
        Main.settings(options, spec, defaults)
            .withCapabilities(new Capabilities(openshift, false, false, false, false, gatewayApi));
    if (files.isEmpty() && pods.isEmpty()) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(),
          "render needs at least one -f/--filename CR.yaml (- reads stdin), or --pod app.yaml");
    }
    if (!pods.isEmpty()) {
      // The pod webhook's own INFO lines would repeat render's errors.
      dev.telescope.logging.LogOutput.configure(
          dev.telescope.settings.LogSettings.DEFAULT.withLevel("warn"));
      return PodRender.run(files, pods, namespace, cfg, !noDefaults, out, err);
    }
    return render(files, !noDefaults, cfg, out, err);
  }

  static int render(
      List<String> files, boolean defaults, OperatorConfig cfg, PrintStream out, PrintStream err) {
    int status = 0;
    boolean first = true;
    for (String file : files) {
      List<JsonNode> docs;
      try {
        docs = read(file);
      } catch (IOException e) {
        err.println("error: cannot read " + file + ": " + e.getMessage());
        status = 1;
        continue;
      }
      for (JsonNode doc : docs) {
        if (doc == null || doc.isNull() || doc.isEmpty()) {
          continue;
        }
        String kind = doc.path("kind").asText("OpenTelemetryCollector");
        if (kind.equals(TargetAllocator.KIND)) {
          // A standalone allocator: its own objects (collectors join it by label at run time).
          TargetAllocator ta = YAML.convertValue(doc, TargetAllocator.class);
          if (ta.getMetadata().getNamespace() == null) {
            ta.getMetadata().setNamespace("default");
          }
          first = print(AllocatorManifests.build(AllocatorContext.of(ta, null, cfg)), out, first);
          continue;
        }
        if (!kind.equals("OpenTelemetryCollector")) {
          continue;
        }
        OpenTelemetryCollector cr;
        try {
          cr = dev.telescope.api.Hub.toHub(doc);
        } catch (RuntimeException e) {
          err.println("error: " + file + ": not an OpenTelemetryCollector: " + e.getMessage());
          status = 1;
          continue;
        }
        if (cr.getMetadata().getNamespace() == null) {
          cr.getMetadata().setNamespace("default");
        }
        if (defaults) {
          cr = Defaults.apply(cr, cfg).collector();
        }
        CollectorContext ctx = CollectorContext.of(cr, cfg);
        CollectorManifests.Rendered r = CollectorManifests.build(ctx);
        String who = cr.getMetadata().getNamespace() + "/" + cr.getMetadata().getName();
        if (!r.problems().isEmpty()) {
          err.println("error: " + who + ": the collector config has problems:");
          r.problems().forEach(p -> err.println("  - " + p));
          status = 1;
          continue;
        }
        r.warnings().forEach(w -> err.println("warning: " + who + ": " + w));
        r.refusedRules()
            .forEach(
                rule ->
                    err.println(
                        "warning: "
                            + who
                            + ": permission not granted (outside the allowlist): "
                            + rule));
        first = print(r.objects(), out, first);
        for (HasMetadata o : r.objects()) {
          if (o.getKind().equals(TargetAllocator.KIND)) {
            // What the allocator controller renders from the TargetAllocator the collector spawns.
            TargetAllocator ta = YAML.convertValue(o, TargetAllocator.class);
            first = print(AllocatorManifests.build(AllocatorContext.of(ta, ctx, cfg)), out, first);
          }
        }
      }
    }
    return status;
  }

  /** Prints objects as YAML documents; returns whether nothing has been printed yet. */
  private static boolean print(
      List<? extends HasMetadata> objects, PrintStream out, boolean first) {
    for (HasMetadata o : objects) {
      if (!first) {
        out.println("---");
      }
      first = false;
      try {
        out.print(YAML.writeValueAsString(o));
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
    return first;
  }

  static List<JsonNode> read(String file) throws IOException {
    try (InputStream in = file.equals("-") ? System.in : Files.newInputStream(Path.of(file))) {
      return YAML
          .readerFor(JsonNode.class)
          .readValues(new YAMLFactory().createParser(in))
          .readAll()
          .stream()
          .map(JsonNode.class::cast)
          .toList();
    }
  }
}
