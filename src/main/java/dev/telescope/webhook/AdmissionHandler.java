package dev.telescope.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import java.time.Duration;

/**
 * Decides one admission request, free of HTTP and JSON concerns, so mutators and validators are
 * plain functions that tests can call directly.
 *
 * <p>The server owns the envelope: it echoes the request {@code uid} into the response (whatever
 * the handler set), wraps it in an {@code admission.k8s.io/v1 AdmissionReview}, and turns a thrown
 * exception into the route's failure answer (allowed with a warning when the route fails open,
 * denied with a 500 status when it fails closed). {@code request.getObject()} arrives as a fabric8
 * model object (a {@code Pod} for pods; a {@code GenericKubernetesResource} for custom resources
 * whose class is not registered with the server's serializer).
 */
@FunctionalInterface
public interface AdmissionHandler {

  /**
   * @param request the decoded request; never {@code null}, always with a {@code uid}
   * @return the decision; {@code allowed} must be set. A mutation sets {@code patchType} {@code
   *     JSONPatch} and {@code patch} (base64 of the JSON Patch)
   * @throws Exception on any failure; the route's fail-open flag decides the answer
   */
  AdmissionResponse handle(AdmissionRequest request) throws Exception;

  /**
   * A handler that reads the admitted object as the JSON the API server sent, not as a model
   * object: the server then skips binding it, which for pods costs more than the admission itself.
   */
  interface RawObject extends AdmissionHandler {
    /**
     * @param request the decoded request, without {@code object} and {@code oldObject}
     * @param object {@code request.object} as sent; null when absent
     * @return as {@link AdmissionHandler#handle(AdmissionRequest)}
     * @throws Exception as {@link AdmissionHandler#handle(AdmissionRequest)}
     */
    AdmissionResponse handle(AdmissionRequest request, JsonNode object) throws Exception;

    /**
     * As {@link #handle(AdmissionRequest, JsonNode)}, knowing how long the API server waits.
     *
     * @param timeout the request's {@code timeout} query parameter (see {@link
     *     AdmissionDeadline#timeout(String)})
     */
    default AdmissionResponse handle(AdmissionRequest request, JsonNode object, Duration timeout)
        throws Exception {
      return handle(request, object);
    }

    @Override
    default AdmissionResponse handle(AdmissionRequest request) throws Exception {
      return handle(
          request, request.getObject() == null ? null : JsonPatches.tree(request.getObject()));
    }
  }
}
