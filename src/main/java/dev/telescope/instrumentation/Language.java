package dev.telescope.instrumentation;

import dev.telescope.api.instrumentation.InstrumentationSpec;
import dev.telescope.api.instrumentation.Languages;

/** The injectable languages, in the order upstream applies them to a pod. */
public enum Language {
  JAVA("java", "java-container-names"),
  NODEJS("nodejs", "nodejs-container-names"),
  PYTHON("python", "python-container-names"),
  DOTNET("dotnet", "dotnet-container-names"),
  GO("go", "go-container-names"),
  APACHE_HTTPD("apache-httpd", "apache-httpd-container-names"),
  // Upstream spells nginx's container annotation differently from the others.
  NGINX("nginx", "inject-nginx-container-names"),
  SDK("sdk", "sdk-container-names");

  /** Prefix of every instrumentation annotation. */
  public static final String PREFIX = "instrumentation.opentelemetry.io/";

  private final String id;
  private final String containersAnnotation;

  Language(String id, String containersSuffix) {
    this.id = id;
    this.containersAnnotation = PREFIX + containersSuffix;
  }

  /** The spelling in annotations and flags, e.g. {@code apache-httpd}. */
  public String id() {
    return id;
  }

  /** {@code instrumentation.opentelemetry.io/inject-<language>}. */
  public String injectAnnotation() {
    return PREFIX + "inject-" + id;
  }

  /** The annotation naming this language's containers when several languages are injected. */
  public String containersAnnotation() {
    return containersAnnotation;
  }

  /** The language's block of a spec; null for the SDK (it has none) or when unset. */
  public Languages.Language block(InstrumentationSpec spec) {
    if (spec == null) {
      return null;
    }
    return switch (this) {
      case JAVA -> spec.java;
      case NODEJS -> spec.nodejs;
      case PYTHON -> spec.python;
      case DOTNET -> spec.dotnet;
      case GO -> spec.go;
      case APACHE_HTTPD -> spec.apacheHttpd;
      case NGINX -> spec.nginx;
      case SDK -> null;
    };
  }
}
