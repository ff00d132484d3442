package dev.telescope.reconciler;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBuilder;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.SettableBeanProperty;
import com.fasterxml.jackson.databind.deser.std.DelegatingDeserializer;
import com.fasterxml.jackson.databind.deser.std.JsonNodeDeserializer;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.introspect.AnnotatedMethod;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.type.MapType;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Makes the fabric8 model objects an informer cache holds small, since a thousand collectors' owned
 * objects are mostly the same values over and over. After an object is decoded: its empty {@code
 * additionalProperties} map and its empty lists (fabric8 gives every list field a new {@code
 * ArrayList}) become shared immutable empties; and a nested object equal to one already decoded (a
 * probe, a container port, resources, a security context, a whole container) is replaced by that
 * one, so equal parts of different objects are held once. String-to-string maps (labels, selectors,
 * annotations) are shared the same way.
 *
 * <p>Shared parts are never modified: the informers and the reconciler only read cached objects,
 * and every write starts from a freshly rendered object. Top-level objects and their metadata are
 * unique per object, so they are not looked up; a metadata's finalizers stay a list of its own
 * (JOSDK adds its finalizer to a copy it decodes with this serialization).
 */
final class CompactModels extends BeanDeserializerModifier {
  private static final long serialVersionUID = 1L;
  private static final String MODEL_PACKAGE = "io.fabric8.kubernetes.api.model.";

  @Override
  public JsonDeserializer<?> modifyMapDeserializer(
      DeserializationConfig config,
      MapType type,
      BeanDescription beanDesc,
      JsonDeserializer<?> deserializer) {
    if (type.getKeyType().getRawClass() == String.class
        && type.getContentType().getRawClass() == String.class) {
      return new Sharing(deserializer, List.of(), false);
    }
    return deserializer;
  }

  @Override
  public BeanDeserializerBuilder updateBuilder(
      DeserializationConfig config, BeanDescription beanDesc, BeanDeserializerBuilder builder) {
    List<SettableBeanProperty> trees = new ArrayList<>();
    List<SettableBeanProperty> strings = new ArrayList<>();
    // ObjectMeta's finalizers: JOSDK adds its finalizer to a copy it decodes with this mapper.
    boolean meta = beanDesc.getBeanClass() == ObjectMeta.class;
    builder
        .getProperties()
        .forEachRemaining(
            p -> {
              JavaType t = p.getType();
              if (p.hasValueDeserializer()) {
                return;
              }
              if (t.getRawClass() == JsonNode.class) {
                trees.add(p);
              } else if (!meta
                  && t.getRawClass() == List.class
                  && t.getContentType() != null
                  && t.getContentType().getRawClass() == String.class) {
                strings.add(p);
              }
            });
    for (SettableBeanProperty p : trees) {
      builder.addOrReplaceProperty(p.withValueDeserializer(new SharedTree()), true);
    }
    for (SettableBeanProperty p : strings) {
      builder.addOrReplaceProperty(p.withValueDeserializer(new SharedStrings(p.getType())), true);
    }
    return builder;
  }

  @Override
  public JsonDeserializer<?> modifyDeserializer(
      DeserializationConfig config, BeanDescription beanDesc, JsonDeserializer<?> deserializer) {
    Class<?> type = beanDesc.getBeanClass();
    if (!type.getName().startsWith(MODEL_PACKAGE)) {
      return deserializer;
    }
    boolean whole = HasMetadata.class.isAssignableFrom(type);
    // Metadata, owner references and specs (which hold names, selectors, cluster IPs) differ
    // from object to object: looking them up would only cost a table entry each.
    boolean unique =
        whole
            || type == ObjectMeta.class
            || type == OwnerReference.class
            || type.getSimpleName().endsWith("Spec");
    List<Emptied> empties = new ArrayList<>();
    try {
      MethodHandles.Lookup lookup = MethodHandles.publicLookup();
      empties.add(
          new Emptied(
              lookup
                  .findVirtual(type, "getAdditionalProperties", MethodType.methodType(Map.class))
                  .asType(MethodType.methodType(Object.class, Object.class)),
              lookup
                  .findVirtual(
                      type, "setAdditionalProperties", MethodType.methodType(void.class, Map.class))
                  .asType(MethodType.methodType(void.class, Object.class, Map.class)),
              Collections.emptyMap()));
    } catch (ReflectiveOperationException | RuntimeException e) {
      // not a model class with additional properties
    }
    for (BeanPropertyDefinition p : beanDesc.findProperties()) {
      if (type == ObjectMeta.class && p.getName().equals("finalizers")) {
        // JOSDK adds its finalizer to a copy it decodes with this serialization.
        continue;
      }
      {
        AnnotatedMethod getter = p.getGetter();
        AnnotatedMethod setter = p.getSetter();
        if (getter == null
            || setter == null
            || getter.getRawType() != List.class
            || setter.getParameterCount() != 1
            || setter.getRawParameterType(0) != List.class) {
          continue;
        }
        try {
          MethodHandles.Lookup lookup = MethodHandles.publicLookup();
          empties.add(
              new Emptied(
                  lookup
                      .unreflect(getter.getAnnotated())
                      .asType(MethodType.methodType(Object.class, Object.class)),
                  lookup
                      .unreflect(setter.getAnnotated())
                      .asType(MethodType.methodType(void.class, Object.class, List.class)),
                  Collections.emptyList()));
        } catch (ReflectiveOperationException | RuntimeException e) {
          // left as decoded
        }
      }
    }
    if (empties.isEmpty() && unique) {
      return deserializer;
    }
    return new Sharing(deserializer, List.copyOf(empties), !unique);
  }

