package dev.telescope.reconciler;

import dev.telescope.api.v1alpha1.TargetAllocator;
import dev.telescope.api.v1alpha1.TargetAllocatorStatus;
import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import dev.telescope.config.Defaults;
import dev.telescope.manifests.CollectorContext;
import dev.telescope.manifests.Labels;
import dev.telescope.manifests.targetallocator.AllocatorContext;
import dev.telescope.manifests.targetallocator.AllocatorManifests;
import dev.telescope.settings.OperatorConfig;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.GroupVersionKind;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles one TargetAllocator, standalone or spawned by a collector: finds the collector it
 * serves (owner, else the one labelled {@code opentelemetry.io/target-allocator: <name>}), renders
 * the allocator with the pure builders, applies only what differs, prunes what is no longer wanted
 * and reports Ready in the status, with a Warning Event when it cannot.
 */
public class TargetAllocatorReconciler implements Reconciler<TargetAllocator> {
  private static final Logger LOG = LoggerFactory.getLogger(TargetAllocatorReconciler.class);

  static final List<Class<? extends HasMetadata>> OWNED =
      List.of(
          ConfigMap.class,
          Deployment.class,
          ServiceAccount.class,
          Service.class,
          PodDisruptionBudget.class,
          NetworkPolicy.class);

  private static final String COLLECTORS = "OpenTelemetryCollector";

  private final OperatorConfig cfg;
  private final Applier applier;
  private final EventRecorder events;
  private final Clock clock;
  private final Map<String, InformerEventSource<? extends HasMetadata, TargetAllocator>> sources =
      new LinkedHashMap<>();
  private InformerEventSource<OpenTelemetryCollector, TargetAllocator> collectors;

  public TargetAllocatorReconciler(
      OperatorConfig cfg, Applier applier, EventRecorder events, Clock clock) {
    this.cfg = cfg;
    this.applier = applier;
    this.events = events;
    this.clock = clock;
  }

  @Override
  public List<EventSource<?, TargetAllocator>> prepareEventSources(
      EventSourceContext<TargetAllocator> context) {
    List<EventSource<?, TargetAllocator>> out = new ArrayList<>();
    for (Class<? extends HasMetadata> kind : OWNED) {
      out.add(register(kind.getSimpleName(), namespaced(kind), context));
    }
    if (cfg.capabilities().certManager()) {
      // Watched so that turning mTLS off prunes them and the applier compares with the cache.
      for (var k : List.of(GenericKinds.ISSUER, GenericKinds.CERTIFICATE)) {
        var c =
            InformerEventSourceConfiguration.from(
                    new GroupVersionKind(k.getGroup(), k.getVersion(), k.getKind()),
                    TargetAllocator.class)
                .withName(k.getKind())
                .withLabelSelector(Labels.MANAGED_SELECTOR)
                .withNamespacesInheritedFromController()
                .build();
        out.add(register(k.getKind(), c, context));
      }
    }
    if (cfg.capabilities().prometheusCrds()) {
      var sm = GenericKinds.SERVICE_MONITOR;
      var c =
          InformerEventSourceConfiguration.from(
                  new GroupVersionKind(sm.getGroup(), sm.getVersion(), sm.getKind()),
                  TargetAllocator.class)
              .withName(sm.getKind())
              .withLabelSelector(Labels.MANAGED_SELECTOR)
              .withNamespacesInheritedFromController()
              .build();
      out.add(register(sm.getKind(), c, context));
    }
    // Collectors change what the allocator hands out (their scrape configs) without changing the
    // TargetAllocator CR, so their events wake the allocator they use.
    var cc =
        InformerEventSourceConfiguration.from(OpenTelemetryCollector.class, TargetAllocator.class)
            .withName(COLLECTORS)
            .withNamespacesInheritedFromController()
            .withSecondaryToPrimaryMapper(TargetAllocatorReconciler::allocatorOf)
            .build();
    collectors = new InformerEventSource<>(cc, context);
    out.add(collectors);
    return out;
  }

