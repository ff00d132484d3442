/**
 * The HTTPS admission and conversion webhook transport (health and metrics endpoints live in {@code
 * dev.telescope.health}); the mutating, validating and converting logic plugs in through the
 * handler interfaces.
 */
package dev.telescope.webhook;
