package dev.telescope.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telescope.api.v1beta1.OpenTelemetryCollector;
import dev.telescope.settings.OperatorConfig;
import dev.telescope.webhook.CollectorAdmission;
import dev.telescope.webhook.CollectorLookup;
import dev.telescope.webhook.PodAdmission;
import dev.telescope.webhook.PodInstrumentation;
import dev.telescope.webhook.SidecarEvents;
import dev.telescope.webhook.SidecarInjector;
import dev.telescope.webhook.ReviewCodec;
import dev.telescope.webhook.WebhookServer;
import io.fabric8.kubernetes.api.model.GroupVersionKind;
import io.fabric8.kubernetes.api.model.GroupVersionResource;
import io.fabric8.kubernetes.api.model.Namespace;
import dev.telescope.api.instrumentation.Instrumentation;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.authentication.UserInfo;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;

/**
 * The webhook benchmark's cluster state and request: a sidecar collector with a production-like
 * pipeline, and the AdmissionReview the API server sends when a Deployment's ReplicaSet creates a
 * pod annotated for injection, so every request does a full injection and answers with a patch.
 */
public final class WebhookFixtures {
  static final String NAMESPACE = "shop";
  static final String POD_PATH = "/mutate-v1-pod";

  private WebhookFixtures() {}

  /** The sidecar collector the pods get, plus deployment-mode neighbours in other namespaces. */
  static List<OpenTelemetryCollector> collectors() {
    List<OpenTelemetryCollector> out = new ArrayList<>();
    out.add(
        Serialization.unmarshal(
            """
            apiVersion: opentelemetry.io/v1beta1
            kind: OpenTelemetryCollector
            metadata:
              name: sidecar
              namespace: shop
              uid: 6c1e7f1a-4f0e-4a53-9b8e-0d1f3e0b5a11
              resourceVersion: "4711"
              generation: 1
            spec:
              mode: sidecar
              resources:
                limits: {cpu: 200m, memory: 256Mi}
                requests: {cpu: 50m, memory: 64Mi}
              env:
                - name: DEPLOYMENT_ENVIRONMENT
                  value: production
              config:
                receivers:
                  otlp:
                    protocols:
                      grpc: {endpoint: 0.0.0.0:4317}
                      http: {endpoint: 0.0.0.0:4318}
                processors:
                  memory_limiter:
                    check_interval: 1s
                    limit_percentage: 75
                    spike_limit_percentage: 15
                  batch:
                    send_batch_size: 8192
                    timeout: 5s
                  resource:
                    attributes:
                      - key: deployment.environment
                        value: ${env:DEPLOYMENT_ENVIRONMENT}
                        action: upsert
                exporters:
                  otlp:
                    endpoint: gateway-collector.observability.svc.cluster.local:4317
                    tls:
                      insecure: true
                    sending_queue:
                      enabled: true
                      queue_size: 5000
                    retry_on_failure:
                      enabled: true
                  debug:
                    verbosity: basic
                extensions:
                  health_check:
                    endpoint: 0.0.0.0:13133
                service:
                  extensions: [health_check]
                  telemetry:
                    metrics:
                      address: 0.0.0.0:8888
                  pipelines:
                    traces:
                      receivers: [otlp]
                      processors: [memory_limiter, resource, batch]
                      exporters: [otlp]
                    metrics:
                      receivers: [otlp]
                      processors: [memory_limiter, resource, batch]
                      exporters: [otlp]
                    logs:
                      receivers: [otlp]
                      processors: [memory_limiter, batch]
                      exporters: [otlp, debug]
            """,
            OpenTelemetryCollector.class));
    for (int i = 0; i < 20; i++) {
      out.add(
          Serialization.unmarshal(
              """
              apiVersion: opentelemetry.io/v1beta1
              kind: OpenTelemetryCollector
              metadata:
                name: gateway
                namespace: team-%d
              spec:
                mode: deployment
                config:
                  receivers:
                    otlp:
                      protocols:
                        grpc: {}
                  exporters:
                    debug: {}
                  service:
                    pipelines:
                      traces:
                        receivers: [otlp]
                        exporters: [debug]
              """
                  .formatted(i),
              OpenTelemetryCollector.class));
    }
    return out;
  }

  static Namespace namespace() {
    return Serialization.unmarshal(
        """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: shop
          labels:
            kubernetes.io/metadata.name: shop
        """,
        Namespace.class);
  }

  static ReplicaSet replicaSet() {
    return Serialization.unmarshal(
        """
        apiVersion: apps/v1
        kind: ReplicaSet
        metadata:
          name: checkout-7d9f8b6c5d
          namespace: shop
          uid: 0b0c6f3e-5d7e-4f8e-9c1a-2b3c4d5e6f70
          ownerReferences:
            - apiVersion: apps/v1
              kind: Deployment
              name: checkout
              uid: 8a7b6c5d-4e3f-4a1b-9c8d-7e6f5a4b3c21
              controller: true
              blockOwnerDeletion: true
        """,
        ReplicaSet.class);
  }

