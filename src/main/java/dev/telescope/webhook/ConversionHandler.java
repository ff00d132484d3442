package dev.telescope.webhook;

import io.fabric8.kubernetes.api.model.apiextensions.v1.ConversionRequest;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ConversionResponse;

/**
 * Converts custom resources between API versions for a CRD's conversion webhook, free of HTTP and
 * JSON concerns.
 *
 * <p>The server owns the {@code apiextensions.k8s.io/v1 ConversionReview} envelope: it echoes the
 * {@code uid}, fills {@code result.status: Success} when the handler left {@code result} unset, and
 * turns a thrown exception into {@code result.status: Failure} with the exception's message (the
 * API server then fails the read or write that needed the conversion).
 */
@FunctionalInterface
public interface ConversionHandler {

  /**
   * @param request objects to convert to {@code request.getDesiredAPIVersion()}; never {@code null}
   * @return the converted objects, in request order
   * @throws Exception when any object cannot be converted
   */
  ConversionResponse convert(ConversionRequest request) throws Exception;
}
