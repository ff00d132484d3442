package dev.telescope.health;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The token scrapers of HTTPS metrics must present, read from a file (a mounted Secret) on every
 * scrape, so rotating the Secret needs no restart.
 */
public final class BearerTokenFile implements Supplier<Optional<String>> {
  private static final Logger LOG = LoggerFactory.getLogger(BearerTokenFile.class);

  private final Path file;
  private volatile String lastProblem;

  /**
   * @param file the file whose content, without surrounding white space, is the token
   */
  public BearerTokenFile(Path file) {
    this.file = Objects.requireNonNull(file, "file");
  }

  /** The token; empty (every scrape refused) while the file is missing, unreadable or blank. */
  @Override
  public Optional<String> get() {
    String problem;
    try {
      String token = Files.readString(file, StandardCharsets.UTF_8).trim();
      if (!token.isEmpty()) {
        lastProblem = null;
        return Optional.of(token);
      }
      problem = "the metrics bearer-token file " + file + " is empty";
    } catch (IOException e) {
      problem = "cannot read the metrics bearer-token file " + file + ": " + e;
    }
    if (!problem.equals(lastProblem)) {
      LOG.warn("{}; refusing every scrape until it holds a token", problem);
      lastProblem = problem;
    }
    return Optional.empty();
  }
}
