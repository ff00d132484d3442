package dev.telescope.reconciler;

import dev.telescope.manifests.Annotations;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates, updates and deletes single objects with plain create/update/delete calls (no server-side
 * apply: see docs/adr/0002), writing only when {@link ObjectMatcher} finds a difference.
 */
public class Applier {
  private static final Logger LOG = LoggerFactory.getLogger(Applier.class);

  /** What happened to one object. */
  public enum Outcome {
    UNCHANGED,
    CREATED,
    UPDATED,
    RECREATED
  }

  /** The outcome and the object as it is now in the cluster. */
  public record Result(Outcome outcome, HasMetadata object) {}

  private final KubernetesClient client;
  private final AtomicLong writes = new AtomicLong();

  public Applier(KubernetesClient client) {
    this.client = client;
  }

  /** How many writes this applier has issued (for metrics and the steady-state test). */
  public long writes() {
    return writes.get();
  }

  /**
   * Makes the cluster hold {@code desired}.
   *
   * @param existing the object from the informer cache, or null when the cache has none
   */
  public Result apply(HasMetadata desired, HasMetadata existing) {
    if (existing == null) {
      try {
        writes.incrementAndGet();
        return new Result(Outcome.CREATED, op(desired).create());
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
        // The cache lagged behind, or someone else holds the name: read it and decide.
        existing = op(desired).get();
        if (existing == null) {
          throw e;
        }
        if (!ownedBySame(desired, existing)) {
          throw new OwnershipConflict(desired, existing);
        }
      }
    }
    if (immutableChanged(desired, existing)) {
      LOG.info(
          "{} {}/{}: an immutable field changed, recreating it",
          desired.getKind(),
          desired.getMetadata().getNamespace(),
          desired.getMetadata().getName());
      writes.addAndGet(2);
      op(existing).withTimeoutInMillis(30_000).delete();
      return new Result(Outcome.RECREATED, op(desired).create());
    }
    Optional<String> diff = ObjectMatcher.difference(desired, existing);
    if (diff.isEmpty()) {
      return new Result(Outcome.UNCHANGED, existing);
    }
    LOG.debug(
        "{} {}/{} differs at {}",
        desired.getKind(),
        desired.getMetadata().getNamespace(),
        desired.getMetadata().getName(),
        diff.get());
    HasMetadata merged = merge(desired, existing);
    writes.incrementAndGet();
    try {
      return new Result(Outcome.UPDATED, op(merged).update());
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
    }
    // The informer cache lagged behind a write (often our own, a moment ago): decide again on the
    // object as it is now rather than fail the reconcile and wait for a retry.
    HasMetadata current = op(desired).get();
    if (current == null) {
      writes.incrementAndGet();
      return new Result(Outcome.CREATED, op(desired).create());
    }
    if (ObjectMatcher.difference(desired, current).isEmpty()) {
      return new Result(Outcome.UNCHANGED, current);
    }
    writes.incrementAndGet();
    return new Result(Outcome.UPDATED, op(merge(desired, current)).update());
  }

