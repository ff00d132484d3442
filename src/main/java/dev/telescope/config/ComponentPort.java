package dev.telescope.config;

/**
 * A port a collector component listens on, as inferred from the config.
 *
 * @param name the port name (a DNS label of at most 15 characters)
 * @param port the port number
 * @param protocol TCP or UDP, or null where upstream leaves it to the API server's default
 * @param appProtocol e.g. grpc or http, or null
 * @param setTargetPort whether the Service port names its target port explicitly
 * @param component the component id the port comes from
 */
public record ComponentPort(
    String name,
    int port,
    String protocol,
    String appProtocol,
    boolean setTargetPort,
    String component) {

  /** The protocol a Service compares by: empty means TCP. */
  public String effectiveProtocol() {
    return protocol == null || protocol.isEmpty() ? "TCP" : protocol;
  }
}
