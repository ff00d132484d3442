/**
 * Probe and scrape endpoints ({@code /healthz}, {@code /readyz}, {@code /metrics}) that the
 * operator and the webhook process both serve, so neither owns the other's plumbing.
 */
package dev.telescope.health;
