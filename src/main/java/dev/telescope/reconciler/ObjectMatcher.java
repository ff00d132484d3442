package dev.telescope.reconciler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decides whether an object in the cluster already holds what we want. The API server adds
 * defaults, other controllers add annotations, and quantities come back normalised, so equality is
 * the wrong test: we ask whether our desired fields are all present with equal values. This is what
 * keeps a steady state free of writes.
 */
public final class ObjectMatcher {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> SKIPPED_TOP_LEVEL =
      Set.of("apiVersion", "kind", "metadata", "status");

  private ObjectMatcher() {}

  /**
   * The first path at which {@code actual} does not hold {@code desired}, or empty when it does.
   * Labels and annotations are compared as subsets; ownership by reference uid.
   */
  public static Optional<String> difference(HasMetadata desired, HasMetadata actual) {
    JsonNode d = JSON.valueToTree(desired);
    JsonNode a = JSON.valueToTree(actual);
    JsonNode dm = d.path("metadata");
    JsonNode am = a.path("metadata");
    Optional<String> diff = subset(dm.path("labels"), am.path("labels"), "metadata.labels");
    if (diff.isPresent()) {
      return diff;
    }
    diff = subset(dm.path("annotations"), am.path("annotations"), "metadata.annotations");
    if (diff.isPresent()) {
      return diff;
    }
    for (JsonNode ref : dm.path("ownerReferences")) {
      boolean found = false;
      for (JsonNode actualRef : am.path("ownerReferences")) {
        if (ref.path("uid").asText().equals(actualRef.path("uid").asText())
            && ref.path("controller").asBoolean(false)
                == actualRef.path("controller").asBoolean(false)) {
          found = true;
        }
      }
      if (!found) {
        return Optional.of("metadata.ownerReferences");
      }
    }
    Iterator<Map.Entry<String, JsonNode>> it = d.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      if (SKIPPED_TOP_LEVEL.contains(e.getKey())) {
        continue;
      }
      diff = subset(e.getValue(), a.path(e.getKey()), e.getKey());
      if (diff.isPresent()) {
        return diff;
      }
    }
    return Optional.empty();
  }

  /** Whether every field of {@code desired} is in {@code actual} with an equal value. */
  static Optional<String> subset(JsonNode desired, JsonNode actual, String path) {
    if (desired == null || desired.isNull() || desired.isMissingNode()) {
      return Optional.empty();
    }
    if (desired.isObject()) {
      if (desired.isEmpty()) {
        // An empty object we write (strategy: {}, resources: {}) may come back filled or absent.
        return Optional.empty();
      }
      if (!actual.isObject()) {
        return Optional.of(path);
      }
      Iterator<Map.Entry<String, JsonNode>> it = desired.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        Optional<String> d = subset(e.getValue(), actual.path(e.getKey()), path + "." + e.getKey());
        if (d.isPresent()) {
          return d;
        }
      }
      return Optional.empty();
    }
    if (desired.isArray()) {
      if (desired.isEmpty()) {
        return actual.isMissingNode() || actual.isNull() || (actual.isArray() && actual.isEmpty())
            ? Optional.empty()
            : Optional.of(path);
      }
      if (!actual.isArray() || actual.size() != desired.size()) {
        return Optional.of(path);
      }
      for (int i = 0; i < desired.size(); i++) {
        Optional<String> d = subset(desired.get(i), actual.get(i), path + "[" + i + "]");
        if (d.isPresent()) {
          return d;
        }
      }
      return Optional.empty();
    }
    if (scalarEquals(desired, actual)) {
      return Optional.empty();
    }
    return Optional.of(path);
  }

  private static boolean scalarEquals(JsonNode d, JsonNode a) {
    if (d.equals(a)) {
      return true;
    }
    if (a.isMissingNode() || a.isNull()) {
      // false/0 we write explicitly may be dropped by a server that omits zero values.
      return (d.isBoolean() && !d.asBoolean()) || (d.isNumber() && d.asDouble() == 0);
    }
    if (d.isNumber() && a.isNumber()) {
      return d.decimalValue().compareTo(a.decimalValue()) == 0;
    }
    if (d.isTextual() && a.isTextual()) {
      // Quantities come back canonicalised ("1000m" -> "1", "0.5" -> "500m").
      BigDecimal x = quantity(d.asText());
      BigDecimal y = quantity(a.asText());
      return x != null && y != null && x.compareTo(y) == 0;
    }
    if (d.isTextual() != a.isTextual()) {
      // IntOrString fields: 8080 vs "8080".
      return d.asText().equals(a.asText());
    }
    return false;
  }

  private static BigDecimal quantity(String s) {
    if (s.isEmpty()
        || !(Character.isDigit(s.charAt(0))
            || s.charAt(0) == '.'
            || s.charAt(0) == '-'
            || s.charAt(0) == '+')) {
      return null;
    }
    try {
      return Quantity.getAmountInBytes(new Quantity(s));
    } catch (RuntimeException e) {
      return null;
    }
  }
}
