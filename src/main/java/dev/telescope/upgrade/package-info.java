/**
 * The version-upgrade routine: brings collectors stored by an older operator up to date, as
 * upstream's upgrade steps do.
 */
package dev.telescope.upgrade;
