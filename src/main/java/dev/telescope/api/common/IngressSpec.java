package dev.telescope.api.common;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.networking.v1.IngressTLS;
import java.util.List;
import java.util.Map;

/**
 * How the collector's receiver ports are exposed outside the cluster: an Ingress or OpenShift
 * Routes.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class IngressSpec {
  /** Which kind of object exposes the ports. */
  public enum Type {
    @JsonProperty("ingress")
    INGRESS,
    @JsonProperty("route")
    ROUTE
  }

  /** Whether ports become paths under one host or sub-domains of it. */
  public enum RuleType {
    @JsonProperty("path")
    PATH,
    @JsonProperty("subdomain")
    SUBDOMAIN
  }

  /** OpenShift Route TLS termination. */
  public enum Termination {
    @JsonProperty("insecure")
    INSECURE,
    @JsonProperty("edge")
    EDGE,
    @JsonProperty("passthrough")
    PASSTHROUGH,
    @JsonProperty("reencrypt")
    REENCRYPT
  }

  /** Route-specific settings. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class RouteSpec {
    public Termination termination;
  }

  @JsonPropertyDescription("ingress or route.")
  public Type type;

  @JsonPropertyDescription("path (default) or subdomain.")
  public RuleType ruleType;

  @JsonPropertyDescription("The host name the ports are exposed on.")
  public String hostname;

  @JsonPropertyDescription("Annotations put on the Ingress object.")
  public Map<String, String> annotations;

  @JsonPropertyDescription("TLS configuration of the Ingress.")
  public List<IngressTLS> tls;

  @JsonPropertyDescription("The IngressClass of the Ingress.")
  public String ingressClassName;

  @JsonPropertyDescription("OpenShift Route settings.")
  public RouteSpec route;
}
