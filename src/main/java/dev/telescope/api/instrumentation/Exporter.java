package dev.telescope.api.instrumentation;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The OTLP exporter the injected SDK uses. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Exporter {
  @JsonPropertyDescription(
      "Address of a collector's OTLP endpoint; set as OTEL_EXPORTER_OTLP_ENDPOINT. An https://"
          + " endpoint needs tls.")
  public String endpoint;

  @JsonPropertyDescription("Certificates for an https:// endpoint.")
  public Tls tls;

  /** Client TLS of the exporter: files from a Secret, a ConfigMap or the workload's filesystem. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Tls {
    @JsonPropertyDescription(
        "Secret, in the workload's namespace, with the client certificate and key (and possibly"
            + " the CA); mounted into the instrumented container.")
    public String secretName;

    @JsonPropertyDescription(
        "ConfigMap, in the workload's namespace, with the CA certificate; when unset the CA comes"
            + " from the Secret.")
    public String configMapName;

    @JsonProperty("ca_file")
    @JsonPropertyDescription(
        "Key of the CA certificate in the ConfigMap or Secret (e.g. ca.crt), or an absolute path"
            + " on the workload's filesystem.")
    public String caFile;

    @JsonProperty("cert_file")
    @JsonPropertyDescription(
        "Key of the client certificate in the Secret (e.g. tls.crt), or an absolute path.")
    public String certFile;

    @JsonProperty("key_file")
    @JsonPropertyDescription(
        "Key of the client private key in the Secret (e.g. tls.key), or an absolute path.")
    public String keyFile;
  }
}
