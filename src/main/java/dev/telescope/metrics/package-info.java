/**
 * Telescope's own Prometheus metrics (besides JOSDK's and the JVM's), registered in one place so
 * that docs/metrics.md, the alert rules and the dashboard have one list to agree with.
 */
package dev.telescope.metrics;
