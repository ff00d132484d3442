package dev.telescope.instrumentation;

import dev.telescope.api.instrumentation.Exporter;
import dev.telescope.api.instrumentation.Instrumentation;
import dev.telescope.api.instrumentation.InstrumentationSpec;
import dev.telescope.api.instrumentation.Propagator;
import io.fabric8.kubernetes.api.model.ConfigMapVolumeSourceBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretVolumeSourceBuilder;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The SDK environment every language gets (upstream's order and precedence): the node and pod IPs
 * first, the Instrumentation's env, then service name, exporter, pod identity, resource attributes,
 * propagators and sampler, with {@code OTEL_RESOURCE_ATTRIBUTES} moved last because it refers to
 * the variables before it. A variable the container already sets is never overwritten.
 */
final class SdkEnv {
  static final String POD_IP = "OTEL_POD_IP";
  static final String NODE_IP = "OTEL_NODE_IP";
  static final String SERVICE_NAME = "OTEL_SERVICE_NAME";
  static final String ENDPOINT = "OTEL_EXPORTER_OTLP_ENDPOINT";
  static final String CERTIFICATE = "OTEL_EXPORTER_OTLP_CERTIFICATE";
  static final String CLIENT_CERTIFICATE = "OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE";
  static final String CLIENT_KEY = "OTEL_EXPORTER_OTLP_CLIENT_KEY";
  static final String POD_NAME = "OTEL_RESOURCE_ATTRIBUTES_POD_NAME";
  static final String POD_UID = "OTEL_RESOURCE_ATTRIBUTES_POD_UID";
  static final String NODE_NAME = "OTEL_RESOURCE_ATTRIBUTES_NODE_NAME";
  static final String RESOURCE_ATTRIBUTES = "OTEL_RESOURCE_ATTRIBUTES";
  static final String PROPAGATORS = "OTEL_PROPAGATORS";
  static final String SAMPLER = "OTEL_TRACES_SAMPLER";
  static final String SAMPLER_ARG = "OTEL_TRACES_SAMPLER_ARG";

  /** Pod annotations {@code resource.opentelemetry.io/<key>} become resource attributes. */
  static final String RESOURCE_PREFIX = "resource.opentelemetry.io/";

  static final String LABEL_NAME = "app.kubernetes.io/name";
  static final String LABEL_INSTANCE = "app.kubernetes.io/instance";
  static final String LABEL_VERSION = "app.kubernetes.io/version";
  static final String LABEL_PART_OF = "app.kubernetes.io/part-of";

  private SdkEnv() {}

  /** The IPs (prepended, as upstream) and the Instrumentation's own env. */
  static void common(InstrumentationSpec spec, Container c) {
    if (!Env.has(c, POD_IP)) {
      Env.of(c).add(0, Env.fieldRef(POD_IP, "status.podIP"));
    }
    if (!Env.has(c, NODE_IP)) {
      Env.of(c).add(0, Env.fieldRef(NODE_IP, "status.hostIP"));
    }
    Env.appendIfNotSet(c, spec.env);
  }

  /**
   * Service name, exporter, pod identity, resource attributes, propagators and sampler.
   *
   * @param target the container receiving the variables (the Go agent for Go)
   * @param app the container producing the telemetry
   */
  static void sdkConfig(
      Instrumentation inst, PodContext ctx, Pod pod, Container target, Container app) {
    InstrumentationSpec spec = inst.getSpec();
    boolean useLabels = useLabels(spec);
    Map<String, String> resources = resourceMap(spec, ctx, pod, app);
    if (!Env.has(target, SERVICE_NAME)) {
      Env.of(target)
          .add(new EnvVar(SERVICE_NAME, serviceName(pod, useLabels, resources, app), null));
    }
    exporter(spec.exporter, pod, target);
    Env.of(target).add(Env.fieldRef(POD_NAME, "metadata.name"));
    resources.put("k8s.pod.name", "$(" + POD_NAME + ")");
    boolean uids = spec.resource != null && Boolean.TRUE.equals(spec.resource.addK8sUIDAttributes);
    if (uids && isEmpty(resources.get("k8s.pod.uid"))) {
      Env.of(target).add(Env.fieldRef(POD_UID, "metadata.uid"));
      resources.put("k8s.pod.uid", "$(" + POD_UID + ")");
    }
    int idx = Env.indexOf(target.getEnv(), RESOURCE_ATTRIBUTES);
    if (idx < 0
        || !String.valueOf(target.getEnv().get(idx).getValue()).contains("service.version")) {
      String version = serviceVersion(pod, useLabels, app);
      if (!version.isEmpty()) {
        resources.put("service.version", version);
      }
    }
    if (isEmpty(resources.get("k8s.node.name"))) {
      Env.of(target).add(Env.fieldRef(NODE_NAME, "spec.nodeName"));
      resources.put("k8s.node.name", "$(" + NODE_NAME + ")");
    }
    String attributes = join(resources);
    idx = Env.indexOf(target.getEnv(), RESOURCE_ATTRIBUTES);
    if (idx < 0) {
      Env.of(target).add(new EnvVar(RESOURCE_ATTRIBUTES, attributes, null));
    } else {
      EnvVar existing = target.getEnv().get(idx);
      String value = existing.getValue() == null ? "" : existing.getValue();
      String sep = value.endsWith(",") ? "" : ",";
      target.getEnv().set(idx, new EnvVar(RESOURCE_ATTRIBUTES, value + sep + attributes, null));
    }
    if (!Env.has(target, PROPAGATORS) && spec.propagators != null && !spec.propagators.isEmpty()) {
      Env.of(target)
          .add(
              new EnvVar(
                  PROPAGATORS,
                  spec.propagators.stream().map(Propagator::value).collect(Collectors.joining(",")),
                  null));
    }
    if (!Env.has(target, SAMPLER)
        && spec.sampler != null
        && spec.sampler.type != null
        && !Env.has(target, SAMPLER_ARG)) {
      Env.of(target).add(new EnvVar(SAMPLER, spec.sampler.type.value(), null));
      if (!isEmpty(spec.sampler.argument)) {
        Env.of(target).add(new EnvVar(SAMPLER_ARG, spec.sampler.argument, null));
      }
    }
    Env.moveLast(target, RESOURCE_ATTRIBUTES);
  }

  static boolean useLabels(InstrumentationSpec spec) {
    return spec.defaults != null
        && Boolean.TRUE.equals(spec.defaults.useLabelsForResourceAttributes);
  }

  /** The endpoint, and the TLS files with the volumes and mounts they come from. */
  static void exporter(Exporter exporter, Pod pod, Container c) {
    if (exporter == null) {
      return;
    }
    if (!isEmpty(exporter.endpoint)) {
      Env.appendIfNotSet(c, ENDPOINT, exporter.endpoint);
    }
    Exporter.Tls tls = exporter.tls;
    if (tls == null) {
      return;
    }
    String secret = tls.secretName == null ? "" : tls.secretName;
    String configMap = tls.configMapName == null ? "" : tls.configMapName;
    String secretVolume = truncate("otel-auto-secret-" + secret);
    String secretPath = "/otel-auto-instrumentation-secret-" + secret;
    String configMapVolume = truncate("otel-auto-configmap-" + configMap);
    String configMapPath = "/otel-auto-instrumentation-configmap-" + configMap;
    if (!isEmpty(tls.caFile)) {
      String dir = configMap.isEmpty() ? secretPath : configMapPath;
      Env.appendIfNotSet(c, CERTIFICATE, file(dir, tls.caFile));
    }
    if (!isEmpty(tls.certFile)) {
      Env.appendIfNotSet(c, CLIENT_CERTIFICATE, file(secretPath, tls.certFile));
    }
    if (!isEmpty(tls.keyFile)) {
      Env.appendIfNotSet(c, CLIENT_KEY, file(secretPath, tls.keyFile));
    }
    if (!secret.isEmpty()) {
      PodParts.addVolume(
          pod,
          new VolumeBuilder()
              .withName(secretVolume)
              .withSecret(new SecretVolumeSourceBuilder().withSecretName(secret).build())
              .build());
      mountReadOnly(c, secretVolume, secretPath);
    }
    if (!configMap.isEmpty()) {
      PodParts.addVolume(
          pod,
          new VolumeBuilder()
              .withName(configMapVolume)
              .withConfigMap(new ConfigMapVolumeSourceBuilder().withName(configMap).build())
              .build());
      mountReadOnly(c, configMapVolume, configMapPath);
    }
  }

  private static void mountReadOnly(Container c, String volume, String path) {
    List<VolumeMount> mounts = PodParts.mounts(c);
    if (mounts.stream().noneMatch(m -> volume.equals(m.getName()))) {
      mounts.add(
          new VolumeMountBuilder().withName(volume).withMountPath(path).withReadOnly(true).build());
    }
  }

  private static String file(String dir, String name) {
    return name.startsWith("/") ? name : dir + "/" + name;
  }

  /** Upstream's naming.Truncate: at most 63 characters, no trailing dash or dot. */
  static String truncate(String name) {
    String out = name.length() > 63 ? name.substring(0, 63) : name;
    while (out.endsWith("-") || out.endsWith(".")) {
      out = out.substring(0, out.length() - 1);
    }
    return out;
  }

  /** Resource attributes: the spec's, then k8s.*, then the pod's annotations (highest). */
  static Map<String, String> resourceMap(
      InstrumentationSpec spec, PodContext ctx, Pod pod, Container app) {
    Set<String> existing = new HashSet<>();
    int idx = Env.indexOf(app.getEnv(), RESOURCE_ATTRIBUTES);
    if (idx >= 0 && app.getEnv().get(idx).getValue() != null) {
      for (String kv : app.getEnv().get(idx).getValue().split(",")) {
        String[] parts = kv.trim().split("=");
        if (parts.length == 2) {
          existing.add(parts[0]);
        }
      }
    }
    Map<String, String> res = new TreeMap<>();
    if (spec.resource != null && spec.resource.resourceAttributes != null) {
      spec.resource.resourceAttributes.forEach(
          (k, v) -> {
            if (!existing.contains(k)) {
              res.put(k, v);
            }
          });
    }
    boolean uids = spec.resource != null && Boolean.TRUE.equals(spec.resource.addK8sUIDAttributes);
    Map<String, String> k8s = new TreeMap<>();
    var meta = pod.getMetadata();
    k8s.put("k8s.namespace.name", ctx.namespace());
    k8s.put("k8s.container.name", app.getName());
    k8s.put("k8s.pod.name", meta == null ? null : meta.getName());
    k8s.put("k8s.pod.uid", meta == null ? null : meta.getUid());
    k8s.put("k8s.node.name", pod.getSpec() == null ? null : pod.getSpec().getNodeName());
    k8s.put("service.instance.id", instanceId(pod, ctx.namespace(), app.getName()));
    for (PodContext.Owner o : ctx.owners()) {
      String kind = o.kind() == null ? "" : o.kind().toLowerCase(java.util.Locale.ROOT);
      if (Set.of("replicaset", "deployment", "statefulset", "daemonset", "job", "cronjob")
          .contains(kind)) {
        k8s.put("k8s." + kind + ".name", o.name());
        if (uids) {
          k8s.put("k8s." + kind + ".uid", o.uid());
        }
      }
    }
    k8s.forEach(
        (k, v) -> {
          if (!existing.contains(k) && !isEmpty(v)) {
            res.put(k, v);
          }
        });
    annotations(pod)
        .forEach(
            (k, v) -> {
              if (k.startsWith(RESOURCE_PREFIX)) {
                String key = k.substring(RESOURCE_PREFIX.length());
                if (!existing.contains(key) && !key.equals("service.name")) {
                  res.put(key, v);
                }
              }
            });
    String serviceNamespace =
        labelOrAnnotation(pod, useLabels(spec), "service.namespace", List.of(LABEL_PART_OF));
    if (serviceNamespace.isEmpty()) {
      serviceNamespace = ctx.namespace() == null ? "" : ctx.namespace();
    }
    if (!serviceNamespace.isEmpty() && !existing.contains("service.namespace")) {
      res.put("service.namespace", serviceNamespace);
    }
    return res;
  }

  private static String instanceId(Pod pod, String namespace, String container) {
    String fromAnnotation = labelOrAnnotation(pod, false, "service.instance.id", List.of());
    if (!fromAnnotation.isEmpty()) {
      return fromAnnotation;
    }
    if (isEmpty(namespace) || isEmpty(container)) {
      return "";
    }
    return namespace + ".$(" + POD_NAME + ")." + container;
  }

  /** Annotation first, then (when enabled) the labels; "" when none. */
  static String labelOrAnnotation(
      Pod pod, boolean useLabels, String attribute, List<String> labels) {
    String v = annotations(pod).get(RESOURCE_PREFIX + attribute);
    if (!isEmpty(v)) {
      return v;
    }
    if (useLabels && pod.getMetadata() != null && pod.getMetadata().getLabels() != null) {
      for (String label : labels) {
        String l = pod.getMetadata().getLabels().get(label);
        if (!isEmpty(l)) {
          return l;
        }
      }
    }
    return "";
  }

  static String serviceName(
      Pod pod, boolean useLabels, Map<String, String> resources, Container app) {
    String name =
        labelOrAnnotation(pod, useLabels, "service.name", List.of(LABEL_NAME, LABEL_INSTANCE));
    if (!name.isEmpty()) {
      return name;
    }
    for (String key :
        List.of(
            "k8s.deployment.name",
            "k8s.replicaset.name",
            "k8s.statefulset.name",
            "k8s.daemonset.name",
            "k8s.cronjob.name",
            "k8s.job.name",
            "k8s.pod.name")) {
      if (!isEmpty(resources.get(key))) {
        return resources.get(key);
      }
    }
    return app.getName();
  }

  static String serviceVersion(Pod pod, boolean useLabels, Container app) {
    String v = labelOrAnnotation(pod, useLabels, "service.version", List.of(LABEL_VERSION));
    return v.isEmpty() ? ImageVersion.of(app.getImage()) : v;
  }

  private static Map<String, String> annotations(Pod pod) {
    return pod.getMetadata() == null || pod.getMetadata().getAnnotations() == null
        ? Map.of()
        : pod.getMetadata().getAnnotations();
  }

  private static String join(Map<String, String> attributes) {
    List<String> pairs = new ArrayList<>();
    new TreeMap<>(attributes).forEach((k, v) -> pairs.add(k + "=" + v));
    return String.join(",", pairs);
  }

  static boolean isEmpty(String s) {
    return s == null || s.isEmpty();
  }
}
