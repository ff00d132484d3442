package dev.telescope.tls;

import dev.telescope.settings.CertMode;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/** Files and none modes: certificates are provided by someone else and only watched here. */
final class FileCertificateSource implements CertificateSource {

  private final CertMode mode;
  private final ReloadingKeyManager keyManager = new ReloadingKeyManager();
  private final CertDirWatcher watcher;

  FileCertificateSource(
      CertMode mode, Path certDir, Duration pollInterval, Clock clock, boolean filesRequired) {
    this.mode = mode;
    this.watcher = new CertDirWatcher(certDir, keyManager, pollInterval, clock, filesRequired);
  }

  @Override
  public CertMode mode() {
    return mode;
  }

  @Override
  public void start() {
    watcher.start();
  }

  @Override
  public ReloadingKeyManager keyManager() {
    return keyManager;
  }

  @Override
  public Optional<String> problem() {
    return watcher.problem();
  }

  @Override
  public void close() {
    watcher.close();
  }
}
