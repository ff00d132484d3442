package dev.telescope.instrumentation;

import dev.telescope.api.instrumentation.Instrumentation;
import dev.telescope.api.instrumentation.InstrumentationSpec;
import dev.telescope.api.instrumentation.Languages;
import dev.telescope.settings.InstrumentationSettings;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Auto-instruments a pod: the languages its annotations select, each by its own mutation, applied
 * in upstream's order to a copy of the pod. A pure function of the pod, its context, the settings
 * and the Instrumentations: the webhook turns the difference into a JSON Patch.
 */
public final class PodInstrumenter {
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  /** The env variable only an instrumented app container carries (the sidecar's is exempt). */
  private static final String MARK = SdkEnv.NODE_NAME;

  private static final Set<String> INIT_MARKS =
      Set.of(
          PodParts.PREFIX + "-java",
          PodParts.PREFIX + "-nodejs",
          PodParts.PREFIX + "-python",
          PodParts.PREFIX + "-dotnet",
          WebServerAgent.CLONE,
          "otel-agent-attach-apache");

  private PodInstrumenter() {}

  /**
   * The outcome for one pod.
   *
   * @param pod the mutated copy, or the pod itself when nothing was injected
   * @param injected the languages injected
   * @param problems why requested languages were not injected (Warning events)
   * @param skipped languages skipped for a reason not worth an event (already instrumented)
   */
  public record Result(
      Pod pod, List<Language> injected, List<String> problems, List<String> skipped) {
    /** Whether the pod changed. */
    public boolean changed() {
      return !injected.isEmpty();
    }
  }

  /** Instruments a pod as its annotations ask; never modifies {@code original}. */
  public static Result instrument(
      Pod original, PodContext ctx, InstrumentationSettings settings, Selection.Source source) {
    Selection.Plan plan = Selection.plan(original, ctx, settings, source);
    if (plan.chosen().isEmpty()) {
      return new Result(original, List.of(), plan.problems(), List.of());
    }
    if (alreadyInstrumented(original)) {
      return new Result(original, List.of(), plan.problems(), List.of("already instrumented"));
    }
    if (original.getSpec() == null
        || original.getSpec().getContainers() == null
        || original.getSpec().getContainers().isEmpty()) {
      return new Result(original, List.of(), plan.problems(), List.of("no containers"));
    }
    Pod pod = new PodBuilder(original).build();
    List<Language> injected = new ArrayList<>();
    List<String> problems = new ArrayList<>(plan.problems());
    List<String> skipped = new ArrayList<>();
    Map<String, String> annotations = annotations(original, ctx);
    for (Selection.Chosen chosen : plan.chosen()) {
      Language language = chosen.language();
      Instrumentation inst = withDefaultImage(chosen.instrumentation(), language, settings);
      String missingTls = missingTls(inst, ctx.namespace(), source);
      if (missingTls != null) {
        // The pod would wait forever for the volume: admit it uninstrumented instead.
        problems.add(language.id() + ": " + missingTls);
        continue;
      }
      List<String> names =
          chosen.containers().isEmpty()
              ? List.of(pod.getSpec().getContainers().get(0).getName())
              : chosen.containers();
      List<String> missing = new ArrayList<>();
      for (String n : names) {
        if (PodParts.container(pod, n) == null) {
          missing.add(n);
        }
      }
      if (!missing.isEmpty()) {
        problems.add(language.id() + ": container(s) " + missing + " not found in the pod");
      }
      String reason =
          switch (language) {
            case JAVA, NODEJS, PYTHON, DOTNET ->
                copyAgent(CopyAgent.of(language), inst, ctx, pod, names, annotations);
            case GO -> go(inst, ctx, pod, chosen.containers(), names, annotations);
            case APACHE_HTTPD, NGINX -> webServer(language, inst, ctx, pod, names);
            case SDK -> sdk(inst, ctx, pod, names);
          };
      if (reason == null) {
        injected.add(language);
      } else {
        skipped.add(language.id() + ": " + reason);
      }
    }
    return new Result(injected.isEmpty() ? original : pod, injected, problems, skipped);
  }

