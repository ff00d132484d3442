package dev.telescope.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.telescope.settings.MetricsServing;
import dev.telescope.tls.CertificateMinter;
import dev.telescope.tls.CertificateSource;
import dev.telescope.tls.TestPki;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /metrics} over real TLS, with and without a bearer token, from each certificate source.
 */
class SecureMetricsTest {
  private static final String SCRAPE = "# TYPE telescope_object_writes_total counter\n";

  @TempDir Path dir;
  private final TestPki pki = new TestPki();
  private final List<AutoCloseable> closing = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : closing) {
      c.close();
    }
  }

  private HealthServer start(MetricsServing serving, Optional<CertificateSource> webhook)
      throws IOException {
    HealthServer server = new HealthServer("127.0.0.1", 0).withMetrics(() -> SCRAPE);
    SecureMetrics.apply(server, serving, webhook).ifPresent(closing::add);
    server.start();
    closing.add(0, server);
    return server;
  }

  private Path certDir() throws IOException {
    Path certs = dir.resolve("certs");
    TestPki.write(certs, pki.serving());
    return certs;
  }

  private HttpResponse<String> get(HealthServer server, String path, String token)
      throws Exception {
    HttpClient client =
        HttpClient.newBuilder()
            .sslContext(pki.clientContext())
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.port() + path))
            .timeout(Duration.ofSeconds(10));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return client.send(request.build(), BodyHandlers.ofString());
  }

  @Test
  void metricsNeedTheTokenOverHttpsWhileProbesDoNot() throws Exception {
    Path token = Files.writeString(dir.resolve("token"), "s3cret\n");
    HealthServer server =
        start(new MetricsServing(true, certDir(), null, null, token), Optional.empty());

    HttpResponse<String> withToken = get(server, "/metrics", "s3cret");
    HttpResponse<String> without = get(server, "/metrics", null);
    HttpResponse<String> wrong = get(server, "/metrics", "s3cre");

    assertThat(withToken.statusCode()).isEqualTo(200);
    assertThat(withToken.body()).isEqualTo(SCRAPE);
    assertThat(without.statusCode()).isEqualTo(401);
    assertThat(without.headers().firstValue("WWW-Authenticate"))
        .hasValue("Bearer realm=\"metrics\"");
    assertThat(without.body()).doesNotContain("telescope_");
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(get(server, "/healthz", null).statusCode()).isEqualTo(200);
  }

  @Test
  void aRotatedTokenFileTakesEffectAtOnceAndAMissingOneRefusesAll() throws Exception {
    Path token = Files.writeString(dir.resolve("token"), "first");
    HealthServer server =
        start(new MetricsServing(true, certDir(), null, null, token), Optional.empty());

    Files.writeString(token, "second");
    assertThat(get(server, "/metrics", "first").statusCode()).isEqualTo(401);
    assertThat(get(server, "/metrics", "second").statusCode()).isEqualTo(200);

    Files.delete(token);
    assertThat(get(server, "/metrics", "second").statusCode()).isEqualTo(401);
  }

  @Test
  void withoutATokenFileMetricsAreOpenOverHttpsOnly() throws Exception {
    HealthServer server =
        start(new MetricsServing(true, certDir(), null, null, null), Optional.empty());

    assertThat(get(server, "/metrics", null).body()).isEqualTo(SCRAPE);
    HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    assertThatThrownBy(
            () ->
                plain.send(
                    HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + server.port() + "/metrics"))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                    BodyHandlers.ofString()))
        .isInstanceOf(IOException.class);
  }

  @Test
  void upstreamsCertificateFilePairIsServed() throws Exception {
    CertificateMinter.Minted serving = pki.serving();
    Path cert = Files.writeString(dir.resolve("metrics.crt"), serving.certificatePem());
    Path key = Files.writeString(dir.resolve("metrics.key"), serving.privateKeyPem());
    HealthServer server = start(new MetricsServing(true, null, cert, key, null), Optional.empty());

    assertThat(pki.servedSerial(server.port())).isEqualTo(serving.certificate().getSerialNumber());
    assertThat(get(server, "/metrics", null).statusCode()).isEqualTo(200);
  }

  @Test
  void unreadableUpstreamFilesAreAClearError() {
    HealthServer server = new HealthServer("127.0.0.1", 0);
    MetricsServing serving =
        new MetricsServing(true, null, dir.resolve("no.crt"), dir.resolve("no.key"), null);

    assertThatThrownBy(() -> SecureMetrics.apply(server, serving, Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("--metrics-tls-cert-file/--metrics-tls-key-file: ");
  }

  @Test
  void withoutItsOwnCertificateTheWebhooksIsReused() throws Exception {
    CertificateSource webhook = CertificateSource.files(certDir(), Duration.ofSeconds(10));
    webhook.start();
    closing.add(webhook);
    HealthServer server =
        start(new MetricsServing(true, null, null, null, null), Optional.of(webhook));

    BigInteger webhookSerial =
        webhook.keyManager().current().orElseThrow().leaf().getSerialNumber();
    assertThat(pki.servedSerial(server.port())).isEqualTo(webhookSerial);
  }

  @Test
  void withNoCertificateAtAllASelfSignedOneIsMinted() throws Exception {
    HealthServer server = start(new MetricsServing(true, null, null, null, null), Optional.empty());

    List<X509Certificate> seen = new ArrayList<>();
    SSLContext recording = SSLContext.getInstance("TLS");
    recording.init(null, new TrustManager[] {new Recording(seen)}, null);
    try (SSLSocket socket =
        (SSLSocket) recording.getSocketFactory().createSocket("127.0.0.1", server.port())) {
      socket.setSoTimeout(5000);
      socket.startHandshake();
    }
    assertThat(seen).isNotEmpty();
    assertThat(seen.get(0).getIssuerX500Principal().getName()).isEqualTo("CN=telescope-metrics-ca");
    // Nothing a scraper trusts by default signed it.
    assertThatThrownBy(() -> pki.servedSerial(server.port())).isInstanceOf(IOException.class);
  }

  @Test
  void flagsThatProtectNothingOnPlainHttpAreRefused() {
    assertThatThrownBy(() -> new MetricsServing(false, null, null, null, dir.resolve("t")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("need --metrics-secure");
    assertThatThrownBy(() -> new MetricsServing(true, null, dir.resolve("c"), null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("go together");
    assertThatThrownBy(
            () -> new MetricsServing(true, dir, dir.resolve("c"), dir.resolve("k"), null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("give one");
  }

  /** Accepts any server certificate and keeps the chain it was shown. */
  private record Recording(List<X509Certificate> seen) implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
      throw new UnsupportedOperationException("server side only");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {
      seen.addAll(List.of(chain));
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
