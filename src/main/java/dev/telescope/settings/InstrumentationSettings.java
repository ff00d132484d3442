package dev.telescope.settings;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The operator's auto-instrumentation settings (upstream's {@code --auto-instrumentation-*-image},
 * {@code --enable-*-instrumentation} and {@code --enable-multi-instrumentation}), read once.
 *
 * @param images the default agent image per language key (see {@link #LANGUAGES})
 * @param enabled the languages whose injection is enabled
 * @param multiInstrumentation several languages may be injected into one pod
 */
public record InstrumentationSettings(
    Map<String, String> images, Set<String> enabled, boolean multiInstrumentation) {

  /** Language keys as upstream spells them in flags and annotations. */
  public static final List<String> LANGUAGES =
      List.of("java", "nodejs", "python", "dotnet", "go", "apache-httpd", "nginx");

  private static final String PREFIX = "ghcr.io/open-telemetry/opentelemetry-operator/";

  /** Upstream 0.158's default images. */
  public static final Map<String, String> DEFAULT_IMAGES = defaultImages();

  /** Enabled unless a flag says otherwise (go and nginx are off by default, as upstream). */
  public static final Set<String> DEFAULT_ENABLED =
      Set.of("java", "nodejs", "python", "dotnet", "apache-httpd");

  public InstrumentationSettings {
    images = Map.copyOf(images);
    enabled = Set.copyOf(enabled);
  }

  /** The defaults of a fresh install. */
  public static InstrumentationSettings defaults() {
    return new InstrumentationSettings(DEFAULT_IMAGES, DEFAULT_ENABLED, true);
  }

  /** The default image for a language key. */
  public String image(String language) {
    return images.get(language);
  }

  /** Whether injection of a language key is enabled. */
  public boolean isEnabled(String language) {
    return enabled.contains(language);
  }

  private static Map<String, String> defaultImages() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("java", PREFIX + "autoinstrumentation-java:2.30.0");
    m.put("nodejs", PREFIX + "autoinstrumentation-nodejs:0.78.0");
    m.put("python", PREFIX + "autoinstrumentation-python:0.64b0");
    m.put("dotnet", PREFIX + "autoinstrumentation-dotnet:1.16.0");
    m.put(
        "go",
        "ghcr.io/open-telemetry/opentelemetry-go-instrumentation/autoinstrumentation-go:v0.24.0");
    m.put("apache-httpd", PREFIX + "autoinstrumentation-apache-httpd:1.0.4");
    m.put("nginx", PREFIX + "autoinstrumentation-apache-httpd:1.0.4");
    return Map.copyOf(m);
  }
}
