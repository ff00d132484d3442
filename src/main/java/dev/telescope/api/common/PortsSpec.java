package dev.telescope.api.common;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.IntOrString;

/** A user-declared port: the fields of a ServicePort plus the container's hostPort. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PortsSpec {
  @JsonPropertyDescription("The name of this port within the service; must be a DNS label.")
  public String name;

  @JsonPropertyDescription("The IP protocol for this port: TCP, UDP or SCTP. Default TCP.")
  public String protocol;

  @JsonPropertyDescription("The application protocol for this port, e.g. grpc or http.")
  public String appProtocol;

  @JsonPropertyDescription("The port that will be exposed by this service.")
  public Integer port;

  @JsonPropertyDescription(
      "Number or name of the port to access on the pods targeted by the service.")
  public IntOrString targetPort;

  @JsonPropertyDescription(
      "The port on each node on which this service is exposed (NodePort/LoadBalancer).")
  public Integer nodePort;

  @JsonPropertyDescription("Allows defining which port to bind to the host in the Container.")
  public Integer hostPort;
}
