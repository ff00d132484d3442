package dev.telescope.tls;

import static dev.telescope.tls.SelfManagedCertificates.CA_CRT;
import static dev.telescope.tls.SelfManagedCertificates.CA_KEY;
import static dev.telescope.tls.SelfManagedCertificates.TLS_CRT;
import static dev.telescope.tls.SelfManagedCertificates.TLS_KEY;

import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Judges the certificates in a self-managed Secret (keep, renew the serving certificate, replace
 * all) and mints the data of the next one, without a client, so the Secret's lifecycle in {@link
 * SelfManagedCertificates} is only reads, writes and retries.
 */
final class SecretCertificates {
  // The log lines are the Secret lifecycle's: they keep its logger name.
  private static final Logger LOG = LoggerFactory.getLogger(SelfManagedCertificates.class);

  private final SelfManagedCertificates.Settings settings;
  private final CertificateMinter minter;

  SecretCertificates(SelfManagedCertificates.Settings settings) {
    this.settings = settings;
    this.minter = new CertificateMinter(settings.keyAlgorithm());
  }

  enum Action {
    KEEP,
    RENEW_SERVING,
    REPLACE_ALL
  }

  record Stored(
      PemKeyMaterial serving,
      String caPem,
      List<X509Certificate> caCerts,
      PrivateKey caKey,
      Action action,
      String reason) {}

  Stored evaluate(Secret secret, Instant now) {
    Map<String, String> data = secret.getData() == null ? Map.of() : secret.getData();
    for (String key : List.of(TLS_CRT, TLS_KEY, CA_CRT)) {
      if (data.get(key) == null || data.get(key).isEmpty()) {
        return replaceAll("it has no " + key, List.of());
      }
    }
    byte[] caBytes;
    byte[] crtBytes;
    byte[] keyBytes;
    try {
      caBytes = Base64.getDecoder().decode(data.get(CA_CRT));
      crtBytes = Base64.getDecoder().decode(data.get(TLS_CRT));
      keyBytes = Base64.getDecoder().decode(data.get(TLS_KEY));
    } catch (IllegalArgumentException e) {
      return replaceAll("its data is not valid base64", List.of());
    }
    List<X509Certificate> caCerts;
    try {
      caCerts = PemKeyMaterial.parseCertificates(caBytes, CA_CRT);
    } catch (KeyMaterialException e) {
      return replaceAll(e.getMessage(), List.of());
    }
    if (caCerts.isEmpty()) {
      return replaceAll(CA_CRT + " holds no certificate", List.of());
    }
    PemKeyMaterial serving;
    try {
      serving = PemKeyMaterial.parse(crtBytes, keyBytes, TLS_CRT, TLS_KEY);
    } catch (KeyMaterialException e) {
      return replaceAll(e.getMessage(), caCerts);
    }
    X509Certificate issuer = caCerts.get(0);
    try {
      serving.leaf().verify(issuer.getPublicKey());
    } catch (GeneralSecurityException e) {
      return replaceAll(TLS_CRT + " is not signed by the first CA in " + CA_CRT, caCerts);
    }
    Instant caNotAfter = issuer.getNotAfter().toInstant();
    if (!now.plus(settings.caRotationWindow()).isBefore(caNotAfter)) {
      return replaceAll(
          "the CA expires at " + caNotAfter + ", within its rotation window", caCerts);
    }
    String caPem = new String(caBytes, StandardCharsets.UTF_8);
    String servingReason = servingRenewalReason(serving, now);
    if (servingReason == null) {
      return new Stored(serving, caPem, caCerts, null, Action.KEEP, null);
    }
    PrivateKey caKey = caKey(data, issuer);
    if (caKey == null) {
      return replaceAll(servingReason + ", and " + CA_KEY + " is missing or unusable", caCerts);
    }
    if (!now.plus(settings.servingRotationWindow()).isBefore(caNotAfter)) {
      // A renewed certificate is capped at the CA's expiry and would be due again at once.
      return replaceAll(servingReason + ", and the CA expires too soon to sign a renewal", caCerts);
    }
    return new Stored(serving, caPem, caCerts, caKey, Action.RENEW_SERVING, servingReason);
  }