  /** The pod as the ReplicaSet controller creates it, after the built-in admission plugins. */
  static Pod pod() {
    return Serialization.unmarshal(
        """
        apiVersion: v1
        kind: Pod
        metadata:
          generateName: checkout-7d9f8b6c5d-
          namespace: shop
          labels:
            app.kubernetes.io/name: checkout
            app.kubernetes.io/part-of: shop
            app.kubernetes.io/version: 2.14.1
            pod-template-hash: 7d9f8b6c5d
          annotations:
            sidecar.opentelemetry.io/inject: "true"
            kubectl.kubernetes.io/restartedAt: "2025-11-20T10:12:00Z"
            prometheus.io/scrape: "true"
            prometheus.io/port: "9090"
          ownerReferences:
            - apiVersion: apps/v1
              kind: ReplicaSet
              name: checkout-7d9f8b6c5d
              uid: 0b0c6f3e-5d7e-4f8e-9c1a-2b3c4d5e6f70
              controller: true
              blockOwnerDeletion: true
        spec:
          serviceAccountName: checkout
          serviceAccount: checkout
          automountServiceAccountToken: true
          enableServiceLinks: true
          dnsPolicy: ClusterFirst
          restartPolicy: Always
          schedulerName: default-scheduler
          terminationGracePeriodSeconds: 30
          priority: 0
          preemptionPolicy: PreemptLowerPriority
          securityContext:
            runAsNonRoot: true
            runAsUser: 10001
            fsGroup: 10001
            seccompProfile: {type: RuntimeDefault}
          containers:
            - name: checkout
              image: registry.example.com/shop/checkout:2.14.1
              imagePullPolicy: IfNotPresent
              args: ["--port=8080", "--metrics-port=9090", "--log-format=json"]
              ports:
                - {name: http, containerPort: 8080, protocol: TCP}
                - {name: metrics, containerPort: 9090, protocol: TCP}
              env:
                - {name: OTEL_SERVICE_NAME, value: checkout}
                - {name: OTEL_EXPORTER_OTLP_ENDPOINT, value: "http://localhost:4317"}
                - {name: OTEL_TRACES_SAMPLER, value: parentbased_traceidratio}
                - {name: OTEL_TRACES_SAMPLER_ARG, value: "0.25"}
                - {name: DATABASE_HOST, value: postgres.shop.svc.cluster.local}
                - {name: DATABASE_NAME, value: checkout}
                - name: DATABASE_PASSWORD
                  valueFrom:
                    secretKeyRef: {name: checkout-db, key: password}
                - name: POD_IP
                  valueFrom:
                    fieldRef: {apiVersion: v1, fieldPath: status.podIP}
                - {name: CART_SERVICE_ADDR, value: "cart.shop.svc.cluster.local:7070"}
                - {name: PAYMENT_SERVICE_ADDR, value: "payment.shop.svc.cluster.local:50051"}
              resources:
                limits: {cpu: "1", memory: 512Mi}
                requests: {cpu: 250m, memory: 256Mi}
              livenessProbe:
                httpGet: {path: /healthz, port: http, scheme: HTTP}
                initialDelaySeconds: 10
                periodSeconds: 10
                timeoutSeconds: 1
                successThreshold: 1
                failureThreshold: 3
              readinessProbe:
                httpGet: {path: /ready, port: http, scheme: HTTP}
                periodSeconds: 5
                timeoutSeconds: 1
                successThreshold: 1
                failureThreshold: 3
              securityContext:
                allowPrivilegeEscalation: false
                readOnlyRootFilesystem: true
                capabilities: {drop: [ALL]}
              terminationMessagePath: /dev/termination-log
              terminationMessagePolicy: File
              volumeMounts:
                - {name: tmp, mountPath: /tmp}
                - {name: kube-api-access-7xk2p, mountPath: /var/run/secrets/kubernetes.io/serviceaccount, readOnly: true}
          volumes:
            - name: tmp
              emptyDir: {}
            - name: kube-api-access-7xk2p
              projected:
                defaultMode: 420
                sources:
                  - serviceAccountToken: {expirationSeconds: 3607, path: token}
                  - configMap:
                      name: kube-root-ca.crt
                      items: [{key: ca.crt, path: ca.crt}]
                  - downwardAPI:
                      items:
                        - path: namespace
                          fieldRef: {apiVersion: v1, fieldPath: metadata.namespace}
          tolerations:
            - {key: node.kubernetes.io/not-ready, operator: Exists, effect: NoExecute, tolerationSeconds: 300}
            - {key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 300}
        """,
        Pod.class);
  }

