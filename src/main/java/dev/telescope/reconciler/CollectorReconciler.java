package dev.telescope.reconciler;

import dev.telescope.api.common.Mode;
import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import dev.telescope.api.v1beta1.OpenTelemetryCollectorStatus;
import dev.telescope.config.Defaults;
import dev.telescope.config.Validation;
import dev.telescope.manifests.CollectorContext;
import dev.telescope.manifests.CollectorManifests;
import dev.telescope.manifests.Labels;
import dev.telescope.manifests.PodTemplates;
import dev.telescope.manifests.TargetAllocatorBuilder;
import dev.telescope.naming.Names;
import dev.telescope.settings.OperatorConfig;
import dev.telescope.upgrade.CollectorUpgrade;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.GroupVersionKind;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles one OpenTelemetryCollector: renders its objects with the pure builders, applies only
 * what differs, prunes what is no longer wanted and writes status only when it changed. Informers
 * cache only objects labelled as ours, never the cluster's pods or ConfigMaps.
 *
 * <p>The finalizer is ours to manage (the controller runs with "trigger on all events"): a
 * collector carries it only while cluster-scoped RBAC exists for it, as upstream does, so that a
 * collector deleted while no operator runs does not hang.
 *
 * <p>Over ~450 lines because one reconcile pass (upgrade, render, apply, prune, finalizer,
 * allocator and coverage conditions, status) is kept readable in order; its parts already live in
 * builders, Applier, StatusCalculator and PodCoverage.
 */
public class CollectorReconciler implements Reconciler<OpenTelemetryCollector> {
  /** Upstream's finalizer name, so CRs created under upstream stay cleanable. */
  public static final String FINALIZER = "opentelemetrycollector.opentelemetry.io/finalizer";

  private static final Logger LOG = LoggerFactory.getLogger(CollectorReconciler.class);

  /** Namespaced kinds we own, in the order they are pruned. */
  static final List<Class<? extends HasMetadata>> OWNED =
      List.of(
          Deployment.class,
          StatefulSet.class,
          DaemonSet.class,
          PodDisruptionBudget.class,
          HorizontalPodAutoscaler.class,
          Service.class,
          Ingress.class,
          NetworkPolicy.class,
          ServiceAccount.class,
          ConfigMap.class);

  private final OperatorConfig cfg;
  private final Applier applier;
  private final EventRecorder events;
  private final Clock clock;
  private final Map<String, InformerEventSource<? extends HasMetadata, OpenTelemetryCollector>>
      sources = new LinkedHashMap<>();
  private final java.util.concurrent.atomic.AtomicLong reconciles =
      new java.util.concurrent.atomic.AtomicLong();

  private dev.telescope.reconciler.coverage.PodCoverage coverage;

  /** Adds the pod coverage check's condition to sidecar collectors; call before registering. */
  public void coverage(dev.telescope.reconciler.coverage.PodCoverage check) {
    this.coverage = check;
  }

  /** How many reconciles ran (for metrics and tests that wait for a resync). */
  public long reconciles() {
    return reconciles.get();
  }

  public CollectorReconciler(
      OperatorConfig cfg, Applier applier, EventRecorder events, Clock clock) {
    this.cfg = cfg;
    this.applier = applier;
    this.events = events;
    this.clock = clock;
  }

  @Override
  public List<EventSource<?, OpenTelemetryCollector>> prepareEventSources(
      EventSourceContext<OpenTelemetryCollector> context) {
    List<EventSource<?, OpenTelemetryCollector>> out = new ArrayList<>();
    if (coverage != null) {
      out.add(coverage.eventSource(context));
    }
    for (Class<? extends HasMetadata> kind : OWNED) {
      out.add(register(kind.getSimpleName(), namespaced(kind, context), context));
    }
    for (Class<? extends HasMetadata> kind : List.of(ClusterRole.class, ClusterRoleBinding.class)) {
      var c =
          InformerEventSourceConfiguration.from(kind, OpenTelemetryCollector.class)
              .withName(kind.getSimpleName())
              .withLabelSelector(Labels.MANAGED_SELECTOR)
              .withWatchAllNamespaces()
              .withSecondaryToPrimaryMapper(CollectorReconciler::ownerFromAnnotations)
              .build();
      out.add(register(kind.getSimpleName(), c, context));
    }
    var caps = cfg.capabilities();
    if (caps.openShiftRoutes()) {
      out.add(register("Route", generic(GenericKinds.ROUTE, context), context));
    }
    if (caps.gatewayApi()) {
      out.add(register("HTTPRoute", generic(GenericKinds.HTTP_ROUTE, context), context));
    }
    if (caps.prometheusCrds()) {
      out.add(register("ServiceMonitor", generic(GenericKinds.SERVICE_MONITOR, context), context));
      out.add(register("PodMonitor", generic(GenericKinds.POD_MONITOR, context), context));
    }
    if (caps.targetAllocators()) {
      out.add(
          register("TargetAllocator", generic(GenericKinds.TARGET_ALLOCATOR, context), context));
    }
    return out;
  }

