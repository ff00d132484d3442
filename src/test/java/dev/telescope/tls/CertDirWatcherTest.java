package dev.telescope.tls;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telescope.tls.CertificateMinter.Minted;
import dev.telescope.webhook.WebhookServer;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Certificate reload from a mounted Secret, including kubelet's {@code ..data} symlink swap. */
class CertDirWatcherTest {

  private static final TestPki PKI = new TestPki();
  private static final AtomicInteger generation = new AtomicInteger();

  @TempDir Path certDir;

  private final ReloadingKeyManager keys = new ReloadingKeyManager();
  private CertDirWatcher watcher;
  private WebhookServer server;

  @AfterEach
  void stop() {
    if (watcher != null) {
      watcher.close();
    }
    if (server != null) {
      server.stop(Duration.ZERO);
    }
  }

  @Test
  void rotationByKubeletSymlinkSwapIsServedOnTheNextConnection() throws Exception {
    Minted first = PKI.serving();
    Minted second = PKI.serving();
    kubeletProjects(first);
    watcher = new CertDirWatcher(certDir, keys, Duration.ofMillis(50));
    watcher.start();
    startServer();
    assertThat(PKI.servedSerial(server.port())).isEqualTo(serial(first));

    kubeletProjects(second);

    assertThat(awaitServedSerial(serial(second), Duration.ofSeconds(10))).isEqualTo(serial(second));
    assertThat(watcher.problem()).isEmpty();
    assertThat(watcher.reloads()).isEqualTo(2);
  }

  @Test
  void plainFilesRewrittenInPlaceArePickedUp() throws Exception {
    Minted first = PKI.serving();
    Minted second = PKI.serving();
    TestPki.write(certDir, first);
    watcher = new CertDirWatcher(certDir, keys, Duration.ofHours(1));
    watcher.start();
    startServer();

    TestPki.write(certDir, second);
    boolean reloaded = watcher.poll();

    assertThat(reloaded).isTrue();
    assertThat(PKI.servedSerial(server.port())).isEqualTo(serial(second));
  }

  @Test
  void unchangedFilesAreNotReloaded() throws Exception {
    kubeletProjects(PKI.serving());
    watcher = new CertDirWatcher(certDir, keys, Duration.ofHours(1));
    watcher.start();

    boolean reloaded = watcher.poll() || watcher.poll();

    assertThat(reloaded).isFalse();
    assertThat(watcher.reloads()).isEqualTo(1);
  }

  @Test
  void badNewPairKeepsServingTheOldOneAndIsReported() throws Exception {
    Minted good = PKI.serving();
    kubeletProjects(good);
    watcher = new CertDirWatcher(certDir, keys, Duration.ofHours(1));
    watcher.start();
    startServer();
    Minted other = PKI.serving();

    kubeletProjects(PKI.serving().certificatePem(), other.privateKeyPem());
    boolean reloaded = watcher.poll();

    assertThat(reloaded).isFalse();
    assertThat(PKI.servedSerial(server.port())).isEqualTo(serial(good));
    assertThat(watcher.problem())
        .hasValueSatisfying(
            problem ->
                assertThat(problem)
                    .contains("still serving the previous certificate")
                    .contains("does not belong to the certificate"));

    Minted fixed = PKI.serving();
    kubeletProjects(fixed);
    assertThat(watcher.poll()).isTrue();
    assertThat(watcher.problem()).isEmpty();
    assertThat(PKI.servedSerial(server.port())).isEqualTo(serial(fixed));
  }

  @Test
  void expiredNewPairIsRefusedWhileAValidOneIsServed() throws Exception {
    Minted valid = PKI.serving();
    kubeletProjects(valid);
    watcher = new CertDirWatcher(certDir, keys, Duration.ofHours(1));
    watcher.start();

    kubeletProjects(PKI.serving(Instant.now().minus(Duration.ofDays(3)), Duration.ofDays(1)));

    assertThat(watcher.poll()).isFalse();
    assertThat(keys.current().orElseThrow().leaf()).isEqualTo(valid.certificate());
    assertThat(watcher.problem()).hasValueSatisfying(p -> assertThat(p).contains("has expired"));
  }

