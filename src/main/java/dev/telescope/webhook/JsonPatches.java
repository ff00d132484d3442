package dev.telescope.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.zjsonpatch.DiffFlags;
import io.fabric8.zjsonpatch.JsonDiff;
import java.util.Base64;
import java.util.EnumSet;

/**
 * JSON Patches computed as the difference between two objects, never assembled by hand: a
 * hand-built patch drifts from the mutation it describes, a diff cannot.
 *
 * <p>Both sides are serialised by the same fabric8-configured mapper, so anything the model
 * normalises (a {@code creationTimestamp: null}, an empty list) looks the same on both sides and
 * the patch holds only the intended changes. Fields unknown to the model ride along in fabric8's
 * {@code additionalProperties} and are left untouched.
 */
public final class JsonPatches {
  /** One shared mapper, configured like fabric8's own (model modules, unknown-field handling). */
  static final ObjectMapper MAPPER = new ObjectMapper();

  static {
    // Registers fabric8's modules on MAPPER; the serialization object itself is not needed.
    new KubernetesSerialization(MAPPER, true);
  }

  /** add, remove and replace only: RFC 6902 move/copy are legal but make patches hard to read. */
  private static final EnumSet<DiffFlags> FLAGS =
      EnumSet.of(
          DiffFlags.OMIT_MOVE_OPERATION,
          DiffFlags.OMIT_COPY_OPERATION,
          DiffFlags.OMIT_VALUE_ON_REMOVE);

  private JsonPatches() {}

  /**
   * The RFC 6902 patch turning {@code before} into {@code after}.
   *
   * @param before a model object, a Map, or a JsonNode
   * @param after the same
   * @return the operations; an empty array when both are equal
   */
  public static ArrayNode diff(Object before, Object after) {
    return (ArrayNode) JsonDiff.asJson(tree(before), tree(after), FLAGS);
  }

  /** The patch as the base64 text an AdmissionResponse carries. */
  public static String base64(JsonNode patch) {
    try {
      return Base64.getEncoder().encodeToString(MAPPER.writeValueAsBytes(patch));
    } catch (JsonProcessingException e) {
      // A tree of plain JSON nodes always serialises.
      throw new IllegalStateException(e);
    }
  }

  /** An object as a JSON tree, serialised as fabric8 would (a JsonNode is taken as is). */
  public static JsonNode tree(Object o) {
    if (o instanceof JsonNode n) {
      return n;
    }
    return MAPPER.valueToTree(o);
  }

  /** A JSON tree (or Map, or model object) as a model type. */
  static <T> T convert(Object o, Class<T> type) {
    if (type.isInstance(o)) {
      return type.cast(o);
    }
    return MAPPER.convertValue(o, type);
  }
}