  /**
   * Why the exporter's TLS files cannot be mounted (their Secret or ConfigMap is known to be
   * missing from the pod's namespace), or null.
   */
  static String missingTls(Instrumentation inst, String namespace, Selection.Source source) {
    var spec = inst.getSpec();
    if (spec == null || spec.exporter == null || spec.exporter.tls == null) {
      return null;
    }
    var tls = spec.exporter.tls;
    if (tls.secretName != null
        && !tls.secretName.isEmpty()
        && source.exists("Secret", namespace, tls.secretName).orElse(true) == Boolean.FALSE) {
      return "the exporter TLS Secret " + namespace + "/" + tls.secretName + " does not exist";
    }
    if (tls.configMapName != null
        && !tls.configMapName.isEmpty()
        && source.exists("ConfigMap", namespace, tls.configMapName).orElse(true) == Boolean.FALSE) {
      return "the exporter TLS ConfigMap "
          + namespace
          + "/"
          + tls.configMapName
          + " does not exist";
    }
    return null;
  }

  private static String copyAgent(
      CopyAgent agent,
      Instrumentation inst,
      PodContext ctx,
      Pod pod,
      List<String> names,
      Map<String, String> annotations) {
    InstrumentationSpec spec = inst.getSpec();
    Languages.Language block = agent.language.block(spec);
    List<Container> containers = PodParts.toInstrument(pod, names);
    if (containers.isEmpty()) {
      return "no container to instrument";
    }
    List<String> reasons = new ArrayList<>();
    for (Container c : containers) {
      String refused = agent.container(block, c, annotations);
      if (refused != null) {
        reasons.add(c.getName() + ": " + refused);
        continue;
      }
      SdkEnv.common(spec, c);
      agent.defaultEnv(block, c, annotations);
      SdkEnv.sdkConfig(inst, ctx, pod, c, c);
    }
    agent.pod(pod, block, spec, containers.get(0).getName(), annotations);
    PodParts.initSecurityContext(pod, initSecurityContext(spec, containers.get(0)), agent.name());
    return reasons.size() == containers.size() ? String.join("; ", reasons) : null;
  }

  private static String go(
      Instrumentation inst,
      PodContext ctx,
      Pod pod,
      List<String> configured,
      List<String> names,
      Map<String, String> annotations) {
    String target = names.get(0);
    if (PodParts.isInitContainer(pod, target)) {
      return "is init container";
    }
    Pod before = new PodBuilder(pod).build();
    String refused = GoAgent.inject(pod, inst.getSpec(), annotations, configured.size());
    if (refused != null) {
      return refused;
    }
    Container app = PodParts.container(pod, target);
    if (app == null) {
      app = pod.getSpec().getContainers().get(0);
    }
    List<Container> containers = pod.getSpec().getContainers();
    Container agent = containers.get(containers.size() - 1);
    SdkEnv.common(inst.getSpec(), agent);
    SdkEnv.sdkConfig(inst, ctx, pod, agent, app);
    if (!Env.has(agent, GoAgent.TARGET_EXE)) {
      pod.setSpec(before.getSpec());
      return GoAgent.TARGET_EXE + " not set";
    }
    return null;
  }

  private static String webServer(
      Language language, Instrumentation inst, PodContext ctx, Pod pod, List<String> names) {
    InstrumentationSpec spec = inst.getSpec();
    boolean any = false;
    for (Container c : PodParts.toInstrument(pod, names)) {
      if (PodParts.isInitContainer(pod, c.getName())) {
        continue;
      }
      Map<String, String> attributes = SdkEnv.resourceMap(spec, ctx, pod, c);
      String service = SdkEnv.serviceName(pod, SdkEnv.useLabels(spec), attributes, c);
      WebServerAgent.inject(language, spec, pod, c, service, attributes);
      SdkEnv.common(spec, c);
      SdkEnv.sdkConfig(inst, ctx, pod, c, c);
      if (language == Language.APACHE_HTTPD) {
        PodParts.initSecurityContext(
            pod, initSecurityContext(spec, c), WebServerAgent.CLONE, "otel-agent-attach-apache");
      }
      any = true;
    }
    return any ? null : "no container to instrument";
  }

