package dev.telescope.tls;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a private CA and the webhook's serving certificate in a Secret, and that CA in the {@code
 * caBundle} of the webhook configurations and the CRD's conversion webhook, for clusters without
 * cert-manager or OLM.
 *
 * <p>Several webhook replicas run this at once and must end up with one shared certificate: the
 * Secret is created only if absent (a 409 means another replica won, so it is re-read), and
 * replaced only with optimistic locking on its resourceVersion. Every step reads first and writes
 * only what differs, so a settled cluster sees no writes at all.
 *
 * <p>The Secret also carries {@code ca.key}, so the serving certificate can be renewed without
 * changing the CA (and therefore without touching any {@code caBundle}). When the CA itself is
 * replaced, {@code ca.crt} keeps the previous CA while it is valid, so API servers keep trusting
 * replicas that have not picked up the new serving certificate yet. The CA bundle goes out through
 * {@link CaBundleInjector}; what the Secret holds is judged and minted by {@link
 * SecretCertificates}.
 */
public final class SelfManagedCertificates {

  /** Secret key of the serving certificate. */
  public static final String TLS_CRT = "tls.crt";

  /** Secret key of the serving private key. */
  public static final String TLS_KEY = "tls.key";

  /** Secret key of the CA bundle that clients trust. */
  public static final String CA_CRT = "ca.crt";

  /** Secret key of the CA's private key (used only to renew the serving certificate). */
  public static final String CA_KEY = "ca.key";

  private static final Logger LOG = LoggerFactory.getLogger(SelfManagedCertificates.class);
  private static final int MAX_ATTEMPTS = 5;

