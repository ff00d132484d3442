package dev.telescope.instrumentation;

import dev.telescope.api.instrumentation.Instrumentation;
import dev.telescope.settings.InstrumentationSettings;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Which Instrumentation each language of a pod uses and which containers it instruments, from the
 * pod's and namespace's {@code instrumentation.opentelemetry.io/*} annotations (upstream's rules).
 */
public final class Selection {
  /** General container list, used when only one language is injected. */
  public static final String CONTAINER_NAMES = Language.PREFIX + "container-names";

  private static final Pattern CONTAINER_LIST = Pattern.compile("^[a-zA-Z0-9-,]+$");

  private Selection() {}

  /** The Instrumentations the webhook's cache knows. */
  public interface Source {
    /** All in a namespace, sorted by name. */
    List<Instrumentation> inNamespace(String namespace);

    /** One by namespace and name. */
    Optional<Instrumentation> get(String namespace, String name);

    /**
     * Whether a Secret or ConfigMap exists; empty when unknown (then it is assumed to exist).
     *
     * @param kind {@code Secret} or {@code ConfigMap}
     */
    default Optional<Boolean> exists(String kind, String namespace, String name) {
      return Optional.empty();
    }
  }

  /** A language to inject, with its Instrumentation and containers (empty: the first). */
  public record Chosen(
      Language language, Instrumentation instrumentation, List<String> containers) {}

  /**
   * What to do with a pod.
   *
   * @param chosen the languages to inject, in upstream's order
   * @param problems why requested languages are not injected (each worth a Warning event)
   */
  public record Plan(List<Chosen> chosen, List<String> problems) {
    /** Whether the pod asks for nothing. */
    public boolean isEmpty() {
      return chosen.isEmpty() && problems.isEmpty();
    }
  }

  /** Whether a pod or its namespace carries any inject annotation (cheap pre-check). */
  public static boolean requested(Map<String, String> pod, Map<String, String> namespace) {
    for (Language l : Language.values()) {
      if (!value(pod, namespace, l.injectAnnotation()).isEmpty()) {
        return true;
      }
    }
    return false;
  }

  /** The languages a pod asks for (pod over namespace), {@code "false"} excluded. */
  public static List<Language> requestedLanguages(
      Map<String, String> pod, Map<String, String> namespace) {
    List<Language> out = new ArrayList<>();
    for (Language l : Language.values()) {
      String v = value(pod, namespace, l.injectAnnotation()).trim();
      if (!v.isEmpty() && !v.equalsIgnoreCase("false")) {
        out.add(l);
      }
    }
    return out;
  }

  /** The pod's value unless empty, else the namespace's (pod over namespace, as upstream). */
  static String value(Map<String, String> pod, Map<String, String> namespace, String key) {
    String p = pod == null ? null : pod.get(key);
    if (p != null && !p.isEmpty()) {
      return p;
    }
    String n = namespace == null ? null : namespace.get(key);
    return n == null ? "" : n;
  }

  /** Decides the plan for a pod. */
  public static Plan plan(
      Pod pod, PodContext ctx, InstrumentationSettings settings, Source source) {
    Map<String, String> ann = annotations(pod);
    Map<String, String> nsAnn = ctx.namespaceAnnotations();
    List<Chosen> chosen = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (Language l : Language.values()) {
      String v = value(ann, nsAnn, l.injectAnnotation()).trim();
      if (v.isEmpty() || v.equalsIgnoreCase("false")) {
        continue;
      }
      if (l != Language.SDK && !settings.isEnabled(l.id())) {
        problems.add("support for " + l.id() + " auto instrumentation is not enabled");
        continue;
      }
      Optional<Instrumentation> inst;
      if (v.equalsIgnoreCase("true")) {
        List<Instrumentation> all = source.inNamespace(ctx.namespace());
        if (all.isEmpty()) {
          problems.add("no OpenTelemetry Instrumentation instances available");
          continue;
        }
        if (all.size() > 1) {
          problems.add(
              "multiple OpenTelemetry Instrumentation instances available, cannot determine which"
                  + " one to select");
          continue;
        }
        inst = Optional.of(all.get(0));
      } else {
        int slash = v.indexOf('/');
        String ns = slash >= 0 ? v.substring(0, slash) : ctx.namespace();
        String name = slash >= 0 ? v.substring(slash + 1) : v;
        inst = source.get(ns, name);
        if (inst.isEmpty()) {
          problems.add("the OpenTelemetry Instrumentation " + ns + "/" + name + " does not exist");
          continue;
        }
      }
      chosen.add(new Chosen(l, inst.get(), List.of()));
    }
    if (chosen.isEmpty()) {
      return new Plan(List.of(), problems);
    }
    List<Chosen> withContainers = new ArrayList<>();
    if (settings.multiInstrumentation()) {
      int with = 0;
      for (Chosen c : chosen) {
        List<String> names = containers(value(ann, nsAnn, c.language().containersAnnotation()));
        if (names == null) {
          problems.add(invalid(c.language().containersAnnotation()));
          return new Plan(List.of(), problems);
        }
        if (!names.isEmpty()) {
          with++;
        }
        withContainers.add(new Chosen(c.language(), c.instrumentation(), names));
      }
      int without = withContainers.size() - with;
      if ((with > 0 && without > 0) || without > 1) {
        problems.add(
            "incorrect instrumentation configuration - please provide container names for all"
                + " instrumentations");
        return new Plan(List.of(), problems);
      }
      if (without == 1) {
        Chosen only = withContainers.get(0);
        List<String> names = containers(value(ann, nsAnn, CONTAINER_NAMES));
        if (names == null) {
          problems.add(invalid(CONTAINER_NAMES));
          return new Plan(List.of(), problems);
        }
        withContainers.set(0, new Chosen(only.language(), only.instrumentation(), names));
      }
      List<String> all = new ArrayList<>();
      withContainers.forEach(c -> all.addAll(c.containers()));
      TreeSet<String> duplicates = new TreeSet<>();
      for (String n : all) {
        if (Collections.frequency(all, n) > 1) {
          duplicates.add(n);
        }
      }
      if (!duplicates.isEmpty()) {
        problems.add("duplicated container names detected: " + duplicates);
        return new Plan(List.of(), problems);
      }
    } else {
      if (chosen.size() > 1) {
        problems.add(
            "multiple injection annotations present: enable --enable-multi-instrumentation to"
                + " inject several languages into one pod");
        return new Plan(List.of(), problems);
      }
      List<String> names = containers(value(ann, nsAnn, CONTAINER_NAMES));
      if (names == null) {
        problems.add(invalid(CONTAINER_NAMES));
        return new Plan(List.of(), problems);
      }
      Chosen only = chosen.get(0);
      withContainers.add(new Chosen(only.language(), only.instrumentation(), names));
    }
    return new Plan(List.copyOf(withContainers), problems);
  }

  private static String invalid(String annotation) {
    return "not valid characters included in the instrumentation container annotation "
        + annotation;
  }

  /** The container names of an annotation value; null when it has invalid characters. */
  static List<String> containers(String value) {
    if (value == null || value.isEmpty()) {
      return List.of();
    }
    if (!CONTAINER_LIST.matcher(value).matches()) {
      return null;
    }
    List<String> out = new ArrayList<>();
    for (String n : value.split(",")) {
      if (!n.isEmpty()) {
        out.add(n);
      }
    }
    return out;
  }

  static Map<String, String> annotations(Pod pod) {
    return pod.getMetadata() == null || pod.getMetadata().getAnnotations() == null
        ? Map.of()
        : pod.getMetadata().getAnnotations();
  }
}
