package dev.telescope.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.telescope.tls.CertificateMinter.KeyAlgorithm;
import dev.telescope.tls.CertificateMinter.Minted;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.ECPrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder;
import org.bouncycastle.util.io.pem.PemObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PEM loading for every key encoding the certificate sources produce, and the plain-words errors.
 */
class PemKeyMaterialTest {

  private static final TestPki EC = new TestPki(KeyAlgorithm.EC_P256);
  private static final TestPki RSA = new TestPki(KeyAlgorithm.RSA_2048);

  @TempDir Path dir;

  @Test
  void loadsRsaKeyInPkcs8() throws Exception {
    Minted serving = RSA.serving();
    write(serving.certificatePem(), serving.privateKeyPem());

    PemKeyMaterial material = load();

    assertThat(Files.readString(dir.resolve("tls.key"))).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(material.privateKey().getAlgorithm()).isEqualTo("RSA");
    assertThat(material.leaf()).isEqualTo(serving.certificate());
  }

  @Test
  void loadsRsaKeyInPkcs1() throws Exception {
    Minted serving = RSA.serving();
    write(serving.certificatePem(), traditionalPem(serving));

    PemKeyMaterial material = load();

    assertThat(Files.readString(dir.resolve("tls.key")))
        .startsWith("-----BEGIN RSA PRIVATE KEY-----");
    assertThat(material.privateKey().getAlgorithm()).isEqualTo("RSA");
    assertThat(material.privateKey().getEncoded())
        .isEqualTo(serving.keyPair().getPrivate().getEncoded());
  }

  @Test
  void loadsEcKeyInSec1AsOpensslWritesIt() throws Exception {
    Minted serving = EC.serving();
    write(serving.certificatePem(), opensslSec1Pem(serving));

    PemKeyMaterial material = load();

    assertThat(Files.readString(dir.resolve("tls.key")))
        .startsWith("-----BEGIN EC PRIVATE KEY-----");
    assertThat(material.privateKey().getAlgorithm()).isEqualTo("EC");
    assertThat(((ECPrivateKey) material.privateKey()).getS())
        .isEqualTo(((ECPrivateKey) serving.keyPair().getPrivate()).getS());
  }

  @Test
  void loadsEcKeyInSec1WithoutCurveParameters() throws Exception {
    // RFC 5915 lets SEC1 omit the curve; the certificate's public key says which one it is.
    Minted serving = EC.serving();
    write(serving.certificatePem(), traditionalPem(serving));

    PemKeyMaterial material = load();

    assertThat(Files.readString(dir.resolve("tls.key")))
        .startsWith("-----BEGIN EC PRIVATE KEY-----");
    assertThat(material.privateKey().getAlgorithm()).isEqualTo("EC");
    assertThat(material.leaf()).isEqualTo(serving.certificate());
  }

  @Test
  void loadsEcKeyInPkcs8() throws Exception {
    Minted serving = EC.serving();
    write(serving.certificatePem(), serving.privateKeyPem());

    assertThat(load().privateKey().getAlgorithm()).isEqualTo("EC");
  }

  @Test
  void skipsTheEcParametersBlockOpensslWritesBeforeSec1Keys() throws Exception {
    Minted serving = EC.serving();
    String parameters =
        "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n";
    write(serving.certificatePem(), parameters + opensslSec1Pem(serving));

    assertThat(load().leaf()).isEqualTo(serving.certificate());
  }

  @Test
  void keepsTheWholeChainWithTheServingCertificateFirst() throws Exception {
    Minted serving = EC.serving();
    write(
        serving.certificatePem() + CertificateMinter.pem(EC.ca().certificate()),
        serving.privateKeyPem());

    PemKeyMaterial material = load();

    assertThat(material.chain()).containsExactly(serving.certificate(), EC.ca().certificate());
  }

  @Test
  void keyOfAnotherCertificateIsAMismatch() throws Exception {
    write(EC.serving().certificatePem(), EC.serving().privateKeyPem());

    assertThatThrownBy(this::load)
        .isInstanceOf(KeyMaterialException.class)
        .hasMessageContaining(
            "the private key in tls.key does not belong to the certificate in tls.crt");
  }

  @Test
  void keyOfAnotherTypeIsAMismatch() throws Exception {
    write(EC.serving().certificatePem(), RSA.serving().privateKeyPem());

    assertThatThrownBy(this::load)
        .isInstanceOf(KeyMaterialException.class)
        .hasMessageContaining("holds a RSA key but the certificate in tls.crt has a EC key");
  }

  @Test
  void expiredCertificateLoadsButIsReported() throws Exception {
    Minted expired = EC.serving(Instant.now().minus(Duration.ofDays(3)), Duration.ofDays(1));
    write(expired.certificatePem(), expired.privateKeyPem());

    PemKeyMaterial material = load();

    assertThat(material.expiryProblem(Instant.now()))
        .hasValueSatisfying(problem -> assertThat(problem).contains("has expired"));
    assertThat(EC.servingMaterial().expiryProblem(Instant.now())).isEmpty();
  }

