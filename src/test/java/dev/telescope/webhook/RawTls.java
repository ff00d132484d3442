package dev.telescope.webhook;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/** Byte-level clients for cases a well-behaved HTTP client cannot produce. */
public final class RawTls {

  private RawTls() {}

  /** An HTTP/1.1 answer: status code, raw header block and body. */
  record Answer(int status, String headers, String body) {}

  /**
   * Sends {@code head} (request line and headers, ending with an empty line) plus {@code body} over
   * TLS, and reads one response with a Content-Length.
   */
  static Answer exchange(SSLContext client, int port, String head, byte[] body) throws IOException {
    try (SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(head.getBytes(StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream headBytes = new ByteArrayOutputStream();
      int matched = 0;
      byte[] terminator = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
      while (matched < terminator.length) {
        int b = in.read();
        if (b < 0) {
          throw new IOException("connection closed before the response headers ended");
        }
        headBytes.write(b);
        matched = b == terminator[matched] ? matched + 1 : (b == terminator[0] ? 1 : 0);
      }
      String headers = headBytes.toString(StandardCharsets.US_ASCII);
      int status = Integer.parseInt(headers.substring(9, 12));
      int length = 0;
      for (String line : headers.split("\r\n")) {
        if (line.toLowerCase().startsWith("content-length:")) {
          length = Integer.parseInt(line.substring(15).trim());
        }
      }
      String responseBody = new String(in.readNBytes(length), StandardCharsets.UTF_8);
      return new Answer(status, headers, responseBody);
    }
  }

  /**
   * Sends a hand-built ClientHello that offers exactly one protocol version (no supported_versions
   * extension, so it cannot negotiate TLS 1.3) and returns the first byte the server answers with:
   * 0x16 for a handshake record (ServerHello), 0x15 for an alert, -1 when it just closes.
   */
  public static int clientHelloFirstByte(int port, int minorVersion) throws IOException {
    byte[] hello = clientHello(minorVersion);
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(hello);
      socket.getOutputStream().flush();
      try {
        return socket.getInputStream().read();
      } catch (IOException e) {
        return -1;
      }
    }
  }

  private static byte[] clientHello(int minorVersion) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(3);
    body.write(minorVersion);
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    body.writeBytes(random);
    body.write(0); // empty session id
    int[] suites = {0xC02B, 0xC02F, 0xC009, 0xC013, 0x002F, 0x0035};
    writeShort(body, suites.length * 2);
    for (int suite : suites) {
      writeShort(body, suite);
    }
    body.write(1); // one compression method
    body.write(0); // null
    ByteArrayOutputStream extensions = new ByteArrayOutputStream();
    // supported_groups: secp256r1, x25519
    writeShort(extensions, 0x000A);
    writeShort(extensions, 6);
    writeShort(extensions, 4);
    writeShort(extensions, 0x0017);
    writeShort(extensions, 0x001D);
    // ec_point_formats: uncompressed
    writeShort(extensions, 0x000B);
    writeShort(extensions, 2);
    extensions.write(1);
    extensions.write(0);
    // signature_algorithms: ecdsa_secp256r1_sha256, rsa_pss_rsae_sha256, rsa_pkcs1_sha256
    writeShort(extensions, 0x000D);
    writeShort(extensions, 8);
    writeShort(extensions, 6);
    writeShort(extensions, 0x0403);
    writeShort(extensions, 0x0804);
    writeShort(extensions, 0x0401);
    writeShort(body, extensions.size());
    body.writeBytes(extensions.toByteArray());

    ByteArrayOutputStream handshake = new ByteArrayOutputStream();
    handshake.write(1); // ClientHello
    handshake.write(0);
    writeShort(handshake, body.size());
    handshake.writeBytes(body.toByteArray());

    ByteArrayOutputStream record = new ByteArrayOutputStream();
    record.write(0x16);
    record.write(3);
    record.write(1);
    writeShort(record, handshake.size());
    record.writeBytes(handshake.toByteArray());
    return record.toByteArray();
  }

  private static void writeShort(ByteArrayOutputStream out, int value) {
    out.write((value >> 8) & 0xFF);
    out.write(value & 0xFF);
  }
}
