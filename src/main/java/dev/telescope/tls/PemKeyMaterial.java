package dev.telescope.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Null;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * A serving certificate chain and its private key read from PEM, checked to belong together, so a
 * broken Secret is reported in plain words instead of failing TLS handshakes later.
 *
 * <p>Accepts the key encodings that cert-manager, OLM and openssl produce: PKCS#8 ({@code BEGIN
 * PRIVATE KEY}), PKCS#1 ({@code BEGIN RSA PRIVATE KEY}) and SEC1 ({@code BEGIN EC PRIVATE KEY}).
 * Keys end up as plain JDK key objects, so no BouncyCastle provider is registered. Nothing here
 * ever prints key material: {@link #toString()} describes the certificate only.
 */
public final class PemKeyMaterial {

  private final List<X509Certificate> chain;
  private final PrivateKey privateKey;

  private PemKeyMaterial(List<X509Certificate> chain, PrivateKey privateKey) {
    this.chain = List.copyOf(chain);
    this.privateKey = privateKey;
  }

  /**
   * Reads a certificate chain file and a key file (symlinks are followed, as kubelet's projected
   * Secret files are symlinks into the {@code ..data} directory).
   *
   * @param certFile PEM certificates, the serving certificate first
   * @param keyFile the PEM private key of the first certificate
   * @return the validated pair
   * @throws KeyMaterialException when a file is missing or unreadable, holds no usable PEM, or the
   *     key does not belong to the certificate
   */
  public static PemKeyMaterial load(Path certFile, Path keyFile) throws KeyMaterialException {
    byte[] cert = read(certFile, "certificate");
    byte[] key = read(keyFile, "private key");
    return parse(cert, key, certFile.getFileName().toString(), keyFile.getFileName().toString());
  }

  /**
   * Parses PEM text, for material that comes from a Secret rather than files.
   *
   * @param certPem PEM certificates, the serving certificate first
   * @param keyPem the PEM private key of the first certificate
   * @param certName how to call the certificate source in messages (e.g. {@code tls.crt})
   * @param keyName how to call the key source in messages (e.g. {@code tls.key})
   * @return the validated pair
   * @throws KeyMaterialException when the PEM is unusable or the key does not match
   */
  public static PemKeyMaterial parse(byte[] certPem, byte[] keyPem, String certName, String keyName)
      throws KeyMaterialException {
    List<X509Certificate> chain = parseCertificates(certPem, certName);
    if (chain.isEmpty()) {
      throw new KeyMaterialException(certName + " contains no PEM certificate");
    }
    PrivateKey key = parsePrivateKey(keyPem, keyName, chain.get(0));
    checkKeyMatches(chain.get(0), key, certName, keyName);
    return new PemKeyMaterial(chain, key);
  }

  /**
   * Wraps material minted in-process, checking that the key matches like the parsers do.
   *
   * @param chain certificates, the serving certificate first
   * @param key its private key
   * @return the validated pair
   * @throws KeyMaterialException when the key does not belong to the first certificate
   */
  public static PemKeyMaterial of(List<X509Certificate> chain, PrivateKey key)
      throws KeyMaterialException {
    if (chain.isEmpty()) {
      throw new KeyMaterialException("no certificate given");
    }
    checkKeyMatches(chain.get(0), key, "certificate", "private key");
    return new PemKeyMaterial(chain, key);
  }

  /**
   * Parses every {@code CERTIFICATE} block of a PEM text, ignoring other blocks.
   *
   * @param pem PEM text
   * @param name how to call the source in messages
   * @return the certificates in file order, possibly empty
   * @throws KeyMaterialException when the PEM is malformed or a certificate cannot be decoded
   */
  public static List<X509Certificate> parseCertificates(byte[] pem, String name)
      throws KeyMaterialException {
    List<X509Certificate> certs = new ArrayList<>();
    JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
    try (PEMParser parser = parser(pem)) {
      Object item;
      while ((item = parser.readObject()) != null) {
        if (item instanceof X509CertificateHolder holder) {
          certs.add(converter.getCertificate(holder));
        }
      }
    } catch (IOException | CertificateException | RuntimeException e) {
      throw new KeyMaterialException(
          name + " is not valid PEM certificate data (" + e.getClass().getSimpleName() + ")", e);
    }
    return certs;
  }

  /**
   * Parses the first private key of a PEM text into a JDK key object.
   *
   * @param pem PEM text holding one private key
   * @param name how to call the source in messages
   * @return the key
   * @throws KeyMaterialException when there is no usable unencrypted key
   */
  public static PrivateKey parsePrivateKey(byte[] pem, String name) throws KeyMaterialException {
    return parsePrivateKey(pem, name, null);
  }

  private static PrivateKey parsePrivateKey(byte[] pem, String name, X509Certificate certificate)
      throws KeyMaterialException {
    PrivateKeyInfo info = null;
    try (PEMParser parser = parser(pem)) {
      Object item;
      while (info == null && (item = parser.readObject()) != null) {
        if (item instanceof PrivateKeyInfo pkcs8) {
          info = pkcs8;
        } else if (item instanceof PEMKeyPair pair) {
          // PKCS#1 "RSA PRIVATE KEY" and SEC1 "EC PRIVATE KEY" both arrive as a key pair.
          info = pair.getPrivateKeyInfo();
        } else if (item instanceof PEMEncryptedKeyPair
            || item instanceof PKCS8EncryptedPrivateKeyInfo) {
          throw new KeyMaterialException(
              name + " holds an encrypted private key; the webhook needs an unencrypted key");
        }
        // Anything else (EC PARAMETERS blocks, certificates) is skipped.
      }
    } catch (IOException | RuntimeException e) {
      // Deliberately no parser message: it could quote parts of the key.
      throw new KeyMaterialException(
          name
              + " could not be parsed as a PEM private key ("
              + e.getClass().getSimpleName()
              + ")");
    }
    if (info == null) {
      throw new KeyMaterialException(name + " contains no PEM private key");
    }
    String algorithm = jdkAlgorithm(info.getPrivateKeyAlgorithm().getAlgorithm());
    if (algorithm == null) {
      throw new KeyMaterialException(
          name
              + " holds a private key of an unsupported type ("
              + info.getPrivateKeyAlgorithm().getAlgorithm().getId()
              + "); use RSA or ECDSA");
    }
    try {
      if ("EC".equals(algorithm) && certificate != null) {
        info = withCurveOf(info, certificate);
      }
      return KeyFactory.getInstance(algorithm)
          .generatePrivate(new PKCS8EncodedKeySpec(info.getEncoded()));
    } catch (GeneralSecurityException | IOException e) {
      throw new KeyMaterialException(
          name + " holds a " + algorithm + " private key the JDK cannot use", e);
    }
  }

  /** The serving (first) certificate. */
  public X509Certificate leaf() {
    return chain.get(0);
  }

  /** The full chain as read, serving certificate first. */
  public List<X509Certificate> chain() {
    return chain;
  }

  /** The private key of {@link #leaf()}. */
  public PrivateKey privateKey() {
    return privateKey;
  }

  /** When the serving certificate stops being valid. */
  public Instant notAfter() {
    return leaf().getNotAfter().toInstant();
  }

  /**
   * Says whether the serving certificate has expired; a not-yet-valid certificate is not reported,
   * since freshly issued certificates often start a few seconds in the future of a skewed node.
   *
   * @param now the current time
   * @return a plain-words problem, or empty while the certificate is still valid
   */
  public Optional<String> expiryProblem(Instant now) {
    if (!now.isBefore(notAfter())) {
      return Optional.of("serving certificate " + this + " has expired");
    }
    return Optional.empty();
  }

  /** Subject, serial and expiry of the serving certificate; never any key material. */
  @Override
  public String toString() {
    X509Certificate leaf = leaf();
    return "'"
        + leaf.getSubjectX500Principal().getName()
        + "' (serial "
        + leaf.getSerialNumber().toString(16)
        + ", valid until "
        + notAfter()
        + ")";
  }

  private static byte[] read(Path file, String what) throws KeyMaterialException {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new KeyMaterialException(what + " file " + file + " does not exist");
    } catch (AccessDeniedException e) {
      throw new KeyMaterialException(
          what + " file " + file + " is not readable (permission denied)");
    } catch (IOException e) {
      throw new KeyMaterialException(
          what + " file " + file + " could not be read (" + e.getClass().getSimpleName() + ")", e);
    }
  }

  /**
   * SEC1 keys may leave out the curve (RFC 5915 makes it optional); the JDK then refuses them. The
   * certificate's public key names the curve the key must be on, so borrow it from there.
   */
  private static PrivateKeyInfo withCurveOf(PrivateKeyInfo info, X509Certificate certificate)
      throws IOException {
    ASN1Encodable outer = info.getPrivateKeyAlgorithm().getParameters();
    if (outer != null && !(outer instanceof ASN1Null)) {
      return info;
    }
    ECPrivateKey sec1 = ECPrivateKey.getInstance(info.parsePrivateKey());
    ASN1Encodable curve = sec1.getParametersObject();
    if (curve == null) {
      SubjectPublicKeyInfo publicKey =
          SubjectPublicKeyInfo.getInstance(certificate.getPublicKey().getEncoded());
      curve = publicKey.getAlgorithm().getParameters();
    }
    if (curve == null) {
      return info;
    }
    return new PrivateKeyInfo(
        new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, curve), sec1);
  }

  private static PEMParser parser(byte[] pem) {
    Reader reader = new InputStreamReader(new ByteArrayInputStream(pem), StandardCharsets.US_ASCII);
    return new PEMParser(reader);
  }

  private static String jdkAlgorithm(ASN1ObjectIdentifier oid) {
    if (PKCSObjectIdentifiers.rsaEncryption.equals(oid)) {
      return "RSA";
    }
    if (X9ObjectIdentifiers.id_ecPublicKey.equals(oid)) {
      return "EC";
    }
    if (EdECObjectIdentifiers.id_Ed25519.equals(oid)) {
      return "Ed25519";
    }
    return null;
  }

  private static void checkKeyMatches(
      X509Certificate cert, PrivateKey key, String certName, String keyName)
      throws KeyMaterialException {
    PublicKey publicKey = cert.getPublicKey();
    if (!publicKey.getAlgorithm().equals(key.getAlgorithm())) {
      throw new KeyMaterialException(
          keyName
              + " holds a "
              + key.getAlgorithm()
              + " key but the certificate in "
              + certName
              + " has a "
              + publicKey.getAlgorithm()
              + " key: they do not belong together");
    }
    String signatureAlgorithm =
        switch (key.getAlgorithm()) {
          case "RSA" -> "SHA256withRSA";
          case "EC" -> "SHA256withECDSA";
          case "Ed25519", "EdDSA" -> "Ed25519";
          default ->
              throw new KeyMaterialException(
                  keyName
                      + " holds an unsupported "
                      + key.getAlgorithm()
                      + " key; use RSA or ECDSA");
        };
    // Proving possession (sign, then verify with the certificate) works for every key type, unlike
    // comparing key fields, and SEC1 files may omit the public point anyway.
    byte[] challenge = new byte[32];
    new SecureRandom().nextBytes(challenge);
    boolean matches;
    try {
      Signature signer = Signature.getInstance(signatureAlgorithm);
      signer.initSign(key);
      signer.update(challenge);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(signatureAlgorithm);
      verifier.initVerify(publicKey);
      verifier.update(challenge);
      matches = verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      matches = false;
    }
    if (!matches) {
      throw new KeyMaterialException(
          "the private key in "
              + keyName
              + " does not belong to the certificate in "
              + certName
              + " (subject '"
              + cert.getSubjectX500Principal().getName()
              + "')");
    }
  }
}
