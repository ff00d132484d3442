package dev.telescope.tls;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Mints a small private CA and serving certificates signed by it, for the self-managed certificate
 * mode (clusters without cert-manager or OLM) and for tests. Uses the JDK's own crypto providers,
 * with BouncyCastle only building the X.509 structures.
 */
public final class CertificateMinter {

  /** The key type of minted certificates. */
  public enum KeyAlgorithm {
    /** ECDSA on P-256: small, fast, accepted by every Kubernetes API server. */
    EC_P256,
    /** RSA 2048 bits, for environments that insist on RSA. */
    RSA_2048
  }

  /** A certificate with the key pair it was issued for. */
  public record Minted(X509Certificate certificate, KeyPair keyPair) {

    /** The certificate as PEM text. */
    public String certificatePem() {
      return pem(certificate);
    }

    /** The private key as PKCS#8 PEM text. */
    public String privateKeyPem() {
      return pem(keyPair.getPrivate());
    }

    /** The pair as validated serving material. */
    public PemKeyMaterial toKeyMaterial() throws KeyMaterialException {
      return PemKeyMaterial.of(List.of(certificate), keyPair.getPrivate());
    }
  }

  // Certificates are backdated so a node whose clock runs a little behind accepts them at once.
  private static final Duration BACKDATE = Duration.ofHours(1);

  private final KeyAlgorithm keyAlgorithm;
  private final SecureRandom random = new SecureRandom();

  /**
   * @param keyAlgorithm the key type for every certificate this minter issues
   */
  public CertificateMinter(KeyAlgorithm keyAlgorithm) {
    this.keyAlgorithm = keyAlgorithm;
  }

  /**
   * Mints a self-signed CA certificate that may sign leaf certificates only (path length 0).
   *
   * @param commonName the CA's subject CN
   * @param now the issuing time
   * @param validity how long the CA is valid from {@code now}
   * @return the CA certificate and key pair
   */
  public Minted mintCa(String commonName, Instant now, Duration validity) {
    KeyPair keys = generateKeyPair();
    X500Name name = new X500Name("CN=" + commonName);
    try {
      JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
                  name,
                  serial(),
                  Date.from(now.minus(BACKDATE)),
                  Date.from(now.plus(validity)),
                  name,
                  keys.getPublic())
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
              .addExtension(
                  Extension.keyUsage,
                  true,
                  new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature))
              .addExtension(
                  Extension.subjectKeyIdentifier,
                  false,
                  utils.createSubjectKeyIdentifier(keys.getPublic()));
      return new Minted(sign(builder, keys.getPrivate()), keys);
    } catch (GeneralSecurityException | CertIOException e) {
      throw new IllegalStateException("could not mint a CA certificate", e);
    }
  }

  /**
   * Mints a TLS server certificate signed by {@code ca}; it never outlives the CA.
   *
   * @param ca the issuing CA with its private key
   * @param dnsNames subject alternative DNS names; the first is also the subject CN
   * @param ipAddresses subject alternative IP addresses (literal addresses only), may be empty
   * @param now the issuing time
   * @param validity how long the certificate is valid from {@code now}
   * @return the serving certificate and key pair
   */
  public Minted mintServing(
      Minted ca,
      List<String> dnsNames,
      Collection<String> ipAddresses,
      Instant now,
      Duration validity) {
    if (dnsNames.isEmpty() && ipAddresses.isEmpty()) {
      throw new IllegalArgumentException("a serving certificate needs at least one name");
    }
    KeyPair keys = generateKeyPair();
    Instant notAfter = now.plus(validity);
    Instant caNotAfter = ca.certificate().getNotAfter().toInstant();
    if (notAfter.isAfter(caNotAfter)) {
      notAfter = caNotAfter;
    }
    List<GeneralName> names = new ArrayList<>();
    dnsNames.forEach(dns -> names.add(new GeneralName(GeneralName.dNSName, dns)));
    for (String ip : ipAddresses) {
      names.add(new GeneralName(GeneralName.iPAddress, ipLiteral(ip)));
    }
    String commonName = dnsNames.isEmpty() ? ipAddresses.iterator().next() : dnsNames.get(0);
    int usage = KeyUsage.digitalSignature;
    if (keyAlgorithm == KeyAlgorithm.RSA_2048) {
      usage |= KeyUsage.keyEncipherment;
    }
    try {
      JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
                  ca.certificate(),
                  serial(),
                  Date.from(now.minus(BACKDATE)),
                  Date.from(notAfter),
                  new X500Name("CN=" + commonName),
                  keys.getPublic())
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
              .addExtension(Extension.keyUsage, true, new KeyUsage(usage))
              .addExtension(
                  Extension.extendedKeyUsage,
                  false,
                  new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
              .addExtension(
                  Extension.subjectAlternativeName,
                  false,
                  new GeneralNames(names.toArray(new GeneralName[0])))
              .addExtension(
                  Extension.authorityKeyIdentifier,
                  false,
                  utils.createAuthorityKeyIdentifier(ca.certificate()))
              .addExtension(
                  Extension.subjectKeyIdentifier,
                  false,
                  utils.createSubjectKeyIdentifier(keys.getPublic()));
      return new Minted(sign(builder, ca.keyPair().getPrivate()), keys);
    } catch (GeneralSecurityException | CertIOException e) {
      throw new IllegalStateException("could not mint a serving certificate", e);
    }
  }

  /**
   * PEM text of a certificate.
   *
   * @param certificate the certificate
   * @return {@code -----BEGIN CERTIFICATE-----} text ending with a newline
   */
  public static String pem(X509Certificate certificate) {
    try {
      return pem("CERTIFICATE", certificate.getEncoded());
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException("certificate cannot be encoded", e);
    }
  }

  /**
   * PKCS#8 PEM text of a private key.
   *
   * @param key the key
   * @return {@code -----BEGIN PRIVATE KEY-----} text ending with a newline
   */
  public static String pem(PrivateKey key) {
    return pem("PRIVATE KEY", key.getEncoded());
  }

  private static String pem(String type, byte[] der) {
    String body =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
  }

  private KeyPair generateKeyPair() {
    try {
      if (keyAlgorithm == KeyAlgorithm.RSA_2048) {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048, random);
        return generator.generateKeyPair();
      }
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), random);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK cannot generate " + keyAlgorithm + " keys", e);
    }
  }

  private X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signingKey)
      throws GeneralSecurityException {
    String algorithm =
        "RSA".equals(signingKey.getAlgorithm()) ? "SHA256withRSA" : "SHA256withECDSA";
    try {
      return new JcaX509CertificateConverter()
          .getCertificate(builder.build(new JcaContentSignerBuilder(algorithm).build(signingKey)));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException("cannot sign with " + algorithm, e);
    }
  }

  private BigInteger serial() {
    // Positive and at most 20 octets, as RFC 5280 requires; random so every certificate differs.
    return new BigInteger(127, random).add(BigInteger.ONE);
  }

  private static String ipLiteral(String ip) {
    try {
      // Only literal addresses are accepted, so this never does a DNS lookup.
      if (!ip.matches("[0-9.]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*")) {
        throw new IllegalArgumentException("not an IP address literal: " + ip);
      }
      return InetAddress.getByName(ip).getHostAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an IP address literal: " + ip, e);
    }
  }
}