  /**
   * Names and lifetimes; build with {@link #defaults(String)} and the {@code with} methods.
   *
   * @param namespace namespace of the Secret and the webhook Service
   * @param secretName the Secret holding {@code tls.crt}, {@code tls.key}, {@code ca.crt}
   * @param serviceName the webhook Service, whose DNS names the certificate covers
   * @param mutatingWebhookConfigurationName receives the caBundle (skipped when absent)
   * @param validatingWebhookConfigurationName receives the caBundle (skipped when absent)
   * @param crdName CRD whose conversion webhook receives the caBundle (skipped when absent)
   * @param caValidity lifetime of a new CA
   * @param servingValidity lifetime of a new serving certificate (capped at the CA's)
   * @param caRotationWindow replace the CA when it expires within this window
   * @param servingRotationWindow renew the serving certificate when it expires within this window
   * @param keyAlgorithm key type of minted certificates
   */
  public record Settings(
      String namespace,
      String secretName,
      String serviceName,
      String mutatingWebhookConfigurationName,
      String validatingWebhookConfigurationName,
      String crdName,
      Duration caValidity,
      Duration servingValidity,
      Duration caRotationWindow,
      Duration servingRotationWindow,
      CertificateMinter.KeyAlgorithm keyAlgorithm) {

    /** Checks the lifetimes are consistent. */
    public Settings {
      Objects.requireNonNull(namespace, "namespace");
      Objects.requireNonNull(secretName, "secretName");
      Objects.requireNonNull(serviceName, "serviceName");
      Objects.requireNonNull(keyAlgorithm, "keyAlgorithm");
      if (caRotationWindow.compareTo(caValidity) >= 0
          || servingRotationWindow.compareTo(servingValidity) >= 0) {
        throw new IllegalArgumentException(
            "a rotation window must be shorter than the certificate's validity");
      }
    }

    /**
     * The install-time names of Telescope: Secret {@code telescope-webhook-cert}, Service {@code
     * telescope-webhook}, the two {@code telescope-*-webhook-configuration}s and the
     * OpenTelemetryCollector CRD; ECDSA P-256, CA 730 days (replaced 60 days before expiry),
     * serving certificate 365 days (renewed 30 days before expiry).
     *
     * @param namespace the webhook's namespace (POD_NAMESPACE, usually {@code telescope-system})
     * @return the default settings
     */
    public static Settings defaults(String namespace) {
      return new Settings(
          namespace,
          "telescope-webhook-cert",
          "telescope-webhook",
          "telescope-mutating-webhook-configuration",
          "telescope-validating-webhook-configuration",
          "opentelemetrycollectors.opentelemetry.io",
          Duration.ofDays(730),
          Duration.ofDays(365),
          Duration.ofDays(60),
          Duration.ofDays(30),
          CertificateMinter.KeyAlgorithm.EC_P256);
    }

    /** A copy with another Secret name. */
    public Settings withSecretName(String name) {
      return new Settings(
          namespace,
          name,
          serviceName,
          mutatingWebhookConfigurationName,
          validatingWebhookConfigurationName,
          crdName,
          caValidity,
          servingValidity,
          caRotationWindow,
          servingRotationWindow,
          keyAlgorithm);
    }

    /** A copy with another Service name. */
    public Settings withServiceName(String name) {
      return new Settings(
          namespace,
          secretName,
          name,
          mutatingWebhookConfigurationName,
          validatingWebhookConfigurationName,
          crdName,
          caValidity,
          servingValidity,
          caRotationWindow,
          servingRotationWindow,
          keyAlgorithm);
    }

    /**
     * A copy with other injection targets; a {@code null} name skips that object.
     *
     * @param mutating MutatingWebhookConfiguration name
     * @param validating ValidatingWebhookConfiguration name
     * @param crd CRD name
     * @return the copy
     */
    public Settings withInjectionTargets(String mutating, String validating, String crd) {
      return new Settings(
          namespace,
          secretName,
          serviceName,
          mutating,
          validating,
          crd,
          caValidity,
          servingValidity,
          caRotationWindow,
          servingRotationWindow,
          keyAlgorithm);
    }

    /**
     * A copy with other lifetimes.
     *
     * @param ca CA validity
     * @param serving serving certificate validity
     * @param caWindow replace the CA this long before it expires
     * @param servingWindow renew the serving certificate this long before it expires
     * @return the copy
     */
    public Settings withLifetimes(
        Duration ca, Duration serving, Duration caWindow, Duration servingWindow) {
      return new Settings(
          namespace,
          secretName,
          serviceName,
          mutatingWebhookConfigurationName,
          validatingWebhookConfigurationName,
          crdName,
          ca,
          serving,
          caWindow,
          servingWindow,
          keyAlgorithm);
    }

    /** A copy with another key type. */
    public Settings withKeyAlgorithm(CertificateMinter.KeyAlgorithm algorithm) {
      return new Settings(
          namespace,
          secretName,
          serviceName,
          mutatingWebhookConfigurationName,
          validatingWebhookConfigurationName,
          crdName,
          caValidity,
          servingValidity,
          caRotationWindow,
          servingRotationWindow,
          algorithm);
    }

    /**
     * The DNS names the API server may use for the Service: {@code <svc>}, {@code <svc>.<ns>},
     * {@code <svc>.<ns>.svc} and {@code <svc>.<ns>.svc.cluster.local}.
     */
    public List<String> dnsNames() {
      String svc = serviceName;
      String ns = namespace;
      return List.of(
          svc + "." + ns + ".svc", svc, svc + "." + ns, svc + "." + ns + ".svc.cluster.local");
    }
  }

  /**
   * What one {@link #reconcile()} found and did.
   *
   * @param serving the serving certificate and key to use
   * @param caBundlePem the PEM CA bundle clients should trust ({@code ca.crt})
   * @param secretWritten whether the Secret was created or replaced
   * @param patched the objects whose caBundle was changed, as {@code Kind/name}
   */
  public record Result(
      PemKeyMaterial serving, String caBundlePem, boolean secretWritten, List<String> patched) {}

  private final KubernetesClient client;
  private final Settings settings;
  private final Clock clock;
  private final SecretCertificates contents;
  private final CaBundleInjector injector;

  /**
   * @param client client for the Secret and the injection targets
   * @param settings names and lifetimes
   */
  public SelfManagedCertificates(KubernetesClient client, Settings settings) {
    this(client, settings, Clock.systemUTC());
  }