  @Test
  void servedCertificateExpiringIsReported() throws Exception {
    Minted serving = PKI.serving();
    kubeletProjects(serving);
    Clock later = Clock.fixed(Instant.now().plus(Duration.ofDays(2)), java.time.ZoneOffset.UTC);
    watcher = new CertDirWatcher(certDir, keys, Duration.ofHours(1), later, true);

    watcher.start();

    assertThat(keys.current()).isPresent();
    assertThat(watcher.problem()).hasValueSatisfying(p -> assertThat(p).contains("has expired"));
  }

  @Test
  void missingFilesAreAProblemOnlyWhenRequired() throws IOException {
    watcher = new CertDirWatcher(certDir, keys, Duration.ofHours(1));
    CertDirWatcher optional =
        new CertDirWatcher(
            certDir, new ReloadingKeyManager(), Duration.ofHours(1), Clock.systemUTC(), false);

    watcher.start();
    optional.start();
    optional.close();

    assertThat(watcher.problem())
        .hasValueSatisfying(p -> assertThat(p).startsWith("no tls.crt/tls.key pair in " + certDir));
    assertThat(optional.problem()).isEmpty();
  }

  @Test
  void filesAppearingLaterAreLoaded() throws Exception {
    watcher = new CertDirWatcher(certDir, keys, Duration.ofMillis(50));
    watcher.start();
    assertThat(keys.current()).isEmpty();

    Minted serving = PKI.serving();
    kubeletProjects(serving);

    Awaitility.await("the projected files loaded")
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(10))
        .until(() -> keys.current().isPresent());
    assertThat(keys.current())
        .hasValueSatisfying(m -> assertThat(m.leaf()).isEqualTo(serving.certificate()));
    assertThat(watcher.problem()).isEmpty();
  }

  private void startServer() throws IOException {
    server =
        new WebhookServer(
            WebhookServer.Options.defaults().withAddress("127.0.0.1", 0).withThreads(1, 8),
            keys.sslContext(),
            new ObjectMapper());
    server.start();
  }

  private BigInteger awaitServedSerial(BigInteger expected, Duration timeout) throws Exception {
    try {
      return Awaitility.await("the served serial")
          .atMost(timeout)
          .pollInterval(Duration.ofMillis(20))
          .until(() -> PKI.servedSerial(server.port()), expected::equals);
    } catch (ConditionTimeoutException e) {
      return PKI.servedSerial(server.port()); // the caller asserts on what is served
    }
  }

  private static BigInteger serial(Minted minted) {
    return minted.certificate().getSerialNumber();
  }

  private void kubeletProjects(Minted serving) throws IOException {
    kubeletProjects(serving.certificatePem(), serving.privateKeyPem());
  }

  /**
   * What kubelet does for a Secret volume: write a fresh timestamped directory, point a temporary
   * symlink at it, rename that over {@code ..data} (atomic), and keep {@code tls.crt ->
   * ..data/tls.crt}.
   */
  private void kubeletProjects(String certPem, String keyPem) throws IOException {
    Path version = certDir.resolve("..2026_11_26_01_00_00." + generation.incrementAndGet());
    Files.createDirectory(version);
    Files.writeString(version.resolve("tls.crt"), certPem);
    Files.writeString(version.resolve("tls.key"), keyPem);
    Path tmp = certDir.resolve("..data_tmp");
    Files.createSymbolicLink(tmp, version.getFileName());
    Files.move(
        tmp,
        certDir.resolve("..data"),
        StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
    for (String name : new String[] {"tls.crt", "tls.key"}) {
      Path link = certDir.resolve(name);
      if (!Files.isSymbolicLink(link)) {
        Files.createSymbolicLink(link, Path.of("..data", name));
      }
    }
  }
}