  /** The Instrumentation the Java-instrumented pod names: upstream's usual Java setup. */
  static Instrumentation instrumentation() {
    return Serialization.unmarshal(
        """
        apiVersion: opentelemetry.io/v1alpha1
        kind: Instrumentation
        metadata:
          name: java
          namespace: shop
          annotations:
            instrumentation.opentelemetry.io/default-auto-instrumentation-java-image: ghcr.io/open-telemetry/opentelemetry-operator/autoinstrumentation-java:2.30.0
        spec:
          exporter:
            endpoint: http://localhost:4318
          propagators: [tracecontext, baggage, b3]
          sampler:
            type: parentbased_traceidratio
            argument: "0.25"
          resource:
            addK8sUIDAttributes: true
          java:
            image: ghcr.io/open-telemetry/opentelemetry-operator/autoinstrumentation-java:2.30.0
            resources:
              limits: {cpu: 500m, memory: 64Mi}
              requests: {cpu: 50m, memory: 64Mi}
        """,
        Instrumentation.class);
  }

  /** {@link #pod()} also asking for the Java agent (sidecar and instrumentation in one patch). */
  static Pod javaPod() {
    Pod pod = pod();
    pod.getMetadata().getAnnotations().put("instrumentation.opentelemetry.io/inject-java", "java");
    return pod;
  }

  /** The AdmissionReview JSON the API server posts for {@link #pod()}. */
  static byte[] admissionReview(ObjectMapper mapper) {
    return admissionReview(mapper, pod());
  }

  /** The AdmissionReview JSON the API server posts for a pod. */
  static byte[] admissionReview(ObjectMapper mapper, Pod pod) {
    AdmissionRequest request = new AdmissionRequest();
    request.setUid("705ab4f5-6393-11e8-b7cc-42010a800002");
    request.setKind(new GroupVersionKind("", "Pod", "v1"));
    request.setResource(new GroupVersionResource("", "pods", "v1"));
    request.setRequestKind(new GroupVersionKind("", "Pod", "v1"));
    request.setRequestResource(new GroupVersionResource("", "pods", "v1"));
    request.setNamespace(NAMESPACE);
    request.setOperation("CREATE");
    UserInfo user = new UserInfo();
    user.setUsername("system:serviceaccount:kube-system:replicaset-controller");
    user.setUid("9d6c3b1e-2f4a-4c5b-8e7d-6a5b4c3d2e1f");
    user.setGroups(
        List.of(
            "system:serviceaccounts",
            "system:serviceaccounts:kube-system",
            "system:authenticated"));
    request.setUserInfo(user);
    request.setObject(pod);
    request.setDryRun(false);
    request.setOptions(
        Map.of("apiVersion", "meta.k8s.io/v1", "kind", "CreateOptions", "fieldManager", "kcm"));
    AdmissionReview review = new AdmissionReview();
    review.setApiVersion("admission.k8s.io/v1");
    review.setKind("AdmissionReview");
    review.setRequest(request);
    try {
      return mapper.writeValueAsBytes(review);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The pod admission the webhook command wires, over an in-memory lookup. */
  static PodAdmission podAdmission() {
    OperatorConfig cfg = OperatorConfig.defaults();
    CollectorLookup lookup =
        CollectorLookup.of(collectors(), List.of(namespace()), List.of(replicaSet()))
            .withInstrumentations(List.of(instrumentation()));
    // As the webhook command wires it: the instrumentation step runs for every pod.
    return new PodAdmission(
        new SidecarInjector(cfg),
        lookup,
        SidecarEvents.NONE,
        new PodInstrumentation(cfg.instrumentation()));
  }

  /**
   * The webhook server with the routes {@code telescope webhook} serves, on 127.0.0.1.
   *
   * @param port 0 for any free port
   */
  static WebhookServer webhookServer(SSLContext ssl, PodAdmission pods, int port) {
    OperatorConfig cfg = OperatorConfig.defaults();
    WebhookServer server =
        new WebhookServer(
            WebhookServer.Options.defaults()
                .withAddress("127.0.0.1", port)
                .withThreads(cfg.webhookThreads(), 1024),
            ssl);
    routes(server.codec(), pods);
    return server;
  }

  /** The routes {@code telescope webhook} serves, on any transport's codec. */
  static ReviewCodec routes(ReviewCodec codec, PodAdmission pods) {
    CollectorAdmission collectors = new CollectorAdmission(OperatorConfig.defaults());
    codec.addAdmissionRoute(POD_PATH, pods, true);
    codec.addAdmissionRoute(CollectorAdmission.MUTATE_PATH, collectors::mutate, false);
    codec.addAdmissionRoute(CollectorAdmission.VALIDATE_PATH, collectors::validate, false);
    codec.addConversionRoute(CollectorAdmission.CONVERT_PATH, collectors::convert);
    return codec;
  }
}