  /** Maps a cluster-scoped object back to its collector through our owner annotations. */
  static Set<ResourceID> ownerFromAnnotations(HasMetadata o) {
    var a = o.getMetadata().getAnnotations();
    if (a == null
        || a.get(OwnerAnnotations.NAME) == null
        || a.get(OwnerAnnotations.NAMESPACE) == null) {
      return Set.of();
    }
    return Set.of(new ResourceID(a.get(OwnerAnnotations.NAME), a.get(OwnerAnnotations.NAMESPACE)));
  }

  private <R extends HasMetadata> InformerEventSourceConfiguration<R> namespaced(
      Class<R> kind, EventSourceContext<OpenTelemetryCollector> context) {
    return InformerEventSourceConfiguration.from(kind, OpenTelemetryCollector.class)
        .withName(kind.getSimpleName())
        .withLabelSelector(Labels.MANAGED_SELECTOR)
        .withNamespacesInheritedFromController()
        .build();
  }

  private InformerEventSourceConfiguration<GenericKubernetesResource> generic(
      ResourceDefinitionContext rdc, EventSourceContext<OpenTelemetryCollector> context) {
    return InformerEventSourceConfiguration.from(
            new GroupVersionKind(rdc.getGroup(), rdc.getVersion(), rdc.getKind()),
            OpenTelemetryCollector.class)
        .withName(rdc.getKind())
        .withLabelSelector(Labels.MANAGED_SELECTOR)
        .withNamespacesInheritedFromController()
        .build();
  }

  private <R extends HasMetadata> InformerEventSource<R, OpenTelemetryCollector> register(
      String key,
      InformerEventSourceConfiguration<R> c,
      EventSourceContext<OpenTelemetryCollector> context) {
    InformerEventSource<R, OpenTelemetryCollector> es = new InformerEventSource<>(c, context);
    sources.put(key, es);
    return es;
  }

