/**
 * Operator settings, read once, and the typed view of a collector's own configuration: which
 * components it uses, which ports and RBAC rules follow from them, and its hash.
 */
package dev.telescope.config;
