package dev.telescope.manifests;

import dev.telescope.api.ConfigYaml;
import dev.telescope.naming.Names;
import io.fabric8.kubernetes.api.model.ConfigMap;
import java.util.Map;

/** The collector ConfigMap, named by the config hash so each config version is its own object. */
public final class ConfigMapBuilder {
  private ConfigMapBuilder() {}

  public static ConfigMap build(CollectorContext ctx) {
    ConfigMap cm = new ConfigMap();
    cm.setMetadata(
        Objects.meta(
            ctx,
            Names.configMap(ctx.name(), ctx.config().hash()),
            Labels.common(ctx, Names.collector(ctx.name()))));
    // With a target allocator the prometheus receiver is rewritten to ask it for targets.
    String yaml =
        TargetAllocatorBuilder.collectorConfig(ctx)
            .orElseGet(() -> ConfigYaml.render(ctx.config().source()));
    cm.setData(Map.of(Names.CONFIG_KEY, yaml));
    return cm;
  }
}
