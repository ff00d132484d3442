package dev.telescope.webhook;

import dev.telescope.webhook.ReviewCodec.Outcome;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts webhook requests by route and outcome without locks, apart from {@link ReviewCodec} so the
 * codec reads as the HTTP rules alone.
 */
final class RequestCounters {
  private final Map<String, LongAdder[]> counters = new ConcurrentHashMap<>();

  /** Starts a route's counters at zero, so its series exist before its first request. */
  void register(String path) {
    counters.computeIfAbsent(path, p -> newCounters());
  }

  /**
   * @param path a registered route, or {@code "unmatched"} for requests to unknown paths
   * @param outcome how requests ended
   * @return how many requests to {@code path} ended with {@code outcome}
   */
  long requestCount(String path, Outcome outcome) {
    LongAdder[] adders = counters.get(path);
    return adders == null ? 0 : adders[outcome.ordinal()].sum();
  }

  /** Every non-zero counter by route, then outcome; unknown paths count as {@code "unmatched"}. */
  Map<String, Map<Outcome, Long>> requestCounts() {
    Map<String, Map<Outcome, Long>> snapshot = new LinkedHashMap<>();
    counters.forEach(
        (path, adders) -> {
          Map<Outcome, Long> byOutcome = new EnumMap<>(Outcome.class);
          for (Outcome outcome : Outcome.values()) {
            long count = adders[outcome.ordinal()].sum();
            if (count > 0) {
              byOutcome.put(outcome, count);
            }
          }
          snapshot.put(path, byOutcome);
        });
    return snapshot;
  }

  private static LongAdder[] newCounters() {
    LongAdder[] adders = new LongAdder[Outcome.values().length];
    for (int i = 0; i < adders.length; i++) {
      adders[i] = new LongAdder();
    }
    return adders;
  }

  void count(String path, Outcome outcome) {
    counters.computeIfAbsent(path, p -> newCounters())[outcome.ordinal()].increment();
  }
}
