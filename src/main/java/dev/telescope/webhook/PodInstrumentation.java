package dev.telescope.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telescope.api.instrumentation.Instrumentation;
import dev.telescope.instrumentation.Language;
import dev.telescope.instrumentation.PodContext;
import dev.telescope.instrumentation.PodInstrumenter;
import dev.telescope.instrumentation.Selection;
import dev.telescope.settings.InstrumentationSettings;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The auto-instrumentation step of {@code /mutate-v1-pod}, after the sidecar: resolves what the
 * pure {@link PodInstrumenter} needs from the caches (Instrumentations, namespace, owner chain),
 * and writes its result back into the pod's JSON tree so that the patch holds only the changes.
 */
public final class PodInstrumentation {
  private final InstrumentationSettings settings;
  private final Map<String, LongAdder> counters = new ConcurrentHashMap<>();

  /** The outcomes counted per language. */
  public static final List<String> OUTCOMES = List.of("injected", "not_injected", "skipped");

  public PodInstrumentation(InstrumentationSettings settings) {
    this.settings = settings;
    // Every counter exists from the start, so that a metrics registry can bind them all at once.
    for (Language l : Language.values()) {
      OUTCOMES.forEach(o -> counters.put(l.id() + "." + o, new LongAdder()));
    }
    counters.put("any.failed", new LongAdder());
  }

  /**
   * The outcome: the pod tree (the input itself when unchanged) and the problems worth a Warning.
   */
  public record Outcome(ObjectNode tree, List<Language> injected, List<String> problems) {}

  /**
   * Instruments the pod tree as its annotations ask.
   *
   * @param tree the pod as it stands after the sidecar step (read-only, shared subtrees)
   */
  public Outcome apply(ObjectNode tree, String namespace, Namespace ns, CollectorLookup lookup) {
    Map<String, String> nsAnnotations =
        ns == null || ns.getMetadata() == null || ns.getMetadata().getAnnotations() == null
            ? Map.of()
            : ns.getMetadata().getAnnotations();
    if (!Selection.requested(annotations(tree), nsAnnotations)) {
      return new Outcome(tree, List.of(), List.of());
    }
    Pod pod = JsonPatches.convert(tree, Pod.class);
    PodContext ctx = new PodContext(namespace, nsAnnotations, owners(pod, namespace, lookup));
    Selection.Source source =
        new Selection.Source() {
          @Override
          public List<Instrumentation> inNamespace(String n) {
            return lookup.instrumentations(n);
          }

          @Override
          public Optional<Instrumentation> get(String n, String name) {
            return lookup.instrumentation(n, name);
          }

          @Override
          public Optional<Boolean> exists(String kind, String n, String name) {
            return lookup.exists(kind, n, name);
          }
        };
    PodInstrumenter.Result result = PodInstrumenter.instrument(pod, ctx, settings, source);
    boolean already = result.skipped().contains("already instrumented");
    for (Language l : Selection.requestedLanguages(annotations(tree), nsAnnotations)) {
      if (result.injected().contains(l)) {
        count(l.id(), "injected");
      } else if (already || result.skipped().stream().anyMatch(s -> s.startsWith(l.id() + ":"))) {
        count(l.id(), "skipped");
      } else {
        count(l.id(), "not_injected");
      }
    }
    if (!result.changed()) {
      return new Outcome(tree, List.of(), result.problems());
    }
    JsonNode mutated = JsonPatches.tree(result.pod());
    JsonNode roundTrip = JsonPatches.tree(pod);
    return new Outcome(
        (ObjectNode) preserving(tree, roundTrip, mutated), result.injected(), result.problems());
  }

