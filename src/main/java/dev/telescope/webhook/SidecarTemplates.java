package dev.telescope.webhook;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import dev.telescope.manifests.CollectorContainer;
import dev.telescope.manifests.CollectorContext;
import dev.telescope.manifests.PodTemplates;
import dev.telescope.naming.Names;
import dev.telescope.settings.OperatorConfig;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Volume;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps what each sidecar collector adds to a pod, built once per collector version, because
 * rendering a collector's container costs far more than the rest of an admission.
 */
final class SidecarTemplates {
  /**
   * What a collector adds to every pod, built once per collector version and kept as JSON: parsing
   * the config and rendering {@code OTEL_CONFIG} cost far more than the rest of an admission, and a
   * sidecar collector changes rarely while its pods are created often. Never handed out: each pod
   * gets deep copies.
   *
   * @param sidecar the {@code otc-container} as JSON, native-sidecar settings applied
   * @param hasResourceAttributes the CR sets {@code OTEL_RESOURCE_ATTRIBUTES} itself, so the pod
   *     identity env is not added
   */
  record Template(
      String uid,
      String resourceVersion,
      String collector,
      String injectedLabel,
      ObjectNode sidecar,
      boolean hasResourceAttributes,
      List<ObjectNode> initContainers,
      List<ObjectNode> volumes) {

    static Template of(CollectorContext ctx, boolean nativeSidecars) {
      var meta = ctx.cr().getMetadata();
      Container container = CollectorContainer.sidecar(ctx);
      if (nativeSidecars) {
        container.setRestartPolicy("Always");
        // A native sidecar delays the app containers until it has started; without a startup
        // probe "started" means "running", so the readiness probe stands in for one.
        if (container.getStartupProbe() == null && container.getReadinessProbe() != null) {
          container.setStartupProbe(container.getReadinessProbe());
        }
      }
      boolean hasAttributes =
          container.getEnv() != null
              && container.getEnv().stream()
                  .anyMatch(e -> ResourceAttributes.RESOURCE_ATTRIBUTES_ENV.equals(e.getName()));
      List<ObjectNode> init = new ArrayList<>();
      if (ctx.spec().initContainers != null) {
        for (Container c : ctx.spec().initContainers) {
          init.add((ObjectNode) JsonPatches.tree(c));
        }
      }
      List<ObjectNode> volumes = new ArrayList<>();
      for (Volume v : PodTemplates.extraVolumes(ctx)) {
        volumes.add((ObjectNode) JsonPatches.tree(v));
      }
      return new Template(
          meta == null ? null : meta.getUid(),
          meta == null ? null : meta.getResourceVersion(),
          ctx.namespace() + "/" + ctx.name(),
          Names.instance(ctx.namespace(), ctx.name()),
          (ObjectNode) JsonPatches.tree(container),
          hasAttributes,
          List.copyOf(init),
          List.copyOf(volumes));
    }

    /** Same object version: the API server gives every change a new resourceVersion. */
    boolean isFor(OpenTelemetryCollector cr) {
      return cr.getMetadata() != null
          && uid != null
          && resourceVersion != null
          && uid.equals(cr.getMetadata().getUid())
          && resourceVersion.equals(cr.getMetadata().getResourceVersion());
    }
  }

  private static final int MAX_TEMPLATES = 4096;

  private final OperatorConfig cfg;
  private final boolean nativeSidecars;

  /** Sidecar collectors seen, by namespace/name; a cluster has few, so no eviction policy. */
  private final Map<String, Template> templates = new ConcurrentHashMap<>();

  SidecarTemplates(OperatorConfig cfg, boolean nativeSidecars) {
    this.cfg = cfg;
    this.nativeSidecars = nativeSidecars;
  }

  /** The collector's template: the cached one while its version holds, else a fresh one. */
  Template template(OpenTelemetryCollector collector) {
    ObjectMeta meta = collector.getMetadata();
    String key = meta == null ? null : meta.getNamespace() + "/" + meta.getName();
    Template cached = key == null ? null : templates.get(key);
    if (cached != null && cached.isFor(collector)) {
      return cached;
    }
    Template fresh = Template.of(CollectorContext.of(collector, cfg), nativeSidecars);
    // Objects without a uid and resourceVersion (built in memory) cannot be told apart: no cache.
    if (key != null && fresh.uid() != null && fresh.resourceVersion() != null) {
      if (templates.size() >= MAX_TEMPLATES) {
        templates.clear();
      }
      templates.put(key, fresh);
    }
    return fresh;
  }
}
