package dev.telescope.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Runs the steps of one {@link ChainsawCase} against a {@link Cluster}, in order, the way chainsaw
 * would, minus what cannot run here: {@code script}/{@code command} operations are skipped (their
 * outputs stay unbound unless a substitute is known, and operations that need an unbound output are
 * skipped too), and status stanzas that only running pods can fill are stripped from expectations
 * (see {@link #strip}). Checks are retried, as chainsaw does, until they hold, the cluster has
 * settled, or the cluster's assertion timeout passes (zero for the synchronous emulated cluster).
 */
final class CaseRunner {
  /** How a step ended. */
  enum Outcome {
    /** Every check held. */
    PASS,
    /** A check failed; the messages say where. */
    FAIL,
    /** The step has no checks (apply/delete only) and its operations succeeded. */
    SETUP,
    /** Nothing in the step could be checked here (scripts, running pods, listed skip). */
    SKIPPED,
    /** A v1alpha1 conversion was needed and is not available yet. */
    PENDING
  }

  /** The result of one step, with what was skipped or stripped along the way. */
  record StepResult(String step, Outcome outcome, List<String> messages, List<String> notes) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ChainsawCase test;
  private final Cluster cluster;
  private final String namespace;
  private final Map<String, JsonNode> bindings = new LinkedHashMap<>();
  private final Map<String, JsonNode> scriptSubstitutes;
  private final Map<String, Function<List<JsonNode>, JsonNode>> functions;
  private String pending;

  /**
   * @param scriptSubstitutes values to bind for script outputs that are known without running the
   *     script (e.g. the operator's collector version)
   * @param serverMinor the emulated Kubernetes minor version ({@code x_k8s_server_version})
   */
  CaseRunner(
      ChainsawCase test,
      Cluster cluster,
      String namespace,
      Map<String, JsonNode> scriptSubstitutes,
      int serverMinor) {
    this.test = test;
    this.cluster = cluster;
    this.namespace = namespace;
    this.scriptSubstitutes = scriptSubstitutes;
    ObjectNode version = JSON.createObjectNode();
    version.put("major", "1");
    version.put("minor", Integer.toString(serverMinor));
    version.put("gitVersion", "v1." + serverMinor + ".0");
    this.functions =
        Map.of(
            "x_k8s_server_version", args -> version,
            "x_k8s_exists",
                args -> {
                  String ns = args.get(3).isNull() ? null : args.get(3).asText();
                  String name = args.get(4).asText();
                  boolean exists =
                      cluster.list(args.get(1).asText(), args.get(2).asText(), ns).stream()
                          .anyMatch(o -> name.equals(o.at("/metadata/name").asText()));
                  return JSON.getNodeFactory().booleanNode(exists);
                });
    bindings.put("namespace", TextNode.valueOf(namespace));
    bindings.put("client", TextNode.valueOf("client"));
    bindings.put("config", TextNode.valueOf("config"));
    bind(bindings, test.bindings());
  }

  String namespace() {
    return namespace;
  }

  private Jmes.Scope scope(Map<String, JsonNode> b) {
    return new Jmes.Scope(b, functions);
  }

  private void bind(Map<String, JsonNode> into, List<ChainsawCase.Binding> list) {
    for (ChainsawCase.Binding b : list) {
      JsonNode v = b.value();
      if (v.isTextual() && ChainsawAssert.isExpression(v.asText())) {
        try {
          into.put(
              b.name(),
              Jmes.eval(ChainsawAssert.inner(v.asText()), NullNode.instance, scope(into)));
        } catch (Jmes.UnboundVariable u) {
          // Left unbound: whatever needs it is skipped.
        }
      } else {
        into.put(b.name(), v);
      }
    }
  }

  /**
   * Runs one step.
   *
   * @param checks false to only perform the step's writes (a listed skip keeps later steps'
   *     starting state right) and report it skipped
   */
  StepResult run(ChainsawCase.Step step, boolean checks) {
    if (pending != null) {
      return new StepResult(
          step.name(),
          Outcome.PENDING,
          List.of("pending conversion (an earlier step needed it): " + pending),
          List.of());
    }
    Map<String, JsonNode> local = new LinkedHashMap<>(bindings);
    bind(local, step.bindings());
    List<String> failures = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    int evaluated = 0;
    int skippedChecks = 0;
    try {
      for (ChainsawCase.Op op : step.ops()) {
        if (!checks && (op.type().equals("assert") || op.type().equals("error"))) {
          continue;
        }
        try {
          switch (op.type()) {
            case "apply", "create", "update", "patch" -> {
              // An operation's own bindings (chainsaw evaluates them over the step's).
              Map<String, JsonNode> opLocal = local;
              if (op.body().has("bindings")) {
                opLocal = new LinkedHashMap<>(local);
                bind(opLocal, ChainsawCase.bindings(op.body().path("bindings")));
              }
              List<String> f = write(op, opLocal, checks);
              if (op.isCheck() && checks) {
                evaluated++;
              }
              failures.addAll(f);
            }
            case "assert", "error" -> {
              failures.addAll(check(op, local, notes));
              evaluated++;
            }
            case "delete" -> delete(op, local);
            case "script", "command" -> {
              notes.add(op.type() + " skipped (not run outside a real cluster)");
              for (JsonNode out : op.body().path("outputs")) {
                String name = out.path("name").asText();
                if (scriptSubstitutes.containsKey(name)) {
                  bindings.put(name, scriptSubstitutes.get(name));
                  local.put(name, scriptSubstitutes.get(name));
                  notes.add(
                      "$" + name + " bound to " + scriptSubstitutes.get(name) + " in its place");
                }
              }
              if (op.body().has("check")) {
                skippedChecks++;
              }
            }
            case "use" ->
                notes.add(
                    "step template "
                        + op.body().path("template").asText()
                        + " not in the corpus; skipped");
            case "sleep", "wait", "podLogs", "describe", "events", "get" -> {}
            default -> failures.add("unsupported operation '" + op.type() + "'");
          }
        } catch (Jmes.UnboundVariable u) {
          skippedChecks += op.isCheck() ? 1 : 0;
          notes.add(op.type() + " skipped: it needs $" + u.name + ", a skipped script's output");
        }
      }
    } catch (RenderCluster.PendingConversion p) {
      pending = p.getMessage();
      return new StepResult(
          step.name(), Outcome.PENDING, List.of("pending conversion: " + p.getMessage()), notes);
    }
    if (!checks) {
      return new StepResult(step.name(), Outcome.SKIPPED, failures, notes);
    }
    if (!failures.isEmpty()) {
      return new StepResult(step.name(), Outcome.FAIL, failures, notes);
    }
    if (evaluated == 0) {
      boolean onlyScripts =
          step.ops().stream()
              .allMatch(o -> java.util.Set.of("script", "command", "use").contains(o.type()));
      return new StepResult(
          step.name(),
          skippedChecks > 0 || onlyScripts ? Outcome.SKIPPED : Outcome.SETUP,
          failures,
          notes);
    }
    return new StepResult(step.name(), Outcome.PASS, failures, notes);
  }

  // ---------------------------------------------------------------- operations

  private List<JsonNode> resources(ChainsawCase.Op op) {
    JsonNode body = op.body();
    if (body.has("file")) {
      return ChainsawCase.documents(test.dir().resolve(body.get("file").asText()));
    }
    if (body.has("resource")) {
      return List.of(body.get("resource"));
    }
    throw new IllegalArgumentException(op.type() + " without file or resource");
  }

  private List<String> write(ChainsawCase.Op op, Map<String, JsonNode> local, boolean checks) {
    boolean template = op.body().path("template").asBoolean(true);
    List<String> failures = new ArrayList<>();
    for (JsonNode raw : resources(op)) {
      ObjectNode doc = (ObjectNode) (template ? template(raw, scope(local)) : raw.deepCopy());
      withNamespace(doc);
      String error = null;
      try {
        switch (op.type()) {
          case "update" -> cluster.update(List.of(doc));
          case "patch" -> cluster.patch(List.of(doc));
          default -> cluster.apply(List.of(doc));
        }
      } catch (Cluster.Rejected r) {
        error = r.getMessage();
      }
      String what =
          op.type() + " " + doc.path("kind").asText() + " " + doc.at("/metadata/name").asText();
      if (op.body().has("expect")) {
        if (!checks) {
          continue;
        }
        Map<String, JsonNode> withError = new LinkedHashMap<>(local);
        withError.put("error", error == null ? NullNode.instance : TextNode.valueOf(error));
        for (JsonNode expect : op.body().get("expect")) {
          for (String f : ChainsawAssert.check(expect.path("check"), doc, scope(withError))) {
            failures.add(what + ": expect " + f);
          }
        }
      } else if (error != null) {
        failures.add(what + " was rejected: " + error);
      }
    }
    return failures;
  }

  private void withNamespace(ObjectNode doc) {
    if (!Cluster.clusterScoped(doc.path("kind").asText())) {
      ObjectNode meta = ServerDefaults.object(doc, "metadata");
      if (!meta.hasNonNull("namespace")) {
        meta.put("namespace", namespace);
      }
    }
  }

  private void delete(ChainsawCase.Op op, Map<String, JsonNode> local) {
    JsonNode ref = op.body().path("ref");
    JsonNode t = template(ref, scope(local));
    String kind = t.path("kind").asText();
    String ns = t.hasNonNull("namespace") ? t.get("namespace").asText() : namespace;
    try {
      cluster.delete(t.path("apiVersion").asText(), kind, ns, t.path("name").asText());
    } catch (Cluster.Rejected e) {
      // chainsaw's delete succeeds when the object is already gone.
      if (e.getMessage() == null || !e.getMessage().contains("not found")) {
        throw e;
      }
    }
  }

  private List<String> check(ChainsawCase.Op op, Map<String, JsonNode> local, List<String> notes) {
    List<String> failures = new ArrayList<>();
    for (JsonNode raw : resources(op)) {
      JsonNode doc = strip(raw, notes);
      failures.addAll(eventually(() -> checkOnce(op.type(), doc, local)));
    }
    return failures;
  }

  private List<String> checkOnce(String type, JsonNode doc, Map<String, JsonNode> local) {
    return type.equals("assert")
        ? ChainsawAssert.assertDocument(cluster, doc, namespace, scope(local))
        : ChainsawAssert.errorDocument(cluster, doc, namespace, scope(local));
  }

  /** chainsaw retries a check until it holds or its timeout passes: bounded polling. */
  private List<String> eventually(java.util.function.Supplier<List<String>> check) {
    // A failure seen after the cluster had settled is final, so "settled" is asked before the
    // check.
    if (cluster.assertTimeout().isZero()) {
      // An emulated cluster is settled as soon as the call returns: one look decides.
      return check.get();
    }
    java.util.concurrent.atomic.AtomicReference<List<String>> last =
        new java.util.concurrent.atomic.AtomicReference<>();
    try {
      org.awaitility.Awaitility.await()
          .atMost(cluster.assertTimeout())
          .pollDelay(java.time.Duration.ZERO)
          .pollInterval(java.time.Duration.ofMillis(50))
          .until(
              () -> {
                boolean settled = cluster.settled();
                last.set(check.get());
                return last.get().isEmpty() || settled;
              });
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      // the last failures stand
    }
    return last.get();
  }

  /** The annotation the deployment controller writes on each rollout. */
  private static final String REVISION = "deployment.kubernetes.io/revision";

  /** Kinds whose status comes from controllers acting on running pods. */
  private static final java.util.Set<String> POD_STATUS_KINDS =
      java.util.Set.of(
          "Deployment",
          "StatefulSet",
          "DaemonSet",
          "ReplicaSet",
          "Pod",
          "Job",
          "HorizontalPodAutoscaler",
          "PersistentVolumeClaim");

  /**
   * Drops the status stanzas that need running pods: the whole status of workloads, Pods, Jobs and
   * HPAs, and {@code status.scale} (replica counts) of a collector. The status fields the operator
   * itself writes (image, version, observedGeneration, conditions) are kept.
   */
  static JsonNode strip(JsonNode doc, List<String> notes) {
    String kind = doc.path("kind").asText();
    if ("Deployment".equals(kind) && doc.at("/metadata/annotations").has(REVISION)) {
      ObjectNode copy = doc.deepCopy();
      ObjectNode annotations = (ObjectNode) copy.at("/metadata/annotations");
      annotations.remove(REVISION);
      if (annotations.isEmpty()) {
        ((ObjectNode) copy.get("metadata")).remove("annotations");
      }
      notes.add("stripped Deployment " + name(doc) + " " + REVISION + " (deployment controller)");
      doc = copy;
    }
    if (POD_STATUS_KINDS.contains(kind) && doc.has("status")) {
      ObjectNode copy = doc.deepCopy();
      copy.remove("status");
      notes.add("stripped " + kind + " " + name(doc) + " status (needs running pods)");
      return copy;
    }
    if (RenderCluster.CR_KIND.equals(kind) && doc.path("status").has("scale")) {
      ObjectNode copy = doc.deepCopy();
      ((ObjectNode) copy.get("status")).remove("scale");
      notes.add("stripped " + kind + " " + name(doc) + " status.scale (needs running pods)");
      return copy;
    }
    return doc;
  }

  private static String name(JsonNode doc) {
    JsonNode n = doc.at("/metadata/name");
    return n.isTextual() ? n.asText() : "(by labels)";
  }

  /** chainsaw templating: string values written as {@code (expression)} are evaluated. */
  static JsonNode template(JsonNode node, Jmes.Scope scope) {
    if (node.isObject()) {
      ObjectNode out = JSON.createObjectNode();
      Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        out.set(e.getKey(), template(e.getValue(), scope));
      }
      return out;
    }
    if (node.isArray()) {
      var out = JSON.createArrayNode();
      node.forEach(e -> out.add(template(e, scope)));
      return out;
    }
    if (node.isTextual() && ChainsawAssert.isExpression(node.asText())) {
      return Jmes.eval(ChainsawAssert.inner(node.asText()), NullNode.instance, scope);
    }
    return node.deepCopy();
  }
}