  @Override
  public UpdateControl<OpenTelemetryCollector> reconcile(
      OpenTelemetryCollector cr, Context<OpenTelemetryCollector> context) {
    reconciles.incrementAndGet();
    if (context.isPrimaryResourceDeleted() || cr.isMarkedForDeletion()) {
      cleanup(cr, context);
      return UpdateControl.noUpdate();
    }
    if (cr.getSpec() != null && cr.getSpec().isUnmanaged()) {
      LOG.debug("{}/{} is unmanaged; leaving its objects alone", ns(cr), name(cr));
      return UpdateControl.noUpdate();
    }
    CollectorUpgrade.Result upgrade = CollectorUpgrade.run(cr, cfg.collectorVersion());
    if (upgrade.problem() != null) {
      LOG.warn("{}/{}: {}", ns(cr), name(cr), upgrade.problem());
    }
    if (upgrade.specChanged()) {
      LOG.info(
          "{}/{} upgraded from {} to {}: {}",
          ns(cr),
          name(cr),
          cr.getStatus().version,
          upgrade.version(),
          upgrade.notes());
    }
    OpenTelemetryCollector current = cr;
    if (upgrade.specChanged()) {
      current = new OpenTelemetryCollector();
      current.setMetadata(cr.getMetadata());
      current.setSpec(upgrade.spec());
      current.setStatus(cr.getStatus());
    }
    Outcome outcome = new Outcome(upgrade);
    OpenTelemetryCollector defaulted = Defaults.apply(current, cfg).collector();
    CollectorContext ctx = CollectorContext.of(defaulted, cfg);
    CollectorManifests.Rendered rendered = CollectorManifests.build(ctx);
    List<StatusCalculator.Cond> conds = new ArrayList<>();

    List<String> errors = Validation.validate(defaulted, null, cfg).errors();
    if (!errors.isEmpty()) {
      String message =
          "the collector spec is invalid, nothing was changed: " + String.join("; ", errors);
      conds.add(new StatusCalculator.Cond(StatusCalculator.READY, false, "ConfigInvalid", message));
      return finish(cr, ctx, null, conds, false, "ConfigInvalid", message, outcome);
    }

    List<HasMetadata> desired = new ArrayList<>();
    for (HasMetadata o : rendered.objects()) {
      if (o.getKind().equals(TargetAllocatorBuilder.KIND)
          && !cfg.capabilities().targetAllocators()) {
        // Without its CRD the write would fail and stop everything rendered after it.
        LOG.warn(
            "{}/{} enables targetAllocator, but the cluster serves no TargetAllocator API"
                + " (opentelemetry.io/v1alpha1 targetallocators); its TargetAllocator CR is not"
                + " created",
            ns(cr),
            name(cr));
        continue;
      }
      desired.add(withOwner(o, cr));
    }
    ApplyOrder.sort(desired);
    boolean needsFinalizer =
        desired.stream().anyMatch(o -> o instanceof ClusterRole || o instanceof ClusterRoleBinding);
    if (needsFinalizer && !cr.hasFinalizer(FINALIZER)) {
      // Before the first cluster-scoped object exists: it has no owner reference to go with.
      // Not on cr itself: JOSDK diffs it against its own copy when it patches.
      PrimaryUpdateAndCacheUtils.addFinalizer(context, FINALIZER);
    }
    boolean changed = false;
    String rbacProblem = null;
    HasMetadata workload = null;
    Set<String> wanted = new HashSet<>();
    for (HasMetadata o : desired) {
      wanted.add(key(o));
      try {
        Applier.Result r = applier.apply(o, cached(o, cr));
        if (r.outcome() != Applier.Outcome.UNCHANGED) {
          changed = true;
          LOG.info(
              "{} {} {}/{}",
              r.outcome().name().toLowerCase(),
              o.getKind(),
              ns(cr),
              o.getMetadata().getName());
        }
        if (o instanceof Deployment || o instanceof StatefulSet || o instanceof DaemonSet) {
          workload = r.object();
        }
      } catch (KubernetesClientException e) {
        if (e.getCode() == 403 && (o instanceof ClusterRole || o instanceof ClusterRoleBinding)) {
          // Kubernetes refuses to let anyone grant permissions they do not hold themselves.
          rbacProblem =
              "the API server refused to create "
                  + o.getKind()
                  + " "
                  + o.getMetadata().getName()
                  + ": "
                  + e.getStatus().getMessage();
          continue;
        }
        throw e;
      }
    }
    changed |= prune(cr, ctx, wanted);
    if (!needsFinalizer && cr.hasFinalizer(FINALIZER)) {
      // Pruning removed any cluster RBAC; nothing is left for the finalizer to clean up.
      PrimaryUpdateAndCacheUtils.removeFinalizer(context, FINALIZER);
    }

    List<PolicyRule> needed = ctx.config().rbacRules();
    if (!needed.isEmpty()) {
      conds.add(rbacCondition(ctx, rendered.refusedRules(), rbacProblem));
    }
    if (!rendered.warnings().isEmpty()) {
      LOG.info("{}/{}: {}", ns(cr), name(cr), rendered.warnings());
    }
    if (coverage != null) {
      coverage.condition(cr).ifPresent(conds::add);
    }
    String allocatorProblem = allocatorProblem(ctx, cr);
    if (allocatorProblem != null) {
      // The scrape configs moved to the allocator: without it nothing scrapes them.
      conds.add(
          new StatusCalculator.Cond(
              StatusCalculator.READY, false, ALLOCATOR_MISSING, allocatorProblem));
      return finish(
          cr, ctx, workload, conds, changed, ALLOCATOR_MISSING, allocatorProblem, outcome);
    }
    conds.add(
        new StatusCalculator.Cond(
            StatusCalculator.READY, true, "Reconciled", "Successfully reconciled"));
    return finish(cr, ctx, workload, conds, changed, null, null, outcome);
  }

  /** What the upgrade routine decided for this reconcile. */
  private record Outcome(CollectorUpgrade.Result upgrade) {}

  /** Ready=False reason of a collector whose allocator is not there. */
  static final String ALLOCATOR_MISSING = "TargetAllocatorUnavailable";