  /** A property whose empty value is replaced by a shared immutable empty one. */
  record Emptied(MethodHandle get, MethodHandle set, Object empty) {}

  /** Delegates decoding, then shares empties and equal instances. */
  static final class Sharing extends DelegatingDeserializer {
    private static final long serialVersionUID = 1L;
    private final transient List<Emptied> empties;
    private final boolean canonical;

    Sharing(JsonDeserializer<?> delegate, List<Emptied> empties, boolean canonical) {
      super(delegate);
      this.empties = empties;
      this.canonical = canonical;
    }

    @Override
    protected JsonDeserializer<?> newDelegatingInstance(JsonDeserializer<?> newDelegatee) {
      return new Sharing(newDelegatee, empties, canonical);
    }

    @Override
    public Object deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      Object o = super.deserialize(p, ctxt);
      if (o == null) {
        return null;
      }
      if (o instanceof Map<?, ?> m) {
        if (m.isEmpty()) {
          return Collections.emptyMap();
        }
        @SuppressWarnings("unchecked")
        Map<String, String> strings = (Map<String, String>) m;
        Map<String, String> compact = CompactStringMap.of(strings);
        return Canonical.of(compact == null ? Collections.unmodifiableMap(strings) : compact);
      }
      for (Emptied e : empties) {
        try {
          Object value = (Object) e.get().invokeExact(o);
          if (value != e.empty()
              && (value instanceof Map<?, ?> m && m.isEmpty()
                  || value instanceof List<?> l && l.isEmpty())) {
            if (e.empty() instanceof Map<?, ?> m) {
              e.set().invokeExact(o, m);
            } else {
              e.set().invokeExact(o, (List<?>) e.empty());
            }
          }
        } catch (Throwable t) {
          throw new IllegalStateException("cannot share the empty values of " + o.getClass(), t);
        }
      }
      return canonical ? Canonical.of(o) : o;
    }
  }

  /**
   * Free-form trees in a bean (a collector's receivers, exporters, processors): equal trees are
   * held once. The operator's reconciler works on a defaulted deep copy, never on these.
   */
  static final class SharedTree extends StdDeserializer<JsonNode> {
    private static final long serialVersionUID = 1L;
    private static final JsonDeserializer<? extends JsonNode> TREE =
        JsonNodeDeserializer.getDeserializer(JsonNode.class);

    SharedTree() {
      super(JsonNode.class);
    }

    @Override
    public JsonNode deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      JsonNode n = TREE.deserialize(p, ctxt);
      return n == null || !n.isContainerNode() || n.isEmpty() ? n : Canonical.of(n);
    }

    @Override
    public JsonNode getNullValue(DeserializationContext ctxt) throws JsonMappingException {
      return TREE.getNullValue(ctxt);
    }
  }

  /**
   * Lists of strings (a container's args, a pipeline's receivers, a rule's verbs): immutable, and
   * equal lists held once.
   */
  static final class SharedStrings extends StdDeserializer<List<String>> {
    private static final long serialVersionUID = 1L;
    private final JavaType type;

    SharedStrings(JavaType type) {
      super(type);
      this.type = type;
    }

    @Override
    public List<String> deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      List<String> l = ctxt.readValue(p, type);
      if (l == null) {
        return null;
      }
      if (l.isEmpty()) {
        return Collections.emptyList();
      }
      return Canonical.of(l.contains(null) ? Collections.unmodifiableList(l) : List.copyOf(l));
    }
  }

  /** One instance per distinct value, held weakly: values nobody references are collected. */
  static final class Canonical {
    private static final Map<Object, WeakReference<Object>> VALUES = new WeakHashMap<>();

    private Canonical() {}

    @SuppressWarnings("unchecked")
    static <T> T of(T value) {
      synchronized (VALUES) {
        WeakReference<Object> ref = VALUES.get(value);
        Object known = ref == null ? null : ref.get();
        if (known != null && known.getClass() == value.getClass()) {
          return (T) known;
        }
        VALUES.put(value, new WeakReference<>(value));
        return value;
      }
    }
  }
}
