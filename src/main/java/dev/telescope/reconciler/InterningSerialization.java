package dev.telescope.reconciler;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.std.DelegatingDeserializer;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Collections;
import java.util.Map;

/**
 * The fabric8 serialization for the operator's and the webhook's client, shaped for what informer
 * caches hold: a real API server returns {@code metadata.managedFields} on every object (40–50 % of
 * its JSON, decoded into nested maps), which we never read, so it is not decoded at all; every
 * fabric8 model object carries its own empty {@code additionalProperties} map, so empty ones are
 * replaced by one shared empty map; and short strings (label keys and values, namespaces, port and
 * container names, image, protocol), the same few hundred values repeated tens of thousands of
 * times across a thousand collectors, are interned.
 */
public final class InterningSerialization {
  /** Longer strings (configs, certificates) are rarely repeated; interning them costs time. */
  static final int MAX_INTERNED_LENGTH = 128;

  private InterningSerialization() {}

  /**
   * A new serialization; give it to {@code KubernetesClientBuilder.withKubernetesSerialization}.
   */
  public static KubernetesSerialization create() {
    ObjectMapper mapper = new ObjectMapper();
    SimpleModule module = new SimpleModule("telescope-interning");
    module.addDeserializer(String.class, new Interning());
    module.setDeserializerModifier(new SharedEmptyProperties());
    // Written as given (we never set it), skipped when read: a PUT without managedFields keeps
    // the server's, so nothing is lost by not holding them.
    module.setMixInAnnotation(ObjectMeta.class, WithoutManagedFields.class);
    mapper.registerModule(module);
    return new KubernetesSerialization(mapper, true);
  }

  @JsonIgnoreProperties(value = "managedFields", allowGetters = true)
  abstract static class WithoutManagedFields {}

  /** Jackson's own String handling (coercions included), then interning of short results. */
  static final class Interning extends StdScalarDeserializer<String> {
    private static final long serialVersionUID = 1L;

    Interning() {
      super(String.class);
    }

    @Override
    public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      return intern(StringDeserializer.instance.deserialize(p, ctxt));
    }

    static String intern(String s) {
      // The JVM's string table is weak: interned strings nobody references are collected.
      return s != null && s.length() <= MAX_INTERNED_LENGTH ? s.intern() : s;
    }
  }

  /**
   * For fabric8 model classes: after decoding, an empty {@code additionalProperties} map (one per
   * object, a {@code LinkedHashMap} each, the largest single item of a cache's heap) becomes the
   * shared immutable empty map. Equality with an empty {@code LinkedHashMap} still holds, and the
   * builders copy it into a new map, so only a direct {@code setAdditionalProperty} on a cached
   * object would notice (nothing does: cached objects are never mutated).
   */
  static final class SharedEmptyProperties extends BeanDeserializerModifier {
    private static final long serialVersionUID = 1L;

    @Override
    public JsonDeserializer<?> modifyMapDeserializer(
        DeserializationConfig config,
        com.fasterxml.jackson.databind.type.MapType type,
        BeanDescription beanDesc,
        JsonDeserializer<?> deserializer) {
      if (type.getKeyType().getRawClass() == String.class
          && type.getContentType().getRawClass() == String.class) {
        return new SharedStringMaps(deserializer);
      }
      return deserializer;
    }

    @Override
    public JsonDeserializer<?> modifyDeserializer(
        DeserializationConfig config, BeanDescription beanDesc, JsonDeserializer<?> deserializer) {
      Class<?> type = beanDesc.getBeanClass();
      if (!type.getName().startsWith("io.fabric8.kubernetes.api.model.")) {
        return deserializer;
      }
      try {
        MethodHandles.Lookup lookup = MethodHandles.publicLookup();
        MethodHandle get =
            lookup.findVirtual(type, "getAdditionalProperties", MethodType.methodType(Map.class));
        MethodHandle set =
            lookup.findVirtual(
                type, "setAdditionalProperties", MethodType.methodType(void.class, Map.class));
        return new Compacting(
            deserializer,
            get.asType(MethodType.methodType(Object.class, Object.class)),
            set.asType(MethodType.methodType(void.class, Object.class, Map.class)));
      } catch (ReflectiveOperationException | RuntimeException e) {
        return deserializer;
      }
    }
  }

  /**
   * String-to-string maps (labels, annotations, selectors, ConfigMap data) decode to one shared,
   * unmodifiable instance per distinct content: every object of a collector carries the same labels
   * two or three times (metadata, selector, pod template), and a thousand collectors' caches hold
   * tens of thousands of copies otherwise. Unmodifiable, so a caller that tried to change a decoded
   * object's map in place fails loudly instead of changing every object sharing it.
   */
  static final class SharedStringMaps extends DelegatingDeserializer {
    private static final long serialVersionUID = 1L;
    private static final int MAX_SHARED_SIZE = 32;
    private static final Map<Map<String, String>, java.lang.ref.WeakReference<Map<String, String>>>
        CANONICAL = new java.util.WeakHashMap<>();

    SharedStringMaps(JsonDeserializer<?> delegate) {
      super(delegate);
    }

    @Override
    protected JsonDeserializer<?> newDelegatingInstance(JsonDeserializer<?> newDelegatee) {
      return new SharedStringMaps(newDelegatee);
    }

    @Override
    @SuppressWarnings("unchecked")
    public Object deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      Object o = super.deserialize(p, ctxt);
      if (o instanceof Map<?, ?> m && m.size() <= MAX_SHARED_SIZE) {
        return shared((Map<String, String>) m);
      }
      return o;
    }

    static Map<String, String> shared(Map<String, String> m) {
      if (m.isEmpty()) {
        return Collections.emptyMap();
      }
      synchronized (CANONICAL) {
        java.lang.ref.WeakReference<Map<String, String>> ref = CANONICAL.get(m);
        Map<String, String> canonical = ref == null ? null : ref.get();
        if (canonical == null) {
          canonical = Collections.unmodifiableMap(m);
          CANONICAL.put(canonical, new java.lang.ref.WeakReference<>(canonical));
        }
        return canonical;
      }
    }
  }

  /** Delegates decoding, then shares the empty map. */
  static final class Compacting extends DelegatingDeserializer {
    private static final long serialVersionUID = 1L;
    private static final Map<String, Object> EMPTY = Collections.emptyMap();
    private final transient MethodHandle get;
    private final transient MethodHandle set;

    Compacting(JsonDeserializer<?> delegate, MethodHandle get, MethodHandle set) {
      super(delegate);
      this.get = get;
      this.set = set;
    }

    @Override
    protected JsonDeserializer<?> newDelegatingInstance(JsonDeserializer<?> newDelegatee) {
      return new Compacting(newDelegatee, get, set);
    }

    @Override
    public Object deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      Object o = super.deserialize(p, ctxt);
      if (o != null) {
        try {
          Object map = (Object) get.invokeExact(o);
          if (map instanceof Map<?, ?> m && m.isEmpty() && m != EMPTY) {
            set.invokeExact(o, EMPTY);
          }
        } catch (Throwable e) {
          throw new IllegalStateException("cannot share the empty map of " + o.getClass(), e);
        }
      }
      return o;
    }
  }
}
