package dev.telescope.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls a certificate directory and installs changed {@code tls.crt}/{@code tls.key} pairs into a
 * {@link ReloadingKeyManager}, so renewed certificates are served without a restart.
 *
 * <p>Kubelet updates a mounted Secret by writing a new timestamped directory and atomically
 * renaming the {@code ..data} symlink to it; {@code tls.crt} and {@code tls.key} are symlinks
 * through {@code ..data}. File events on the visible names never fire for that swap, so this class
 * polls the content hash of the resolved files instead. A new pair that does not load (mismatched,
 * unparsable, expired) is not installed: the previous certificate keeps serving and the problem is
 * reported through {@link #problem()} for {@code /readyz}.
 */
public final class CertDirWatcher implements AutoCloseable {

  /** The certificate file name used by kubelet-mounted TLS Secrets and cert-manager. */
  public static final String CERT_FILE = dev.telescope.settings.CertMode.CERT_FILE;

  /** The private key file name used by kubelet-mounted TLS Secrets and cert-manager. */
  public static final String KEY_FILE = dev.telescope.settings.CertMode.KEY_FILE;

  private static final Logger LOG = LoggerFactory.getLogger(CertDirWatcher.class);

  private final Path certDir;
  private final Path certFile;
  private final Path keyFile;
  private final ReloadingKeyManager keyManager;
  private final Duration pollInterval;
  private final Clock clock;
  private final boolean filesRequired;
  private final AtomicLong reloads = new AtomicLong();
  private ScheduledExecutorService scheduler;

  private byte[] lastHash;
  private volatile String lastError;
  private volatile boolean filesAbsent;

  /**
   * Watches {@code certDir/tls.crt} and {@code certDir/tls.key}; missing files are a problem.
   *
   * @param certDir the directory, e.g. {@code /tmp/k8s-webhook-server/serving-certs}
   * @param keyManager where loaded pairs are installed
   * @param pollInterval how often to compare file contents
   */
  public CertDirWatcher(Path certDir, ReloadingKeyManager keyManager, Duration pollInterval) {
    this(certDir, keyManager, pollInterval, Clock.systemUTC(), true);
  }

  /**
   * @param certDir the directory holding {@code tls.crt} and {@code tls.key}
   * @param keyManager where loaded pairs are installed
   * @param pollInterval how often to compare file contents
   * @param clock the time used for expiry checks
   * @param filesRequired whether absent files are a problem ({@code false} for {@code --cert-mode
   *     none}, where certificates are optional)
   */
  public CertDirWatcher(
      Path certDir,
      ReloadingKeyManager keyManager,
      Duration pollInterval,
      Clock clock,
      boolean filesRequired) {
    if (pollInterval.isNegative() || pollInterval.isZero()) {
      throw new IllegalArgumentException("poll interval must be positive");
    }
    this.certDir = certDir;
    this.certFile = certDir.resolve(CERT_FILE);
    this.keyFile = certDir.resolve(KEY_FILE);
    this.keyManager = keyManager;
    this.pollInterval = pollInterval;
    this.clock = clock;
    this.filesRequired = filesRequired;
  }

  /**
   * Loads the current files once, then keeps polling on a daemon thread. A failed first load does
   * not throw: it is reported by {@link #problem()} and retried on every poll.
   */
  public synchronized void start() {
    if (scheduler != null) {
      return;
    }
    poll();
    scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "cert-dir-watcher");
              t.setDaemon(true);
              return t;
            });
    long millis = pollInterval.toMillis();
    scheduler.scheduleWithFixedDelay(this::pollQuietly, millis, millis, TimeUnit.MILLISECONDS);
  }

  /**
   * Checks the files once, now.
   *
   * @return {@code true} when a changed, valid pair was installed
   */
  public synchronized boolean poll() {
    byte[] certBytes;
    byte[] keyBytes;
    try {
      certBytes = Files.readAllBytes(certFile);
      keyBytes = Files.readAllBytes(keyFile);
    } catch (NoSuchFileException e) {
      filesAbsent = true;
      lastHash = null;
      lastError =
          "no " + CERT_FILE + "/" + KEY_FILE + " pair in " + certDir + " (" + e.getFile() + ")";
      return false;
    } catch (IOException e) {
      filesAbsent = false;
      lastHash = null;
      lastError =
          "could not read the certificate files in "
              + certDir
              + " ("
              + e.getClass().getSimpleName()
              + ")";
      return false;
    }
    filesAbsent = false;
    byte[] hash = hash(certBytes, keyBytes);
    if (Arrays.equals(hash, lastHash)) {
      return false;
    }
    // Remember the hash even when the pair is bad: it is not retried until the files change again.
    lastHash = hash;
    PemKeyMaterial material;
    try {
      material = PemKeyMaterial.parse(certBytes, keyBytes, CERT_FILE, KEY_FILE);
    } catch (KeyMaterialException e) {
      reject(e.getMessage());
      return false;
    }
    Optional<String> expired = material.expiryProblem(clock.instant());
    if (expired.isPresent() && keyManager.current().isPresent()) {
      reject("the new " + expired.get());
      return false;
    }
    keyManager.update(material);
    reloads.incrementAndGet();
    lastError = null;
    LOG.info("Serving certificate {} from {}", material, certDir);
    return true;
  }

  /**
   * What is wrong with the served certificate, in plain words, for {@code /readyz}.
   *
   * @return the problem, or empty while a valid certificate is served
   */
  public Optional<String> problem() {
    Optional<PemKeyMaterial> served = keyManager.current();
    String error = lastError;
    if (!filesRequired && filesAbsent && served.isEmpty()) {
      return Optional.empty();
    }
    if (error != null) {
      return Optional.of(error);
    }
    if (served.isEmpty()) {
      return Optional.of("no serving certificate loaded from " + certDir);
    }
    return served.get().expiryProblem(clock.instant());
  }

  /** How many pairs were installed since construction, including the first. */
  public long reloads() {
    return reloads.get();
  }

  /** The watched directory. */
  public Path certDir() {
    return certDir;
  }

  /** Stops polling; the installed certificate stays. */
  @Override
  public synchronized void close() {
    if (scheduler != null) {
      scheduler.shutdownNow();
      scheduler = null;
    }
  }

  private void reject(String reason) {
    if (keyManager.current().isPresent()) {
      lastError =
          "new certificate files in "
              + certDir
              + " were not loaded, still serving the previous certificate: "
              + reason;
    } else {
      lastError = reason;
    }
    LOG.error("Certificate files in {} not loaded: {}", certDir, reason);
  }

  private void pollQuietly() {
    try {
      poll();
    } catch (RuntimeException e) {
      // A scheduled task that throws is never run again; keep watching.
      LOG.error("Checking the certificate files in {} failed", certDir, e);
    }
  }

  private static byte[] hash(byte[] cert, byte[] key) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(cert);
      digest.update((byte) 0);
      digest.update(key);
      return digest.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from the JDK", e);
    }
  }
}