  @Test
  void missingFileIsNamed() throws Exception {
    Files.writeString(dir.resolve("tls.key"), EC.serving().privateKeyPem());

    assertThatThrownBy(this::load)
        .isInstanceOf(KeyMaterialException.class)
        .hasMessage("certificate file " + dir.resolve("tls.crt") + " does not exist");
  }

  @Test
  void unreadableFileIsReported() throws Exception {
    Minted serving = EC.serving();
    Files.writeString(dir.resolve("tls.crt"), serving.certificatePem());
    Files.createDirectory(dir.resolve("tls.key"));

    assertThatThrownBy(this::load)
        .isInstanceOf(KeyMaterialException.class)
        .hasMessageStartingWith(
            "private key file " + dir.resolve("tls.key") + " could not be read");
  }

  @Test
  void fileWithoutCertificateIsReported() throws Exception {
    Minted serving = EC.serving();
    write(serving.privateKeyPem(), serving.privateKeyPem());

    assertThatThrownBy(this::load).hasMessage("tls.crt contains no PEM certificate");
  }

  @Test
  void encryptedKeyIsRefusedInPlainWords() throws Exception {
    Minted serving = RSA.serving();
    StringWriter pem = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(pem)) {
      writer.writeObject(
          serving.keyPair().getPrivate(),
          new JcePEMEncryptorBuilder("AES-128-CBC")
              .setProvider(new BouncyCastleProvider())
              .build("secret".toCharArray()));
    }
    write(serving.certificatePem(), pem.toString());

    assertThatThrownBy(this::load)
        .hasMessage("tls.key holds an encrypted private key; the webhook needs an unencrypted key");
  }

  @Test
  void corruptKeyErrorNeverQuotesTheKey() throws Exception {
    Minted serving = EC.serving();
    String pem = serving.privateKeyPem();
    String body = pem.split("\n")[1];
    String corrupt = pem.replace(body, body.substring(0, 20) + "!!!!" + body.substring(24));
    write(serving.certificatePem(), corrupt);

    assertThatThrownBy(this::load)
        .isInstanceOf(KeyMaterialException.class)
        .hasMessageStartingWith("tls.key could not be parsed as a PEM private key")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(body.substring(0, 16)));
  }

  @Test
  void descriptionNamesTheCertificateButNoKeyMaterial() throws Exception {
    PemKeyMaterial material = EC.servingMaterial();
    String keyBase64 =
        java.util.Base64.getEncoder().encodeToString(material.privateKey().getEncoded());

    assertThat(material.toString())
        .contains("CN=localhost")
        .contains(material.leaf().getSerialNumber().toString(16))
        .doesNotContain(keyBase64.substring(0, 16));
  }

  @Test
  void parsesMaterialHeldInMemory() throws Exception {
    Minted serving = EC.serving();

    PemKeyMaterial material =
        PemKeyMaterial.parse(
            serving.certificatePem().getBytes(StandardCharsets.US_ASCII),
            serving.privateKeyPem().getBytes(StandardCharsets.US_ASCII),
            "tls.crt",
            "tls.key");

    assertThat(material.chain()).isEqualTo(List.of(serving.certificate()));
  }

  private PemKeyMaterial load() throws KeyMaterialException {
    return PemKeyMaterial.load(dir.resolve("tls.crt"), dir.resolve("tls.key"));
  }

  private void write(String cert, String key) throws IOException {
    Files.writeString(dir.resolve("tls.crt"), cert);
    Files.writeString(dir.resolve("tls.key"), key);
  }

  /** SEC1 with the named curve and public point, as {@code openssl ecparam -genkey} writes it. */
  private static String opensslSec1Pem(Minted minted) throws IOException {
    PrivateKeyInfo pkcs8 = PrivateKeyInfo.getInstance(minted.keyPair().getPrivate().getEncoded());
    org.bouncycastle.asn1.sec.ECPrivateKey inner =
        org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(pkcs8.parsePrivateKey());
    DERBitString point =
        new DERBitString(
            SubjectPublicKeyInfo.getInstance(minted.keyPair().getPublic().getEncoded())
                .getPublicKeyData()
                .getBytes());
    org.bouncycastle.asn1.sec.ECPrivateKey full =
        new org.bouncycastle.asn1.sec.ECPrivateKey(
            256, inner.getKey(), point, pkcs8.getPrivateKeyAlgorithm().getParameters());
    StringWriter pem = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(pem)) {
      writer.writeObject(new PemObject("EC PRIVATE KEY", full.getEncoded()));
    }
    return pem.toString();
  }

  /** PKCS#1 for RSA (cert-manager's default encoding) and curve-less SEC1 for EC. */
  private static String traditionalPem(Minted minted) throws IOException {
    StringWriter pem = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(pem)) {
      writer.writeObject(minted.keyPair().getPrivate());
    }
    return pem.toString();
  }
}
