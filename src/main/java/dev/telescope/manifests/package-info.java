/**
 * Pure builders: from a collector CR and the operator settings to the fabric8 objects the operator
 * wants in the cluster. No client, no I/O, no clock, so each is unit-tested field by field.
 */
package dev.telescope.manifests;
