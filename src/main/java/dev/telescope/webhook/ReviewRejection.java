package dev.telescope.webhook;

import dev.telescope.webhook.ReviewCodec.Outcome;

/** A request that gets a plain-text 4xx answer; thrown inside the codec, never out of it. */
final class ReviewRejection extends Exception {
  private static final long serialVersionUID = 1L;

  final int status;
  final transient Outcome outcome;

  ReviewRejection(int status, Outcome outcome, String reason) {
    super(reason, null, false, false);
    this.status = status;
    this.outcome = outcome;
  }
}
