package dev.telescope.api.v1beta1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/** One collector pipeline: the component ids it wires together. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"exporters", "processors", "receivers"})
public class Pipeline {
  public List<String> exporters;
  public List<String> processors;
  public List<String> receivers;

  public Pipeline() {}

  public Pipeline(List<String> receivers, List<String> processors, List<String> exporters) {
    this.receivers = receivers;
    this.processors = processors;
    this.exporters = exporters;
  }
}
