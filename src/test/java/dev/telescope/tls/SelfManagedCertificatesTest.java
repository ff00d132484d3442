package dev.telescope.tls;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telescope.settings.CertMode;
import dev.telescope.webhook.WebhookServer;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The self-managed CA against fabric8's CRUD mock API server: Secret creation and reuse, rotation,
 * and caBundle injection that writes only when something differs.
 */
@EnableKubernetesMockClient(crud = true)
class SelfManagedCertificatesTest {

  private static final String NS = "telescope-system";
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  // One mock API server for the class (starting one per test costs seconds); each test starts
  // from an empty store.
  static KubernetesMockServer server;
  static KubernetesClient client;
  private static int requestsSeen;
  private final TestClock clock = new TestClock(T0);
  private final SelfManagedCertificates.Settings settings =
      SelfManagedCertificates.Settings.defaults(NS);

  @BeforeEach
  void emptyTheStore() {
    client.secrets().inNamespace(NS).withName("telescope-webhook-cert").delete();
    client
        .admissionRegistration()
        .v1()
        .mutatingWebhookConfigurations()
        .withName("telescope-mutating-webhook-configuration")
        .delete();
    client
        .admissionRegistration()
        .v1()
        .validatingWebhookConfigurations()
        .withName("telescope-validating-webhook-configuration")
        .delete();
    client
        .apiextensions()
        .v1()
        .customResourceDefinitions()
        .withName("opentelemetrycollectors.opentelemetry.io")
        .delete();
    requestsSinceLastCall();
  }

  @Test
  void firstRunCreatesTheSecretAndInjectsTheCaEverywhere() throws Exception {
    createInjectionTargets();

    SelfManagedCertificates.Result result = certificates().reconcile();

    Secret secret = secret();
    assertThat(secret.getType()).isEqualTo("kubernetes.io/tls");
    assertThat(secret.getData()).containsKeys("tls.crt", "tls.key", "ca.crt", "ca.key");
    X509Certificate leaf = result.serving().leaf();
    X509Certificate ca = certificates(secret, "ca.crt").get(0);
    leaf.verify(ca.getPublicKey());
    assertThat(dnsNames(leaf))
        .containsExactlyInAnyOrder(
            "telescope-webhook",
            "telescope-webhook.telescope-system",
            "telescope-webhook.telescope-system.svc",
            "telescope-webhook.telescope-system.svc.cluster.local");
    assertThat(ca.getBasicConstraints()).isGreaterThanOrEqualTo(0);
    assertThat(Duration.between(T0, ca.getNotAfter().toInstant())).isEqualTo(Duration.ofDays(730));
    assertThat(Duration.between(T0, leaf.getNotAfter().toInstant()))
        .isEqualTo(Duration.ofDays(365));
    assertThat(result.secretWritten()).isTrue();
    assertThat(result.patched())
        .containsExactly(
            "MutatingWebhookConfiguration/telescope-mutating-webhook-configuration",
            "ValidatingWebhookConfiguration/telescope-validating-webhook-configuration",
            "CustomResourceDefinition/opentelemetrycollectors.opentelemetry.io");
    String expectedBundle = secret.getData().get("ca.crt");
    assertThat(caBundles()).hasSize(4).allMatch(expectedBundle::equals);
    assertThat(result.caBundlePem())
        .isEqualTo(new String(Base64.getDecoder().decode(expectedBundle), StandardCharsets.UTF_8));
  }

  @Test
  void secondRunPerformsNoWrites() {
    createInjectionTargets();
    certificates().reconcile();
    requestsSinceLastCall();

    SelfManagedCertificates.Result again = certificates().reconcile();

    List<String> requests = requestsSinceLastCall();
    assertThat(requests).isNotEmpty().allMatch(request -> request.startsWith("GET "));
    assertThat(again.secretWritten()).isFalse();
    assertThat(again.patched()).isEmpty();
  }

  @Test
  void anotherReplicaReusesTheExistingSecret() {
    createInjectionTargets();
    SelfManagedCertificates.Result first = certificates().reconcile();
    requestsSinceLastCall();

    SelfManagedCertificates.Result second =
        new SelfManagedCertificates(
                client, settings, Clock.fixed(T0.plusSeconds(60), ZoneOffset.UTC))
            .reconcile();

    assertThat(second.serving().leaf()).isEqualTo(first.serving().leaf());
    assertThat(second.caBundlePem()).isEqualTo(first.caBundlePem());
    assertThat(requestsSinceLastCall()).allMatch(request -> request.startsWith("GET "));
  }