  /**
   * @param client client for the Secret and the injection targets
   * @param settings names and lifetimes
   * @param clock time source for issuing and rotation decisions
   */
  public SelfManagedCertificates(KubernetesClient client, Settings settings, Clock clock) {
    this.client = client;
    this.settings = settings;
    this.clock = clock;
    this.contents = new SecretCertificates(settings);
    this.injector =
        new CaBundleInjector(
            client,
            settings.mutatingWebhookConfigurationName(),
            settings.validatingWebhookConfigurationName(),
            settings.crdName());
  }

  /** The settings in use. */
  public Settings settings() {
    return settings;
  }

  /**
   * Makes sure the Secret holds a valid, not-soon-expiring certificate, then injects its CA into
   * every target that exists.
   *
   * @return the serving material and what was written
   * @throws KubernetesClientException when the API server refuses a read or write
   * @throws IllegalStateException when the Secret cannot be settled or an injection failed
   */
  public Result reconcile() {
    SecretOutcome secret = ensureSecret();
    List<String> patched = injectCaBundle(secret.caPem());
    return new Result(secret.serving(), secret.caPem(), secret.written(), patched);
  }

  /**
   * The Secret part of {@link #reconcile()}.
   *
   * @param serving the serving certificate and key
   * @param caPem the {@code ca.crt} text
   * @param written whether this call created or replaced the Secret
   */
  public record SecretOutcome(PemKeyMaterial serving, String caPem, boolean written) {}

  /**
   * Reads the Secret, and creates or replaces it when absent, unusable or due for rotation.
   *
   * @return the certificate to serve
   */
  public SecretOutcome ensureSecret() {
    String ns = settings.namespace();
    String name = settings.secretName();
    for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      Secret existing = client.secrets().inNamespace(ns).withName(name).get();
      Instant now = clock.instant();
      if (existing == null) {
        SecretCertificates.Issued minted = contents.mintAll(now, List.of());
        try {
          client.secrets().inNamespace(ns).resource(newSecret(minted)).create();
          LOG.info(
              "Created Secret {}/{} with a new CA and serving certificate {}",
              ns,
              name,
              minted.serving());
          return new SecretOutcome(minted.serving(), minted.caPem(), true);
        } catch (KubernetesClientException e) {
          if (e.getCode() != 409) {
            throw e;
          }
          LOG.info("Secret {}/{} was created by another replica; reading it", ns, name);
          continue;
        }
      }
      SecretCertificates.Stored stored = contents.evaluate(existing, now);
      if (stored.action() == SecretCertificates.Action.KEEP) {
        return new SecretOutcome(stored.serving(), stored.caPem(), false);
      }
      SecretCertificates.Issued minted =
          stored.action() == SecretCertificates.Action.RENEW_SERVING
              ? contents.renewServing(stored, now)
              : contents.mintAll(now, stored.caCerts());
      Secret replacement =
          new SecretBuilder(existing).withData(contents.data(minted)).withStringData(null).build();
      try {
        client.secrets().inNamespace(ns).resource(replacement).update();
        LOG.info(
            "Replaced the certificate in Secret {}/{} ({}): now serving {}",
            ns,
            name,
            stored.reason(),
            minted.serving());
        return new SecretOutcome(minted.serving(), minted.caPem(), true);
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 && e.getCode() != 404) {
          throw e;
        }
        LOG.info("Secret {}/{} changed while rotating; reading it again", ns, name);
      }
    }
    throw new IllegalStateException(
        "Secret "
            + ns
            + "/"
            + name
            + " kept changing under concurrent writers; gave up after "
            + MAX_ATTEMPTS
            + " attempts");
  }

  /**
   * Sets {@code caBundle} on the webhook configurations and the CRD's conversion webhook; see
   * {@link CaBundleInjector#inject}.
   *
   * @param caPem the PEM CA bundle
   * @return the patched objects as {@code Kind/name}
   */
  public List<String> injectCaBundle(String caPem) {
    return injector.inject(caPem);
  }

  private Secret newSecret(SecretCertificates.Issued minted) {
    return new SecretBuilder()
        .withNewMetadata()
        .withName(settings.secretName())
        .withNamespace(settings.namespace())
        .addToLabels("app.kubernetes.io/name", "telescope")
        .addToLabels("app.kubernetes.io/component", "webhook-certificate")
        .endMetadata()
        .withType("kubernetes.io/tls")
        .withData(contents.data(minted))
        .build();
  }
}
