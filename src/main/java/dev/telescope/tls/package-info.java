/**
 * Serving certificates for the admission webhook: PEM loading, hot reload without restarts, and the
 * self-managed CA for clusters without cert-manager or OLM.
 */
package dev.telescope.tls;
