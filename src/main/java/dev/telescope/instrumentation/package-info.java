/**
 * Auto-instrumentation as pure pod mutations: which Instrumentation and containers a pod's {@code
 * instrumentation.opentelemetry.io/inject-*} annotations select, and one function per language
 * (plus the common SDK environment) that adds the agent to a copy of the pod. No client, no I/O:
 * the webhook resolves owners and Instrumentations from its caches and passes them in.
 */
package dev.telescope.instrumentation;
