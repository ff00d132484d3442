package dev.telescope.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ApplyOrderTest {
  @Test
  void whatPodsReferToIsWrittenBeforeTheWorkload() {
    List<HasMetadata> desired =
        new ArrayList<>(
            List.of(
                new DeploymentBuilder().withNewMetadata().withName("d").endMetadata().build(),
                new PodDisruptionBudgetBuilder()
                    .withNewMetadata()
                    .withName("p")
                    .endMetadata()
                    .build(),
                new ConfigMapBuilder().withNewMetadata().withName("cm").endMetadata().build(),
                new ServiceAccountBuilder().withNewMetadata().withName("sa").endMetadata().build(),
                new ServiceBuilder().withNewMetadata().withName("s1").endMetadata().build(),
                new ServiceBuilder().withNewMetadata().withName("s2").endMetadata().build()));
    ApplyOrder.sort(desired);
    assertThat(desired)
        .extracting(o -> o.getMetadata().getName())
        .containsExactly("cm", "sa", "d", "p", "s1", "s2");
  }
}
