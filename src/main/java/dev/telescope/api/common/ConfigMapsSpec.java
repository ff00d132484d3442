package dev.telescope.api.common;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An extra ConfigMap mounted into the collector at {@code /var/conf/<mountpath>/configmap-<name>}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ConfigMapsSpec {
  public String name;
  public String mountpath;
}
