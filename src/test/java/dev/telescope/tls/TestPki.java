package dev.telescope.tls;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/** A throwaway CA for tests, with serving certificates for 127.0.0.1 and clients that trust it. */
public final class TestPki {

  private final CertificateMinter minter;
  private final CertificateMinter.Minted ca;

  public TestPki() {
    this(CertificateMinter.KeyAlgorithm.EC_P256);
  }

  public TestPki(CertificateMinter.KeyAlgorithm algorithm) {
    this.minter = new CertificateMinter(algorithm);
    this.ca = minter.mintCa("telescope-test-ca", Instant.now(), Duration.ofDays(2));
  }

  public CertificateMinter.Minted ca() {
    return ca;
  }

  /** A certificate for localhost and 127.0.0.1, valid for a day. */
  public CertificateMinter.Minted serving() {
    return serving(Instant.now(), Duration.ofDays(1));
  }

  public CertificateMinter.Minted serving(Instant issued, Duration validity) {
    return minter.mintServing(ca, List.of("localhost"), List.of("127.0.0.1"), issued, validity);
  }

  public PemKeyMaterial servingMaterial() throws KeyMaterialException {
    return serving().toKeyMaterial();
  }

  /** A client context trusting only this CA, with a fresh session cache (no resumption). */
  public SSLContext clientContext() throws GeneralSecurityException, IOException {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    trust.setCertificateEntry("ca", ca.certificate());
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return context;
  }

  /** Opens a new TLS connection and returns the serial of the certificate the server presented. */
  public BigInteger servedSerial(int port) throws GeneralSecurityException, IOException {
    try (SSLSocket socket =
        (SSLSocket) clientContext().getSocketFactory().createSocket("127.0.0.1", port)) {
      socket.setSoTimeout(5000);
      socket.startHandshake();
      return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
    }
  }

  /** Writes tls.crt (PEM) and tls.key (PKCS#8 PEM) into {@code dir}. */
  public static void write(Path dir, CertificateMinter.Minted serving) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("tls.crt"), serving.certificatePem(), StandardCharsets.US_ASCII);
    Files.writeString(dir.resolve("tls.key"), serving.privateKeyPem(), StandardCharsets.US_ASCII);
  }
}