  /**
   * Counters by {@code <language>.<outcome>}: {@link #OUTCOMES} per language (a language asked for
   * and not injected for a reason worth a Warning is {@code not_injected}; one already there or not
   * applicable is {@code skipped}), and {@code any.failed}.
   */
  public Map<String, Long> counters() {
    Map<String, Long> out = new TreeMap<>();
    counters.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  /** Counts a pod whose instrumentation step threw (admitted without it). */
  void failed() {
    count("any", "failed");
  }

  private void count(String language, String outcome) {
    counters.computeIfAbsent(language + "." + outcome, k -> new LongAdder()).increment();
  }

  /**
   * The pod's owner chain: its own owners, a ReplicaSet's Deployment and a Job's CronJob (from the
   * bounded, cached GETs of the lookup; a slow answer only drops those attributes).
   */
  static List<PodContext.Owner> owners(Pod pod, String namespace, CollectorLookup lookup) {
    List<PodContext.Owner> out = new ArrayList<>();
    if (pod.getMetadata() == null || pod.getMetadata().getOwnerReferences() == null) {
      return out;
    }
    for (OwnerReference ref : pod.getMetadata().getOwnerReferences()) {
      out.add(new PodContext.Owner(ref.getKind(), ref.getName(), ref.getUid()));
      Optional<? extends HasMetadata> parent =
          switch (String.valueOf(ref.getKind())) {
            case "ReplicaSet" -> lookup.replicaSet(namespace, ref.getName());
            case "Job" -> lookup.job(namespace, ref.getName());
            default -> Optional.empty();
          };
      parent
          .map(HasMetadata::getMetadata)
          .filter(m -> m.getOwnerReferences() != null)
          .ifPresent(
              m ->
                  m.getOwnerReferences()
                      .forEach(
                          r ->
                              out.add(new PodContext.Owner(r.getKind(), r.getName(), r.getUid()))));
    }
    return out;
  }

  /**
   * The mutated pod, keeping the received JSON wherever the model round trip did not change it: a
   * model drops what it does not know (empty lists, unknown fields, the API server's spelling), and
   * none of that may show up in the patch.
   *
   * @param original the received tree
   * @param roundTrip the original through the model and back
   * @param mutated the mutated model as a tree
   */
  static JsonNode preserving(JsonNode original, JsonNode roundTrip, JsonNode mutated) {
    if (original == null || roundTrip == null) {
      return mutated;
    }
    if (roundTrip.equals(mutated)) {
      return original;
    }
    if (original.isObject() && roundTrip.isObject() && mutated.isObject()) {
      ObjectNode out = ((ObjectNode) original).objectNode();
      // Keys the model dropped stay as they were; keys it removed go; others merge.
      Iterator<Map.Entry<String, JsonNode>> fields = original.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> e = fields.next();
        String k = e.getKey();
        if (!roundTrip.has(k) && !mutated.has(k)) {
          out.set(k, e.getValue());
        } else if (!roundTrip.has(k)) {
          out.set(k, mutated.get(k));
        } else if (mutated.has(k)) {
          out.set(k, preserving(e.getValue(), roundTrip.get(k), mutated.get(k)));
        }
      }
      mutated
          .fields()
          .forEachRemaining(
              e -> {
                if (!out.has(e.getKey())) {
                  out.set(e.getKey(), e.getValue());
                }
              });
      return out;
    }
    if (original.isArray()
        && roundTrip.isArray()
        && mutated.isArray()
        && original.size() == roundTrip.size()) {
      ArrayNode out = ((ArrayNode) original).arrayNode();
      // Instrumentation appends or inserts whole elements: match them by name where they have one.
      for (JsonNode m : mutated) {
        int i = indexOf(roundTrip, m);
        out.add(i >= 0 ? preserving(original.get(i), roundTrip.get(i), m) : m);
      }
      return out;
    }
    return mutated;
  }

  private static int indexOf(JsonNode list, JsonNode element) {
    JsonNode name = element.get("name");
    for (int i = 0; i < list.size(); i++) {
      JsonNode candidate = list.get(i);
      if (name != null && name.equals(candidate.get("name"))) {
        return i;
      }
      if (name == null && candidate.equals(element)) {
        return i;
      }
    }
    return -1;
  }

  private static Map<String, String> annotations(JsonNode pod) {
    JsonNode a = pod.path("metadata").path("annotations");
    if (!a.isObject()) {
      return Map.of();
    }
    Map<String, String> out = new TreeMap<>();
    a.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    return out;
  }
}