  private static String sdk(Instrumentation inst, PodContext ctx, Pod pod, List<String> names) {
    List<Container> containers = PodParts.toInstrument(pod, names);
    for (Container c : containers) {
      SdkEnv.common(inst.getSpec(), c);
      SdkEnv.sdkConfig(inst, ctx, pod, c, c);
    }
    return containers.isEmpty() ? "no container to instrument" : null;
  }

  private static SecurityContext initSecurityContext(InstrumentationSpec spec, Container first) {
    return spec.initContainerSecurityContext != null
        ? spec.initContainerSecurityContext
        : first.getSecurityContext();
  }

  /**
   * Whether an earlier admission already instrumented the pod: an agent init container, the Go
   * agent, or the pod-identity variable on an app container.
   */
  static boolean alreadyInstrumented(Pod pod) {
    if (pod.getSpec() == null) {
      return false;
    }
    if (pod.getSpec().getInitContainers() != null) {
      for (Container c : pod.getSpec().getInitContainers()) {
        if (INIT_MARKS.contains(c.getName())) {
          return true;
        }
      }
    }
    if (pod.getSpec().getContainers() != null) {
      for (Container c : pod.getSpec().getContainers()) {
        if (GoAgent.NAME.equals(c.getName())) {
          return true;
        }
        if (!"otc-container".equals(c.getName()) && Env.has(c, MARK)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * The Instrumentation with the operator's default image for the language when it has none (the
   * defaulting webhook sets it; an Instrumentation created before that webhook ran may lack it).
   * The cached object is shared, so a copy is changed.
   */
  static Instrumentation withDefaultImage(
      Instrumentation inst, Language language, InstrumentationSettings settings) {
    if (language == Language.SDK) {
      return inst;
    }
    Languages.Language block = language.block(inst.getSpec());
    if (block != null && block.image != null && !block.image.isEmpty()) {
      return inst;
    }
    Instrumentation copy = SERIALIZATION.clone(inst);
    if (copy.getSpec() == null) {
      copy.setSpec(new InstrumentationSpec());
    }
    InstrumentationSpec spec = copy.getSpec();
    String key = language == Language.NGINX ? "nginx" : language.id();
    String image = settings.image(key);
    switch (language) {
      case JAVA -> (spec.java = spec.java == null ? new Languages.Java() : spec.java).image = image;
      case NODEJS ->
          (spec.nodejs = spec.nodejs == null ? new Languages.NodeJs() : spec.nodejs).image = image;
      case PYTHON ->
          (spec.python = spec.python == null ? new Languages.Python() : spec.python).image = image;
      case DOTNET ->
          (spec.dotnet = spec.dotnet == null ? new Languages.DotNet() : spec.dotnet).image = image;
      case GO -> (spec.go = spec.go == null ? new Languages.Go() : spec.go).image = image;
      case APACHE_HTTPD ->
          (spec.apacheHttpd =
                      spec.apacheHttpd == null ? new Languages.ApacheHttpd() : spec.apacheHttpd)
                  .image =
              image;
      case NGINX ->
          (spec.nginx = spec.nginx == null ? new Languages.Nginx() : spec.nginx).image = image;
      default -> {}
    }
    return copy;
  }

  /** The pod's annotations over the namespace's, for the per-language option annotations. */
  private static Map<String, String> annotations(Pod pod, PodContext ctx) {
    Map<String, String> out = new java.util.HashMap<>(ctx.namespaceAnnotations());
    Selection.annotations(pod)
        .forEach(
            (k, v) -> {
              if (v != null && !v.isEmpty()) {
                out.put(k, v);
              }
            });
    return out;
  }
}
