package dev.telescope.reconciler;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetStatus;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;

/**
 * The fabric8 serialization for the operator's and the webhook's client, shaped for what informer
 * caches hold: a real API server returns {@code metadata.managedFields} on every object (40–50 % of
 * its JSON, decoded into nested maps), which we never read, so it is not decoded at all; empty and
 * equal parts of model objects are shared ({@link CompactModels}); and short strings (label keys
 * and values, namespaces, port and container names, image, protocol), the same few hundred values
 * repeated tens of thousands of times across a thousand collectors, are interned.
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
    module.setDeserializerModifier(new CompactModels());
    // Written as given (we never set it), skipped when read: a PUT without managedFields keeps
    // the server's, so nothing is lost by not holding them.
    module.setMixInAnnotation(ObjectMeta.class, WithoutManagedFields.class);
    // Workload and budget conditions (messages, timestamps, revisions: unique per object) are
    // never read: the collector's status comes from the replica counts.
    module.setMixInAnnotation(DeploymentStatus.class, WithoutConditions.class);
    module.setMixInAnnotation(DaemonSetStatus.class, WithoutConditions.class);
    module.setMixInAnnotation(StatefulSetStatus.class, WithoutConditionsOrRevisions.class);
    module.setMixInAnnotation(PodDisruptionBudgetStatus.class, WithoutConditions.class);
    mapper.registerModule(module);
    return new KubernetesSerialization(mapper, true);
  }

  @JsonIgnoreProperties(value = "managedFields", allowGetters = true)
  abstract static class WithoutManagedFields {}

  @JsonIgnoreProperties(value = "conditions", allowGetters = true)
  abstract static class WithoutConditions {}

  @JsonIgnoreProperties(
      value = {"conditions", "currentRevision", "updateRevision"},
      allowGetters = true)
  abstract static class WithoutConditionsOrRevisions {}

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
}
