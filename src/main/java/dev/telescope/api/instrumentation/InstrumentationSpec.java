package dev.telescope.api.instrumentation;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.SecurityContext;
import java.util.List;

/** The SDK settings shared by every language, then one block per language (upstream's schema). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class InstrumentationSpec {
  @JsonPropertyDescription("Where and how the SDK exports: the OTLP endpoint and its TLS files.")
  public Exporter exporter;

  @JsonPropertyDescription(
      "Resource attributes added to all telemetry, and whether Kubernetes UIDs are added.")
  public Resource resource;

  @JsonPropertyDescription(
      "Context propagators, in order; set as OTEL_PROPAGATORS (tracecontext, baggage, b3, b3multi,"
          + " jaeger, xray, ottrace, none).")
  public List<Propagator> propagators;

  @JsonPropertyDescription("Trace sampler; set as OTEL_TRACES_SAMPLER and OTEL_TRACES_SAMPLER_ARG.")
  public Sampler sampler;

  @JsonPropertyDescription("Defaults of the instrumentation, e.g. resource attributes from labels.")
  public Defaults defaults;

  @JsonPropertyDescription(
      "Environment variables for every language. Precedence: the container's own variables, then"
          + " the language's env, then these, then the variables derived from this spec; a variable"
          + " already set is never overwritten.")
  public List<EnvVar> env;

  @JsonPropertyDescription(
      "Pull policy of the injected init containers and agent sidecar (Always, Never,"
          + " IfNotPresent).")
  public String imagePullPolicy;

  @JsonPropertyDescription(
      "Security context of the injected init containers; when unset they copy the instrumented"
          + " container's.")
  public SecurityContext initContainerSecurityContext;

  @JsonPropertyDescription("Java auto-instrumentation: the javaagent and its extensions.")
  public Languages.Java java;

  @JsonPropertyDescription("Node.js auto-instrumentation.")
  public Languages.NodeJs nodejs;

  @JsonPropertyDescription("Python auto-instrumentation.")
  public Languages.Python python;

  @JsonPropertyDescription(".NET auto-instrumentation.")
  public Languages.DotNet dotnet;

  @JsonPropertyDescription(
      "Go auto-instrumentation (an eBPF agent sidecar). OTEL_GO_AUTO_TARGET_EXE must be given in"
          + " env or by the instrumentation.opentelemetry.io/otel-go-auto-target-exe annotation,"
          + " otherwise the pod is left unchanged.")
  public Languages.Go go;

  @JsonPropertyDescription("Apache HTTPD auto-instrumentation (the otel-webserver-module).")
  public Languages.ApacheHttpd apacheHttpd;

  @JsonPropertyDescription("Nginx auto-instrumentation (the otel-webserver-module).")
  public Languages.Nginx nginx;
}
