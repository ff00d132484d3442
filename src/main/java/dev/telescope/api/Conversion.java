package dev.telescope.api;

/** Placeholder until the conversion lands. */
public final class Conversion {
  private Conversion() {}

  public static dev.telescope.api.v1beta1.OpenTelemetryCollector toV1beta1(
      dev.telescope.api.v1alpha1.OpenTelemetryCollector alpha) {
    throw new UnsupportedOperationException("v1alpha1 conversion is not available yet");
  }
}
