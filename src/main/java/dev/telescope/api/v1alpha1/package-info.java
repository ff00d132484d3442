/** The deprecated, still-served version whose {@code spec.config} is a YAML string. */
package dev.telescope.api.v1alpha1;
