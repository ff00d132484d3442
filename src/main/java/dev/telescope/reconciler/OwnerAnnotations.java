package dev.telescope.reconciler;

/**
 * Cluster-scoped objects cannot have a namespaced owner reference, so they name their collector in
 * these annotations; the finalizer and the informer mapping use them.
 */
public final class OwnerAnnotations {
  public static final String NAME = "telescope.dev/owner-name";
  public static final String NAMESPACE = "telescope.dev/owner-namespace";

  private OwnerAnnotations() {}
}