  /**
   * Why the allocator a collector's scrape configs moved to is not serving (API absent or not
   * permitted, or its TargetAllocator not rendered yet), or null when it is.
   */
  private String allocatorProblem(CollectorContext ctx, OpenTelemetryCollector cr) {
    if (!TargetAllocatorBuilder.enabled(ctx)) {
      return null;
    }
    if (!cfg.capabilities().targetAllocators()) {
      return "targetAllocator is enabled, but the TargetAllocator API"
          + " (opentelemetry.io/v1alpha1 targetallocators) is not served or the operator may not"
          + " get/list/watch/create/update/patch/delete it; the prometheus receiver's"
          + " scrape_configs are not being scraped";
    }
    var es = sources.get(TargetAllocatorBuilder.KIND);
    HasMetadata ta = es == null ? null : es.get(new ResourceID(name(cr), ns(cr))).orElse(null);
    if (ta instanceof GenericKubernetesResource g && allocatorReady(g)) {
      return null;
    }
    return "waiting for TargetAllocator "
        + ns(cr)
        + "/"
        + name(cr)
        + " to be rendered; the prometheus receiver's scrape_configs are not scraped until then";
  }

  @SuppressWarnings("unchecked")
  private static boolean allocatorReady(GenericKubernetesResource ta) {
    Object status = ta.getAdditionalProperties().get("status");
    if (!(status instanceof Map<?, ?> st) || !(st.get("conditions") instanceof List<?> list)) {
      return false;
    }
    return list.stream()
        .anyMatch(
            c ->
                c instanceof Map<?, ?> m
                    && StatusCalculator.READY.equals(m.get("type"))
                    && "True".equals(m.get("status")));
  }

  private StatusCalculator.Cond rbacCondition(
      CollectorContext ctx, List<PolicyRule> refused, String apiProblem) {
    String sa = PodTemplates.serviceAccountName(ctx);
    if (!cfg.capabilities().createRbac()) {
      return new StatusCalculator.Cond(
          StatusCalculator.RBAC,
          false,
          "OperatorCannotGrant",
          "the operator may not create ClusterRoles, so these permissions were not granted; grant them to ServiceAccount "
              + ctx.namespace()
              + "/"
              + sa
              + " yourself: "
              + describe(ctx.config().rbacRules()));
    }
    if (apiProblem != null) {
      return new StatusCalculator.Cond(StatusCalculator.RBAC, false, "Forbidden", apiProblem);
    }
    if (!refused.isEmpty()) {
      return new StatusCalculator.Cond(
          StatusCalculator.RBAC,
          false,
          "OutsideAllowlist",
          "these permissions are outside what the operator may grant and were left out; grant them to ServiceAccount "
              + ctx.namespace()
              + "/"
              + sa
              + " yourself if they are really needed: "
              + describe(refused));
    }
    return new StatusCalculator.Cond(
        StatusCalculator.RBAC,
        true,
        "Granted",
        "ClusterRole "
            + Names.clusterRole(ctx.name(), ctx.namespace())
            + " grants what the components need");
  }

  static String describe(List<PolicyRule> rules) {
    return rules.stream()
        .map(
            r ->
                String.join(",", r.getVerbs())
                    + " "
                    + r.getApiGroups().stream()
                        .map(g -> g.isEmpty() ? "core" : g)
                        .collect(Collectors.joining(","))
                    + "/"
                    + String.join(",", r.getResources()))
        .collect(Collectors.joining("; "));
  }

