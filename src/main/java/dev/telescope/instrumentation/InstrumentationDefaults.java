package dev.telescope.instrumentation;

import dev.telescope.api.instrumentation.Instrumentation;
import dev.telescope.api.instrumentation.InstrumentationSpec;
import dev.telescope.api.instrumentation.Languages;
import dev.telescope.settings.InstrumentationSettings;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Upstream's defaulting of an Instrumentation, stored by the defaulting webhook so that pods see
 * the same images and resources whatever the operator's flags become: each language's image from
 * the flags, init-container resources, web-server paths, and the {@code
 * default-auto-instrumentation-<language>-image} annotations the start-up upgrade reads.
 */
public final class InstrumentationDefaults {
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private InstrumentationDefaults() {}

  /** {@code instrumentation.opentelemetry.io/default-auto-instrumentation-<language>-image}. */
  public static String defaultImageAnnotation(String language) {
    return Language.PREFIX + "default-auto-instrumentation-" + language + "-image";
  }

  /** A defaulted copy; the input is not modified. */
  public static Instrumentation apply(Instrumentation original, InstrumentationSettings settings) {
    Instrumentation inst = SERIALIZATION.clone(original);
    if (inst.getMetadata().getLabels() == null) {
      inst.getMetadata().setLabels(new LinkedHashMap<>());
    }
    if (inst.getSpec() == null) {
      inst.setSpec(new InstrumentationSpec());
    }
    InstrumentationSpec spec = inst.getSpec();
    spec.java = spec.java == null ? new Languages.Java() : spec.java;
    spec.nodejs = spec.nodejs == null ? new Languages.NodeJs() : spec.nodejs;
    spec.python = spec.python == null ? new Languages.Python() : spec.python;
    spec.dotnet = spec.dotnet == null ? new Languages.DotNet() : spec.dotnet;
    spec.go = spec.go == null ? new Languages.Go() : spec.go;
    spec.apacheHttpd = spec.apacheHttpd == null ? new Languages.ApacheHttpd() : spec.apacheHttpd;
    spec.nginx = spec.nginx == null ? new Languages.Nginx() : spec.nginx;

    image(spec.java, settings.image("java"));
    spec.java.resources = resources(spec.java.resources, "500m", "256Mi", "50m", "64Mi");
    image(spec.nodejs, settings.image("nodejs"));
    spec.nodejs.resourceRequirements =
        resources(spec.nodejs.resourceRequirements, "500m", "256Mi", "50m", "128Mi");
    image(spec.python, settings.image("python"));
    spec.python.resourceRequirements =
        resources(spec.python.resourceRequirements, "500m", "256Mi", "50m", "64Mi");
    image(spec.dotnet, settings.image("dotnet"));
    spec.dotnet.resourceRequirements =
        resources(spec.dotnet.resourceRequirements, "500m", "256Mi", "50m", "128Mi");
    image(spec.go, settings.image("go"));
    spec.go.resourceRequirements =
        resources(spec.go.resourceRequirements, "500m", "256Mi", "50m", "64Mi");
    image(spec.apacheHttpd, settings.image("apache-httpd"));
    spec.apacheHttpd.resourceRequirements =
        resources(spec.apacheHttpd.resourceRequirements, "500m", "256Mi", "1m", "128Mi");
    if (isEmpty(spec.apacheHttpd.version)) {
      spec.apacheHttpd.version = "2.4";
    }
    if (isEmpty(spec.apacheHttpd.configPath)) {
      spec.apacheHttpd.configPath = "/usr/local/apache2/conf";
    }
    image(spec.nginx, settings.image("nginx"));
    spec.nginx.resourceRequirements =
        resources(spec.nginx.resourceRequirements, "500m", "256Mi", "1m", "128Mi");
    if (isEmpty(spec.nginx.configFile)) {
      spec.nginx.configFile = "/etc/nginx/nginx.conf";
    }

    Map<String, String> annotations =
        inst.getMetadata().getAnnotations() == null
            ? new LinkedHashMap<>()
            : new LinkedHashMap<>(inst.getMetadata().getAnnotations());
    for (String language : InstrumentationSettings.LANGUAGES) {
      annotations.put(defaultImageAnnotation(language), settings.image(language));
    }
    inst.getMetadata().setAnnotations(annotations);
    return inst;
  }

  private static void image(Languages.Language block, String image) {
    if (isEmpty(block.image)) {
      block.image = image;
    }
  }

  /** Limits and requests each defaulted only when wholly absent, as upstream does. */
  private static ResourceRequirements resources(
      ResourceRequirements r, String cpuLimit, String memLimit, String cpuReq, String memReq) {
    ResourceRequirements out = r == null ? new ResourceRequirements() : r;
    if (out.getLimits() == null || out.getLimits().isEmpty()) {
      out.setLimits(quantities(cpuLimit, memLimit));
    }
    if (out.getRequests() == null || out.getRequests().isEmpty()) {
      out.setRequests(quantities(cpuReq, memReq));
    }
    return out;
  }

  private static Map<String, Quantity> quantities(String cpu, String memory) {
    Map<String, Quantity> m = new LinkedHashMap<>();
    m.put("cpu", new Quantity(cpu));
    m.put("memory", new Quantity(memory));
    return m;
  }

  private static boolean isEmpty(String s) {
    return s == null || s.isEmpty();
  }
}
