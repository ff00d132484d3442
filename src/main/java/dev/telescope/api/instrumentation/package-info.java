/**
 * The {@code Instrumentation} kind ({@code opentelemetry.io/v1alpha1}): how pods annotated {@code
 * instrumentation.opentelemetry.io/inject-*} get their OpenTelemetry SDK and agent.
 */
package dev.telescope.api.instrumentation;