  @Test
  void losingTheCreateRaceAdoptsTheWinnersSecret() {
    SelfManagedCertificates winner =
        new SelfManagedCertificates(client, settings, Clock.fixed(T0, ZoneOffset.UTC));
    List<SelfManagedCertificates.SecretOutcome> won = new ArrayList<>();
    // The loser's clock is read right after its GET found no Secret: the winner creates it then.
    clock.beforeNextRead(() -> won.add(winner.ensureSecret()));

    SelfManagedCertificates.SecretOutcome lost = certificates().ensureSecret();

    assertThat(won).hasSize(1);
    assertThat(won.get(0).written()).isTrue();
    assertThat(lost.written()).isFalse();
    assertThat(lost.serving().leaf()).isEqualTo(won.get(0).serving().leaf());
    assertThat(secret().getData().get("tls.crt"))
        .isEqualTo(b64(CertificateMinter.pem(won.get(0).serving().leaf())));
  }

  @Test
  void servingCertificateIsRenewedNearExpiryWithoutTouchingTheCaBundles() {
    createInjectionTargets();
    SelfManagedCertificates.Result first = certificates().reconcile();
    clock.set(T0.plus(Duration.ofDays(300)));
    SelfManagedCertificates.Result notYet = certificates().reconcile();
    clock.set(T0.plus(Duration.ofDays(340)));
    requestsSinceLastCall();

    SelfManagedCertificates.Result renewed = certificates().reconcile();

    assertThat(notYet.secretWritten()).isFalse();
    assertThat(renewed.secretWritten()).isTrue();
    assertThat(renewed.serving().leaf().getSerialNumber())
        .isNotEqualTo(first.serving().leaf().getSerialNumber());
    assertThat(renewed.serving().notAfter()).isEqualTo(T0.plus(Duration.ofDays(340 + 365)));
    assertThat(renewed.caBundlePem()).isEqualTo(first.caBundlePem());
    assertThat(renewed.patched()).isEmpty();
    assertThat(requestsSinceLastCall())
        .filteredOn(request -> !request.startsWith("GET "))
        .containsExactly("PUT /api/v1/namespaces/telescope-system/secrets/telescope-webhook-cert");
  }

  @Test
  void caIsReplacedNearItsExpiryAndThePreviousCaStaysTrusted() throws Exception {
    createInjectionTargets();
    SelfManagedCertificates.Result first = certificates().reconcile();
    X509Certificate oldCa = certificates(secret(), "ca.crt").get(0);
    clock.set(T0.plus(Duration.ofDays(680)));

    SelfManagedCertificates.Result replaced = certificates().reconcile();

    List<X509Certificate> bundle = certificates(secret(), "ca.crt");
    assertThat(bundle).hasSize(2);
    assertThat(bundle.get(0)).isNotEqualTo(oldCa);
    assertThat(bundle.get(1)).isEqualTo(oldCa);
    replaced.serving().leaf().verify(bundle.get(0).getPublicKey());
    assertThat(replaced.caBundlePem()).isNotEqualTo(first.caBundlePem());
    assertThat(replaced.patched()).hasSize(3);
    assertThat(caBundles()).allMatch(secret().getData().get("ca.crt")::equals);
  }

  @Test
  void unusableSecretIsReplaced() {
    client
        .secrets()
        .inNamespace(NS)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("telescope-webhook-cert")
                .withNamespace(NS)
                .endMetadata()
                .withType("kubernetes.io/tls")
                .addToData("tls.crt", b64("not a certificate"))
                .addToData("tls.key", b64("not a key"))
                .addToData("ca.crt", b64("not a CA"))
                .build())
        .create();

    SelfManagedCertificates.Result result = certificates().reconcile();