  /** The allocator a collector uses: its own (same name) when embedded, else the labelled one. */
  static Set<ResourceID> allocatorOf(OpenTelemetryCollector c) {
    Set<ResourceID> out = new HashSet<>();
    String ns = c.getMetadata().getNamespace();
    if (c.getSpec() != null
        && c.getSpec().targetAllocator != null
        && Boolean.TRUE.equals(c.getSpec().targetAllocator.enabled)) {
      out.add(new ResourceID(c.getMetadata().getName(), ns));
    }
    Map<String, String> labels = c.getMetadata().getLabels();
    if (labels != null && labels.get(TargetAllocator.COLLECTOR_LABEL) != null) {
      out.add(new ResourceID(labels.get(TargetAllocator.COLLECTOR_LABEL), ns));
    }
    return out;
  }

  private <R extends HasMetadata> InformerEventSourceConfiguration<R> namespaced(Class<R> kind) {
    return InformerEventSourceConfiguration.from(kind, TargetAllocator.class)
        .withName(kind.getSimpleName())
        .withLabelSelector(
            Labels.MANAGED_SELECTOR + "," + Labels.COMPONENT + "=" + Labels.TA_COMPONENT)
        .withNamespacesInheritedFromController()
        .build();
  }

  private <R extends HasMetadata> InformerEventSource<R, TargetAllocator> register(
      String key, InformerEventSourceConfiguration<R> c, EventSourceContext<TargetAllocator> ctx) {
    InformerEventSource<R, TargetAllocator> es = new InformerEventSource<>(c, ctx);
    sources.put(key, es);
    return es;
  }

  @Override
  public UpdateControl<TargetAllocator> reconcile(
      TargetAllocator ta, Context<TargetAllocator> context) {
    if (ta.getSpec() != null
        && ta.getSpec().managementState == dev.telescope.api.common.ManagementState.UNMANAGED) {
      return UpdateControl.noUpdate();
    }
    List<OpenTelemetryCollector> served = collectorsOf(ta);
    if (served.size() > 1) {
      return finish(
          ta,
          false,
          "MultipleCollectors",
          "more than one collector is labelled "
              + TargetAllocator.COLLECTOR_LABEL
              + "="
              + ta.getMetadata().getName()
              + "; label only one");
    }
    CollectorContext collector =
        served.isEmpty()
            ? null
            : CollectorContext.of(Defaults.apply(served.get(0), cfg).collector(), cfg);
    AllocatorContext ctx = AllocatorContext.of(ta, collector, cfg);
    Set<String> wanted = new HashSet<>();
    for (HasMetadata o : AllocatorManifests.build(ctx)) {
      withOwner(o, ta);
      wanted.add(key(o));
      applier.apply(o, cached(o));
    }
    prune(ta, wanted);
    return finish(ta, true, "Reconciled", "Successfully reconciled");
  }

  /** The collector this allocator serves: the owner, else those labelled with its name. */
  List<OpenTelemetryCollector> collectorsOf(TargetAllocator ta) {
    String ns = ta.getMetadata().getNamespace();
    List<OwnerReference> refs = ta.getMetadata().getOwnerReferences();
    if (refs != null) {
      for (OwnerReference r : refs) {
        if ("OpenTelemetryCollector".equals(r.getKind())) {
          return collectors.get(new ResourceID(r.getName(), ns)).map(List::of).orElse(List.of());
        }
      }
    }
    return collectors
        .list(
            ns,
            c ->
                c.getMetadata().getLabels() != null
                    && ta.getMetadata()
                        .getName()
                        .equals(c.getMetadata().getLabels().get(TargetAllocator.COLLECTOR_LABEL)))
        .toList();
  }

  private void prune(TargetAllocator ta, Set<String> wanted) {
    for (var es : sources.values()) {
      for (HasMetadata o : es.getSecondaryResources(ta)) {
        if (!wanted.contains(key(o)) && ownedBy(o, ta)) {
          LOG.info(
              "deleting {} {} no longer wanted by TargetAllocator {}/{}",
              o.getKind(),
              o.getMetadata().getName(),
              ta.getMetadata().getNamespace(),
              ta.getMetadata().getName());
          applier.delete(o);
        }
      }
    }
  }

