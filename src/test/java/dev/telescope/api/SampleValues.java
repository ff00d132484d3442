package dev.telescope.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Quantity;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Fills model fields with non-default values by reflection, so no field can be overlooked. */
final class SampleValues {
  private static final ObjectMapper JSON = new ObjectMapper();

  private SampleValues() {}

  /**
   * Sets every public instance field declared by {@code declaringClass} on {@code target} to a
   * sample value and returns their JSON property names.
   */
  static List<String> fillPublicFields(Object target, Class<?> declaringClass) throws Exception {
    List<String> names = new ArrayList<>();
    for (Field field : declaringClass.getDeclaredFields()) {
      int mod = field.getModifiers();
      if (!Modifier.isPublic(mod) || Modifier.isStatic(mod)) {
        continue;
      }
      field.set(target, sample(field.getGenericType(), field.getName()));
      JsonProperty renamed = field.getAnnotation(JsonProperty.class);
      names.add(renamed != null && !renamed.value().isEmpty() ? renamed.value() : field.getName());
    }
    return names;
  }

  /** JSON property name -> Java type of a model class, as Jackson sees it. */
  static Map<String, String> propertyTypes(Class<?> type) {
    JavaType javaType = JSON.constructType(type);
    Map<String, String> out = new TreeMap<>();
    for (BeanPropertyDefinition p :
        JSON.getSerializationConfig().introspect(javaType).findProperties()) {
      out.put(p.getName(), p.getPrimaryType().toCanonical());
    }
    return out;
  }

  private static Object sample(Type type, String name) throws Exception {
    if (type instanceof ParameterizedType p) {
      Class<?> raw = (Class<?>) p.getRawType();
      Type[] args = p.getActualTypeArguments();
      if (List.class.isAssignableFrom(raw)) {
        return List.of(sample(args[0], name));
      }
      if (Map.class.isAssignableFrom(raw)) {
        return Map.of("k-" + name, sample(args[1], name));
      }
      throw new IllegalArgumentException("no sample for " + type);
    }
    Class<?> c = (Class<?>) type;
    if (c == String.class) {
      return "s-" + name;
    }
    if (c == Integer.class) {
      return 7;
    }
    if (c == Long.class) {
      return 8L;
    }
    if (c == Boolean.class) {
      return Boolean.TRUE;
    }
    if (c.isEnum()) {
      Object[] constants = c.getEnumConstants();
      return constants[constants.length - 1];
    }
    if (c == IntOrString.class) {
      return new IntOrString(3);
    }
    if (c == Quantity.class) {
      return new Quantity("1");
    }
    if (JsonNode.class.isAssignableFrom(c)) {
      return JSON.createObjectNode().put("k", name);
    }
    Object pojo = c.getDeclaredConstructor().newInstance();
    // Give nested objects one visible value where they have a plain string field.
    for (Field f : c.getFields()) {
      if (!Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
        f.set(pojo, "n-" + name);
        break;
      }
    }
    return pojo;
  }
}
