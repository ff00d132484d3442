package dev.telescope.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.telescope.api.common.ScaleStatus;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;

/** v1alpha1 status: the v1beta1 fields plus two deprecated ones. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class OpenTelemetryCollectorStatus {
  public ScaleStatus scale;
  public String version;
  public String image;
  public Long observedGeneration;
  public List<Condition> conditions;

  /** Deprecated: use events. */
  public java.util.List<String> messages;

  /** Deprecated: use scale.replicas. */
  public Integer replicas;
}
