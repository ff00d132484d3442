package dev.telescope.config;

/**
 * One thing wrong (or worth a warning) in a collector config, with the path that points at it, e.g.
 * {@code service.pipelines.traces.receivers[1]}.
 *
 * @param path where in {@code spec.config} the problem is
 * @param message what is wrong, in plain words
 */
public record ConfigProblem(String path, String message) {
  @Override
  public String toString() {
    return path.isEmpty() ? message : path + ": " + message;
  }
}
