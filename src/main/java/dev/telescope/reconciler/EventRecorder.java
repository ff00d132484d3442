package dev.telescope.reconciler;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.api.model.events.v1.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes events.k8s.io/v1 Events about collectors, under upstream's reporting controller name so
 * existing dashboards and tests find them. Failing to record an event never fails a reconcile.
 */
public class EventRecorder {
  public static final String CONTROLLER = "opentelemetry-operator";
  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
  private static final DateTimeFormatter MICRO =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'", Locale.ROOT);

  private final KubernetesClient client;
  private final String instance;

  public EventRecorder(KubernetesClient client, String instance) {
    this.client = client;
    this.instance = instance;
  }

  /** A Normal event. */
  public void normal(HasMetadata regarding, String reason, String action, String note) {
    record(regarding, "Normal", reason, action, note);
  }

  /** A Warning event. */
  public void warning(HasMetadata regarding, String reason, String action, String note) {
    record(regarding, "Warning", reason, action, note);
  }

  void record(HasMetadata regarding, String type, String reason, String action, String note) {
    String ns = regarding.getMetadata().getNamespace();
    Event e =
        new EventBuilder()
            .withNewMetadata()
            .withName(
                regarding.getMetadata().getName()
                    + "."
                    + UUID.randomUUID().toString().substring(0, 13).replace("-", ""))
            .withNamespace(ns)
            .endMetadata()
            .withType(type)
            .withReason(reason)
            .withAction(action)
            .withNote(note.length() > 1024 ? note.substring(0, 1021) + "..." : note)
            .withReportingController(CONTROLLER)
            .withReportingInstance(instance)
            .withEventTime(new MicroTime(MICRO.format(ZonedDateTime.now(ZoneOffset.UTC))))
            .withRegarding(
                new ObjectReferenceBuilder()
                    .withApiVersion(regarding.getApiVersion())
                    .withKind(regarding.getKind())
                    .withName(regarding.getMetadata().getName())
                    .withNamespace(ns)
                    .withUid(regarding.getMetadata().getUid())
                    .build())
            .build();
    try {
      client.resource(e).create();
    } catch (RuntimeException ex) {
      LOG.warn(
          "could not record event {} on {}/{}: {}",
          reason,
          ns,
          regarding.getMetadata().getName(),
          ex.getMessage());
    }
  }
}
