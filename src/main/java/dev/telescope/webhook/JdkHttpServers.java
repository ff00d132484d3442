package dev.telescope.webhook;

/** Process-wide settings of the JDK's built-in HTTP server, applied before the first one starts. */
final class JdkHttpServers {

  private JdkHttpServers() {}

  /**
   * Turns on TCP_NODELAY for every JDK HttpServer in the process; without it each small answer
   * waits ~40 ms for Nagle's algorithm and the peer's delayed ACK. The JDK reads the property once,
   * when the first server is created.
   */
  static void enableNoDelay() {
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }
}
