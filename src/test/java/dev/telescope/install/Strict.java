package dev.telescope.install;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Typed parsing that notices misspelt or misplaced fields. fabric8 model classes park unknown
 * fields in {@code additionalProperties} instead of failing, so a field at the wrong level (the
 * blog's {@code Deployment.spec.serviceAccount}) would pass a plain parse; this walks the parsed
 * object and reports every such field.
 */
final class Strict {
  static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  /** Fails on unknown properties, for our own CR classes. */
  static final ObjectMapper STRICT_YAML =
      new ObjectMapper(new YAMLFactory())
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

  private Strict() {}

  /** The typed fabric8 object for a manifest (GenericKubernetesResource for unknown kinds). */
  static HasMetadata typed(JsonNode manifest) {
    return SERIALIZATION.unmarshal(manifest.toString());
  }

  static boolean isGeneric(Object o) {
    return o instanceof GenericKubernetesResource;
  }

  /** Paths of fields that the typed model did not recognise. */
  static List<String> unknownFields(Object o) {
    List<String> out = new ArrayList<>();
    walk(o, "", out, new IdentityHashMap<>());
    return out;
  }

  private static void walk(Object o, String path, List<String> out, Map<Object, Boolean> seen) {
    if (o == null
        || o instanceof CharSequence
        || o instanceof Number
        || o instanceof Boolean
        || o instanceof Enum<?>
        || o instanceof JsonNode
        || o instanceof GenericKubernetesResource
        || seen.put(o, Boolean.TRUE) != null) {
      return;
    }
    if (o instanceof Map<?, ?> m) {
      m.forEach((k, v) -> walk(v, path + "." + k, out, seen));
      return;
    }
    if (o instanceof Collection<?> c) {
      int i = 0;
      for (Object v : c) {
        walk(v, path + "[" + i++ + "]", out, seen);
      }
      return;
    }
    String pkg = o.getClass().getPackageName();
    if (!pkg.startsWith("io.fabric8") && !pkg.startsWith("dev.telescope")) {
      return;
    }
    for (Class<?> c = o.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
      for (Field f : c.getDeclaredFields()) {
        if (Modifier.isStatic(f.getModifiers()) || f.isSynthetic()) {
          continue;
        }
        Object value;
        try {
          f.setAccessible(true);
          value = f.get(o);
        } catch (ReflectiveOperationException | RuntimeException e) {
          continue;
        }
        if (f.getName().equals("additionalProperties") && value instanceof Map<?, ?> extra) {
          extra.keySet().forEach(k -> out.add(path + "." + k));
        } else {
          walk(value, path + "." + f.getName(), out, seen);
        }
      }
    }
  }
}
