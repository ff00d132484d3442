package dev.telescope.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.telescope.health.HealthServer;
import dev.telescope.reconciler.MockCluster;
import dev.telescope.settings.CertMode;
import dev.telescope.tls.CertificateMinter.Minted;
import dev.telescope.webhook.WebhookServer;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The webhook's certificate in files mode, wired as the CLI wires it (file source, webhook server,
 * {@code /readyz} certificate check): a rotated Secret is served on the next connection; an expired
 * replacement is refused while the previous one keeps serving; a served certificate that expires is
 * reported in plain words.
 */
class CertificateRotationFaultsTest {
  private static final TestPki PKI = new TestPki();
  private static final Duration WAIT = Duration.ofSeconds(15);

  @TempDir Path certDir;
  private final AtomicInteger generation = new AtomicInteger();

  @Test
  void rotatedExpiredAndExpiringCertificates() throws Exception {
    AtomicReference<Instant> now = new AtomicReference<>(Instant.now());
    Clock clock =
        new Clock() {
          @Override
          public ZoneOffset getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(java.time.ZoneId zone) {
            return this;
          }

          @Override
          public Instant instant() {
            return now.get();
          }
        };
    Minted first = PKI.serving();
    kubeletProjects(first);
    FileCertificateSource source =
        new FileCertificateSource(CertMode.FILES, certDir, Duration.ofMillis(50), clock, true);
    source.start();
    WebhookServer server =
        new WebhookServer(
            WebhookServer.Options.defaults().withAddress("127.0.0.1", 0).withThreads(2, 16),
            source.sslContext());
    server.addAdmissionRoute(
        "/mutate-v1-pod",
        request -> {
          AdmissionResponse r = new AdmissionResponse();
          r.setAllowed(true);
          return r;
        },
        true);
    HealthServer health = new HealthServer("127.0.0.1", 0);
    health.addReadinessCheck("certificate", source::problem);
    try {
      server.start();
      health.start();
      assertThat(PKI.servedSerial(server.port())).isEqualTo(serial(first));
      assertThat(readyz(health).statusCode()).isEqualTo(200);

      // Rotation: the next connection gets the new certificate, no restart.
      Minted second = PKI.serving();
      kubeletProjects(second);
      MockCluster.await(
          "the rotated certificate is served",
          WAIT,
          () -> servedSerial(server).equals(serial(second)));
      assertThat(readyz(health).statusCode()).isEqualTo(200);

      // An expired replacement is refused; the valid one keeps serving; readiness says why.
      Minted expired = PKI.serving(Instant.now().minus(Duration.ofDays(3)), Duration.ofDays(1));
      kubeletProjects(expired);
      MockCluster.await(
          "the expired replacement is reported", WAIT, () -> readyz(health).statusCode() == 503);
      String refused = readyz(health).body();
      assertThat(refused)
          .contains("certificate: new certificate files in " + certDir)
          .contains("were not loaded, still serving the previous certificate")
          .contains("serial " + serial(expired).toString(16))
          .contains("has expired");
      assertThat(oneLineAfterHeader(refused)).isTrue();
      assertThat(servedSerial(server)).isEqualTo(serial(second));

      // A valid, short-lived certificate fixes it ...
      Minted shortLived =
          PKI.serving(Instant.now().minus(Duration.ofMinutes(1)), Duration.ofHours(1));
      kubeletProjects(shortLived);
      MockCluster.await("ready again", WAIT, () -> readyz(health).statusCode() == 200);
      assertThat(servedSerial(server)).isEqualTo(serial(shortLived));

      // ... until it expires while being served: not ready, in plain words.
      now.set(Instant.now().plus(Duration.ofHours(2)));
      HttpResponse<String> expiredServed = readyz(health);
      assertThat(expiredServed.statusCode()).isEqualTo(503);
      assertThat(expiredServed.body())
          .contains("certificate: serving certificate '")
          .contains("serial " + serial(shortLived).toString(16))
          .contains("valid until")
          .contains("has expired");
    } finally {
      health.close();
      server.stop(Duration.ZERO);
      source.close();
    }
  }

  /** The body is "not ready:" and then one line per failing check. */
  private static boolean oneLineAfterHeader(String body) {
    return body.strip().lines().count() == 2;
  }

  private static BigInteger serial(Minted m) {
    return m.certificate().getSerialNumber();
  }

  private static BigInteger servedSerial(WebhookServer server) {
    try {
      return PKI.servedSerial(server.port());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static HttpResponse<String> readyz(HealthServer health) {
    try {
      return HttpClient.newHttpClient()
          .send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + health.port() + "/readyz"))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** What kubelet does for a mounted Secret: a new directory, then an atomic symlink swap. */
  private void kubeletProjects(Minted serving) throws Exception {
    Path data = certDir.resolve("..2026_" + generation.incrementAndGet());
    Files.createDirectories(data);
    Files.writeString(data.resolve("tls.crt"), serving.certificatePem(), StandardCharsets.US_ASCII);
    Files.writeString(data.resolve("tls.key"), serving.privateKeyPem(), StandardCharsets.US_ASCII);
    Path tmp = certDir.resolve("..data_tmp");
    Files.deleteIfExists(tmp);
    Files.createSymbolicLink(tmp, data.getFileName());
    Files.move(tmp, certDir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);
    for (String f : new String[] {"tls.crt", "tls.key"}) {
      Path link = certDir.resolve(f);
      if (!Files.isSymbolicLink(link)) {
        Files.createSymbolicLink(link, Path.of("..data", f));
      }
    }
  }
}