  private String servingRenewalReason(PemKeyMaterial serving, Instant now) {
    if (!now.plus(settings.servingRotationWindow()).isBefore(serving.notAfter())) {
      return "the serving certificate expires at "
          + serving.notAfter()
          + ", within its renewal window";
    }
    Set<String> covered = new HashSet<>();
    try {
      Collection<List<?>> sans = serving.leaf().getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          if (Integer.valueOf(2).equals(san.get(0))) {
            covered.add(String.valueOf(san.get(1)));
          }
        }
      }
    } catch (CertificateParsingException e) {
      return "the serving certificate's subject alternative names cannot be read";
    }
    if (!covered.containsAll(settings.dnsNames())) {
      return "the serving certificate does not cover the names of Service "
          + settings.serviceName()
          + " in "
          + settings.namespace();
    }
    return null;
  }

  private PrivateKey caKey(Map<String, String> data, X509Certificate issuer) {
    String encoded = data.get(CA_KEY);
    if (encoded == null || encoded.isEmpty()) {
      return null;
    }
    try {
      PrivateKey key = PemKeyMaterial.parsePrivateKey(Base64.getDecoder().decode(encoded), CA_KEY);
      PemKeyMaterial.of(List.of(issuer), key);
      return key;
    } catch (KeyMaterialException | IllegalArgumentException e) {
      LOG.warn("Secret {} has an unusable {}: {}", settings.secretName(), CA_KEY, e.getMessage());
      return null;
    }
  }

  private Stored replaceAll(String reason, List<X509Certificate> previousCas) {
    return new Stored(null, null, previousCas, null, Action.REPLACE_ALL, reason);
  }

  record Issued(
      PemKeyMaterial serving,
      String servingPem,
      String servingKeyPem,
      String caPem,
      String caKeyPem) {}

  Issued mintAll(Instant now, List<X509Certificate> previousCas) {
    CertificateMinter.Minted ca =
        minter.mintCa(
            settings.serviceName() + "-ca@" + now.getEpochSecond(), now, settings.caValidity());
    StringBuilder bundle = new StringBuilder(CertificateMinter.pem(ca.certificate()));
    if (!previousCas.isEmpty()) {
      X509Certificate previous = previousCas.get(0);
      // Keep trusting the previous CA while replicas may still serve certificates it signed.
      if (now.isBefore(previous.getNotAfter().toInstant())) {
        bundle.append(CertificateMinter.pem(previous));
      }
    }
    return mintServing(ca, bundle.toString(), now);
  }

  Issued renewServing(Stored stored, Instant now) {
    X509Certificate issuer = stored.caCerts().get(0);
    CertificateMinter.Minted ca =
        new CertificateMinter.Minted(issuer, new KeyPair(issuer.getPublicKey(), stored.caKey()));
    return mintServing(ca, stored.caPem(), now);
  }

  private Issued mintServing(CertificateMinter.Minted ca, String caPem, Instant now) {
    CertificateMinter.Minted serving =
        minter.mintServing(ca, settings.dnsNames(), List.of(), now, settings.servingValidity());
    try {
      return new Issued(
          serving.toKeyMaterial(),
          serving.certificatePem(),
          serving.privateKeyPem(),
          caPem,
          ca.privateKeyPem());
    } catch (KeyMaterialException e) {
      throw new IllegalStateException("a freshly minted certificate does not match its key", e);
    }
  }

  Map<String, String> data(Issued minted) {
    Base64.Encoder b64 = Base64.getEncoder();
    Map<String, String> data = new LinkedHashMap<>();
    data.put(TLS_CRT, b64.encodeToString(minted.servingPem().getBytes(StandardCharsets.US_ASCII)));
    data.put(
        TLS_KEY, b64.encodeToString(minted.servingKeyPem().getBytes(StandardCharsets.US_ASCII)));
    data.put(CA_CRT, b64.encodeToString(minted.caPem().getBytes(StandardCharsets.US_ASCII)));
    data.put(CA_KEY, b64.encodeToString(minted.caKeyPem().getBytes(StandardCharsets.US_ASCII)));
    return data;
  }
}
