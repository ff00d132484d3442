/**
 * The process's slf4j backend: one line per event, text or JSON, with a level, configured once at
 * start from {@link dev.telescope.settings.LogSettings}.
 */
package dev.telescope.logging;