  private HasMetadata cached(HasMetadata desired) {
    String k =
        desired instanceof GenericKubernetesResource g
            ? g.getKind()
            : desired.getClass().getSimpleName();
    var es = sources.get(k);
    if (es == null) {
      return null;
    }
    return es.get(
            new ResourceID(desired.getMetadata().getName(), desired.getMetadata().getNamespace()))
        .map(HasMetadata.class::cast)
        .orElse(null);
  }

  static void withOwner(HasMetadata o, TargetAllocator ta) {
    o.getMetadata()
        .setOwnerReferences(
            List.of(
                new OwnerReferenceBuilder()
                    .withApiVersion(TargetAllocator.API_VERSION)
                    .withKind(TargetAllocator.KIND)
                    .withName(ta.getMetadata().getName())
                    .withUid(ta.getMetadata().getUid())
                    .withController(true)
                    .withBlockOwnerDeletion(true)
                    .build()));
  }

  private static boolean ownedBy(HasMetadata o, TargetAllocator ta) {
    var refs = o.getMetadata().getOwnerReferences();
    return refs != null
        && refs.stream()
            .anyMatch(r -> r.getUid() != null && r.getUid().equals(ta.getMetadata().getUid()));
  }

  private static String key(HasMetadata o) {
    return o.getKind() + "/" + o.getMetadata().getNamespace() + "/" + o.getMetadata().getName();
  }

  private UpdateControl<TargetAllocator> finish(
      TargetAllocator ta, boolean ok, String reason, String message) {
    TargetAllocatorStatus before = ta.getStatus();
    TargetAllocatorStatus after = new TargetAllocatorStatus();
    String image = ta.getSpec() == null ? null : ta.getSpec().image;
    after.image = image == null || image.isBlank() ? cfg.targetAllocatorImage() : image;
    after.version = Labels.version(after.image);
    after.observedGeneration = ta.getMetadata().getGeneration();
    // The condition bookkeeping is the collector's; it reads only the previous conditions.
    var previous = new dev.telescope.api.v1beta1.OpenTelemetryCollectorStatus();
    previous.conditions = before == null ? null : before.conditions;
    after.conditions =
        StatusCalculator.mergeConditions(
            previous,
            List.of(new StatusCalculator.Cond(StatusCalculator.READY, ok, reason, message)),
            after.observedGeneration,
            clock.instant());
    if (before != null && same(before, after)) {
      return UpdateControl.noUpdate();
    }
    if (!ok) {
      events.warning(ta, reason, "Reconcile", message);
    }
    TargetAllocator patch = new TargetAllocator();
    patch.setMetadata(ta.getMetadata());
    patch.setSpec(ta.getSpec());
    patch.setStatus(after);
    return UpdateControl.patchStatus(patch);
  }

  private static boolean same(TargetAllocatorStatus a, TargetAllocatorStatus b) {
    return java.util.Objects.equals(a.image, b.image)
        && java.util.Objects.equals(a.version, b.version)
        && java.util.Objects.equals(a.observedGeneration, b.observedGeneration)
        && java.util.Objects.equals(a.conditions, b.conditions);
  }

  @Override
  public ErrorStatusUpdateControl<TargetAllocator> updateErrorStatus(
      TargetAllocator ta, Context<TargetAllocator> context, Exception e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (e instanceof KubernetesClientException k
        && k.getStatus() != null
        && k.getStatus().getMessage() != null) {
      message = k.getStatus().getMessage();
    }
    LOG.warn(
        "reconciling TargetAllocator {}/{} failed: {}",
        ta.getMetadata().getNamespace(),
        ta.getMetadata().getName(),
        message);
    UpdateControl<TargetAllocator> u = finish(ta, false, "ReconcileError", message);
    return u.isPatchStatus()
        ? ErrorStatusUpdateControl.patchStatus(u.getResource().orElseThrow())
        : ErrorStatusUpdateControl.noStatusUpdate();
  }
}
