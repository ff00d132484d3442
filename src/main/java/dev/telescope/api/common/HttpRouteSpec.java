package dev.telescope.api.common;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import java.util.Map;

/** Gateway API exposure of the collector's HTTP receiver ports. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class HttpRouteSpec {
  /** A Gateway the routes attach to. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class ParentRef {
    public String name;
    public String namespace;
    public String sectionName;
  }

  @JsonPropertyDescription("Whether HTTPRoutes are created.")
  public Boolean enabled;

  @JsonPropertyDescription("Name of the Gateway the HTTPRoutes attach to.")
  public String gateway;

  @JsonPropertyDescription("Namespace of the Gateway; defaults to the collector's namespace.")
  public String gatewayNamespace;

  @JsonPropertyDescription("Gateways the routes attach to.")
  public List<ParentRef> parentRefs;

  @JsonPropertyDescription("Host names matched by the routes.")
  public List<String> hostnames;

  @JsonPropertyDescription("Annotations put on each HTTPRoute.")
  public Map<String, String> annotations;
}
