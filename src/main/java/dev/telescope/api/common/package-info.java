/** Types shared by both served versions of the OpenTelemetryCollector API. */
package dev.telescope.api.common;