    assertThat(result.secretWritten()).isTrue();
    assertThat(secret().getData().get("tls.crt"))
        .isEqualTo(b64(CertificateMinter.pem(result.serving().leaf())));
  }

  @Test
  void renamedServiceGetsACertificateForTheNewNames() {
    certificates().reconcile();
    SelfManagedCertificates renamed =
        new SelfManagedCertificates(client, settings.withServiceName("otel-webhook"), clock);

    SelfManagedCertificates.Result result = renamed.reconcile();

    assertThat(result.secretWritten()).isTrue();
    assertThat(dnsNames(result.serving().leaf())).contains("otel-webhook.telescope-system.svc");
  }

  @Test
  void missingTargetsAreSkipped() {
    SelfManagedCertificates.Result result = certificates().reconcile();

    assertThat(result.patched()).isEmpty();
    assertThat(result.secretWritten()).isTrue();
  }

  @Test
  void crdWithoutConversionWebhookIsLeftAlone() {
    CustomResourceDefinition crd = crd();
    crd.getSpec().getConversion().setStrategy("None");
    crd.getSpec().getConversion().setWebhook(null);
    client.apiextensions().v1().customResourceDefinitions().resource(crd).create();

    SelfManagedCertificates.Result result = certificates().reconcile();

    assertThat(result.patched()).isEmpty();
    CustomResourceDefinition after =
        client
            .apiextensions()
            .v1()
            .customResourceDefinitions()
            .withName(crd.getMetadata().getName())
            .get();
    assertThat(after.getSpec().getConversion().getWebhook()).isNull();
  }

  @Test
  void rsaCertificatesCanBeMinted() {
    SelfManagedCertificates rsa =
        new SelfManagedCertificates(
            client, settings.withKeyAlgorithm(CertificateMinter.KeyAlgorithm.RSA_2048), clock);

    SelfManagedCertificates.Result result = rsa.reconcile();

    assertThat(result.serving().privateKey().getAlgorithm()).isEqualTo("RSA");
  }

  @Test
  void selfManagedSourceServesTheSecretsCertificateOverTls() throws Exception {
    createInjectionTargets();
    CertificateSource source =
        new SelfManagedCertificateSource(
            new SelfManagedCertificates(client, settings), Duration.ofHours(1), Clock.systemUTC());
    source.start();
    WebhookServer webhook =
        new WebhookServer(
            WebhookServer.Options.defaults().withAddress("127.0.0.1", 0).withThreads(1, 8),
            source.sslContext(),
            new ObjectMapper());
    webhook.start();
    try {
      X509Certificate ca = certificates(secret(), "ca.crt").get(0);

      X509Certificate served = handshake(webhook.port(), ca);

      assertThat(source.mode()).isEqualTo(CertMode.SELF_MANAGED);
      assertThat(source.problem()).isEmpty();
      assertThat(served.getEncoded())
          .isEqualTo(Base64.getDecoder().decode(stripPem(secret().getData().get("tls.crt"))));
    } finally {
      webhook.stop(Duration.ZERO);
      source.close();
    }
  }

  private SelfManagedCertificates certificates() {
    return new SelfManagedCertificates(client, settings, clock);
  }

  private Secret secret() {
    return client.secrets().inNamespace(NS).withName("telescope-webhook-cert").get();
  }

  private static List<X509Certificate> certificates(Secret secret, String key)
      throws KeyMaterialException {
    return PemKeyMaterial.parseCertificates(
        Base64.getDecoder().decode(secret.getData().get(key)), key);
  }

  private static List<String> dnsNames(X509Certificate certificate) {
    try {
      List<String> names = new ArrayList<>();
      for (List<?> san : certificate.getSubjectAlternativeNames()) {
        if (Integer.valueOf(2).equals(san.get(0))) {
          names.add((String) san.get(1));
        }
      }
      return names;
    } catch (java.security.cert.CertificateParsingException e) {
      throw new AssertionError(e);
    }
  }

  private List<String> caBundles() {
    List<String> bundles = new ArrayList<>();
    MutatingWebhookConfiguration mutating =
        client
            .admissionRegistration()
            .v1()
            .mutatingWebhookConfigurations()
            .withName("telescope-mutating-webhook-configuration")
            .get();
    for (MutatingWebhook webhook : mutating.getWebhooks()) {
      bundles.add(webhook.getClientConfig().getCaBundle());
    }
    ValidatingWebhookConfiguration validating =
        client
            .admissionRegistration()
            .v1()
            .validatingWebhookConfigurations()
            .withName("telescope-validating-webhook-configuration")
            .get();
    validating.getWebhooks().forEach(w -> bundles.add(w.getClientConfig().getCaBundle()));
    CustomResourceDefinition crd =
        client
            .apiextensions()
            .v1()
            .customResourceDefinitions()
            .withName("opentelemetrycollectors.opentelemetry.io")
            .get();
    bundles.add(crd.getSpec().getConversion().getWebhook().getClientConfig().getCaBundle());
    return bundles;
  }

  private void createInjectionTargets() {
    client
        .admissionRegistration()
        .v1()
        .mutatingWebhookConfigurations()
        .resource(
            new MutatingWebhookConfigurationBuilder()
                .withNewMetadata()
                .withName("telescope-mutating-webhook-configuration")
                .endMetadata()
                .addNewWebhook()
                .withName("mpod.telescope.dev")
                .withAdmissionReviewVersions("v1")
                .withSideEffects("None")
                .withFailurePolicy("Ignore")
                .withNewClientConfig()
                .withNewService()
                .withName("telescope-webhook")
                .withNamespace(NS)
                .withPath("/mutate-v1-pod")
                .withPort(443)
                .endService()
                .endClientConfig()
                .endWebhook()
                .addNewWebhook()
                .withName("mopentelemetrycollectorbeta.telescope.dev")
                .withAdmissionReviewVersions("v1")
                .withSideEffects("None")
                .withFailurePolicy("Fail")
                .withNewClientConfig()
                .withCaBundle("c3RhbGU=")
                .withNewService()
                .withName("telescope-webhook")
                .withNamespace(NS)
                .withPath("/mutate-opentelemetry-io-v1beta1-opentelemetrycollector")
                .withPort(443)
                .endService()
                .endClientConfig()
                .endWebhook()
                .build())
        .create();
    client
        .admissionRegistration()
        .v1()
        .validatingWebhookConfigurations()
        .resource(
            new ValidatingWebhookConfigurationBuilder()
                .withNewMetadata()
                .withName("telescope-validating-webhook-configuration")
                .endMetadata()
                .addNewWebhook()
                .withName("vopentelemetrycollectorcreateupdatebeta.telescope.dev")
                .withAdmissionReviewVersions("v1")
                .withSideEffects("None")
                .withFailurePolicy("Fail")
                .withNewClientConfig()
                .withNewService()
                .withName("telescope-webhook")
                .withNamespace(NS)
                .withPath("/validate-opentelemetry-io-v1beta1-opentelemetrycollector")
                .withPort(443)
                .endService()
                .endClientConfig()
                .endWebhook()
                .build())
        .create();
    client.apiextensions().v1().customResourceDefinitions().resource(crd()).create();
  }

  private static CustomResourceDefinition crd() {
    return new CustomResourceDefinitionBuilder()
        .withNewMetadata()
        .withName("opentelemetrycollectors.opentelemetry.io")
        .endMetadata()
        .withNewSpec()
        .withGroup("opentelemetry.io")
        .withScope("Namespaced")
        .withNewNames()
        .withKind("OpenTelemetryCollector")
        .withPlural("opentelemetrycollectors")
        .withSingular("opentelemetrycollector")
        .endNames()
        .addNewVersion()
        .withName("v1beta1")
        .withServed(true)
        .withStorage(true)
        .withNewSchema()
        .withNewOpenAPIV3Schema()
        .withType("object")
        .withXKubernetesPreserveUnknownFields(true)
        .endOpenAPIV3Schema()
        .endSchema()
        .endVersion()
        .withNewConversion()
        .withStrategy("Webhook")
        .withNewWebhook()
        .withConversionReviewVersions("v1")
        .withNewClientConfig()
        .withNewService()
        .withName("telescope-webhook")
        .withNamespace(NS)
        .withPath("/convert")
        .withPort(443)
        .endService()
        .endClientConfig()
        .endWebhook()
        .endConversion()
        .endSpec()
        .build();
  }

  /** Method and path of every request the mock received since the previous call. */
  private static List<String> requestsSinceLastCall() {
    List<String> requests = new ArrayList<>();
    int total = server.getRequestCount();
    try {
      for (; requestsSeen < total; requestsSeen++) {
        RecordedRequest request = server.takeRequest(5, TimeUnit.SECONDS);
        requests.add(request.getMethod() + " " + request.getPath());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    return requests;
  }

  private static X509Certificate handshake(int port, X509Certificate trusted) throws Exception {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    trust.setCertificateEntry("ca", trusted);
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    // The certificate names the Service, not 127.0.0.1, so only the chain is verified here.
    try (SSLSocket socket =
        (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
      socket.setSoTimeout(5000);
      socket.startHandshake();
      return (X509Certificate) socket.getSession().getPeerCertificates()[0];
    }
  }

  private static String stripPem(String base64Pem) {
    String pem = new String(Base64.getDecoder().decode(base64Pem), StandardCharsets.US_ASCII);
    return pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
  }

  private static String b64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  /** A settable clock; can run an action just before its next read. */
  private static final class TestClock extends Clock {
    private volatile Instant now;
    private volatile Runnable beforeNextRead;

    TestClock(Instant now) {
      this.now = now;
    }

    void set(Instant instant) {
      now = instant;
    }

    void beforeNextRead(Runnable action) {
      beforeNextRead = action;
    }

    @Override
    public Instant instant() {
      Runnable action = beforeNextRead;
      if (action != null) {
        beforeNextRead = null;
        action.run();
      }
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }
}
