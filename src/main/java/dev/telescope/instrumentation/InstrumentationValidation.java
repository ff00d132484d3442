package dev.telescope.instrumentation;

import dev.telescope.api.instrumentation.Exporter;
import dev.telescope.api.instrumentation.Instrumentation;
import dev.telescope.api.instrumentation.InstrumentationSpec;
import dev.telescope.api.instrumentation.Languages;
import dev.telescope.api.instrumentation.SamplerType;
import dev.telescope.settings.InstrumentationSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Upstream's rules for an Instrumentation: what is rejected (a sampler argument that cannot work,
 * two volume settings) and what is only worth a warning (TLS half set, an agent version that will
 * not be upgraded automatically), each message naming its field.
 */
public final class InstrumentationValidation {
  private InstrumentationValidation() {}

  /** Problems that reject the object, and warnings that do not. */
  public record Result(List<String> errors, List<String> warnings) {}

  /** Validates a (defaulted) Instrumentation. */
  public static Result validate(Instrumentation inst, InstrumentationSettings settings) {
    List<String> errors = new ArrayList<>();
    List<String> warnings = new ArrayList<>(unupgradable(inst, settings));
    InstrumentationSpec spec = inst.getSpec() == null ? new InstrumentationSpec() : inst.getSpec();
    SamplerType type = spec.sampler == null ? null : spec.sampler.type;
    String argument =
        spec.sampler == null || spec.sampler.argument == null ? "" : spec.sampler.argument;
    if (type == null) {
      warnings.add("sampler type not set");
    } else {
      switch (type) {
        case TRACEIDRATIO, PARENTBASED_TRACEIDRATIO -> {
          if (!argument.isEmpty()) {
            ratio(argument, "spec.sampler.argument", errors);
          }
        }
        case JAEGER_REMOTE, PARENTBASED_JAEGER_REMOTE -> {
          String problem = argument.isEmpty() ? null : jaegerRemote(argument);
          if (problem != null) {
            errors.add(
                "spec.sampler.argument is not a valid argument for sampler "
                    + type.value()
                    + ": "
                    + problem);
          }
        }
        default -> {}
      }
    }
    Map<String, Languages.Language> blocks = new LinkedHashMap<>();
    blocks.put("apachehttpd", spec.apacheHttpd);
    blocks.put("dotnet", spec.dotnet);
    blocks.put("go", spec.go);
    blocks.put("java", spec.java);
    blocks.put("nginx", spec.nginx);
    blocks.put("nodejs", spec.nodejs);
    blocks.put("python", spec.python);
    blocks.forEach(
        (name, block) -> {
          if (block != null && block.volumeClaimTemplate != null && block.volumeLimitSize != null) {
            errors.add(
                "spec."
                    + name
                    + ".volumeClaimTemplate and spec."
                    + name
                    + ".volumeLimitSize cannot both be defined: set one of them");
          }
        });
    warnings.addAll(exporter(spec.exporter));
    return new Result(List.copyOf(errors), List.copyOf(warnings));
  }

  private static void ratio(String argument, String field, List<String> errors) {
    double rate;
    try {
      rate = Double.parseDouble(argument.trim());
    } catch (NumberFormatException e) {
      errors.add(field + " is not a number: " + argument);
      return;
    }
    if (!(rate >= 0 && rate <= 1)) {
      errors.add(field + " should be in range [0..1]: " + argument);
    }
  }

  /** The first problem of a {@code key=value,...} jaeger_remote argument, or null. */
  static String jaegerRemote(String argument) {
    for (String part : argument.split(",", -1)) {
      String[] kv = part.split("=", -1);
      if (kv.length != 2) {
        return "invalid argument: " + part + ", the argument should be in the form of key=value";
      }
      switch (kv[0]) {
        case "endpoint" -> {
          if (kv[1].isEmpty()) {
            return "endpoint cannot be empty";
          }
        }
        case "pollingIntervalMs" -> {
          try {
            Integer.parseInt(kv[1]);
          } catch (NumberFormatException e) {
            return "invalid pollingIntervalMs: " + kv[1];
          }
        }
        case "initialSamplingRate" -> {
          double rate;
          try {
            rate = Double.parseDouble(kv[1]);
          } catch (NumberFormatException e) {
            return "invalid initialSamplingRate: " + kv[1];
          }
          if (!(rate >= 0 && rate <= 1)) {
            return "initialSamplingRate should be in range [0..1]: " + kv[1];
          }
        }
        default -> {}
      }
    }
    return null;
  }

  static List<String> exporter(Exporter exporter) {
    List<String> warnings = new ArrayList<>();
    String endpoint = exporter == null || exporter.endpoint == null ? "" : exporter.endpoint;
    Exporter.Tls tls = exporter == null ? null : exporter.tls;
    if (tls != null) {
      boolean key = tls.keyFile != null && !tls.keyFile.isEmpty();
      boolean cert = tls.certFile != null && !tls.certFile.isEmpty();
      if (key != cert) {
        warnings.add("both exporter.tls.key_file and exporter.tls.cert_file must be set");
      }
      if (!endpoint.startsWith("https://")) {
        warnings.add(
            "exporter.tls is configured but exporter.endpoint is not enabling TLS with https://");
      }
    }
    if (endpoint.startsWith("https://") && tls == null) {
      warnings.add("exporter is using https:// but exporter.tls is unset");
    }
    return warnings;
  }

  /** Agent images that the start-up upgrade will not move to the operator's default. */
  static List<String> unupgradable(Instrumentation inst, InstrumentationSettings settings) {
    List<String> warnings = new ArrayList<>();
    InstrumentationSpec spec = inst.getSpec();
    if (spec == null) {
      return warnings;
    }
    for (Language l : Language.values()) {
      Languages.Language block = l.block(spec);
      if (block == null || block.image == null || block.image.isEmpty()) {
        continue;
      }
      UpgradeBlocks.reason(l.id(), block.image, settings.image(l.id()))
          .ifPresent(
              why ->
                  warnings.add(
                      "Instrumentation "
                          + inst.getMetadata().getNamespace()
                          + "/"
                          + inst.getMetadata().getName()
                          + ": "
                          + l.id()
                          + " image "
                          + block.image
                          + " is at a version that cannot be automatically upgraded. "
                          + why));
    }
    return warnings;
  }
}
