/** Every object, container, volume, port and label name the operator writes, in one place. */
package dev.telescope.naming;
