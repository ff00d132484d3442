/**
 * Makes the cluster match the builders' output for each collector: create, update only what
 * differs, recreate on immutable changes, prune what is no longer wanted, and report status.
 */
package dev.telescope.reconciler;
