package dev.telescope.instrumentation;

import dev.telescope.api.instrumentation.Languages;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EmptyDirVolumeSourceBuilder;
import io.fabric8.kubernetes.api.model.EphemeralVolumeSourceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import java.util.ArrayList;
import java.util.List;

/** Finding and adding containers, init containers, volumes and mounts of a pod model. */
final class PodParts {
  /** Prefix of the agent volumes and init containers; suffixed {@code -<language>}. */
  static final String PREFIX = "opentelemetry-auto-instrumentation";

  /** Size of the agent emptyDir when the Instrumentation does not say. */
  static final Quantity DEFAULT_VOLUME_SIZE = new Quantity("200Mi");

  private PodParts() {}

  static PodSpec spec(Pod pod) {
    if (pod.getSpec() == null) {
      pod.setSpec(new PodSpec());
    }
    return pod.getSpec();
  }

  static List<Container> containers(Pod pod) {
    if (spec(pod).getContainers() == null) {
      spec(pod).setContainers(new ArrayList<>());
    }
    return spec(pod).getContainers();
  }

  static List<Container> initContainers(Pod pod) {
    if (spec(pod).getInitContainers() == null) {
      spec(pod).setInitContainers(new ArrayList<>());
    }
    return spec(pod).getInitContainers();
  }

  static List<Volume> volumes(Pod pod) {
    if (spec(pod).getVolumes() == null) {
      spec(pod).setVolumes(new ArrayList<>());
    }
    return spec(pod).getVolumes();
  }

  static List<VolumeMount> mounts(Container c) {
    if (c.getVolumeMounts() == null) {
      c.setVolumeMounts(new ArrayList<>());
    }
    return c.getVolumeMounts();
  }

  static void mount(Container c, String volume, String path) {
    mounts(c).add(new VolumeMountBuilder().withName(volume).withMountPath(path).build());
  }

  /** Adds a volume unless one with its name exists (a duplicate would fail the pod). */
  static void addVolume(Pod pod, Volume v) {
    if (volumes(pod).stream().noneMatch(x -> v.getName().equals(x.getName()))) {
      volumes(pod).add(v);
    }
  }

  static boolean hasInitContainer(Pod pod, String name) {
    return find(spec(pod).getInitContainers(), name) != null;
  }

  static boolean isInitContainer(Pod pod, String name) {
    return hasInitContainer(pod, name);
  }

  static Container find(List<Container> list, String name) {
    if (list == null) {
      return null;
    }
    for (Container c : list) {
      if (name.equals(c.getName())) {
        return c;
      }
    }
    return null;
  }

  /** A container or init container by name. */
  static Container container(Pod pod, String name) {
    Container c = find(spec(pod).getContainers(), name);
    return c != null ? c : find(spec(pod).getInitContainers(), name);
  }

  /**
   * The containers to instrument: named init containers first (in pod order, so the agent's init
   * container can go before the first of them), then the named regular containers.
   */
  static List<Container> toInstrument(Pod pod, List<String> names) {
    List<Container> init = new ArrayList<>();
    List<Container> regular = new ArrayList<>();
    for (String n : names) {
      Container c = container(pod, n);
      if (c == null) {
        continue;
      }
      if (isInitContainer(pod, n)) {
        init.add(c);
      } else {
        regular.add(c);
      }
    }
    List<Container> inits = spec(pod).getInitContainers();
    init.sort((a, b) -> Integer.compare(inits.indexOf(a), inits.indexOf(b)));
    init.addAll(regular);
    return init;
  }

  /**
   * Adds an agent init container: before {@code target} when that is an init container itself (so
   * the files exist when it runs), else at the end.
   */
  static void insertInitContainer(Pod pod, Container agent, String target) {
    List<Container> inits = initContainers(pod);
    for (int i = 0; i < inits.size(); i++) {
      if (inits.get(i).getName().equals(target)) {
        inits.add(i, agent);
        return;
      }
    }
    inits.add(agent);
  }

  /** The agent volume: the claim template as an ephemeral volume, else a limited emptyDir. */
  static Volume agentVolume(Languages.Language block, String name) {
    if (block != null && block.volumeClaimTemplate != null) {
      return new VolumeBuilder()
          .withName(name)
          .withEphemeral(
              new EphemeralVolumeSourceBuilder()
                  .withVolumeClaimTemplate(block.volumeClaimTemplate)
                  .build())
          .build();
    }
    Quantity size =
        block == null || block.volumeLimitSize == null
            ? DEFAULT_VOLUME_SIZE
            : block.volumeLimitSize;
    return new VolumeBuilder()
        .withName(name)
        .withEmptyDir(new EmptyDirVolumeSourceBuilder().withSizeLimit(size).build())
        .build();
  }

  /** Sets the security context of the named init containers. */
  static void initSecurityContext(Pod pod, SecurityContext sc, String... names) {
    for (Container c : initContainers(pod)) {
      for (String n : names) {
        if (n.equals(c.getName())) {
          c.setSecurityContext(sc);
        }
      }
    }
  }
}
