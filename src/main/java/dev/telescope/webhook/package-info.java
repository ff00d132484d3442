/**
 * The HTTPS admission and conversion webhook transport, plus the plain-HTTP health and metrics
 * endpoints; the mutating, validating and converting logic plugs in through the handler interfaces.
 */
package dev.telescope.webhook;
