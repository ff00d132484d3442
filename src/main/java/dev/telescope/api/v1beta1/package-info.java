/** The storage version and conversion hub of the OpenTelemetryCollector API. */
package dev.telescope.api.v1beta1;
