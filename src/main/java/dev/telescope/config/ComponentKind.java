package dev.telescope.config;

/** The five component sections of a collector config. */
public enum ComponentKind {
  RECEIVERS("receivers", "receiver"),
  PROCESSORS("processors", "processor"),
  EXPORTERS("exporters", "exporter"),
  CONNECTORS("connectors", "connector"),
  EXTENSIONS("extensions", "extension");

  /** The section's key in the config. */
  public final String section;

  /** One component of the section, in messages. */
  public final String singular;

  ComponentKind(String section, String singular) {
    this.section = section;
    this.singular = singular;
  }
}
