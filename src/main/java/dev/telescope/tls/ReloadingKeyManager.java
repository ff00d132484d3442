package dev.telescope.tls;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A server key manager whose certificate can be swapped at any time, so rotated certificates are
 * served to new TLS handshakes without restarting the webhook or rebuilding its {@link SSLContext}.
 *
 * <p>It must extend {@link X509ExtendedKeyManager}: the JDK {@code HttpsServer} runs TLS on an
 * {@link SSLEngine} and asks {@link #chooseEngineServerAlias}. Each installed pair gets a fresh
 * alias, and the previous pair stays reachable by its alias, so a handshake that picked an alias
 * just before a swap still gets a matching chain and key.
 */
public final class ReloadingKeyManager extends X509ExtendedKeyManager {

  private record Entry(String alias, PemKeyMaterial material) {}

  private final AtomicLong generation = new AtomicLong();
  private final AtomicReference<Entry> current = new AtomicReference<>();
  private volatile Entry previous;
  private final SSLContext sslContext;

  /** Starts empty: handshakes fail until {@link #update} installs a certificate. */
  public ReloadingKeyManager() {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(new KeyManager[] {this}, null, null);
      this.sslContext = context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK offers no TLS implementation", e);
    }
  }

  /**
   * @param initial the first certificate and key to serve
   */
  public ReloadingKeyManager(PemKeyMaterial initial) {
    this();
    update(initial);
  }

  /**
   * Serves {@code material} to every handshake from now on.
   *
   * @param material the new certificate chain and key
   */
  public void update(PemKeyMaterial material) {
    Entry next = new Entry("telescope-serving-" + generation.incrementAndGet(), material);
    previous = current.getAndSet(next);
  }

  /** The pair served to new handshakes, if one is installed. */
  public Optional<PemKeyMaterial> current() {
    Entry entry = current.get();
    return entry == null ? Optional.empty() : Optional.of(entry.material());
  }

  /** The server context built once around this key manager; it never needs rebuilding. */
  public SSLContext sslContext() {
    return sslContext;
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return aliasFor(keyType);
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return aliasFor(keyType);
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    String alias = aliasFor(keyType);
    return alias == null ? null : new String[] {alias};
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    Entry entry = find(alias);
    return entry == null ? null : entry.material().chain().toArray(new X509Certificate[0]);
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    Entry entry = find(alias);
    return entry == null ? null : entry.material().privateKey();
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return null;
  }

  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
    return null;
  }

  @Override
  public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
    return null;
  }

  private String aliasFor(String keyType) {
    Entry entry = current.get();
    if (entry == null || keyType == null) {
      return null;
    }
    // TLS 1.2 may ask for "EC_EC"/"EC_RSA" (key type, then the issuer's signing key type).
    int underscore = keyType.indexOf('_');
    String wanted = underscore < 0 ? keyType : keyType.substring(0, underscore);
    String have = entry.material().leaf().getPublicKey().getAlgorithm();
    return wanted.equalsIgnoreCase(have) ? entry.alias() : null;
  }

  private Entry find(String alias) {
    if (alias == null) {
      return null;
    }
    Entry entry = current.get();
    if (entry != null && entry.alias().equals(alias)) {
      return entry;
    }
    Entry old = previous;
    return old != null && old.alias().equals(alias) ? old : null;
  }
}
