package dev.telescope.instrumentation;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import java.util.ArrayList;
import java.util.List;

/** Environment-list operations on a container, with upstream's "never overwrite" rule. */
final class Env {
  private Env() {}

  static List<EnvVar> of(Container c) {
    if (c.getEnv() == null) {
      c.setEnv(new ArrayList<>());
    }
    return c.getEnv();
  }

  static int indexOf(List<EnvVar> env, String name) {
    if (env == null) {
      return -1;
    }
    for (int i = 0; i < env.size(); i++) {
      if (name.equals(env.get(i).getName())) {
        return i;
      }
    }
    return -1;
  }

  static boolean has(Container c, String name) {
    return indexOf(c.getEnv(), name) >= 0;
  }

  /** Appends each variable the container does not set yet. */
  static void appendIfNotSet(Container c, List<EnvVar> vars) {
    if (vars == null) {
      return;
    }
    for (EnvVar v : vars) {
      if (!has(c, v.getName())) {
        of(c).add(copy(v));
      }
    }
  }

  static void appendIfNotSet(Container c, String name, String value) {
    if (!has(c, name)) {
      of(c).add(new EnvVar(name, value, null));
    }
  }

  /** Sets a variable: replaces its value where it is, else appends it. */
  static void set(Container c, String name, String value) {
    int i = indexOf(c.getEnv(), name);
    if (i >= 0) {
      of(c).set(i, new EnvVar(name, value, null));
    } else {
      of(c).add(new EnvVar(name, value, null));
    }
  }

  static EnvVar fieldRef(String name, String path) {
    return new EnvVarBuilder()
        .withName(name)
        .withNewValueFrom()
        .withNewFieldRef()
        .withFieldPath(path)
        .endFieldRef()
        .endValueFrom()
        .build();
  }

  static EnvVar copy(EnvVar v) {
    return new EnvVarBuilder(v).build();
  }

  /** Moves a variable to the end of the list, so that it may refer to all the others. */
  static void moveLast(Container c, String name) {
    int i = indexOf(c.getEnv(), name);
    if (i >= 0 && i < c.getEnv().size() - 1) {
      c.getEnv().add(c.getEnv().remove(i));
    }
  }
}
