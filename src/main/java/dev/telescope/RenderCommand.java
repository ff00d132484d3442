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
import dev.telescope.settings.OperatorConfig;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code render}: the operator's output for some CRs, with no cluster, as multi-document YAML. */
final class RenderCommand {
  private static final ObjectMapper YAML =
      new YAMLMapper(
          YAMLFactory.builder()
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
              .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
              .build());

  private RenderCommand() {}

  static int run(List<String> args, PrintStream out, PrintStream err) {
    List<String> files = new ArrayList<>();
    List<String> flags = new ArrayList<>();
    boolean openshift = false;
    boolean prometheus = false;
    boolean rbac = false;
    boolean nativeSidecars = false;
    boolean gatewayApi = false;
    boolean defaults = true;
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      switch (a) {
        case "-f", "--filename" -> {
          if (i + 1 >= args.size()) {
            throw new IllegalArgumentException(a + " needs a file name");
          }
          files.add(args.get(++i));
        }
        case "--openshift" -> openshift = true;
        case "--prometheus-crds" -> prometheus = true;
        case "--create-rbac" -> rbac = true;
        case "--native-sidecars" -> nativeSidecars = true;
        case "--gateway-api" -> gatewayApi = true;
        case "--no-defaults" -> defaults = false;
        default -> {
          if (a.startsWith("-f=")) {
            files.add(a.substring(3));
          } else {
            flags.add(a);
          }
        }
      }
    }
    if (files.isEmpty()) {
      throw new IllegalArgumentException(
          "render needs at least one -f CR.yaml (or -f - for stdin)");
    }
    OperatorConfig cfg =
        OperatorConfig.parse(flags, System.getenv())
            .withCapabilities(
                new Capabilities(openshift, prometheus, rbac, nativeSidecars, false, gatewayApi));
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

  private static List<JsonNode> read(String file) throws IOException {
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
