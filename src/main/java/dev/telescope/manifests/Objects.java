package dev.telescope.manifests;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.Map;

/** Object metadata every namespaced builder starts from. */
final class Objects {
  private Objects() {}

  static ObjectMeta meta(CollectorContext ctx, String name, Map<String, String> labels) {
    return new ObjectMetaBuilder()
        .withName(name)
        .withNamespace(ctx.namespace())
        .withLabels(labels)
        .withAnnotations(Annotations.object(ctx))
        .build();
  }

  static ObjectMeta meta(CollectorContext ctx, String name) {
    return meta(ctx, name, Labels.common(ctx, name));
  }
}
