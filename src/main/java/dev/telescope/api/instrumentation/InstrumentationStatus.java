package dev.telescope.api.instrumentation;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Empty, as upstream's: an Instrumentation has no operand whose state could be reported; the
 * subresource exists so clients written for upstream can address it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class InstrumentationStatus {}
