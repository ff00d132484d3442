package dev.telescope.manifests;

import dev.telescope.naming.Names;
import io.fabric8.kubernetes.api.model.ServiceAccount;

/** The collector's ServiceAccount (not rendered when {@code spec.serviceAccount} names one). */
public final class ServiceAccountBuilder {
  private ServiceAccountBuilder() {}

  public static ServiceAccount build(CollectorContext ctx) {
    ServiceAccount sa = new ServiceAccount();
    sa.setMetadata(Objects.meta(ctx, Names.collector(ctx.name())));
    return sa;
  }
}