  /** Deletes an object; a missing object is fine. */
  public void delete(HasMetadata object) {
    writes.incrementAndGet();
    try {
      op(object).delete();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        throw e;
      }
    }
  }

  private static boolean ownedBySame(HasMetadata desired, HasMetadata existing) {
    var want = desired.getMetadata().getOwnerReferences();
    var have = existing.getMetadata().getOwnerReferences();
    if (want == null || want.isEmpty()) {
      // Cluster-scoped objects carry our owner annotations instead.
      return Objects.equals(
              annotation(desired, OwnerAnnotations.NAME),
              annotation(existing, OwnerAnnotations.NAME))
          && Objects.equals(
              annotation(desired, OwnerAnnotations.NAMESPACE),
              annotation(existing, OwnerAnnotations.NAMESPACE));
    }
    return have != null
        && have.stream().anyMatch(h -> want.stream().anyMatch(w -> w.getUid().equals(h.getUid())));
  }

  private static String annotation(HasMetadata o, String key) {
    return o.getMetadata().getAnnotations() == null
        ? null
        : o.getMetadata().getAnnotations().get(key);
  }

  /** Selectors, a StatefulSet's service name and claim templates cannot be changed in place. */
  static boolean immutableChanged(HasMetadata desired, HasMetadata existing) {
    if (desired instanceof Deployment d && existing instanceof Deployment e) {
      return !Objects.equals(d.getSpec().getSelector(), e.getSpec().getSelector());
    }
    if (desired instanceof DaemonSet d && existing instanceof DaemonSet e) {
      return !Objects.equals(d.getSpec().getSelector(), e.getSpec().getSelector());
    }
    if (desired instanceof StatefulSet d && existing instanceof StatefulSet e) {
      return !Objects.equals(d.getSpec().getSelector(), e.getSpec().getSelector())
          || !Objects.equals(d.getSpec().getServiceName(), e.getSpec().getServiceName())
          || !Objects.equals(
              nullIfEmpty(d.getSpec().getPodManagementPolicy()),
              nullIfEmpty(e.getSpec().getPodManagementPolicy()))
          || ObjectMatcher.subset(
                  Serialization.jsonMapper().valueToTree(d.getSpec().getVolumeClaimTemplates()),
                  Serialization.jsonMapper().valueToTree(e.getSpec().getVolumeClaimTemplates()),
                  "spec.volumeClaimTemplates")
              .isPresent();
    }
    return false;
  }

  private static String nullIfEmpty(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  /**
   * The object to PUT: ours, on top of what exists. Labels and annotations are merged, never
   * removed (others put theirs there too); fields the API server assigns, and pod-template
   * annotations added by others (e.g. {@code kubectl rollout restart}) are kept.
   */
  static HasMetadata merge(HasMetadata desired, HasMetadata existing) {
    HasMetadata out = Serialization.clone(desired);
    ObjectMeta m = out.getMetadata();
    ObjectMeta e = existing.getMetadata();
    m.setResourceVersion(e.getResourceVersion());
    m.setLabels(union(e.getLabels(), m.getLabels()));
    m.setAnnotations(union(e.getAnnotations(), m.getAnnotations()));
    m.setFinalizers(e.getFinalizers());
    if (out instanceof Service s && existing instanceof Service es && es.getSpec() != null) {
      s.getSpec().setClusterIP(es.getSpec().getClusterIP());
      s.getSpec().setClusterIPs(es.getSpec().getClusterIPs());
      if (s.getSpec().getIpFamilies() == null) {
        s.getSpec().setIpFamilies(es.getSpec().getIpFamilies());
      }
      if (s.getSpec().getIpFamilyPolicy() == null) {
        s.getSpec().setIpFamilyPolicy(es.getSpec().getIpFamilyPolicy());
      }
      s.getSpec().setHealthCheckNodePort(es.getSpec().getHealthCheckNodePort());
      if (es.getSpec().getPorts() != null) {
        for (ServicePort p : s.getSpec().getPorts()) {
          if (p.getNodePort() == null) {
            es.getSpec().getPorts().stream()
                .filter(x -> Objects.equals(x.getName(), p.getName()))
                .findFirst()
                .ifPresent(x -> p.setNodePort(x.getNodePort()));
          }
        }
      }
    }
    if (out instanceof ServiceAccount sa && existing instanceof ServiceAccount esa) {
      sa.setSecrets(esa.getSecrets());
      if (sa.getImagePullSecrets() == null || sa.getImagePullSecrets().isEmpty()) {
        sa.setImagePullSecrets(esa.getImagePullSecrets());
      }
    }
    mergeTemplate(template(out), template(existing));
    if (out instanceof GenericKubernetesResource g
        && existing instanceof GenericKubernetesResource eg) {
      g.getAdditionalProperties().putIfAbsent("status", eg.getAdditionalProperties().get("status"));
    }
    return out;
  }

  private static void mergeTemplate(PodTemplateSpec desired, PodTemplateSpec existing) {
    if (desired == null || existing == null || existing.getMetadata() == null) {
      return;
    }
    Map<String, String> kept = new LinkedHashMap<>();
    Map<String, String> old = existing.getMetadata().getAnnotations();
    Map<String, String> want = desired.getMetadata().getAnnotations();
    boolean ourPrometheus = old != null && "true".equals(old.get(Annotations.PROMETHEUS_ADDED));
    if (old != null) {
      old.forEach(
          (k, v) -> {
            boolean ours = k.startsWith("prometheus.io/") || k.equals(Annotations.PROMETHEUS_ADDED);
            // We may take back prometheus.io hints only when we were the ones who added them.
            if (!(ours && ourPrometheus && (want == null || !want.containsKey(k)))) {
              kept.put(k, v);
            }
          });
    }
    desired.getMetadata().setAnnotations(union(kept, want));
  }

  private static PodTemplateSpec template(HasMetadata o) {
    if (o instanceof Deployment d && d.getSpec() != null) {
      return d.getSpec().getTemplate();
    }
    if (o instanceof DaemonSet d && d.getSpec() != null) {
      return d.getSpec().getTemplate();
    }
    if (o instanceof StatefulSet s && s.getSpec() != null) {
      return s.getSpec().getTemplate();
    }
    return null;
  }

  private static Map<String, String> union(Map<String, String> base, Map<String, String> over) {
    if ((base == null || base.isEmpty()) && (over == null || over.isEmpty())) {
      return over;
    }
    Map<String, String> m = new LinkedHashMap<>();
    if (base != null) {
      m.putAll(base);
    }
    if (over != null) {
      m.putAll(over);
    }
    return m;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private io.fabric8.kubernetes.client.dsl.Resource<HasMetadata> op(HasMetadata o) {
    if (o instanceof GenericKubernetesResource g) {
      ResourceDefinitionContext rdc = GenericKinds.context(g.getApiVersion(), g.getKind());
      var ops = client.genericKubernetesResources(rdc);
      return (io.fabric8.kubernetes.client.dsl.Resource)
          (g.getMetadata().getNamespace() == null
              ? ops.resource(g)
              : ops.inNamespace(g.getMetadata().getNamespace()).resource(g));
    }
    return client.resource(o);
  }

  /** An object with our name exists and belongs to someone else; we do not take it over. */
  public static final class OwnershipConflict extends RuntimeException {
    public OwnershipConflict(HasMetadata desired, HasMetadata existing) {
      super(
          desired.getKind()
              + " "
              + (desired.getMetadata().getNamespace() == null
                  ? ""
                  : desired.getMetadata().getNamespace() + "/")
              + desired.getMetadata().getName()
              + " already exists and is not managed by this collector; rename or delete it");
    }
  }
}
