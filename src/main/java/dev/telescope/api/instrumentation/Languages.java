package dev.telescope.api.instrumentation;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimTemplate;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.SecurityContext;
import java.util.List;

/**
 * The per-language blocks of an Instrumentation. Upstream names the compute resources {@code
 * resources} for Java and {@code resourceRequirements} for every other language; {@link
 * #resources()} hides that difference from the mutators.
 */
public final class Languages {
  private Languages() {}

  /** What every language block has: the agent image, its volume and its environment. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public abstract static class Language {
    @JsonPropertyDescription(
        "Image with the auto-instrumentation agent; defaults to the operator's"
            + " --auto-instrumentation-<language>-image.")
    public String image;

    @JsonPropertyDescription(
        "Ephemeral volume for the agent files; when omitted an emptyDir limited to volumeLimitSize"
            + " is used.")
    public PersistentVolumeClaimTemplate volumeClaimTemplate;

    @JsonPropertyDescription("Size limit of the agent's emptyDir volume; 200Mi when unset.")
    public Quantity volumeLimitSize;

    @JsonPropertyDescription(
        "Environment variables for this language. Precedence: the container's own variables, then"
            + " these, then the common env; a variable already set is never overwritten.")
    public List<EnvVar> env;

    /** Compute resources of the injected init container, whatever the field is called. */
    @JsonIgnore
    public abstract ResourceRequirements resources();
  }

  /** Java: the javaagent JAR and optional extensions. */
  public static class Java extends Language {
    @JsonPropertyDescription("Compute resources of the injected init containers.")
    public ResourceRequirements resources;

    @JsonPropertyDescription(
        "Extensions copied next to the agent, each from an image directory; a JAR with the same"
            + " name overwrites the previous one.")
    public List<Extension> extensions;

    @Override
    public ResourceRequirements resources() {
      return resources;
    }
  }

  /** A Java agent extension: an image and the directory in it holding the JARs. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Extension {
    @Required
    @JsonPropertyDescription("Image containing the extension JARs.")
    public String image;

    @Required
    @JsonPropertyDescription("Directory in the image with the extension JARs.")
    public String dir;
  }

  /** Languages whose only extra field is the init container's compute resources. */
  public abstract static class WithResourceRequirements extends Language {
    @JsonPropertyDescription("Compute resources of the injected init container.")
    public ResourceRequirements resourceRequirements;

    @Override
    public ResourceRequirements resources() {
      return resourceRequirements;
    }
  }

  /** Node.js: the SDK required through NODE_OPTIONS. */
  public static class NodeJs extends WithResourceRequirements {}

  /** Python: the SDK put on PYTHONPATH (glibc or musl build). */
  public static class Python extends WithResourceRequirements {}

  /** .NET: the CLR profiler and startup hook. */
  public static class DotNet extends WithResourceRequirements {}

  /** Go: the eBPF agent sidecar. */
  public static class Go extends WithResourceRequirements {
    @JsonPropertyDescription(
        "Security context of the Go agent sidecar; privileged as uid 0 when unset.")
    public SecurityContext securityContext;
  }

  /** What Apache HTTPD and Nginx share: the otel-webserver-module's attributes. */
  public abstract static class WebServer extends WithResourceRequirements {
    @JsonPropertyDescription(
        "Attributes of the otel-webserver-module; the agent's own defaults win over these.")
    public List<EnvVar> attrs;
  }

  /** Apache HTTPD: the module configured into a copy of the server's configuration. */
  public static class ApacheHttpd extends WebServer {
    @JsonPropertyDescription("Apache HTTPD version, 2.4 or 2.2; 2.4 when unset.")
    public String version;

    @JsonPropertyDescription(
        "Directory of the server's configuration when not /usr/local/apache2/conf.")
    public String configPath;
  }

  /** Nginx: the module configured into a copy of the server's configuration. */
  public static class Nginx extends WebServer {
    @JsonPropertyDescription("The server's configuration file when not /etc/nginx/nginx.conf.")
    public String configFile;
  }
}