  private UpdateControl<OpenTelemetryCollector> finish(
      OpenTelemetryCollector cr,
      CollectorContext ctx,
      HasMetadata workload,
      List<StatusCalculator.Cond> conds,
      boolean changed,
      String warningReason,
      String warning,
      Outcome outcome) {
    OpenTelemetryCollectorStatus before = cr.getStatus();
    OpenTelemetryCollectorStatus after =
        StatusCalculator.compute(
            ctx, before, workload, conds, clock.instant(), outcome.upgrade().version());
    boolean statusChanged = before == null || !StatusCalculator.same(before, after);
    CollectorUpgrade.Result upgrade = outcome.upgrade();
    if (upgrade.problem() != null && statusChanged) {
      events.warning(cr, "UpgradeFailed", "Upgrade", upgrade.problem());
    }
    if (upgrade.specChanged()) {
      for (String note : upgrade.notes()) {
        events.normal(cr, "Upgrade", "Upgrade", note);
      }
      OpenTelemetryCollector patch = new OpenTelemetryCollector();
      patch.setMetadata(cr.getMetadata());
      patch.setSpec(upgrade.spec());
      patch.setStatus(after);
      return UpdateControl.patchResourceAndStatus(patch);
    }
    if (warning != null && statusChanged) {
      events.warning(cr, warningReason, "Reconcile", warning);
    }
    for (StatusCalculator.Cond c : conds) {
      if (!c.status() && StatusCalculator.RBAC.equals(c.type()) && statusChanged) {
        events.warning(cr, c.reason(), "GrantPermissions", c.message());
      }
    }
    if (!statusChanged) {
      return UpdateControl.noUpdate();
    }
    if (changed || warning == null) {
      events.normal(cr, "Info", "Reconcile", "applied status changes");
    }
    OpenTelemetryCollector patch = new OpenTelemetryCollector();
    patch.setMetadata(cr.getMetadata());
    patch.setSpec(cr.getSpec());
    patch.setStatus(after);
    return UpdateControl.patchStatus(patch);
  }

  /** Deletes owned objects that are no longer desired; keeps recent config versions. */
  private boolean prune(OpenTelemetryCollector cr, CollectorContext ctx, Set<String> wanted) {
    boolean changed = false;
    List<ConfigMap> oldConfigs = new ArrayList<>();
    for (Map.Entry<String, InformerEventSource<? extends HasMetadata, OpenTelemetryCollector>> e :
        sources.entrySet()) {
      for (HasMetadata o : e.getValue().getSecondaryResources(cr)) {
        if (wanted.contains(key(o)) || !ownedBy(o, cr)) {
          continue;
        }
        if (o instanceof ConfigMap cm) {
          oldConfigs.add(cm);
          continue;
        }
        LOG.info(
            "deleting {} {} no longer wanted by {}/{}",
            o.getKind(),
            o.getMetadata().getName(),
            ns(cr),
            name(cr));
        applier.delete(o);
        changed = true;
      }
    }
    int keep = ctx.spec().configVersions == null ? 3 : ctx.spec().configVersions;
    oldConfigs.sort(
        Comparator.comparing(
                (ConfigMap c) ->
                    c.getMetadata().getCreationTimestamp() == null
                        ? ""
                        : c.getMetadata().getCreationTimestamp())
            .thenComparing(c -> c.getMetadata().getName())
            .reversed());
    for (int i = keep; i < oldConfigs.size(); i++) {
      LOG.info(
          "deleting old config version {} of {}/{}",
          oldConfigs.get(i).getMetadata().getName(),
          ns(cr),
          name(cr));
      applier.delete(oldConfigs.get(i));
      changed = true;
    }
    return changed;
  }

  private static boolean ownedBy(HasMetadata o, OpenTelemetryCollector cr) {
    var refs = o.getMetadata().getOwnerReferences();
    if (refs != null
        && refs.stream()
            .anyMatch(r -> r.getUid() != null && r.getUid().equals(cr.getMetadata().getUid()))) {
      return true;
    }
    var a = o.getMetadata().getAnnotations();
    return a != null
        && name(cr).equals(a.get(OwnerAnnotations.NAME))
        && ns(cr).equals(a.get(OwnerAnnotations.NAMESPACE));
  }

  private HasMetadata cached(HasMetadata desired, OpenTelemetryCollector cr) {
    String key =
        desired instanceof GenericKubernetesResource g
            ? g.getKind()
            : desired.getClass().getSimpleName();
    InformerEventSource<? extends HasMetadata, OpenTelemetryCollector> es = sources.get(key);
    if (es == null) {
      return null;
    }
    return es.get(
            new ResourceID(desired.getMetadata().getName(), desired.getMetadata().getNamespace()))
        .map(HasMetadata.class::cast)
        .orElse(null);
  }

