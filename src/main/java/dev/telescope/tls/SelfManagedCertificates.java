package dev.telescope.tls;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
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
 * {@link CaBundleInjector}.
 *
 * <p>Over ~450 lines because its {@link Settings} record (names, lifetimes and their checks) is
 * nested here, where every caller refers to it.
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

  private enum Action {
    KEEP,
    RENEW_SERVING,
    REPLACE_ALL
  }

  private record Stored(
      PemKeyMaterial serving,
      String caPem,
      List<X509Certificate> caCerts,
      PrivateKey caKey,
      Action action,
      String reason) {}

  private final KubernetesClient client;
  private final Settings settings;
  private final Clock clock;
  private final CertificateMinter minter;
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
    this.minter = new CertificateMinter(settings.keyAlgorithm());
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
        Issued minted = mintAll(now, List.of());
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
      Stored stored = evaluate(existing, now);
      if (stored.action() == Action.KEEP) {
        return new SecretOutcome(stored.serving(), stored.caPem(), false);
      }
      Issued minted =
          stored.action() == Action.RENEW_SERVING
              ? renewServing(stored, now)
              : mintAll(now, stored.caCerts());
      Secret replacement =
          new SecretBuilder(existing).withData(data(minted)).withStringData(null).build();
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

  private Stored evaluate(Secret secret, Instant now) {
    Map<String, String> data = secret.getData() == null ? Map.of() : secret.getData();
    for (String key : List.of(TLS_CRT, TLS_KEY, CA_CRT)) {
      if (data.get(key) == null || data.get(key).isEmpty()) {
        return replaceAll("it has no " + key, List.of());
      }
    }
    byte[] caBytes;
    byte[] crtBytes;
    byte[] keyBytes;
    try {
      caBytes = Base64.getDecoder().decode(data.get(CA_CRT));
      crtBytes = Base64.getDecoder().decode(data.get(TLS_CRT));
      keyBytes = Base64.getDecoder().decode(data.get(TLS_KEY));
    } catch (IllegalArgumentException e) {
      return replaceAll("its data is not valid base64", List.of());
    }
    List<X509Certificate> caCerts;
    try {
      caCerts = PemKeyMaterial.parseCertificates(caBytes, CA_CRT);
    } catch (KeyMaterialException e) {
      return replaceAll(e.getMessage(), List.of());
    }
    if (caCerts.isEmpty()) {
      return replaceAll(CA_CRT + " holds no certificate", List.of());
    }
    PemKeyMaterial serving;
    try {
      serving = PemKeyMaterial.parse(crtBytes, keyBytes, TLS_CRT, TLS_KEY);
    } catch (KeyMaterialException e) {
      return replaceAll(e.getMessage(), caCerts);
    }
    X509Certificate issuer = caCerts.get(0);
    try {
      serving.leaf().verify(issuer.getPublicKey());
    } catch (GeneralSecurityException e) {
      return replaceAll(TLS_CRT + " is not signed by the first CA in " + CA_CRT, caCerts);
    }
    Instant caNotAfter = issuer.getNotAfter().toInstant();
    if (!now.plus(settings.caRotationWindow()).isBefore(caNotAfter)) {
      return replaceAll(
          "the CA expires at " + caNotAfter + ", within its rotation window", caCerts);
    }
    String caPem = new String(caBytes, StandardCharsets.UTF_8);
    String servingReason = servingRenewalReason(serving, now);
    if (servingReason == null) {
      return new Stored(serving, caPem, caCerts, null, Action.KEEP, null);
    }
    PrivateKey caKey = caKey(data, issuer);
    if (caKey == null) {
      return replaceAll(servingReason + ", and " + CA_KEY + " is missing or unusable", caCerts);
    }
    if (!now.plus(settings.servingRotationWindow()).isBefore(caNotAfter)) {
      // A renewed certificate is capped at the CA's expiry and would be due again at once.
      return replaceAll(servingReason + ", and the CA expires too soon to sign a renewal", caCerts);
    }
    return new Stored(serving, caPem, caCerts, caKey, Action.RENEW_SERVING, servingReason);
  }

  private String servingRenewalReason(PemKeyMaterial serving, Instant now) {
    if (!now.plus(settings.servingRotationWindow()).isBefore(serving.notAfter())) {
      return "the serving certificate expires at "
          + serving.notAfter()
          + ", within its renewal window";
    }
    Set<String> covered = new HashSet<>();
    try {
      Collection<List<?>> sans = serving.leaf().getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          if (Integer.valueOf(2).equals(san.get(0))) {
            covered.add(String.valueOf(san.get(1)));
          }
        }
      }
    } catch (CertificateParsingException e) {
      return "the serving certificate's subject alternative names cannot be read";
    }
    if (!covered.containsAll(settings.dnsNames())) {
      return "the serving certificate does not cover the names of Service "
          + settings.serviceName()
          + " in "
          + settings.namespace();
    }
    return null;
  }

  private PrivateKey caKey(Map<String, String> data, X509Certificate issuer) {
    String encoded = data.get(CA_KEY);
    if (encoded == null || encoded.isEmpty()) {
      return null;
    }
    try {
      PrivateKey key = PemKeyMaterial.parsePrivateKey(Base64.getDecoder().decode(encoded), CA_KEY);
      PemKeyMaterial.of(List.of(issuer), key);
      return key;
    } catch (KeyMaterialException | IllegalArgumentException e) {
      LOG.warn("Secret {} has an unusable {}: {}", settings.secretName(), CA_KEY, e.getMessage());
      return null;
    }
  }

  private Stored replaceAll(String reason, List<X509Certificate> previousCas) {
    return new Stored(null, null, previousCas, null, Action.REPLACE_ALL, reason);
  }

  private record Issued(
      PemKeyMaterial serving,
      String servingPem,
      String servingKeyPem,
      String caPem,
      String caKeyPem) {}

  private Issued mintAll(Instant now, List<X509Certificate> previousCas) {
    CertificateMinter.Minted ca =
        minter.mintCa(
            settings.serviceName() + "-ca@" + now.getEpochSecond(), now, settings.caValidity());
    StringBuilder bundle = new StringBuilder(CertificateMinter.pem(ca.certificate()));
    if (!previousCas.isEmpty()) {
      X509Certificate previous = previousCas.get(0);
      // Keep trusting the previous CA while replicas may still serve certificates it signed.
      if (now.isBefore(previous.getNotAfter().toInstant())) {
        bundle.append(CertificateMinter.pem(previous));
      }
    }
    return mintServing(ca, bundle.toString(), now);
  }

  private Issued renewServing(Stored stored, Instant now) {
    X509Certificate issuer = stored.caCerts().get(0);
    CertificateMinter.Minted ca =
        new CertificateMinter.Minted(issuer, new KeyPair(issuer.getPublicKey(), stored.caKey()));
    return mintServing(ca, stored.caPem(), now);
  }

  private Issued mintServing(CertificateMinter.Minted ca, String caPem, Instant now) {
    CertificateMinter.Minted serving =
        minter.mintServing(ca, settings.dnsNames(), List.of(), now, settings.servingValidity());
    try {
      return new Issued(
          serving.toKeyMaterial(),
          serving.certificatePem(),
          serving.privateKeyPem(),
          caPem,
          ca.privateKeyPem());
    } catch (KeyMaterialException e) {
      throw new IllegalStateException("a freshly minted certificate does not match its key", e);
    }
  }

  private Map<String, String> data(Issued minted) {
    Base64.Encoder b64 = Base64.getEncoder();
    Map<String, String> data = new LinkedHashMap<>();
    data.put(TLS_CRT, b64.encodeToString(minted.servingPem().getBytes(StandardCharsets.US_ASCII)));
    data.put(
        TLS_KEY, b64.encodeToString(minted.servingKeyPem().getBytes(StandardCharsets.US_ASCII)));
    data.put(CA_CRT, b64.encodeToString(minted.caPem().getBytes(StandardCharsets.US_ASCII)));
    data.put(CA_KEY, b64.encodeToString(minted.caKeyPem().getBytes(StandardCharsets.US_ASCII)));
    return data;
  }

  private Secret newSecret(Issued minted) {
    return new SecretBuilder()
        .withNewMetadata()
        .withName(settings.secretName())
        .withNamespace(settings.namespace())
        .addToLabels("app.kubernetes.io/name", "telescope")
        .addToLabels("app.kubernetes.io/component", "webhook-certificate")
        .endMetadata()
        .withType("kubernetes.io/tls")
        .withData(data(minted))
        .build();
  }
}