  /** Namespaced objects get a controller reference; cluster-scoped ones owner annotations. */
  static HasMetadata withOwner(HasMetadata o, OpenTelemetryCollector cr) {
    if (o.getMetadata().getNamespace() != null) {
      OwnerReference ref =
          new OwnerReferenceBuilder()
              .withApiVersion(OpenTelemetryCollector.API_VERSION)
              .withKind("OpenTelemetryCollector")
              .withName(name(cr))
              .withUid(cr.getMetadata().getUid())
              .withController(true)
              .withBlockOwnerDeletion(true)
              .build();
      o.getMetadata().setOwnerReferences(List.of(ref));
    } else {
      Map<String, String> a =
          o.getMetadata().getAnnotations() == null
              ? new TreeMap<>()
              : new TreeMap<>(o.getMetadata().getAnnotations());
      a.put(OwnerAnnotations.NAME, name(cr));
      a.put(OwnerAnnotations.NAMESPACE, ns(cr));
      o.getMetadata().setAnnotations(a);
    }
    return o;
  }

  private static String key(HasMetadata o) {
    return o.getKind() + "/" + o.getMetadata().getNamespace() + "/" + o.getMetadata().getName();
  }

  /**
   * A deleted collector: namespaced objects go with it through their owner references;
   * cluster-scoped RBAC cannot, so it is removed here, and then our finalizer.
   */
  private void cleanup(OpenTelemetryCollector cr, Context<OpenTelemetryCollector> context) {
    var client = context.getClient();
    List<HasMetadata> cluster = new ArrayList<>();
    cluster.addAll(
        client
            .rbac()
            .clusterRoleBindings()
            .withLabel(Labels.MANAGED_BY, Labels.OPERATOR)
            .list()
            .getItems());
    cluster.addAll(
        client
            .rbac()
            .clusterRoles()
            .withLabel(Labels.MANAGED_BY, Labels.OPERATOR)
            .list()
            .getItems());
    for (HasMetadata o : cluster) {
      if (ownedBy(o, cr)) {
        LOG.info(
            "deleting {} {} of deleted collector {}/{}",
            o.getKind(),
            o.getMetadata().getName(),
            ns(cr),
            name(cr));
        applier.delete(o);
      }
    }
    if (!context.isPrimaryResourceDeleted() && cr.hasFinalizer(FINALIZER)) {
      PrimaryUpdateAndCacheUtils.removeFinalizer(context, FINALIZER);
    }
  }

  @Override
  public ErrorStatusUpdateControl<OpenTelemetryCollector> updateErrorStatus(
      OpenTelemetryCollector cr, Context<OpenTelemetryCollector> context, Exception e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (e instanceof KubernetesClientException k
        && k.getStatus() != null
        && k.getStatus().getMessage() != null) {
      message = k.getStatus().getMessage();
    }
    LOG.warn("reconciling {}/{} failed: {}", ns(cr), name(cr), message);
    OpenTelemetryCollector defaulted = Defaults.apply(cr, cfg).collector();
    CollectorContext ctx = CollectorContext.of(defaulted, cfg);
    OpenTelemetryCollectorStatus before = cr.getStatus();
    OpenTelemetryCollectorStatus after =
        StatusCalculator.compute(
            ctx,
            before,
            null,
            List.of(
                new StatusCalculator.Cond(
                    StatusCalculator.READY, false, "ReconcileError", message)),
            clock.instant());
    if (before != null) {
      after.scale = before.scale;
    }
    if (before != null && StatusCalculator.same(before, after)) {
      return ErrorStatusUpdateControl.noStatusUpdate();
    }
    events.warning(cr, "Error", "Reconcile", message);
    // A JSON merge patch of the whole status, retried on a conflict: JOSDK's error-status patch is
    // a
    // JSON Patch computed against the cached copy, whose array indexes fail when that copy trails
    // the server (a 422 on a real API server; the mock hangs the request instead).
    OpenTelemetryCollectorStatus status = after;
    try {
      PrimaryUpdateAndCacheUtils.mergePatchStatusAndCacheResource(
          cr,
          context,
          r -> {
            r.setStatus(status);
            return r;
          });
    } catch (RuntimeException patchFailed) {
      LOG.warn(
          "{}/{}: could not record the error in status: {}",
          ns(cr),
          name(cr),
          patchFailed.getMessage());
    }
    return ErrorStatusUpdateControl.noStatusUpdate();
  }

  private static String ns(OpenTelemetryCollector cr) {
    return cr.getMetadata().getNamespace();
  }

  private static String name(OpenTelemetryCollector cr) {
    return cr.getMetadata().getName();
  }

  /** Unused mode import guard for readers: sidecar collectors have no workload. */
  static boolean hasWorkload(CollectorContext ctx) {
    return ctx.mode() != Mode.SIDECAR;
  }
}
